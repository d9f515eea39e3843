/**
 * Reads a note on disk into search documents: every message block of a Telegram chat note
 * (from the start, or from where the last indexing stopped when the note only grew), a YouTube
 * video note as one document (title and description), any other Markdown note as one document.
 * Telegram notes are read in large chunks cut after the last complete block (as the importer
 * reads them back), so a note of any size is read in bounded memory, and a torn last block is
 * never indexed.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { lastBlockEnd } from '../chat-archive/noteScan';
import { parseBlocks, parseFrontmatter } from '../telegram-notes';
import type { VaultFs } from '../vault/vaultFs';
import { HAS_BITS, readBlock, readableText } from './blockText';
import { indexTerms } from './fold';
import type { DocKind, NewDoc } from './indexStore';

export interface NoteHead {
  readonly kind: DocKind;
  readonly source: string;
  readonly topic?: string;
  /** Bytes and lines of the frontmatter (0 without one). */
  readonly headerBytes: number;
  readonly headerLines: number;
  /** Not indexed at all (a YouTube channel note: it only lists its videos' titles). */
  readonly skip?: boolean;
}

const HEAD_BYTES = 64 * 1024;
/**
 * Read (and indexed, in one transaction) at a time: about 5k messages, a fifth of a second of
 * work during which the worker answers nothing else, and little garbage at a time.
 */
const CHUNK_BYTES = 1 << 20;
const MAX_NOTE_BYTES = 4 << 20;
const TAIL_HASH_BYTES = 4096;

const countLines = (s: string): number => {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

/** `length` bytes of `file` from `start` (fewer at its end), after a copy of `before` when given. */
async function readRange(fs: VaultFs, file: string, start: number, length: number, before?: Buffer): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const lead = before?.length ?? 0;
    const buf = Buffer.allocUnsafe(lead + Math.max(0, length));
    if (before) before.copy(buf, 0);
    let got = lead;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, start + got - lead);
      if (bytesRead <= 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await handle.close();
  }
}

function fencedYaml(text: string): { yaml: string; end: number } | undefined {
  if (!text.startsWith('---\n')) return undefined;
  const close = text.indexOf('\n---\n', 3);
  if (close < 0) return undefined;
  return { yaml: text.slice(4, close + 1), end: close + 5 };
}

