/** Whole-account exports list a chat you left in left_chats; the same chat can be in both lists. */
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { listImportedChats } from '../../../server/engine/connectors/telegram-export';
import { msg, notesOf, runImport, tempDir } from './helpers';

describe('import: whole-account export with a chat in chats and left_chats', function () {
  this.timeout(30_000);
  let work: string;
  beforeEach(async () => (work = await tempDir('account')));
  afterEach(() => fsp.rm(work, { recursive: true, force: true }));

  it('imports the chat once and counts it once', async () => {
    const chat = { name: 'Old Team', type: 'private_group', id: 4242, messages: [msg(1), msg(2), msg(3)] };
    const doc = {
      about: 'test',
      chats: { about: 'c', list: [chat, { name: 'Other', type: 'personal_chat', id: 7, messages: [msg(1)] }] },
      left_chats: { about: 'l', list: [{ ...chat, messages: [msg(1), msg(2), msg(3), msg(4)] }] },
    };
    const exportDir = path.join(work, 'export');
    await fsp.mkdir(exportDir, { recursive: true });
    await fsp.writeFile(path.join(exportDir, 'result.json'), JSON.stringify(doc));
    const vault = path.join(work, 'vault');
    const summary = await runImport(exportDir, vault);
    assert.equal(summary.chats, 2, 'two distinct chats');
    assert.equal(summary.messagesWritten, 5, 'messages 1-3 of Old Team once, its message 4, and Other\'s one');
    const chats = await listImportedChats(vault);
    assert.deepEqual(chats.map((c) => [c.chatId, c.messageCount]).sort(), [[4242, 4], [7, 1]]);
    assert.equal((await notesOf(vault)).length, 2);
  });
});
