/**
 * A newer export of the same chat: only what is new is added, edited messages are replaced where
 * they are, and the result equals what one import of the final state would give where it can.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { parseBlocks, parseFrontmatter } from '../../../server/engine/telegram-notes';
import { assertVaultConsistent, msg, readNote, runImport, snapshot, tempDir, writeExport } from './helpers';

const NOTE = 'Telegram/Alice/Alice.md';

describe('import: newer exports of the same chat', function () {
  this.timeout(30_000);
  let work: string;
  beforeEach(async () => {
    work = await tempDir('updates');
  });
  afterEach(async () => {
    await fsp.rm(work, { recursive: true, force: true });
  });

  const chat = (messages: unknown[]) => [{ id: 501, name: 'Alice', messages }];

  it('adds only new messages and replaces an edited one in place', async () => {
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(1), msg(2), msg(3), msg(4)]), { single: true });
    const edited = msg(2, { text: 'message 2, corrected', text_entities: [{ type: 'plain', text: 'message 2, corrected' }], edited: '2024-03-01T09:00:00', edited_unixtime: '1709283600' });
    const v2 = await writeExport(path.join(work, 'v2'), chat([msg(1), edited, msg(3), msg(4), msg(5), msg(6)]), { single: true });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    const s = await runImport(v2, vault);
    assert.equal(s.messagesWritten, 2);
    assert.equal(s.messagesUpdated, 1);
    assert.equal(s.duplicatesSkipped, 3);
    const text = await readNote(vault, NOTE);
    assert.match(text, /message 2, corrected/);
    assert.doesNotMatch(text, /> message 2\n/);
    assert.deepEqual(
      parseBlocks(text).map((b) => b.ids[0]),
      [1, 2, 3, 4, 5, 6],
    );
    const fm = parseFrontmatter(text)!.meta;
    assert.equal(fm.messageCount, 6);
    assert.equal(fm.lastImportedId, 6);
    await assertVaultConsistent(vault);

    // The same final state imported at once gives the same note.
    const once = path.join(work, 'once');
    await runImport(v2, once);
    assert.deepEqual(await snapshot(vault), await snapshot(once));
    // And importing the older export again afterwards changes nothing back... it restores the old text.
    const back = await runImport(v1, vault);
    assert.equal(back.messagesUpdated, 1, 'an older export is also the truth for what it holds');
    assert.equal(back.messagesWritten, 0);
  });

  it('keeps messages a newer export no longer has (deleted in Telegram, still archived)', async () => {
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(1), msg(2), msg(3)]), { single: true });
    const v2 = await writeExport(path.join(work, 'v2'), chat([msg(1), msg(3), msg(4)]), { single: true });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    await runImport(v2, vault);
    assert.deepEqual(
      parseBlocks(await readNote(vault, NOTE)).map((b) => b.ids[0]),
      [1, 2, 3, 4],
    );
  });

  it('inserts older messages a previous partial export lacked, in id order', async () => {
    const recent = await writeExport(path.join(work, 'recent'), chat([msg(10), msg(11), msg(12)]), { single: true });
    const full = await writeExport(path.join(work, 'full'), chat([msg(3), msg(5), msg(10), msg(11), msg(12), msg(13)]), { single: true });
    const vault = path.join(work, 'vault');
    await runImport(recent, vault);
    const s = await runImport(full, vault);
    assert.equal(s.messagesWritten, 3);
    const text = await readNote(vault, NOTE);
    assert.deepEqual(
      parseBlocks(text).map((b) => b.ids[0]),
      [3, 5, 10, 11, 12, 13],
    );
    assert.equal(parseFrontmatter(text)!.meta.firstDate, msg(3).date);
    await assertVaultConsistent(vault);
    const once = path.join(work, 'once');
    await runImport(full, once);
    assert.deepEqual(await snapshot(vault), await snapshot(once));
  });

  it('an album that gained a photo replaces the old block', async () => {
    const photo = (id: number) => msg(id, { photo: `photos/p${id}.jpg`, date_unixtime: '1709290000', date: '2024-03-01T10:46:40', text: '', text_entities: [] });
    const files = { 'photos/p7.jpg': 'P7', 'photos/p8.jpg': 'P8', 'photos/p9.jpg': 'P9' };
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(1), photo(7), photo(8)]), { single: true, files });
    const v2 = await writeExport(path.join(work, 'v2'), chat([msg(1), photo(7), photo(8), photo(9), msg(10)]), { single: true, files });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    const before = parseBlocks(await readNote(vault, NOTE));
    assert.deepEqual(before[1].ids, [7, 8], 'album of two');
    await runImport(v2, vault);
    const after = parseBlocks(await readNote(vault, NOTE));
    assert.deepEqual(
      after.map((b) => b.ids),
      [[1], [7, 8, 9], [10]],
    );
    await assertVaultConsistent(vault);
    const once = path.join(work, 'once');
    await runImport(v2, once);
    assert.deepEqual(await snapshot(vault), await snapshot(once));
  });

  it('re-creates a note someone deleted, and restores a deleted attachment', async () => {
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(1), msg(2, { photo: 'photos/a.jpg' })]), { single: true, files: { 'photos/a.jpg': 'AAA' } });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    const clean = await snapshot(vault);
    await fsp.rm(path.join(vault, NOTE));
    await fsp.rm(path.join(vault, 'Telegram/Alice/attachments/photos/a.jpg'));
    const s = await runImport(v1, vault);
    assert.equal(s.messagesWritten, 2);
    assert.equal(s.mediaCopied, 1);
    assert.deepEqual(await snapshot(vault), clean);
  });

  it('keeps properties a person added to the frontmatter', async () => {
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(1)]), { single: true });
    const v2 = await writeExport(path.join(work, 'v2'), chat([msg(1), msg(2)]), { single: true });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    const text = await readNote(vault, NOTE);
    await fsp.writeFile(path.join(vault, NOTE), text.replace('tags:\n  - telegram\n', 'tags:\n  - telegram\n  - family\nrating: 5\n'));
    await runImport(v2, vault);
    const after = await readNote(vault, NOTE);
    assert.match(after, / {2}- family\n/);
    assert.match(after, /rating: 5\n/);
    assert.equal(parseFrontmatter(after)!.meta.messageCount, 2);
  });
  it('a newer export without the media (not included, or gone from disk) keeps the embeds already archived', async () => {
    const photo = (id: number, file: string) => msg(id, { photo: file, width: 10, height: 10 });
    const v1 = await writeExport(path.join(work, 'v1'), chat([photo(1, 'photos/a.jpg'), photo(2, 'photos/b.jpg'), msg(3)]), {
      single: true,
      files: { 'photos/a.jpg': 'jpeg bytes a', 'photos/b.jpg': 'jpeg bytes b' },
    });
    const NOT_INCLUDED = '(File not included. Change data exporting settings to download.)';
    // Text-only export made later; photo b is listed but no longer on disk; message 4 is new.
    const v2 = await writeExport(path.join(work, 'v2'), chat([photo(1, NOT_INCLUDED), photo(2, 'photos/b.jpg'), msg(3), msg(4)]), { single: true });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    const before = await readNote(vault, NOTE);
    assert.match(before, /!\[\[Telegram\/Alice\/attachments\/photos\/a\.jpg\]\]/);
    const s = await runImport(v2, vault);
    assert.equal(s.messagesWritten, 1);
    assert.equal(s.messagesUpdated, 0);
    const after = await readNote(vault, NOTE);
    assert.doesNotMatch(after, /not included|missing from the export/);
    const blocksUpTo3 = (t: string) => t.slice(t.indexOf('\n---\n'), t.indexOf('\n^m3\n'));
    assert.equal(blocksUpTo3(after), blocksUpTo3(before), 'the archived blocks are left as they were');
    assert.deepEqual(
      parseBlocks(after).map((b) => b.ids[0]),
      [1, 2, 3, 4],
    );
    // Nothing left to do on the next run, with or without the index.
    assert.equal((await runImport(v2, vault)).messagesUpdated, 0);
    await fsp.rm(path.join(vault, '.vault-archiver'), { recursive: true });
    assert.equal((await runImport(v2, vault)).messagesUpdated, 0);
    assert.equal(await readNote(vault, NOTE), after);
    await assertVaultConsistent(vault);
  });
});
