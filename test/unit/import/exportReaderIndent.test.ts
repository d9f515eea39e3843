/**
 * Telegram Desktop writes each message as a `{` line and a `}` line at the same indent; the reader
 * cuts such entries out at that closing line (without scanning them byte by byte) when the text up
 * to it parses. These documents use that layout, with entries that break it on purpose (a nested
 * object closed at the message's own indent, a one-line entry before an indented one, a damaged
 * entry): whatever the chunk size, the events must be exactly those a whole-document parse implies.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ExportEvent } from '../../../server/engine/connectors/telegram-export/exportReader';
import { ExportReader } from '../../../server/engine/connectors/telegram-export/exportReader';
import { NASTY, errorOf, memoryFs, messageValues, readText } from './exportReaderSupport';

/** A message as Telegram Desktop indents it (one space per level) at `depth`. */
function indented(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 1).replace(/\n/g, '\n' + ' '.repeat(depth));
}

function message(id: number): Record<string, unknown> {
  return {
    id,
    type: 'message',
    date: '2024-01-01T10:00:00',
    from: NASTY[id % NASTY.length],
    text: [NASTY[(id + 1) % NASTY.length], { type: 'bold', text: NASTY[(id + 2) % NASTY.length] }],
    reactions: [{ type: 'emoji', count: 2, emoji: '❤', recent: [] }],
  };
}

/** Entries of the messages array as written, in Telegram's layout at depth 2 except where noted. */
function entries(): string[] {
  return [
    indented(message(1), 2),
    indented(message(2), 2),
    // a nested object closed at the message's own indent: the first closing line is not the end
    '{\n   "id": 3,\n   "type": "message",\n   "x": {\n  },\n   "text": "}"\n  }',
    // one line, followed by an indented entry whose closing line comes first
    '{"id": 4, "type": "message", "text": "one line"}',
    indented(message(5), 2),
    indented({ ...message(6), text: 'a long text '.repeat(400) }, 2),
    indented(message(7), 2),
  ];
}

function singleChat(list: string[]): { text: string; expected: () => ExportEvent[] } {
  const head = '{\n "name": "Chat",\n "type": "personal_chat",\n "id": 7,\n "messages": [';
  const inside = list.map((e) => `\n  ${e}`).join(',') + '\n ';
  const text = `${head}${inside}]\n}\n`;
  const expected = (): ExportEvent[] => [
    { kind: 'shape', shape: 'single' },
    { kind: 'chat-start', header: { id: 7, name: 'Chat', type: 'personal_chat' }, list: 'single', ordinal: 0 },
    ...list.map((raw, index): ExportEvent => ({ kind: 'message', value: JSON.parse(raw), index, raw })),
    { kind: 'chat-end', messages: list.length, bytesDigest: createHash('sha256').update(inside).digest('hex') },
  ];
  return { text, expected };
}

describe('ExportReader: entries in Telegram Desktop\'s indented layout', () => {
  it('gives the same events as a whole-document parse, whatever the chunk size', async () => {
    const { text, expected: want } = singleChat(entries());
    const expected = want();
    assert.deepEqual(messageValues(expected), (JSON.parse(text) as { messages: unknown[] }).messages);
    for (const chunk of [1, 2, 3, 7, 64, 100, 1000, 4096, 1 << 20]) {
      const { events } = await readText(text, chunk);
      assert.deepEqual(events, expected, `chunks of ${chunk}`);
    }
  });

  it('a damaged entry in that layout is reported as before: the messages before it, then where it broke', async () => {
    const list = entries();
    list[4] = list[4].replace('"type": "message"', '"type" "message"');
    const { text } = singleChat(list);
    for (const chunk of [5, 1 << 20]) {
      const { events } = await readText(text, chunk);
      assert.deepEqual(
        messageValues(events).map((m) => (m as { id: number }).id),
        [1, 2, 3, 4],
      );
      const err = errorOf(events);
      assert.ok(err, `chunks of ${chunk}`);
      assert.match(err.message, /malformed in message #5 of "messages"/);
      assert.equal(err.lastMessageId, 4);
    }
  });

  it('each() hands out the events iterating gives, waits for a promise its handler returns, and stops when asked', async () => {
    const { text, expected } = singleChat(entries());
    const data = Buffer.from(text);
    for (const chunk of [3, 1 << 20]) {
      const reader = new ExportReader('result.json', data.length, { fs: memoryFs(data), chunkSize: chunk });
      const seen: ExportEvent[] = [];
      let waited = 0;
      await reader.each(
        (e) => {
          seen.push(e);
          return e.kind === 'message' && e.index === 2 ? new Promise<void>((r) => setTimeout(() => r(void waited++), 5)) : undefined;
        },
        () => false,
      );
      assert.deepEqual(seen, expected(), `chunks of ${chunk}`);
      assert.equal(waited, 1);
      assert.equal(reader.bytesRead, data.length);
      const stopped: ExportEvent[] = [];
      await new ExportReader('result.json', data.length, { fs: memoryFs(data), chunkSize: chunk }).each(
        (e) => void stopped.push(e),
        () => stopped.length >= 4,
      );
      assert.deepEqual(stopped, expected().slice(0, 4));
    }
  });
});