/** What a note is, from its first bytes. `name`: the file name without ".md". */
export async function readNoteHead(fs: VaultFs, file: string, name: string): Promise<NoteHead> {
  const text = (await readRange(fs, file, 0, HEAD_BYTES)).toString('utf8');
  const tg = safe(() => parseFrontmatter(text));
  if (tg && tg.meta.source === 'telegram') {
    const header = text.slice(0, tg.end);
    return { kind: 'message', source: tg.meta.title || name, topic: tg.meta.topic, headerBytes: Buffer.byteLength(header), headerLines: countLines(header) };
  }
  const fm = fencedYaml(text);
  const props = fm ? (safe(() => parseYaml(fm.yaml) as unknown) ?? {}) : {};
  const p = (props && typeof props === 'object' ? props : {}) as Record<string, unknown>;
  const headerBytes = fm ? Buffer.byteLength(text.slice(0, fm.end)) : 0;
  const headerLines = fm ? countLines(text.slice(0, fm.end)) : 0;
  if (p.source === 'youtube') {
    if (typeof p.video_id !== 'string') return { kind: 'note', source: name, headerBytes, headerLines, skip: true };
    const channel = typeof p.channel === 'string' ? p.channel.replace(/^\[\[|\]\]$/g, '').split('|').pop()! : 'YouTube';
    return { kind: 'video', source: channel, headerBytes, headerLines };
  }
  return { kind: 'note', source: name, headerBytes, headerLines };
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

export interface ReadProgress {
  /** Bytes of the note read so far. */
  readonly bytes: number;
}

export interface ReadResult {
  readonly indexedEnd: number;
  readonly indexedLines: number;
}

/**
 * Streams the message blocks of a Telegram note from byte `from` (after the frontmatter, or the
 * end of what was indexed before) to `onDocs`, a chunk at a time (awaited: the caller writes the
 * chunk before the next is read). A chunk's documents are parsed as the caller iterates them, so
 * each is written while it is new: batching a chunk's documents in an array kept them alive past
 * the young generation's collections, and copying them out again was a third of the reading time.
 * A chunk the caller leaves unfinished is read to its end anyway. Returns where the last complete
 * block ends.
 */
export async function readMessages(fs: VaultFs, file: string, size: number, from: number, fromLine: number, onDocs: (docs: Iterable<NewDoc>, p: ReadProgress) => Promise<void>): Promise<ReadResult> {
  const pos = { line: fromLine, byte: from, indexedEnd: from, indexedLines: fromLine };
  let readAt = from;
  let carry: Buffer = Buffer.alloc(0);
  for (;;) {
    // the next chunk is read in after what was left of the last one (no copy of the whole chunk)
    const want = Math.max(0, Math.min(CHUNK_BYTES, size - readAt));
    const data = want > 0 ? await readRange(fs, file, readAt, want, carry) : carry;
    const got = data.length - carry.length;
    readAt += got;
    const eof = readAt >= size || got === 0;
    const cut = lastBlockEnd(data);
    if (cut < 0) {
      if (eof) break; // only a torn block (or nothing) left
      carry = data;
      continue;
    }
    const docs = chunkDocs(data.subarray(0, cut).toString('utf8'), pos);
    await onDocs(docs, { bytes: readAt });
    for (const _ of docs); // the rest of the chunk, for the positions
    carry = data.subarray(cut);
    if (eof) break; // what is left after the last complete block is a torn one, or text of the user's
  }
  return { indexedEnd: pos.indexedEnd, indexedLines: pos.indexedLines };
}

interface ChunkPosition {
  line: number;
  byte: number;
  indexedEnd: number;
  indexedLines: number;
}

/** The documents of a chunk of whole blocks starting at `pos`, which they move past as they are read. */
function* chunkDocs(text: string, pos: ChunkPosition): Generator<NewDoc, void, undefined> {
  let charPos = 0;
  for (const b of safe(() => parseBlocks(text)) ?? []) {
    const before = text.slice(charPos, b.start);
    pos.line += countLines(before);
    pos.byte += Buffer.byteLength(before);
    const blockText = text.slice(b.start, b.end);
    const blockBytes = Buffer.byteLength(blockText);
    const info = readBlock(blockText);
    const doc: NewDoc = { line: pos.line, blockId: `m${b.ids[0]}`, author: info.author, date: info.date, has: info.has, byteStart: pos.byte, byteEnd: pos.byte + blockBytes, terms: indexTerms(info.text) };
    pos.line += countLines(blockText);
    pos.byte += blockBytes;
    charPos = b.end;
    pos.indexedEnd = pos.byte;
    pos.indexedLines = pos.line;
    yield doc;
  }
  const rest = text.slice(charPos);
  pos.line += countLines(rest);
  pos.byte += Buffer.byteLength(rest);
}

/** A whole small note (a video note, a note of the user's) as one document. */
export async function readWholeNote(fs: VaultFs, file: string, head: NoteHead, size: number): Promise<NewDoc | undefined> {
  if (size > MAX_NOTE_BYTES) return undefined;
  const text = (await readRange(fs, file, 0, size)).toString('utf8');
  const body = text.slice(Buffer.from(text).subarray(0, head.headerBytes).toString('utf8').length);
  const fm = fencedYaml(text);
  const props = fm ? ((safe(() => parseYaml(fm.yaml) as unknown) ?? {}) as Record<string, unknown>) : {};
  const readable = readableText(body.replace(/^#+ /gm, ''));
  const date = typeof props.published === 'string' ? props.published.slice(0, 19).replace(/Z$/, '') : undefined;
  const titleLine = head.kind === 'video' ? Math.max(0, body.split('\n').findIndex((l) => l.startsWith('# '))) : 0;
  let has = 0;
  if (/https?:\/\//.test(body)) has |= HAS_BITS.link;
  if (/!\[\[[^\]]*\.(?:jpe?g|png|webp|gif)/i.test(body) || /!\[[^\]]*\]\(/.test(body)) has |= HAS_BITS.photo;
  return {
    line: head.headerLines + titleLine,
    author: head.kind === 'video' ? head.source : undefined,
    date: date && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(date) ? date : undefined,
    has,
    byteStart: head.headerBytes,
    byteEnd: size,
    terms: indexTerms(readable),
  };
}

/** Hash of the bytes just before `end` (after the header), to recognise a note that only grew. */
export async function tailHash(fs: VaultFs, file: string, headerBytes: number, end: number): Promise<string> {
  const start = Math.max(headerBytes, end - TAIL_HASH_BYTES);
  const bytes = await readRange(fs, file, start, end - start);
  return createHash('sha1').update(bytes).digest('hex');
}

export { readRange };
