/**
 * Vault-wide media dedup through whole imports: identical content in two chats, or in a newer
 * export under another name, is stored once; removing a chat keeps files other chats embed.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { listImportedChats, removeImportedChat } from '../../../server/engine/connectors/telegram-export';
import { assertVaultConsistent, msg, notesOf, readNote, runImport, settings, snapshot, tempDir, writeExport } from './helpers';

describe('import: media dedup across chats and exports', function () {
  this.timeout(30_000);
  let work: string;
  beforeEach(async () => {
    work = await tempDir('dedup');
  });
  afterEach(async () => {
    await fsp.rm(work, { recursive: true, force: true });
  });

  async function twoChats(dir: string): Promise<string> {
    return writeExport(
      dir,
      [
        { id: 1001, name: 'First', messages: [msg(1, { photo: 'chats/chat_1/photos/cat.jpg' }), msg(2, { file: 'chats/chat_1/files/only-first.pdf' })] },
        { id: 1002, name: 'Second', messages: [msg(1, { photo: 'chats/chat_2/photos/same-cat.jpg' }), msg(2, { photo: 'chats/chat_2/photos/dog.jpg' })] },
      ],
      {
        files: {
          'chats/chat_1/photos/cat.jpg': 'CAT'.repeat(100),
          'chats/chat_1/files/only-first.pdf': 'PDF',
          'chats/chat_2/photos/same-cat.jpg': 'CAT'.repeat(100),
          'chats/chat_2/photos/dog.jpg': 'DOG',
        },
      },
    );
  }

  it('stores content found in two chats once and embeds the first copy from the second chat', async () => {
    const exp = await twoChats(path.join(work, 'export'));
    const vault = path.join(work, 'vault');
    const s = await runImport(exp, vault);
    assert.equal(s.mediaCopied, 3);
    assert.equal(s.mediaDeduplicated, 1);
    assert.equal(s.bytesSaved, 300);
    const files = Object.keys(await snapshot(vault)).filter((f) => f.includes('/attachments/'));
    assert.deepEqual(files.sort(), ['Telegram/First/attachments/files/only-first.pdf', 'Telegram/First/attachments/photos/cat.jpg', 'Telegram/Second/attachments/photos/dog.jpg']);
    assert.match(await readNote(vault, 'Telegram/Second/Second.md'), /!\[\[Telegram\/First\/attachments\/photos\/cat\.jpg\]\]/);
    await assertVaultConsistent(vault);
  });

  it('a newer export with renamed files reuses what is stored (no second copy)', async () => {
    const vault = path.join(work, 'vault');
    await runImport(await twoChats(path.join(work, 'e1')), vault);
    const e2 = await writeExport(
      path.join(work, 'e2'),
      [{ id: 1001, name: 'First', messages: [msg(1, { photo: 'chats/chat_1/photos/photo_9.jpg' }), msg(2, { file: 'chats/chat_1/files/only-first.pdf' }), msg(3, { photo: 'chats/chat_1/photos/photo_1.jpg' })] }],
      { files: { 'chats/chat_1/photos/photo_9.jpg': 'CAT'.repeat(100), 'chats/chat_1/files/only-first.pdf': 'PDF', 'chats/chat_1/photos/photo_1.jpg': 'DOG' } },
    );
    const s = await runImport(e2, vault);
    assert.equal(s.mediaCopied, 0);
    assert.equal(s.messagesWritten, 1);
    assert.equal(s.mediaDeduplicated, 1, 'the new message embeds the dog stored for the other chat');
    const note = await readNote(vault, 'Telegram/First/First.md');
    assert.match(note, /!\[\[Telegram\/Second\/attachments\/photos\/dog\.jpg\]\]/);
    assert.equal(s.messagesUpdated, 0, 'same content under a new name does not change the old block');
  });

  it('hardlinks attachments when the setting allows it', async () => {
    const exp = await twoChats(path.join(work, 'export'));
    const vault = path.join(work, 'vault');
    const s = await runImport(exp, vault, { settings: settings({ useHardlinks: true }) });
    assert.equal(s.mediaCopied, 3);
    const a = await fsp.stat(path.join(vault, 'Telegram/First/attachments/photos/cat.jpg'));
    const b = await fsp.stat(path.join(exp, 'chats/chat_1/photos/cat.jpg'));
    assert.equal(a.ino, b.ino);
  });

  it('lists imported chats and removes one, keeping attachments another chat embeds', async () => {
    const exp = await twoChats(path.join(work, 'export'));
    const vault = path.join(work, 'vault');
    await runImport(exp, vault);
    const listed = await listImportedChats(vault);
    assert.deepEqual(
      listed.map((c) => [c.chatId, c.title, c.folder, c.messageCount]).sort(),
      [
        [1001, 'First', 'First', 2],
        [1002, 'Second', 'Second', 2],
      ],
    );
    await removeImportedChat(vault, 1001, true);
    assert.deepEqual(
      (await listImportedChats(vault)).map((c) => c.chatId),
      [1002],
    );
    const left = Object.keys(await snapshot(vault)).sort();
    assert.ok(left.includes('Telegram/First/attachments/photos/cat.jpg'), 'Second still embeds it');
    assert.ok(!left.includes('Telegram/First/attachments/files/only-first.pdf'));
    assert.ok(!left.includes('Telegram/First/First.md'));
    await assertVaultConsistent(vault);

    // Removing without deleting notes only forgets the chat; importing again finds its notes.
    await removeImportedChat(vault, 1002, false);
    assert.deepEqual(await listImportedChats(vault), []);
    assert.ok((await notesOf(vault)).includes('Telegram/Second/Second.md'));
    const again = await runImport(exp, vault);
    assert.equal(again.duplicatesSkipped, 2, 'Second recognised from its note');
    assert.equal(again.messagesWritten, 2, 'First written again');
  });
});
