/**
 * The export reader scans bytes chunk by chunk: whatever the chunk size, and wherever a chunk
 * ends (inside a string, an escape, a multi-byte character, between a key and its colon...), it
 * must give exactly the events a whole-document parse implies, with each message's exact text,
 * and progress that points just past the bytes of the event handed out.
 */
import * as assert from 'node:assert/strict';
import type { ExportEvent } from '../../../server/engine/connectors/telegram-export/exportReader';
import { DocBuilder, NASTY, nastyMessage, readText } from './exportReaderSupport';

const J = JSON.stringify;

/** Whole-account shape with nasty strings everywhere, and sections to skip that hold lookalikes. */
function accountDoc(): DocBuilder {
  const d = new DocBuilder();
  d.add(`{\n "about": ${J(NASTY[1])},\n`);
  d.add(` "personal_information": ${J({ first_name: NASTY[7], bio: NASTY[3], messages: [{ id: 1 }], chats: { list: [{ id: 5, messages: [{ id: 1 }] }] } })},\n`);
  d.add(` "contacts": {"about": "x", "list": [${NASTY.map((s) => J({ first_name: s })).join(', ')}]},\n`);
  d.add(' "frequent_contacts": {"list": [[[]], {}, "\\"]", 1e-7, true, null, -0, "messages"]},\n');
  d.add(` "chats" : {"about": ${J(NASTY[5])}, "list" : [`).expect({ kind: 'shape', shape: 'account' });
  d.add(`\n  {"name": ${J(NASTY[4])}, "type": "private_group", "id": 1, "messages": `);
  d.messages({ name: NASTY[4], type: 'private_group', id: 1 }, 'chats', 0, [
    nastyMessage(1, 0), nastyMessage(2, 1), nastyMessage(3, 2), '7', '"a string entry"', '[1, [2, {"id": 3}]]', 'null', 'true', nastyMessage(4, 0), '-12.5e+2',
  ]);
  d.add(', "after_messages": {"id": 2, "name": "not the header"}, "name": "too late"},\n');
  d.add('  {"id": 2, "type": "saved_messages", "name": null, "messages":');
  d.messages({ id: 2, type: 'saved_messages', name: null }, 'chats', 1, []);
  d.add('}\n ]},\n "left_chats": {"list": [{"name": "Old \\u00e9\\"", "type": "private_supergroup", "id": 3, "messages": ');
  d.messages({ name: 'Old é"', type: 'private_supergroup', id: 3 }, 'left_chats', 2, [nastyMessage(7, 1), nastyMessage(8, 2)]);
  d.add(`}]},\n "other_data": {"changes_log": [${J(NASTY[0])}, {"a": [[{}]]}]}\n}\n`);
  return d;
}

