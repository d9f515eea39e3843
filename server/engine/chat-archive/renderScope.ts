/**
 * What a chat's blocks are rendered with (renderBlock's ChatContext) and what their source keys
 * look up: one object per chat whose fields are set for each group just before it is rendered,
 * so a 100k-message import makes no closures per block (it made seven before, each one garbage a
 * moment later). Rendering and keying are synchronous, so nothing sees the fields change under it.
 */
import type { ChatContext, TopicTracker } from '../telegram-notes';
import type { ChatNotes } from './chatNotes';
import type { SourceKeyLinks } from './sourceKey';

const NO_MEDIA: ReadonlyMap<string, string | null> = new Map();

export class RenderScope implements ChatContext, SourceKeyLinks {
  /** The note being written, without ".md". */
  currentNote: string | undefined;
  private ids: readonly number[] = [];
  private media: ReadonlyMap<string, string | null> = NO_MEDIA;

  constructor(
    readonly chatId: number,
    readonly chatTitle: string,
    readonly chatType: string,
    private readonly notes: ChatNotes,
    private readonly topics: TopicTracker,
  ) {}

  /** The group about to be rendered: its note's path (with ".md"), its ids, where its files are. */
  set(notePath: string, ids: readonly number[], media: ReadonlyMap<string, string | null>): this {
    this.currentNote = stripMd(notePath);
    this.ids = ids;
    this.media = media;
    return this;
  }

  noteOf(id: number): string | undefined {
    if (this.ids.includes(id)) return this.currentNote;
    const r = this.notes.table.find(id);
    return r >= 0 ? stripMd(this.notes.noteOfRow(r).rec.path) : undefined;
  }

  anchorOf(id: number): number | undefined {
    if (this.ids.includes(id)) return this.ids[0];
    const { table } = this.notes;
    const r = table.find(id);
    return r >= 0 ? table.first[r] : undefined;
  }

  isTopicRoot(id: number): boolean {
    return this.topics.isTopicRoot(id);
  }

  attachmentOf(exportPath: string): string | null {
    return this.media.get(exportPath) ?? null;
  }
}

function stripMd(p: string): string {
  return p.endsWith('.md') ? p.slice(0, -3) : p;
}
