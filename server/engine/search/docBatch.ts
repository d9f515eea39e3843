/**
 * A chunk's documents packed for the index: their numbers in one Float64Array, their terms as
 * UTF-8 bytes one after the other in one byte array, their authors as a short list of names.
 * A batch crosses from the reading thread to the thread that owns the database as two
 * transferred buffers instead of thousands of small objects (which the structured clone would
 * copy one by one, and the receiving thread collect again), and the terms are already the bytes
 * SQLite reads (binding a string through node-sqlite3-wasm encodes it in JS a character at a time).
 */
import { hasTerms } from './blockText';
import type { NewDoc } from './indexStore';

export interface DocBatch {
  readonly count: number;
  /** FIELDS numbers per document (see the F_ offsets). */
  readonly nums: Float64Array;
  /** Every document's terms (its has-terms included), UTF-8, back to back; a document's end is F_TERMS_END. */
  readonly terms: Uint8Array;
  /** The authors of the batch; a document names one by its index (F_AUTHOR, -1 for none). */
  readonly authors: readonly string[];
}

export const F_LINE = 0;
/** The message id of a block id "m123" (NaN without one). */
export const F_MSG = 1;
export const F_AUTHOR = 2;
/** Seconds of the date read as UTC (0 without one: dateSeconds). */
export const F_SECS = 3;
export const F_HAS = 4;
export const F_BYTE_START = 5;
export const F_BYTE_END = 6;
export const F_TERMS_END = 7;
export const FIELDS = 8;

const MSG_ID = /^m(-?\d+)$/;

/** Seconds of a "YYYY-MM-DDTHH:MM:SS" date read as UTC (the note's local time, kept as written); 0 without one. */
export function dateSeconds(date: string | undefined): number {
  if (!date) return 0;
  const t = Date.parse(`${date.length === 10 ? `${date}T00:00:00` : date.slice(0, 19)}Z`);
  return Number.isFinite(t) && t > 0 ? Math.floor(t / 1000) : 0;
}

/** The message id of a block id, NaN when it is not one ("m123" → 123). */
export function msgOfBlockId(blockId: string | undefined): number {
  const m = blockId !== undefined ? MSG_ID.exec(blockId) : null;
  return m ? Number(m[1]) : NaN;
}

/** Packs documents as they come into growing buffers; take() hands them over and starts anew. */
export class DocBatchWriter {
  private nums = new Float64Array(FIELDS * 1024);
  private terms = Buffer.from(new ArrayBuffer(64 * 1024));
  private termsEnd = 0;
  private count = 0;
  private authors: string[] = [];
  private authorIndex = new Map<string, number>();

  get size(): number {
    return this.count;
  }

  add(d: NewDoc): void {
    if ((this.count + 1) * FIELDS > this.nums.length) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    const text = d.has ? d.terms + hasTerms(d.has) : d.terms;
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (this.termsEnd + text.length * 3 > this.terms.length) {
      const grown = Buffer.from(new ArrayBuffer(Math.max(this.terms.length * 2, this.termsEnd + text.length * 3)));
      this.terms.copy(grown, 0, 0, this.termsEnd);
      this.terms = grown;
    }
    this.termsEnd += this.terms.write(text, this.termsEnd, 'utf8');
    let author = -1;
    if (d.author !== undefined) {
      author = this.authorIndex.get(d.author) ?? -1;
      if (author < 0) {
        author = this.authors.push(d.author) - 1;
        this.authorIndex.set(d.author, author);
      }
    }
    const o = this.count * FIELDS;
    const n = this.nums;
    n[o + F_LINE] = d.line;
    n[o + F_MSG] = msgOfBlockId(d.blockId);
    n[o + F_AUTHOR] = author;
    n[o + F_SECS] = dateSeconds(d.date);
    n[o + F_HAS] = d.has;
    n[o + F_BYTE_START] = d.byteStart;
    n[o + F_BYTE_END] = d.byteEnd;
    n[o + F_TERMS_END] = this.termsEnd;
    this.count++;
  }

  /** The documents added since the last take, in buffers of their own (safe to transfer). */
  take(): DocBatch {
    const batch: DocBatch = { count: this.count, nums: this.nums.slice(0, this.count * FIELDS), terms: new Uint8Array(this.terms.subarray(0, this.termsEnd)), authors: this.authors };
    this.count = 0;
    this.termsEnd = 0;
    this.authors = [];
    this.authorIndex = new Map();
    return batch;
  }
}
