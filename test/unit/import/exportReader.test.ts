import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { type ExportEvent, ExportReader } from '../../../server/engine/connectors/telegram-export/exportReader';
import { nodeVaultFs, type VaultFs } from '../../../server/engine/vault/vaultFs';
import { memoryFs, readText } from './exportReaderSupport';

async function readAll(file: string, chunkSize?: number): Promise<{ events: ExportEvent[]; reader: ExportReader }> {
  const reader = new ExportReader(file, (await fsp.stat(file)).size, { fs: nodeVaultFs, chunkSize });
  const events: ExportEvent[] = [];
  for await (const e of reader) events.push(e);
  return { events, reader };
}

const msg = (id: number, extra: object = {}) => ({ id, type: 'message', date: '2024-01-01T10:00:00', date_unixtime: '1704103200', text: `m${id}`, ...extra });

describe('ExportReader', () => {
  let dir: string;
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-reader-'));
  });
  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, value: unknown): Promise<string> {
    const file = path.join(dir, name);
    await fsp.writeFile(file, typeof value === 'string' ? value : JSON.stringify(value, null, 1));
    return file;
  }

  it('reads a single-chat export: header, messages in order, end', async () => {
    const file = await write('single.json', { name: 'Alice', type: 'personal_chat', id: 42, messages: [msg(1), msg(2, { text: ['a', { type: 'bold', text: 'b' }] })] });
    const { events, reader } = await readAll(file);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['shape', 'chat-start', 'message', 'message', 'chat-end'],
    );
    assert.deepEqual(events[1], { kind: 'chat-start', header: { id: 42, name: 'Alice', type: 'personal_chat' }, list: 'single', ordinal: 0 });
    assert.deepEqual((events[3] as { value: unknown }).value, msg(2, { text: ['a', { type: 'bold', text: 'b' }] }));
    assert.equal((events[3] as { raw: string }).raw, JSON.stringify(msg(2, { text: ['a', { type: 'bold', text: 'b' }] }), null, 1).replace(/\n/g, '\n  '));
    assert.equal(reader.bytesRead, (await fsp.stat(file)).size);
  });

  it('reads a whole-account export, chats and left chats, skipping everything else', async () => {
    const file = await write('account.json', {
      about: 'x',
      personal_information: { first_name: 'Me', messages: [msg(99)] },
      contacts: { list: [{ first_name: 'C' }] },
      chats: { about: 'c', list: [{ name: 'A', type: 'private_group', id: 1, messages: [msg(1), msg(2)] }, { name: null, type: 'saved_messages', id: 2, messages: [] }] },
      left_chats: { about: 'l', list: [{ name: 'Old', type: 'private_supergroup', id: 3, messages: [msg(7)] }] },
    });
    const { events } = await readAll(file, 64); // tiny chunks: tokens split across reads
    const starts = events.filter((e) => e.kind === 'chat-start') as Extract<ExportEvent, { kind: 'chat-start' }>[];
    assert.deepEqual(
      starts.map((s) => [s.header.id, s.header.name, s.list]),
      [
        [1, 'A', 'chats'],
        [2, null, 'chats'],
        [3, 'Old', 'left_chats'],
      ],
    );
    const ids = events.filter((e) => e.kind === 'message').map((e) => ((e as { value: { id: number } }).value.id));
    assert.deepEqual(ids, [1, 2, 7], 'the "messages" under personal_information is not a chat');
    assert.equal(events.filter((e) => e.kind === 'chat-end').length, 3);
    assert.ok(!events.some((e) => e.kind === 'error'));
  });

  it('a truncated file delivers every complete message, then an error naming the chat and the last message', async () => {
    const full = JSON.stringify({ name: 'Cut', type: 'personal_chat', id: 5, messages: [msg(1), msg(2), msg(3)] });
    const file = await write('cut.json', full.slice(0, full.indexOf('"m3"') - 5));
    const { events } = await readAll(file);
    const ids = events.filter((e) => e.kind === 'message').map((e) => (e as { value: { id: number } }).value.id);
    assert.deepEqual(ids, [1, 2]);
    const err = events.at(-1) as Extract<ExportEvent, { kind: 'error' }>;
    assert.equal(err.kind, 'error');
    assert.equal(err.lastMessageId, 2);
    assert.equal(err.chat?.name, 'Cut');
  });

  it('malformed JSON in the middle stops with an error after the good part', async () => {
    const file = await write('bad.json', '{"name":"B","type":"personal_chat","id":6,"messages":[{"id":1,"text":"ok"},{"id":2,"text":"x" "y"}]}');
    const { events } = await readAll(file);
    assert.deepEqual(
      events.filter((e) => e.kind === 'message').map((e) => (e as { value: { id: number } }).value.id),
      [1],
    );
    const err = events.at(-1) as Extract<ExportEvent, { kind: 'error' }>;
    assert.equal(err.kind, 'error');
    assert.match(err.message, /malformed/);
  });

  it('a file that is not an export says so, as a fatal error', async () => {
    const { events } = await readAll(await write('other.json', { hello: 'world' }));
    assert.deepEqual(events, [{ kind: 'error', message: 'not a Telegram Desktop export: the file holds no chat (neither "messages" nor "chats.list" found)', fatal: true }]);
  });

  it('a file that cannot be read gives an error, not an exception', async () => {
    const events: ExportEvent[] = [];
    for await (const e of new ExportReader(path.join(dir, 'missing.json'), 0, { fs: nodeVaultFs })) events.push(e);
    assert.equal(events.length, 1);
    assert.equal(events[0].kind, 'error');
    assert.match((events[0] as { message: string }).message, /^could not read the file: .*ENOENT/);
  });

  it('passes non-object entries of "messages" through for the importer to report', async () => {
    const file = await write('odd.json', { name: 'O', type: 'personal_chat', id: 8, messages: [7, msg(1), [1, 2], null] });
    const { events } = await readAll(file);
    const values = events.filter((e) => e.kind === 'message').map((e) => (e as { value: unknown }).value);
    assert.deepEqual(values, [7, msg(1), [1, 2], null]);
    assert.deepEqual(
      events.filter((e) => e.kind === 'message').map((e) => (e as { index: number }).index),
      [0, 1, 2, 3],
    );
  });

  it('keeps memory flat: the consumer may stop early and the file is released', async () => {
    const parts = ['{"name":"Big","type":"personal_chat","id":9,"messages":['];
    for (let i = 1; i <= 20000; i++) parts.push((i > 1 ? ',' : '') + JSON.stringify(msg(i)));
    parts.push(']}');
    const file = await write('big.json', parts.join(''));
    const opened: Readable[] = [];
    const fs: Pick<VaultFs, 'createReadStream'> = {
      createReadStream: ((p: string, o: object) => {
        const stream = nodeVaultFs.createReadStream(p, o);
        opened.push(stream);
        return stream;
      }) as VaultFs['createReadStream'],
    };
    const reader = new ExportReader(file, (await fsp.stat(file)).size, { fs, chunkSize: 16 * 1024 });
    let n = 0;
    for await (const e of reader) {
      if (e.kind === 'message' && ++n === 100) break;
    }
    assert.equal(n, 100);
    assert.ok(reader.bytesRead < 32 * 1024, `progress is what was consumed (${reader.bytesRead})`);
    assert.equal(opened.length, 1);
    assert.ok(opened[0].destroyed, 'the file was released');
    assert.ok(opened[0].readableLength <= 2 * 16 * 1024, 'nothing much was read ahead');
  });

  it('progress follows what the consumer took, not what the parser read ahead', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => msg(i + 1));
    const file = await write('progress.json', { about: '', chats: { list: [{ name: 'One', type: 'personal_chat', id: 1, messages: many(150) }, { name: 'Two', type: 'personal_chat', id: 2, messages: many(150) }] } });
    const text = await fsp.readFile(file, 'utf8');
    const secondChatAt = Buffer.byteLength(text.slice(0, text.indexOf('"Two"')));
    const size = (await fsp.stat(file)).size;
    const reader = new ExportReader(file, size, { fs: nodeVaultFs, chunkSize: 1024 });
    const seen: number[] = [];
    for await (const e of reader) {
      seen.push(reader.bytesRead);
      if (e.kind === 'chat-start' && e.header.id === 2) {
        assert.ok(Math.abs(reader.bytesRead - secondChatAt) <= 2048, `${reader.bytesRead} vs ${secondChatAt}`);
      }
    }
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1]);
    assert.equal(reader.bytesRead, size);
  });

  it('does not let a "__proto__" key pollute objects (it stays an own property of the message)', async () => {
    const file = await write('proto.json', '{"name":"P","type":"personal_chat","id":10,"__proto__":{"id":666},"messages":[{"id":1,"__proto__":{"polluted":true},"text":"","entities":{"__proto__":{"x":1}}}]}');
    const { events } = await readAll(file);
    const m = (events.find((e) => e.kind === 'message') as { value: Record<string, unknown> }).value;
    assert.equal((m as { polluted?: boolean }).polluted, undefined);
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
    assert.ok(Object.hasOwn(m, '__proto__'));
    assert.equal(Object.getPrototypeOf(m.entities), Object.prototype);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    assert.deepEqual((events.find((e) => e.kind === 'chat-start') as { header: unknown }).header, { id: 10, name: 'P', type: 'personal_chat' });
  });

  it('the chat header is the id, name and type written before the chat\'s messages', async () => {
    const { events } = await readText('{"chats":{"list":[{"id":1,"name":"First","messages":[],"type":"late","name ":"x"},{"type":"public_channel","id":"2","messages":[]}]}}');
    assert.deepEqual(
      events.flatMap((e) => (e.kind === 'chat-start' ? [e.header] : [])),
      [
        { id: 1, name: 'First', type: undefined },
        { id: '2', name: undefined, type: 'public_channel' },
      ],
    );
  });

  it('keys are read as JSON strings: an escaped "messages" is still "messages"', async () => {
    const { events } = await readText('{"n\\u0061me":"Esc","mess\\u0061ges":[{"id":1}]}');
    assert.deepEqual(
      events.map((e) => e.kind),
      ['shape', 'chat-start', 'message', 'chat-end'],
    );
    assert.equal((events[1] as { header: { name: unknown } }).header.name, 'Esc');
  });

  it('hands the messages of a chat the consumer declines to parse out as raw text only', async () => {
    const doc = JSON.stringify({ chats: { list: [{ name: 'A', type: 'personal_chat', id: 1, messages: [{ id: 1, text: 'a' }] }, { name: 'B', type: 'personal_chat', id: 2, messages: [{ id: 5, text: 'b' }, { id: 6, text: '}' }] }] } });
    const data = Buffer.from(doc);
    const asked: unknown[] = [];
    const reader = new ExportReader('result.json', data.length, {
      fs: memoryFs(data),
      chunkSize: 7,
      parseChat: (h) => (asked.push(h.id), h.id !== 2),
    });
    const seen: unknown[][] = [];
    const digests: string[] = [];
    for await (const e of reader) {
      if (e.kind === 'message') seen.push(e.unparsed ? [undefined, e.bytes.toString('utf8'), true] : [e.value, e.raw, false]);
      if (e.kind === 'chat-end') digests.push(e.bytesDigest);
    }
    assert.deepEqual(asked, [1, 2]);
    assert.deepEqual(seen, [
      [{ id: 1, text: 'a' }, '{"id":1,"text":"a"}', false],
      [undefined, '{"id":5,"text":"b"}', true],
      [undefined, '{"id":6,"text":"}"}', true],
    ]);
    // Each chat's digest is of the bytes between its "[" and "]", whatever the chunking.
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    assert.deepEqual(digests, [sha('{"id":1,"text":"a"}'), sha('{"id":5,"text":"b"},{"id":6,"text":"}"}')]);
  });
});
