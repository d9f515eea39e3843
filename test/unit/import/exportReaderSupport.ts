/** Helpers for the export reader's tests: an in-memory file cut into chunks of a chosen size,
 *  and documents built piece by piece so each event's source text and byte offset are known. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type ExportEvent, ExportReader } from '../../../server/engine/connectors/telegram-export/exportReader';
import type { VaultFs } from '../../../server/engine/vault/vaultFs';

export interface ReadResult {
  events: ExportEvent[];
  /** reader.bytesRead right after each event was handed out. */
  progress: number[];
  reader: ExportReader;
}

/** A createReadStream over `data` that hands out chunks of exactly `highWaterMark` bytes. */
export function memoryFs(data: Buffer, onOpen?: (stream: Readable) => void): Pick<VaultFs, 'createReadStream'> {
  return {
    createReadStream: ((_file: string, opts: { highWaterMark: number }) => {
      const chunks: Buffer[] = [];
      for (let i = 0; i < data.length; i += opts.highWaterMark) chunks.push(data.subarray(i, i + opts.highWaterMark));
      const stream = Readable.from(chunks);
      onOpen?.(stream);
      return stream;
    }) as unknown as VaultFs['createReadStream'],
  };
}

export async function readText(text: string | Buffer, chunkSize = 1024 * 1024): Promise<ReadResult> {
  const data = typeof text === 'string' ? Buffer.from(text) : text;
  const reader = new ExportReader('result.json', data.length, { fs: memoryFs(data), chunkSize });
  const events: ExportEvent[] = [];
  const progress: number[] = [];
  for await (const e of reader) {
    events.push(e);
    progress.push(reader.bytesRead);
  }
  return { events, progress, reader };
}

export function errorOf(events: ExportEvent[]): Extract<ExportEvent, { kind: 'error' }> | undefined {
  return events.find((e): e is Extract<ExportEvent, { kind: 'error' }> => e.kind === 'error');
}

export function messageValues(events: ExportEvent[]): unknown[] {
  return events.flatMap((e) => (e.kind === 'message' ? [e.value] : []));
}

/**
 * Builds a document from text pieces and records, for each event the reader must give, the
 * event and the byte offset just past the text it is made from.
 */
export class DocBuilder {
  private readonly parts: string[] = [];
  private bytes = 0;
  readonly expected: { event: ExportEvent; end: number }[] = [];

  add(text: string): this {
    this.parts.push(text);
    this.bytes += Buffer.byteLength(text);
    return this;
  }

  expect(event: ExportEvent): this {
    this.expected.push({ event, end: this.bytes });
    return this;
  }

  /** A chat's messages array, each entry written as given (its exact text is its `raw`); the
   *  single-chat shape announces itself where its messages begin. */
  messages(header: { id?: unknown; name?: unknown; type?: unknown }, list: 'single' | 'chats' | 'left_chats', ordinal: number, entries: string[]): this {
    this.add('[');
    if (list === 'single') this.expect({ kind: 'shape', shape: 'single' });
    this.expect({ kind: 'chat-start', header: { id: header.id, name: header.name, type: header.type }, list, ordinal });
    const inside: string[] = ['\n  '];
    this.add('\n  ');
    const separators = [',', ' ,\n  ', ',\r\n\t'];
    entries.forEach((raw, index) => {
      if (index > 0) this.add(separators[index % separators.length]);
      if (index > 0) inside.push(separators[index % separators.length]);
      inside.push(raw);
      this.add(raw).expect({ kind: 'message', value: JSON.parse(raw), index, raw });
    });
    inside.push('\n ');
    // The reader's digest covers the bytes between the array's brackets, exactly as written.
    const bytesDigest = createHash('sha256').update(inside.join('')).digest('hex');
    return this.add('\n ]').expect({ kind: 'chat-end', messages: entries.length, bytesDigest });
  }

  get text(): string {
    return this.parts.join('');
  }
}

/** Strings that trip a scanner: brackets, quotes, backslashes, escapes, multi-byte characters. */
export const NASTY = [
  'braces { } and [ ] in text: {"id": 1}, ["x"]',
  'a quote " a backslash \\ and a backslash before a quote \\"',
  'ends with a backslash \\',
  '\\\\"\\"',
  '"]}',
  '],"messages":[{"id":666}]',
  'tab\tnewline\ncarriage return\r',
  'accents é à ü, Cyrillic жизнь, CJK 日本語, emoji 😀👍🏽, clef 𝄞',
  'line separators \u2028 \u2029',
  '\u0000\u001f control characters',
  '',
  // Past the bytes a string is scanned one by one: the rest is searched natively for its quote.
  'a long text before any escape, then \\ " \\" \\\\" "" and it ends with backslashes \\\\',
];

/** A message object whose strings are nasty, written in one of a few layouts. */
export function nastyMessage(id: number, layout: number): string {
  const value = {
    id,
    type: 'message',
    date: '2024-01-01T10:00:00',
    from: NASTY[id % NASTY.length],
    text: [NASTY[(id + 1) % NASTY.length], { type: 'bold', text: NASTY[(id + 2) % NASTY.length] }, { type: 'pre', text: '{[("\\', language: '' }],
    reactions: [{ type: 'emoji', count: -0.5e3, emoji: '❤', recent: [] }],
    flags: [true, false, null, 0, 1.25, -7],
  };
  if (layout === 0) return JSON.stringify(value);
  if (layout === 1) return JSON.stringify(value, null, 2).replace(/\n/g, '\n    ');
  // Hand-written escapes: \u sequences for a backslash, a quote, a brace, and a surrogate pair.
  return `{ "id" : ${id}, "type":"message", "text" : "\\u005c\\u0022\\u007b \\ud83d\\ude00 \\/ \\b\\f", "\\u0069d2" : [ [ ], { } ] }`;
}
