/**
 * Re-imports skip rendering blocks whose source key (chat-archive/sourceKey.ts) is unchanged. These
 * tests hold the cases where the message's own bytes are unchanged but its block must change, and
 * an index written before source keys existed.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { msg, readNote, runImport, snapshot, tempDir, writeExport } from './helpers';

const NOTE = 'Telegram/Alice/Alice.md';

describe('import: unchanged blocks are not rendered again, changed dependencies are', function () {
  this.timeout(30_000);
  let work: string;
  beforeEach(async () => (work = await tempDir('srckey')));
  afterEach(() => fsp.rm(work, { recursive: true, force: true }));
  const chat = (messages: unknown[]) => [{ id: 501, name: 'Alice', messages }];

  it('a reply whose target arrives with a later export becomes a link, though the reply itself did not change', async () => {
    const reply = msg(5, { reply_to_message_id: 2 });
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(4), reply]), { single: true });
    const v2 = await writeExport(path.join(work, 'v2'), chat([msg(2), msg(4), reply]), { single: true });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    assert.match(await readNote(vault, NOTE), /Reply to message 2 \*\(not in the archive\)\*/);
    const s = await runImport(v2, vault);
    assert.equal(s.messagesWritten, 1);
    assert.equal(s.messagesUpdated, 1, 'the reply block is rendered again because its target resolves now');
    assert.match(await readNote(vault, NOTE), /Reply to \[\[#\^m2\|message 2\]\]/);
    const once = path.join(work, 'once');
    await runImport(v2, once);
    assert.deepEqual(await snapshot(vault), await snapshot(once));
  });

  it('a photo that was missing and is in a later export is embedded, though the message did not change', async () => {
    const photo = msg(3, { photo: 'photos/p.jpg', width: 10, height: 10 });
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(1), photo]), { single: true });
    const v2 = await writeExport(path.join(work, 'v2'), chat([msg(1), photo]), { single: true, files: { 'photos/p.jpg': 'jpeg bytes' } });
    const vault = path.join(work, 'vault');
    assert.equal((await runImport(v1, vault)).mediaMissing, 1);
    const s = await runImport(v2, vault);
    assert.equal(s.messagesUpdated, 1);
    assert.match(await readNote(vault, NOTE), /!\[\[Telegram\/Alice\/attachments\/photos\/p\.jpg/);
  });

  it('a file whose content changed under the same name is embedded at its new vault path', async () => {
    const photo = msg(3, { photo: 'photos/p.jpg', width: 10, height: 10 });
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(1), photo]), { single: true, files: { 'photos/p.jpg': 'first picture' } });
    const v2 = await writeExport(path.join(work, 'v2'), chat([msg(1), photo]), { single: true, files: { 'photos/p.jpg': 'second picture' } });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    const s = await runImport(v2, vault);
    assert.equal(s.messagesUpdated, 1);
    const note = await readNote(vault, NOTE);
    assert.match(note, /!\[\[Telegram\/Alice\/attachments\/photos\/p \(2\)\.jpg/);
    assert.equal(await fsp.readFile(path.join(vault, 'Telegram', 'Alice', 'attachments', 'photos', 'p (2).jpg'), 'utf8'), 'second picture');
  });

  it('an index from before source keys (rows file v1) is read, and the re-import changes nothing', async () => {
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(1), msg(2), msg(3, { reply_to_message_id: 1 })]), { single: true });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    const before = await snapshot(vault);
    // Rewrite the rows file the way the previous version wrote it: magic v1, no source-key columns.
    const rowsFile = path.join(vault, '.vault-archiver', 'telegram', 'chats', '501.rows');
    const buf = await fsp.readFile(rowsFile);
    const jsonLen = buf.readUInt32LE(8);
    const meta = JSON.parse(buf.subarray(12, 12 + jsonLen).toString('utf8')) as { count: number };
    const cols = buf.subarray(12 + jsonLen, 12 + jsonLen + meta.count * 18);
    const v1Rows = Buffer.concat([Buffer.from('VAROWS1\n', 'latin1'), buf.subarray(8, 12 + jsonLen), cols]);
    await fsp.writeFile(rowsFile, v1Rows);
    // An index of that version has no source digest either, so the chat is read in full.
    const headerFile = path.join(vault, '.vault-archiver', 'telegram', 'chats', '501.json');
    const header = JSON.parse(await fsp.readFile(headerFile, 'utf8')) as Record<string, unknown>;
    delete header.sourceDigest;
    delete header.sourceRun;
    await fsp.writeFile(headerFile, JSON.stringify(header));
    const s = await runImport(v1, vault);
    assert.equal(s.duplicatesSkipped, 3);
    assert.equal(s.messagesWritten + s.messagesUpdated, 0, 'the v1 index was trusted, not rebuilt into new writes');
    assert.deepEqual(await snapshot(vault), before);
    assert.equal((await fsp.readFile(rowsFile)).subarray(0, 8).toString('latin1'), 'VAROWS2\n');
  });
});
