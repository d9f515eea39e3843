/**
 * Hostile and broken input: paths that try to leave the export, symlinks out, missing files,
 * names that are not UTF-8, hostile titles, unknown kinds, truncated and malformed JSON. Each gives
 * a clear warning naming the chat (and message), the rest is imported, and nothing outside the
 * vault (or already in it) is harmed.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { parseBlocks } from '../../../server/engine/telegram-notes';
import { listImportedChats } from '../../../server/engine/connectors/telegram-export';
import { UserError } from '../../../server/engine/errors';
import { assertVaultConsistent, msg, notesOf, readNote, runImport, settings, snapshot, tempDir, writeExport } from './helpers';

describe('import: hostile and broken exports', function () {
  this.timeout(30_000);
  let work: string;
  beforeEach(async () => {
    work = await tempDir('hostile');
  });
  afterEach(async () => {
    await fsp.rm(work, { recursive: true, force: true });
  });

  it('refuses file paths that leave the export folder (.., absolute, symlinks) and reports missing files', async () => {
    const secret = path.join(work, 'secret.txt');
    await fsp.writeFile(secret, 'TOP SECRET');
    const exp = path.join(work, 'export');
    await writeExport(
      exp,
      [
        {
          id: 900,
          name: 'Mallory',
          messages: [
            msg(1, { file: '../secret.txt' }),
            msg(2, { photo: secret }),
            msg(3, { file: 'files/..\\..\\secret.txt' }),
            msg(4, { file: 'files/link.txt' }),
            msg(5, { file: 'files/gone.pdf' }),
            msg(6, { photo: 'photos/ok.jpg' }),
          ],
        },
      ],
      { single: true, files: { 'photos/ok.jpg': 'OK' } },
    );
    await fsp.mkdir(path.join(exp, 'files'), { recursive: true });
    await fsp.symlink(secret, path.join(exp, 'files', 'link.txt'));
    const vault = path.join(work, 'vault');
    const s = await runImport(exp, vault);
    assert.equal(s.messagesWritten, 6, 'the messages themselves are archived');
    assert.equal(s.mediaCopied, 1);
    assert.equal(s.mediaMissing, 5);
    const byItem = new Map(s.warnings.map((w) => [w.item, w]));
    for (const id of [1, 2, 3, 4]) {
      assert.equal(byItem.get(id)?.source, 'Mallory');
      assert.match(byItem.get(id)!.message, /outside the export folder/, `message ${id}`);
    }
    assert.match(byItem.get(5)!.message, /not in the export/);
    const files = Object.keys(await snapshot(vault));
    assert.ok(!files.some((f) => f.includes('secret')), 'nothing copied from outside');
    for (const f of files) assert.notEqual(await fsp.readFile(path.join(vault, f), 'utf8'), 'TOP SECRET');
    assert.equal(await fsp.readFile(secret, 'utf8'), 'TOP SECRET');
    await assertVaultConsistent(vault);
  });

  it('finds a file whose name is not valid UTF-8 (the JSON holds U+FFFD for the bad bytes)', async () => {
    const exp = path.join(work, 'export');
    await writeExport(exp, [{ id: 901, name: 'Bytes', messages: [msg(1, { file: 'files/caf\ufffd.txt', file_name: 'caf\ufffd.txt' })] }], { single: true });
    await fsp.mkdir(path.join(exp, 'files'), { recursive: true });
    const rawName = Buffer.concat([Buffer.from(path.join(exp, 'files') + path.sep), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74])]); // "caf\xe9.txt" (Latin-1)
    await fsp.writeFile(rawName, 'LATIN-1 NAMED');
    const vault = path.join(work, 'vault');
    const s = await runImport(exp, vault);
    assert.equal(s.mediaCopied, 1, JSON.stringify(s.warnings));
    const stored = Object.keys(await snapshot(vault)).find((f) => f.includes('/attachments/'))!;
    assert.ok(Buffer.from(stored).toString('utf8') === stored, 'the vault name is valid UTF-8');
    assert.equal(await fsp.readFile(path.join(vault, stored), 'utf8'), 'LATIN-1 NAMED');
  });

  it('sanitises hostile chat titles and keeps every file inside the vault', async () => {
    const exp = path.join(work, 'export');
    await writeExport(exp, [
      { id: 902, name: '../../escape', messages: [msg(1)] },
      { id: 903, name: 'CON', messages: [msg(1)] },
      { id: 904, name: '/etc/passwd', messages: [msg(1)] },
      { id: 905, name: 'a'.repeat(400) + '.', messages: [msg(1)] },
      { id: 906, name: '', type: 'saved_messages', messages: [msg(1)] },
      { id: 907, name: 'Same', messages: [msg(1)] },
      { id: 908, name: 'Same', messages: [msg(1)] },
    ]);
    const vault = path.join(work, 'vault');
    const s = await runImport(exp, vault);
    assert.equal(s.chats, 7);
    const entries = await fsp.readdir(work);
    assert.deepEqual(entries.sort(), ['export', 'vault'], 'nothing written next to the vault');
    const notes = await notesOf(vault);
    assert.equal(notes.length, 7);
    for (const n of notes) {
      const [top, folder, file] = n.split('/');
      assert.equal(top, 'Telegram');
      assert.ok(!folder.startsWith('.') && folder !== '..' && !/[\\/]/.test(folder), folder);
      assert.ok(Buffer.byteLength(file) <= 255 && Buffer.byteLength(folder) <= 255);
    }
    const folders = new Set(notes.map((n) => n.split('/')[1]));
    assert.equal(folders.size, 7, 'two chats with the same title get two folders');
    assert.ok(folders.has('Same') && folders.has('Same (908)'));
    assert.ok(![...folders].some((f) => /^con$/i.test(f)));
    assert.ok(folders.has('Saved Messages'));
    await assertVaultConsistent(vault);
    // Re-import: same folders (the second "Same" keeps its suffix).
    const again = await runImport(exp, vault);
    assert.equal(again.messagesWritten, 0);
    assert.equal((await notesOf(vault)).length, 7);

    // Index lost, and a third "Same" arrives first: it must not move into another chat's folder.
    await fsp.rm(path.join(vault, '.vault-archiver'), { recursive: true });
    const exp2 = path.join(work, 'export2');
    await writeExport(exp2, [
      { id: 909, name: 'Same', messages: [msg(1)] },
      { id: 907, name: 'Same', messages: [msg(1), msg(2)] },
      { id: 908, name: 'Same', messages: [msg(1)] },
    ]);
    const third = await runImport(exp2, vault);
    assert.equal(third.messagesWritten, 2, 'the new chat and 907’s new message');
    assert.equal(third.duplicatesSkipped, 2);
    const sameFolders = (await notesOf(vault)).filter((n) => n.startsWith('Telegram/Same')).map((n) => n.split('/').slice(1).join('/'));
    assert.deepEqual(sameFolders.sort(), ['Same (908)/Same.md', 'Same (909)/Same.md', 'Same/Same.md']);
    await assertVaultConsistent(vault);
  });

  it('a chat title with nothing printable names its note like its folder ("Chat <id>"), also month by month and after the index is lost', async () => {
    const exp = path.join(work, 'export');
    await writeExport(exp, [
      { id: 911, name: '....', messages: [msg(1)] },
      { id: 912, name: '. . .', messages: [msg(1), msg(2, { date: '2024-04-02T10:00:00', date_unixtime: '1712052000' })] },
    ]);
    const vault = path.join(work, 'vault');
    const monthly = { settings: settings({ splitByMonthOver: 1 }) };
    await runImport(exp, vault, monthly);
    const expected = ['Telegram/Chat 911/Chat 911.md', 'Telegram/Chat 912/Chat 912 2024-03.md', 'Telegram/Chat 912/Chat 912 2024-04.md'];
    assert.deepEqual((await notesOf(vault)).sort(), expected);
    const before = await snapshot(vault);
    await fsp.rm(path.join(vault, '.vault-archiver'), { recursive: true });
    const exp2 = path.join(work, 'export2');
    await writeExport(exp2, [{ id: 912, name: '. . .', messages: [msg(3, { date: '2024-04-03T10:00:00', date_unixtime: '1712138400' })] }]);
    await runImport(exp2, vault, monthly);
    assert.deepEqual((await notesOf(vault)).sort(), expected, 'the month layout is recognised from the note names');
    assert.notDeepEqual(await snapshot(vault), before);
    await assertVaultConsistent(vault);
  });

  it('a message id that repeats within a chat: the first message is kept, the repeat is reported, re-imports change nothing', async () => {
    const exp = path.join(work, 'export');
    const repeat = msg(2, { text: 'same id again', text_entities: [{ type: 'plain', text: 'same id again' }] });
    await writeExport(exp, [{ id: 913, name: 'Dup', messages: [msg(1), msg(2), repeat, msg(3)] }]);
    const vault = path.join(work, 'vault');
    const s = await runImport(exp, vault);
    assert.equal(s.messagesWritten, 3);
    assert.ok(s.warnings.some((w) => w.source === 'Dup' && w.item === 2 && /same id/.test(w.message)), JSON.stringify(s.warnings));
    const text = await readNote(vault, 'Telegram/Dup/Dup.md');
    assert.match(text, /> message 2\n/);
    assert.doesNotMatch(text, /same id again/);
    const again = await runImport(exp, vault);
    assert.equal(again.messagesUpdated, 0);
    assert.equal(await readNote(vault, 'Telegram/Dup/Dup.md'), text);
    await assertVaultConsistent(vault);
  });

  it('warns about entries it cannot import and imports the rest', async () => {
    const exp = path.join(work, 'export');
    await writeExport(
      exp,
      [
        {
          id: 910,
          name: 'Odd',
          messages: [msg(1), 'not a message', { type: 'message', text: 'no id' }, { id: 1.5, type: 'message', text: 'bad id' }, msg(2, { type: 'story_mention' }), { id: 3, type: 'unsupported' }, msg(4, { text: [{ type: 'hologram', text: 'future entity' }], text_entities: [{ type: 'hologram', text: 'future entity' }] })],
        },
        { name: 'No id', messages: [msg(1)] } as never,
        { id: 911, name: 'After', messages: [msg(1)] },
      ],
    );
    const vault = path.join(work, 'vault');
    const s = await runImport(exp, vault);
    assert.equal(s.chats, 2, 'the chat without an id is skipped');
    assert.equal(s.messagesWritten, 5, '4 good messages of Odd + 1 of After');
    const w = s.warnings.map((x) => `${x.source}|${x.item}|${x.message}`);
    assert.ok(w.some((x) => /^Odd\|#2\|.*not a message object/.test(x)), w.join('\n'));
    assert.ok(w.some((x) => /^Odd\|#3\|.*valid id/.test(x)));
    assert.ok(w.some((x) => /^Odd\|#4\|.*valid id/.test(x)));
    assert.ok(w.some((x) => /^Odd\|2\|.*story_mention/.test(x)));
    assert.ok(w.some((x) => /^No id\|.*without a valid "id"/.test(x)));
    assert.ok(w.some((x) => /^Odd\|4\|.*entity type "hologram"/.test(x)));
    const odd = await readNote(vault, 'Telegram/Odd/Odd.md');
    assert.match(odd, /future entity/);
    assert.deepEqual(
      parseBlocks(odd).map((b) => b.ids[0]),
      [1, 2, 3, 4],
    );
  });

  it('a truncated whole-account export: earlier chats and the complete part of the cut chat are imported, with a warning naming both', async () => {
    const exp = path.join(work, 'export');
    await writeExport(exp, [
      { id: 920, name: 'Whole', messages: [msg(1), msg(2)] },
      { id: 921, name: 'Cut Short', messages: [msg(1), msg(2), msg(3), msg(4)] },
      { id: 922, name: 'Never Reached', messages: [msg(1)] },
    ]);
    const file = path.join(exp, 'result.json');
    const text = await fsp.readFile(file, 'utf8');
    const cut = text.indexOf('"message 3"', text.indexOf('Cut Short'));
    await fsp.writeFile(file, text.slice(0, cut));
    const vault = path.join(work, 'vault');
    // Something already in the vault must survive the broken import untouched.
    await fsp.mkdir(path.join(vault, 'Notes'), { recursive: true });
    await fsp.writeFile(path.join(vault, 'Notes', 'mine.md'), 'my own note');
    const s = await runImport(exp, vault);
    assert.equal(s.cancelled, false);
    assert.equal(s.messagesWritten, 4, 'Whole: 2, Cut Short: 2 complete ones');
    const warn = s.warnings.find((x) => /cannot be read past/.test(x.message));
    assert.ok(warn, JSON.stringify(s.warnings));
    assert.equal(warn.source, 'Cut Short');
    assert.equal(warn.item, 2);
    assert.match(warn.message, /up to #2/);
    assert.equal(await fsp.readFile(path.join(vault, 'Notes', 'mine.md'), 'utf8'), 'my own note');
    await assertVaultConsistent(vault);
    assert.deepEqual((await listImportedChats(vault)).map((c) => c.title).sort(), ['Cut Short', 'Whole']);

    // The complete export later fills in the rest.
    await writeExport(exp, [
      { id: 920, name: 'Whole', messages: [msg(1), msg(2)] },
      { id: 921, name: 'Cut Short', messages: [msg(1), msg(2), msg(3), msg(4)] },
      { id: 922, name: 'Never Reached', messages: [msg(1)] },
    ]);
    const full = await runImport(exp, vault);
    assert.equal(full.messagesWritten, 3);
    assert.equal(full.duplicatesSkipped, 4);
  });

  it('a malformed (not just truncated) file and a folder without result.json give clear errors', async () => {
    const exp = path.join(work, 'export');
    await fsp.mkdir(exp, { recursive: true });
    await assert.rejects(runImport(exp, path.join(work, 'vault')), /No result\.json/);
    await assert.rejects(runImport(path.join(work, 'nope'), path.join(work, 'vault')), /does not exist/);
    await fsp.writeFile(path.join(exp, 'result.json'), '{"name":"Broken","type":"personal_chat","id":930,"messages":[{"id":1,"type":"message","text":"fine"},{"id":2,,}]}');
    const s = await runImport(exp, path.join(work, 'vault'));
    assert.equal(s.messagesWritten, 1);
    const warn = s.warnings.find((x) => /malformed/.test(x.message));
    assert.equal(warn?.source, 'Broken');
  });

  it('a file that is not an export fails with a UserError naming what is wrong, and writes nothing', async () => {
    const exp = path.join(work, 'not-export');
    await fsp.mkdir(exp, { recursive: true });
    const vault = path.join(work, 'vault-none');
    const cases: [string, RegExp][] = [
      ['', /not a Telegram Desktop export: the file is empty/],
      ['<!DOCTYPE html><html><body>messages</body></html>', /HTML export/],
      ['[1,2,3]', /holds a list/],
      ['{"name":"X","type":"personal_chat","id":1,"messages":"oops"}', /"messages" is a string, not a list of messages/],
      ['{"about":"x","chats":{"about":"c","list":{"id":1}}}', /"chats\.list" is an object, not a list of chats/],
    ];
    for (const [text, expected] of cases) {
      await fsp.writeFile(path.join(exp, 'result.json'), text);
      await assert.rejects(runImport(exp, vault), (e: unknown) => e instanceof UserError && expected.test(e.message), text);
    }
    assert.deepEqual(await notesOf(vault).catch(() => []), []);
    // Given the path of result.json itself, the importer reads it too.
    await fsp.writeFile(path.join(exp, 'result.json'), JSON.stringify({ name: 'Fine', type: 'personal_chat', id: 931, messages: [msg(1)] }));
    assert.equal((await runImport(path.join(exp, 'result.json'), vault)).messagesWritten, 1);
    // An HTML-format export folder is named as such.
    const html = path.join(work, 'html-export');
    await fsp.mkdir(html, { recursive: true });
    await fsp.writeFile(path.join(html, 'messages.html'), '<html></html>');
    await assert.rejects(runImport(html, vault), (e: unknown) => e instanceof UserError && /is an HTML export/.test(e.message));
  });
});
