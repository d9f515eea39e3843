/**
 * Reading notes back: which message ids a note already holds and where each block is, so a
 * re-import can skip or replace blocks and a lost index can be rebuilt from the notes alone.
 */

export interface ParsedBlock {
  /** Every message id of the block (the block id first, then album members). */
  ids: number[];
  /** Offset of the block's first quote line. */
  start: number;
  /** Offset just after the blank line that follows the block id line. */
  end: number;
}

const ID_LINE = /^\^m(-?\d{1,16})$/;
const ALBUM = / %%album: ((?:m-?\d{1,16} ?)+)%%$/;

/** Offset where the note body starts: after a leading frontmatter (`---` ... `---`) and its blank line. */
export function bodyStart(noteText: string): number {
  if (!noteText.startsWith('---\n')) return 0;
  const close = noteText.indexOf('\n---\n', 3);
  if (close < 0) {
    return noteText.endsWith('\n---') ? noteText.length : 0;
  }
  let end = close + 5;
  if (noteText[end] === '\n') end++;
  return end;
}

/**
 * The complete message blocks of a note, in order. A block counts only when its id line is
 * preceded by a blank line and followed by one: a write torn anywhere inside a block (or inside
 * its id line: "^m12" from "^m123") is never taken for a complete block. Text between blocks that
 * is not a quote (a user's own notes) is not part of any block.
 */
export function parseBlocks(noteText: string): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  let pos = bodyStart(noteText);
  let searchFrom = pos;
  for (;;) {
    const at = noteText.indexOf('\n^m', Math.max(searchFrom - 1, 0));
    if (at < 0) break;
    const lineStart = at + 1;
    const lineEnd = noteText.indexOf('\n', lineStart);
    searchFrom = lineStart + 1;
    if (lineEnd < 0) break; // torn: no line end after the id
    const m = ID_LINE.exec(noteText.slice(lineStart, lineEnd));
    if (!m) continue;
    if (noteText[lineEnd + 1] !== '\n') continue; // torn, or not our layout
    if (lineStart < 2 || noteText[lineStart - 2] !== '\n') continue; // no blank line before
    const id = Number(m[1]);
    // first quote line after the previous block
    let start = lineStart;
    let p = pos;
    while (p < lineStart) {
      if (noteText[p] === '>') {
        start = p;
        break;
      }
      const nl = noteText.indexOf('\n', p);
      if (nl < 0 || nl >= lineStart) break;
      p = nl + 1;
    }
    const ids = [id];
    const headEnd = noteText.indexOf('\n', start);
    if (start < lineStart && headEnd > start) {
      const album = ALBUM.exec(noteText.slice(start, headEnd));
      if (album) {
        for (const t of album[1].trim().split(' ')) {
          const n = Number(t.slice(1));
          if (Number.isSafeInteger(n) && !ids.includes(n)) ids.push(n);
        }
      }
    }
    const end = lineEnd + 2;
    blocks.push({ ids, start, end });
    pos = end;
    searchFrom = end;
  }
  return blocks;
}
