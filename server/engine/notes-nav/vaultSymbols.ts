/**
 * Workspace symbols (Ctrl+T): chats, forum topics, channels and videos by title, read from each
 * note's properties. Only the first few KB of a note are read, once per change of its mtime or
 * size; keystrokes between two walks of the vault (VaultFiles) match against what is at hand.
 */
import * as path from 'node:path';
import { propsOf, type NoteProps } from './noteModel';
import type { FileIndex } from './resolve';
import { type NavFs, readHead } from './vaultFiles';

export type VaultSymbolKind = 'chat' | 'topic' | 'channel' | 'video';

export interface VaultSymbol {
  readonly name: string;
  /** The chat of a topic, the channel of a video. */
  readonly container?: string;
  readonly kind: VaultSymbolKind;
  /** Vault-relative path of the note. */
  readonly path: string;
}

const HEAD_BYTES = 4096;
const STAT_CONCURRENCY = 16;

/** What a note is, from its properties and name; undefined for notes that are none of these. */
export function symbolOf(notePath: string, props: NoteProps): VaultSymbol | undefined {
  const base = path.posix.basename(notePath, '.md');
  const title = props.title?.replace(/\s+/g, ' ').trim();
  if (props.source === 'telegram') {
    if (!title) return undefined;
    if (props.topic) return { name: props.topic.replace(/\s+/g, ' ').trim(), container: title, kind: 'topic', path: notePath };
    const month = / (\d{4}-\d{2})$/.exec(base);
    const name = month && !title.endsWith(month[1]!) ? `${title} ${month[1]}` : title;
    return { name, kind: /channel/.test(props.type ?? '') ? 'channel' : 'chat', path: notePath };
  }
  if (props.source === 'youtube') {
    if (props.videoId) return { name: title || props.videoId, container: props.channel, kind: 'video', path: notePath };
    if (props.channelId) return { name: title || props.channelId, kind: 'channel', path: notePath };
  }
  return undefined;
}

/** The properties in the head of a note (undefined when its frontmatter is longer than the head). */
export function propsFromHead(head: string): NoteProps | undefined {
  const text = head.replace(/\r\n/g, '\n');
  if (!text.startsWith('---\n')) return undefined;
  const close = text.indexOf('\n---', 3);
  if (close < 0) return undefined;
  return propsOf(text.slice(4, close));
}

/** Case-insensitive, accents ignored: "Cafe" finds "Café". */
const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Score of `query` in `name`: lower is better; undefined when the letters are not all there in order. */
export function matchScore(query: string, name: string): number | undefined {
  const q = fold(query).replace(/\s+/g, '');
  if (!q) return 0;
  const n = fold(name);
  if (n.startsWith(q)) return 0;
  const at = n.indexOf(q);
  if (at >= 0) return 1;
  let i = 0;
  for (const ch of n) if (ch === q[i]) i++;
  return i === q.length ? 2 : undefined;
}

interface Entry {
  readonly mtimeMs: number;
  readonly size: number;
  readonly symbol: VaultSymbol | undefined;
}

export class VaultSymbols {
  private readonly entries = new Map<string, Entry>();
  private refreshing: Promise<void> | undefined;
  private refreshedFor: FileIndex | undefined;
  private refreshedRoot: string | undefined;

  constructor(
    private readonly root: () => string,
    private readonly fs: NavFs,
  ) {}

  /** Symbols matching `query`, best first, at most `limit`. */
  async query(files: FileIndex, query: string, limit = 200): Promise<VaultSymbol[]> {
    const root = this.root();
    if (root !== this.refreshedRoot) {
      this.entries.clear(); // another vault
      this.refreshedRoot = root;
    }
    // A new list comes at most every few seconds (VaultFiles): reading what changed is mostly stats.
    if (this.refreshedFor !== files) await this.refresh(files);
    const scored: { s: VaultSymbol; score: number }[] = [];
    for (const e of this.entries.values()) {
      if (!e.symbol) continue;
      const own = matchScore(query, e.symbol.name);
      const score = own ?? (e.symbol.container !== undefined ? matchScore(query, `${e.symbol.container} ${e.symbol.name}`) : undefined);
      if (score !== undefined) scored.push({ s: e.symbol, score: own === undefined ? score + 3 : score });
    }
    scored.sort((a, b) => a.score - b.score || a.s.name.localeCompare(b.s.name) || (a.s.path < b.s.path ? -1 : 1));
    return scored.slice(0, limit).map((x) => x.s);
  }

  private refresh(files: FileIndex): Promise<void> {
    this.refreshing ??= this.update(files).finally(() => {
      this.refreshing = undefined;
      this.refreshedFor = files;
    });
    return this.refreshing;
  }

  private async update(files: FileIndex): Promise<void> {
    const notes = files.paths.filter((p) => p.endsWith('.md'));
    const alive = new Set(notes);
    for (const p of this.entries.keys()) if (!alive.has(p)) this.entries.delete(p);
    let next = 0;
    const work = async (): Promise<void> => {
      while (next < notes.length) {
        const rel = notes[next++]!;
        const abs = path.join(this.root(), rel);
        try {
          const st = await this.fs.stat(abs);
          const known = this.entries.get(rel);
          if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) continue;
          const props = propsFromHead(await readHead(this.fs, abs, HEAD_BYTES));
          this.entries.set(rel, { mtimeMs: st.mtimeMs, size: st.size, symbol: props && symbolOf(rel, props) });
        } catch {
          this.entries.delete(rel); // removed meanwhile
        }
      }
    };
    await Promise.all(Array.from({ length: STAT_CONCURRENCY }, work));
  }
}
