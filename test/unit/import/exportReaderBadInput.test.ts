/**
 * Bad input is explicit: a file that is not an export says what it is instead (fatal), a damaged
 * export delivers everything before the damage and then says where it is.
 */
import * as assert from 'node:assert/strict';
import type { ExportEvent } from '../../../server/engine/connectors/telegram-export/exportReader';
import { errorOf, messageValues, readText } from './exportReaderSupport';

const kinds = (events: ExportEvent[]) => events.map((e) => e.kind);

describe('ExportReader on files that are not exports', () => {
  const notExport = 'not a Telegram Desktop export: ';
  const cases: [string, string, string][] = [
    ['an empty file', '', `${notExport}the file is empty`],
    ['a file of blank space', ' \n\t\r\n', `${notExport}the file is empty`],
    ["Telegram Desktop's HTML export", '<!DOCTYPE html>\n<html>\n <head>\n  <meta charset="utf-8"/>\n  <title>Exported Data</title>', `${notExport}this is Telegram Desktop's HTML export; export again choosing Machine-readable JSON`],
    ['an HTML page without a doctype', '\n<html><body>hi</body></html>', `${notExport}this is Telegram Desktop's HTML export; export again choosing Machine-readable JSON`],
    ['other markup', '<?xml version="1.0"?><a/>', `${notExport}the file is not JSON (it begins with "<?xml version=\\"1.0\\"?><a/>")`],
    ['plain text', 'hello, this is not JSON at all and it goes on and on and on', `${notExport}the file is not JSON (it begins with "hello, this is not JSON at all and it go")`],
    ['a top-level list', '[1,2,3]', `${notExport}the file holds a list, not an object with "messages" or "chats"`],
    ['a top-level list of chats', '[{"id":1,"messages":[]}]', `${notExport}the file holds a list, not an object with "messages" or "chats"`],
    ['a top-level string', '"result"', `${notExport}the file holds a string, not an object with "messages" or "chats"`],
    ['a top-level number', '42\n', `${notExport}the file holds a number, not an object with "messages" or "chats"`],
    ['a top-level null', 'null', `${notExport}the file holds null, not an object with "messages" or "chats"`],
    ['an object with neither messages nor chats', '{"hello":"world","list":[{"messages":[]}]}', `${notExport}the file holds no chat (neither "messages" nor "chats.list" found)`],
    ['an empty object', '{}', `${notExport}the file holds no chat (neither "messages" nor "chats.list" found)`],
    ['chats without a list', '{"chats":{"about":"x"}}', `${notExport}the file holds no chat (neither "messages" nor "chats.list" found)`],
    ['"messages" that is a string', '{"name":"A","id":1,"messages":"oops"}', '"messages" is a string, not a list of messages'],
    ['"messages" that is an object', '{"messages":{"1":{"id":1}}}', '"messages" is an object, not a list of messages'],
    ['"chats" that is a list', '{"chats":[{"id":1,"messages":[]}]}', '"chats" is a list, not an object with a "list" of chats'],
    ['"chats.list" that is an object', '{"chats":{"list":{"a":{"id":1,"messages":[]}}}}', '"chats.list" is an object, not a list of chats'],
    ['"left_chats.list" that is a string', '{"left_chats":{"list":"x"}}', '"left_chats.list" is a string, not a list of chats'],
  ];
  for (const [what, text, message] of cases) {
    it(`${what}: one fatal error, "${message}"`, async () => {
      for (const chunkSize of [1, 3, 1024]) {
        const { events } = await readText(text, chunkSize);
        assert.deepEqual(events, [{ kind: 'error', message, fatal: true }], `chunk size ${chunkSize}`);
      }
    });
  }

  it('a chat entry that is not an object: the chats before it, then a fatal error naming the entry', async () => {
    const { events } = await readText('{"chats":{"list":[{"id":1,"name":"A","messages":[{"id":1}]}, 5, {"id":2,"messages":[]}]}}');
    assert.deepEqual(kinds(events), ['shape', 'chat-start', 'message', 'chat-end', 'error']);
    assert.deepEqual(events.at(-1), { kind: 'error', message: '"chats.list[1]" is a number, not a chat (an object with "messages")', fatal: true });
  });

  it('a chat whose "messages" is not a list: a fatal error naming the field and the chat', async () => {
    const { events } = await readText('{"chats":{"list":[{"id":1,"name":"A","type":"personal_chat","messages":[]},{"id":2,"name":"B","type":"personal_chat","messages":null}]}}');
    assert.deepEqual(events.at(-1), {
      kind: 'error',
      message: '"chats.list[1].messages" is null, not a list of messages',
      chat: { id: 2, name: 'B', type: 'personal_chat' },
      lastMessageId: undefined,
      fatal: true,
    });
  });

  it('a byte-order mark before the object is accepted', async () => {
    const { events } = await readText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":1,"messages":[{"id":1}]}')]), 1);
    assert.deepEqual(kinds(events), ['shape', 'chat-start', 'message', 'chat-end']);
  });
});

