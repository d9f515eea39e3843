/**
 * Finds where one JSON value ends in a stream of bytes, without building it.
 *
 * The export reader only needs the extent of most values: a message is cut out as a byte slice
 * and handed to JSON.parse (native, far faster than anything token by token in JS), and the large
 * sections it does not import (personal information, contacts, sessions...) are stepped over.
 * Finding an extent needs only three facts per byte: the nesting depth, whether we are inside a
 * string, and whether the previous byte was a backslash inside one. Every structural byte of JSON
 * is ASCII and every byte of a multi-byte UTF-8 sequence is >= 0x80, so bytes can be scanned
 * without decoding, and a chunk may end anywhere: the scanner resumes where it stopped.
 *
 * It checks that brackets pair up ("{" closed by "}", not "]"), so a damaged section is noticed
 * where the damage is, not megabytes later; the rest of the grammar inside a value is left to
 * JSON.parse for the values that are parsed, and is not checked for values that are skipped.
 */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const COMMA = 0x2c;
export const COLON = 0x3a;

/** What scan() answers when the bytes ran out before the value ended. */
export const NEED_MORE = -1;
/** What scan() answers when a bracket closes the wrong kind of bracket (see mismatchAt). */
export const MISMATCH = -2;

export function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Letters, digits, sign, point: the bytes a number or true/false/null is made of. */
function isScalarByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x2b || c === 0x2e;
}

/** Whether `c` can be the first byte of a JSON value. */
export function isValueStart(c: number): boolean {
  return c === QUOTE || c === OPEN_OBJECT || c === OPEN_ARRAY || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
}

/** "a string", "an object"... for the value whose first byte is `c`, in error messages. */
export function describeValueStart(c: number): string {
  if (c === QUOTE) return 'a string';
  if (c === OPEN_OBJECT) return 'an object';
  if (c === OPEN_ARRAY) return 'a list';
  if (c === 0x74 || c === 0x66) return 'a boolean';
  if (c === 0x6e) return 'null';
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return 'a number';
  return 'not a JSON value';
}

const CONTAINER = 1;
const STRING = 2;
const SCALAR = 3;

/** Scans one value at a time; begin() at its first byte, then scan() over each chunk until it ends. */
export class ValueScanner {
  private kind = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The closing byte each open bracket expects, innermost last. */
  private readonly closers: number[] = [];
  /** After MISMATCH: the index of the offending byte in the chunk scanned. */
  mismatchAt = -1;
  /** After MISMATCH: the closing byte that was expected. */
  expectedCloser = 0;

  /** `c` is the value's first byte; scan() is then called from that same byte. */
  begin(c: number): void {
    this.kind = c === OPEN_OBJECT || c === OPEN_ARRAY ? CONTAINER : c === QUOTE ? STRING : SCALAR;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }

  /** Index just past the value's end, or NEED_MORE (state kept for the next chunk), or MISMATCH. */
  scan(buf: Uint8Array, from: number): number {
    if (this.kind === SCALAR) return this.scanScalar(buf, from);
    return this.scanNested(buf, from);
  }

  /** A number or literal ends at the first byte that cannot be part of it (not consumed). */
  private scanScalar(buf: Uint8Array, from: number): number {
    const n = buf.length;
    let i = from;
    while (i < n && isScalarByte(buf[i])) i++;
    return i < n ? i : NEED_MORE;
  }

  /** Strings and containers: a string is a container whose own quotes are its brackets. */
  private scanNested(buf: Uint8Array, from: number): number {
    const n = buf.length;
    const closers = this.closers;
    let depth = this.depth;
    let i = from;
    if (this.inString) {
      i = this.skipStringRest(buf, i, this.escaped);
      if (i < 0) return NEED_MORE;
      this.inString = false;
      if (depth === 0) return i; // the value was a string
    }
    while (i < n) {
      const c = buf[i++];
      if (c === QUOTE) {
        i = this.skipStringRest(buf, i, false);
        if (i < 0) {
          this.depth = depth;
          return NEED_MORE;
        }
        if (depth === 0) return i;
      } else if (c === OPEN_OBJECT) {
        closers[depth++] = CLOSE_OBJECT;
      } else if (c === OPEN_ARRAY) {
        closers[depth++] = CLOSE_ARRAY;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        const expected = depth > 0 ? closers[--depth] : 0;
        if (expected !== c) {
          this.mismatchAt = i - 1;
          this.expectedCloser = expected;
          return MISMATCH;
        }
        if (depth === 0) {
          this.depth = 0;
          return i;
        }
      }
    }
    this.depth = depth;
    return NEED_MORE;
  }

  /** From just inside a string (after its opening quote, or resuming): index past its closing
   *  quote, or -1 when the bytes ran out (inString and escaped are then saved). */
  private skipStringRest(buf: Uint8Array, from: number, escaped: boolean): number {
    const n = buf.length;
    let i = from;
    if (escaped) {
      if (i >= n) return this.suspendString(true);
      i++;
    }
    while (i < n) {
      const c = buf[i++];
      if (c === QUOTE) return i;
      if (c === BACKSLASH) {
        if (i >= n) return this.suspendString(true);
        i++;
      }
    }
    return this.suspendString(false);
  }

  private suspendString(escaped: boolean): number {
    this.inString = true;
    this.escaped = escaped;
    return -1;
  }
}

/**
 * The bytes of a value being cut out. Within one chunk it is a range of that chunk; when the value
 * goes on past the chunk, the part read so far is copied (the chunk's buffer may be reused by the
 * file stream, and a copy lets the rest of the chunk be freed).
 */
export class ByteCapture {
  private start = -1;
  private readonly parts: Buffer[] = [];

  get active(): boolean {
    return this.start >= 0;
  }

  begin(at: number): void {
    this.start = at;
    this.parts.length = 0;
  }

  /** The chunk is used up: keep what belongs to the value; it continues at 0 in the next chunk. */
  carry(buf: Buffer): void {
    if (this.start < 0) return;
    if (this.start < buf.length) this.parts.push(Buffer.from(buf.subarray(this.start)));
    this.start = 0;
  }

  /** The value ends at `end` (exclusive) in `buf`: its text. */
  take(buf: Buffer, end: number): string {
    const start = this.start;
    this.start = -1;
    if (this.parts.length === 0) return buf.toString('utf8', start, end);
    this.parts.push(buf.subarray(0, end));
    const whole = Buffer.concat(this.parts);
    this.parts.length = 0;
    return whole.toString('utf8');
  }

  /** The value ends at `end` (exclusive) in `buf`: its bytes (a view of the chunk when it lies in one). */
  takeBytes(buf: Buffer, end: number): Buffer {
    const start = this.start;
    this.start = -1;
    if (this.parts.length === 0) return buf.subarray(start, end);
    this.parts.push(buf.subarray(0, end));
    const whole = Buffer.concat(this.parts);
    this.parts.length = 0;
    return whole;
  }

  /** Bytes held for the value so far (only what spilled over earlier chunks). */
  get carriedBytes(): number {
    let n = 0;
    for (const p of this.parts) n += p.length;
    return n;
  }
}