/** Single-chat shape; the header fields come before the messages, one more after them. */
function singleDoc(): DocBuilder {
  const d = new DocBuilder();
  d.add(`{"name": ${J(NASTY[7])}, "about": ${J(NASTY[2])}, "type": "personal_chat", "id": -5, "messages":`);
  d.messages({ name: NASTY[7], type: 'personal_chat', id: -5 }, 'single', 0, [nastyMessage(10, 0), nastyMessage(11, 1), nastyMessage(12, 2), '{}', '[]', '""']);
  d.add(', "later": [1, 2]}');
  return d;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function eventsOf(d: DocBuilder): ExportEvent[] {
  return d.expected.map((x) => x.event);
}

describe('ExportReader over chunks', () => {
  it('the documents are what the tests think they are (a whole-document JSON.parse agrees)', () => {
    const account = accountDoc();
    const doc = JSON.parse(account.text) as { chats: { list: { messages: unknown[] }[] }; left_chats: { list: { messages: unknown[] }[] } };
    const all = [...doc.chats.list, ...doc.left_chats.list].flatMap((c) => c.messages);
    assert.deepEqual(
      eventsOf(account).flatMap((e) => (e.kind === 'message' ? [e.value] : [])),
      all,
    );
    const single = JSON.parse(singleDoc().text) as { messages: unknown[] };
    assert.deepEqual(
      eventsOf(singleDoc()).flatMap((e) => (e.kind === 'message' ? [e.value] : [])),
      single.messages,
    );
  });

  for (const [shape, build] of [['whole-account', accountDoc], ['single-chat', singleDoc]] as const) {
    it(`${shape}: every chunk size from 1 to 300 bytes gives the same events, raw text and progress`, async () => {
      const d = build();
      const size = Buffer.byteLength(d.text);
      const sizes = [...Array.from({ length: 300 }, (_, i) => i + 1), 4096, size];
      for (const chunkSize of sizes) {
        const { events, progress, reader } = await readText(d.text, chunkSize);
        assert.deepEqual(events, eventsOf(d), `chunk size ${chunkSize}`);
        assert.deepEqual(
          progress,
          d.expected.map((x) => x.end),
          `progress at chunk size ${chunkSize}`,
        );
        assert.equal(reader.bytesRead, size);
      }
    });
  }

  it('raw is the exact source text of each entry, byte for byte', async () => {
    const d = accountDoc();
    const file = Buffer.from(d.text);
    const { events, progress } = await readText(file, 13);
    events.forEach((e, i) => {
      if (e.kind !== 'message' || e.unparsed) return;
      const bytes = Buffer.byteLength(e.raw);
      assert.equal(file.subarray(progress[i] - bytes, progress[i]).toString('utf8'), e.raw);
    });
    assert.ok(events.some((e) => e.kind === 'message' && !e.unparsed && e.raw.includes('\n    ')), 'a pretty-printed message keeps its layout');
  });

  it('progress rises monotonically to the file size and follows consumption', async () => {
    const d = accountDoc();
    const { progress, reader } = await readText(d.text, 64);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1], `step ${i}`);
    assert.ok(progress[0] < Buffer.byteLength(d.text) / 2, 'the first event does not claim the whole file');
    assert.equal(reader.bytesRead, Buffer.byteLength(d.text));
  });

  for (const [shape, build] of [['whole-account', accountDoc], ['single-chat', singleDoc]] as const) {
    it(`${shape}: cut at every byte, every complete message before the cut comes out, then "truncated"`, async () => {
      const d = build();
      const file = Buffer.from(d.text);
      const complete = Buffer.byteLength(d.text.trimEnd());
      for (let cut = 0; cut <= file.length; cut++) {
        const { events } = await readText(file.subarray(0, cut), 37);
        // A number at the very end of the cut might go on: it is complete only once a byte follows.
        const before = d.expected.filter((x) => x.end < cut || (x.end === cut && !(x.event.kind === 'message' && !x.event.unparsed && /[0-9a-z]$/.test(x.event.raw))));
        if (cut >= complete) {
          assert.deepEqual(events, eventsOf(d), `cut ${cut}`);
          continue;
        }
        assert.deepEqual(events.slice(0, -1), before.map((x) => x.event), `cut ${cut}`);
        const err = events.at(-1) as Extract<ExportEvent, { kind: 'error' }>;
        if (cut === 0) {
          assert.deepEqual(err, { kind: 'error', message: 'not a Telegram Desktop export: the file is empty', fatal: true });
          continue;
        }
        assert.equal(err.message, `the file ends early (truncated after ${cut} bytes)`, `cut ${cut}`);
        assert.equal(err.fatal, undefined);
        const open = [...before].reverse().find((x) => x.event.kind === 'chat-start' || x.event.kind === 'chat-end');
        if (open?.event.kind === 'chat-start') {
          // Inside a chat's messages: the error names the chat and its last complete message.
          assert.deepEqual(err.chat, open.event.header, `cut ${cut}`);
          const ids = before.flatMap((x) => (x.end > open.end && x.event.kind === 'message' ? [x.event.value] : [])).flatMap((v) => (isRecord(v) && v.id !== undefined ? [v.id] : []));
          assert.equal(err.lastMessageId, ids.at(-1), `cut ${cut}`);
        }
      }
    });
  }

  it('a message split across chunks mid-character decodes whole (no replacement characters)', async () => {
    const text = `{"id":1,"type":"personal_chat","name":"x","messages":[${J({ id: 1, text: '😀'.repeat(50) + 'ж'.repeat(50) })}]}`;
    for (const chunkSize of [1, 2, 3, 5, 7]) {
      const { events } = await readText(text, chunkSize);
      const m = events.find((e) => e.kind === 'message' && !e.unparsed) as Extract<ExportEvent, { kind: 'message'; unparsed?: undefined }>;
      assert.equal((m.value as { text: string }).text, '😀'.repeat(50) + 'ж'.repeat(50));
      assert.ok(!m.raw.includes('\uFFFD'));
    }
  });
});
