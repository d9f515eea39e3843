/**
 * Reads a note back as a sequence of pieces (frontmatter, message blocks, anything else) without
 * holding the whole file: the note is read in large chunks, each cut after the last complete
 * block it contains (a block ends with its `^m<id>` line and a blank line, which no message text
 * can produce: the renderer escapes it), and each piece is handed to the format's parseBlocks.
 *
 * Used to rebuild a lost or stale index from the notes, to find a torn tail after a crash, and to
 * stream a note through a rewrite when messages were edited or inserted.
 */
import { type NoteMeta, type ParsedFrontmatter, parseBlocks, parseFrontmatter } from '../telegram-notes';
import type { VaultFs } from '../vault/vaultFs';

export type NotePiece =
  | { readonly kind: 'header'; readonly text: string; readonly meta: NoteMeta; readonly byteStart: number; readonly byteEnd: number }
  | { readonly kind: 'block'; readonly ids: number[]; readonly text: string; readonly byteStart: number; readonly byteEnd: number }
  /** Text between blocks, or after the last one (a torn tail, or something a person added). */
  | { readonly kind: 'other'; readonly text: string; readonly byteStart: number; readonly byteEnd: number };

export interface ScanResult {
  readonly size: number;
  /** Byte offset just after the last complete block (after the header when there is none; 0 without either). */
  readonly blocksEnd: number;
  /** `warnings`: frontmatter lines that were not valid YAML (kept as comments in the rewrite). */
  readonly header?: { readonly text: string; readonly meta: NoteMeta; readonly warnings?: readonly string[] };
  readonly blocks: number;
}

const DEFAULT_CHUNK = 4 << 20;
const NL = 0x0a;

/** Byte index just after the last `^m<id>` line (`^m42`, `^m-999678449`) followed by a blank line in `buf`, or -1. */
export function lastBlockEnd(buf: Uint8Array, limit = buf.length): number {
  let i = limit - 2;
  while (i > 0) {
    // find "\n\n" whose first "\n" is at i
    if (buf[i] === NL && buf[i + 1] === NL) {
      let ls = i - 1;
      while (ls >= 0 && buf[ls] !== NL) ls--;
      ls++;
      if (isBlockIdLine(buf, ls, i)) return i + 2;
      i = ls - 1;
      continue;
    }
    i--;
  }
  return -1;
}

/** The block-id line: `^m`, an optional "-" (ids from before a supergroup upgrade), digits, alone on its line (see telegram-notes/parse.ts). */
function isBlockIdLine(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 3 || buf[start] !== 0x5e /* ^ */ || buf[start + 1] !== 0x6d /* m */) return false;
  let j = start + 2;
  if (buf[j] === 0x2d /* - */) j++;
  if (j >= end) return false;
  for (; j < end; j++) if (buf[j] < 0x30 || buf[j] > 0x39) return false;
  return true;
}

/**
 * Streams the pieces of `file` to `onPiece` in order (awaited, so the consumer can write as it
 * reads). Only complete blocks are reported as blocks.
 */
export async function scanNote(
  fs: VaultFs,
  file: string,
  onPiece: (p: NotePiece) => void | Promise<void>,
  opts: { chunkBytes?: number } = {},
): Promise<ScanResult> {
  const chunkBytes = Math.max(64, opts.chunkBytes ?? DEFAULT_CHUNK);
  const handle = await fs.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    let carry: Buffer = Buffer.alloc(0);
    let carryAt = 0;
    let readAt = 0;
    let firstFragment = true;
    let header: ScanResult['header'];
    let blocksEnd = 0;
    let blocks = 0;
    for (;;) {
      const want = Math.min(chunkBytes, size - readAt);
      const chunk = Buffer.allocUnsafe(Math.max(0, want));
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(chunk, got, want - got, readAt + got);
        if (bytesRead <= 0) break;
        got += bytesRead;
      }
      readAt += got;
      const eof = readAt >= size || got < want;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, got)]) : chunk.subarray(0, got);
      const cut = eof ? data.length : lastBlockEnd(data);
      if (cut < 0) {
        carry = data; // no complete block yet: read more
        continue;
      }
      const text = data.subarray(0, cut).toString('utf8');
      let charPos = 0;
      let bytePos = carryAt;
      const advance = (toChar: number): { start: number; end: number; text: string } => {
        const piece = text.slice(charPos, toChar);
        const start = bytePos;
        bytePos += Buffer.byteLength(piece, 'utf8');
        charPos = toChar;
        return { start, end: bytePos, text: piece };
      };
      if (firstFragment) {
        firstFragment = false;
        const fm = safeFrontmatter(text);
        if (fm) {
          const p = advance(fm.end);
          header = { text: p.text, meta: fm.meta, warnings: fm.warnings };
          blocksEnd = p.end;
          await onPiece({ kind: 'header', text: p.text, meta: fm.meta, byteStart: p.start, byteEnd: p.end });
        }
      }
      for (const b of safeBlocks(text)) {
        if (b.start < charPos || b.end <= b.start || b.end > text.length || !b.ids.length) continue;
        if (b.start > charPos) {
          const gap = advance(b.start);
          await onPiece({ kind: 'other', text: gap.text, byteStart: gap.start, byteEnd: gap.end });
        }
        const p = advance(b.end);
        blocksEnd = p.end;
        blocks++;
        await onPiece({ kind: 'block', ids: b.ids, text: p.text, byteStart: p.start, byteEnd: p.end });
      }
      if (charPos < text.length) {
        const rest = advance(text.length);
        await onPiece({ kind: 'other', text: rest.text, byteStart: rest.start, byteEnd: rest.end });
      }
      carry = data.subarray(cut);
      carryAt = bytePos;
      if (eof) {
        if (carry.length) {
          const t = carry.toString('utf8');
          await onPiece({ kind: 'other', text: t, byteStart: carryAt, byteEnd: carryAt + carry.length });
        }
        return { size, blocksEnd, header, blocks };
      }
    }
  } finally {
    await handle.close();
  }
}

/** The frontmatter of a note from its first bytes (read by the caller), or undefined. */
export function safeFrontmatter(text: string): ParsedFrontmatter | undefined {
  try {
    return parseFrontmatter(text);
  } catch {
    return undefined;
  }
}

function safeBlocks(text: string): { ids: number[]; start: number; end: number }[] {
  try {
    return parseBlocks(text);
  } catch {
    return [];
  }
}