describe('ExportReader on damaged exports', () => {
  const chat = { id: 6, name: 'B', type: 'personal_chat' };
  const head = '{"name":"B","type":"personal_chat","id":6,"messages":[';
  const cases: [string, string, number[], string | RegExp, unknown][] = [
    ['two values without a comma inside a message', `${head}{"id":1,"text":"ok"},{"id":2,"text":"x" "y"}]}`, [1], /^the JSON is malformed in message #2 of "messages" \(which starts at byte 75\): \S/, 1],
    ['a message whose brackets do not pair', `${head}{"id":1},{"id":2,"t":[1}]}`, [1], 'the JSON is malformed at byte 77 in message #2 of "messages": "}" where "]" should close', 1],
    ['two messages without a comma', `${head}{"id":1} {"id":2}]}`, [1], 'the JSON is malformed at byte 63: expected "," or "]", found "{"', 1],
    ['a trailing comma', `${head}{"id":1},]}`, [1], 'the JSON is malformed at byte 63: expected a value, found "]"', 1],
    ['an empty slot', `${head}{"id":1},,{"id":2}]}`, [1], 'the JSON is malformed at byte 63: expected a value, found ","', 1],
    ['a message cut by a stray closing bracket', `${head}{"id":1},{"id":2]}`, [1], 'the JSON is malformed at byte 70 in message #2 of "messages": "]" where "}" should close', 1],
    ['a message with a raw control character', `${head}{"id":1},{"id":2,"text":"a\u0001b"}]}`, [1], /^the JSON is malformed in message #2 of "messages" \(which starts at byte 63\): /, 1],
  ];
  for (const [what, text, ids, message, lastMessageId] of cases) {
    it(`${what}: the messages before it, then an error naming the chat and the place`, async () => {
      for (const chunkSize of [1, 7, 1024]) {
        const { events } = await readText(text, chunkSize);
        assert.deepEqual(
          messageValues(events).map((v) => (v as { id: number }).id),
          ids,
        );
        const err = errorOf(events);
        assert.ok(err, 'an error');
        assert.equal(events.at(-1), err, 'the error is the last event');
        if (typeof message === 'string') assert.equal(err.message, message);
        else assert.match(err.message, message);
        assert.deepEqual(err.chat, chat);
        assert.equal(err.lastMessageId, lastMessageId);
        assert.equal(err.fatal, undefined, 'a damaged export is not "not an export"');
      }
    });
  }

  const outside: [string, string, string][] = [
    ['a key without quotes', '{name:"x","messages":[]}', 'the JSON is malformed at byte 1: expected a key in quotes, found "n"'],
    ['a missing comma between keys', '{"id":6 "messages":[]}', 'the JSON is malformed at byte 8: expected "," or "}", found "\\""'],
    ['a missing colon', '{"id" 6,"messages":[]}', 'the JSON is malformed at byte 6: expected ":", found "6"'],
    ['a bad literal in a skipped field', '{"about":tru,"messages":[]}', 'the JSON is malformed at byte 9: "tru" is not a JSON value'],
    ['unpaired brackets in a skipped section', '{"contacts":{"list":[1,2}},"messages":[]}', 'the JSON is malformed at byte 24: "}" where "]" should close'],
  ];
  for (const [what, text, message] of outside) {
    it(`${what}: "${message}"`, async () => {
      const { events } = await readText(text, 2);
      assert.deepEqual(events, [{ kind: 'error', message }]);
    });
  }

  it('data after the export object: every chat, then an error', async () => {
    const { events } = await readText('{"id":6,"messages":[{"id":1}]}\n{"id":7,"messages":[]}');
    assert.deepEqual(kinds(events), ['shape', 'chat-start', 'message', 'chat-end', 'error']);
    assert.equal(errorOf(events)?.message, `the JSON is malformed at byte 31: "{" after the end of the export's object`);
  });

  it('a chat whose "messages" closes the wrong way ends its chat first', async () => {
    const { events } = await readText('{"chats":{"list":[{"id":1,"messages":[{"id":1}]]}}');
    assert.deepEqual(kinds(events), ['shape', 'chat-start', 'message', 'chat-end', 'error']);
    assert.equal(errorOf(events)?.message, 'the JSON is malformed at byte 47: expected "," or "}", found "]"');
    assert.deepEqual(errorOf(events)?.chat, { id: 1, name: undefined, type: undefined });
  });
});
