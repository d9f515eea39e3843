/**
 * The re-import fast path (chat-archive/unchangedChat.ts, connectors/telegram-export/exportChat.ts):
 * a chat whose source is byte-for-byte what it was last archived from, with its notes and files as
 * left, is skipped without parsing or rendering — and reads in the summary as a full pass would.
 * Anything else takes the full path.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { ImportSummary } from '../../../shared/types';
import { msg, readNote, runImport, snapshot, tempDir, writeExport } from './helpers';

const SAMPLE = path.resolve(__dirname, '../../../sample/telegram-export');

/** Forgets every chat's source digest, so the next import takes the full path for all of them. */
async function forgetDigests(vault: string): Promise<void> {
  const dir = path.join(vault, '.vault-archiver', 'telegram', 'chats');
  for (const f of (await fsp.readdir(dir)).filter((n) => n.endsWith('.json'))) {
    const h = JSON.parse(await fsp.readFile(path.join(dir, f), 'utf8')) as Record<string, unknown>;
    delete h.sourceDigest;
    delete h.sourceRun;
    await fsp.writeFile(path.join(dir, f), JSON.stringify(h));
  }
}

function counts(s: ImportSummary) {
  return {
    chats: s.chats, topics: s.topics, seen: s.messagesSeen, written: s.messagesWritten, updated: s.messagesUpdated,
    dup: s.duplicatesSkipped, copied: s.mediaCopied, notes: s.notesWritten, warnings: s.warnings.map((w) => `${w.source} #${w.item}: ${w.message}`).sort(),
  };
}

describe('import: unchanged chats are skipped on re-import', function () {
  this.timeout(60_000);
  let work: string;
  beforeEach(async () => (work = await tempDir('unchanged')));
  afterEach(() => fsp.rm(work, { recursive: true, force: true }));

  it('skips every unchanged chat of the sample, with the summary and vault of a full pass', async () => {
    const fast = path.join(work, 'fast');
    const full = path.join(work, 'full');
    const logs: string[] = [];
    await runImport(SAMPLE, fast);
    await runImport(SAMPLE, full);
    const fastSummary = await runImport(SAMPLE, fast, { log: (_l: string, m: string) => logs.push(m) });
    await forgetDigests(full);
    const fullSummary = await runImport(SAMPLE, full);
    // The chat whose photo is missing from the sample is always read again (the file may arrive).
    const skipped = logs.filter((l) => /unchanged since its last import/.test(l));
    assert.equal(skipped.length, fastSummary.chats - 1, logs.join('\n'));
    assert.deepEqual(counts(fastSummary), counts(fullSummary));
    assert.deepEqual(await snapshot(fast), await snapshot(full));
  });

  it('reads a chat again when its notes changed behind the index, or a stored file is gone', async () => {
    const exp = await writeExport(path.join(work, 'e'), [{ id: 601, name: 'Bob', messages: [msg(1), msg(2), msg(3, { photo: 'photos/a.jpg', width: 1, height: 1 })] }], { single: true, files: { 'photos/a.jpg': 'A' } });
    const vault = path.join(work, 'vault');
    await runImport(exp, vault);
    const clean = await snapshot(vault);
    const note = path.join(vault, 'Telegram', 'Bob', 'Bob.md');
    // A person deletes a message's block from the note: the next import restores it.
    const text = await fsp.readFile(note, 'utf8');
    await fsp.writeFile(note, text.replace(/(\^m1\n\n)[^]*?\^m2\n\n/, '$1'));
    assert.equal((await runImport(exp, vault)).messagesWritten, 1);
    assert.deepEqual(await snapshot(vault), clean);
    // The stored attachment is deleted: the next import copies it again.
    await fsp.rm(path.join(vault, 'Telegram', 'Bob', 'attachments', 'photos', 'a.jpg'));
    assert.equal((await runImport(exp, vault)).mediaCopied, 1);
    assert.deepEqual(await snapshot(vault), clean);
  });

  it('a file of the export replaced under the same name makes its chat be read again (its size and mtime are in the digest)', async () => {
    // More files than one batch of facts asked ahead (256), the replaced one in the last batch.
    const n = 300;
    const messages = Array.from({ length: n }, (_, i) => msg(i + 1, { photo: `photos/p${i}.jpg`, width: 1, height: 1 }));
    const files = Object.fromEntries(Array.from({ length: n }, (_, i) => [`photos/p${i}.jpg`, `photo ${i}`]));
    const dir = path.join(work, 'e');
    const exp = await writeExport(dir, [{ id: 603, name: 'Dee', messages }], { single: true, files });
    const vault = path.join(work, 'vault');
    await runImport(exp, vault);
    const logs: string[] = [];
    await runImport(exp, vault, { log: (_l: string, m: string) => logs.push(m) });
    assert.equal(logs.filter((l) => /unchanged since/.test(l)).length, 1, 'unchanged: skipped');
    await fsp.writeFile(path.join(dir, 'photos', `p${n - 1}.jpg`), 'another photo');
    logs.length = 0;
    const s = await runImport(exp, vault, { log: (_l: string, m: string) => logs.push(m) });
    assert.equal(logs.filter((l) => /unchanged since/.test(l)).length, 0, 'a file changed: read again');
    assert.equal(s.mediaCopied, 1);
  });

  it('a file that was missing and is now in the export is embedded (its chat is never skipped while a file is missing)', async () => {
    const photo = msg(2, { photo: 'photos/late.jpg', width: 1, height: 1 });
    const dir = path.join(work, 'e');
    const exp = await writeExport(dir, [{ id: 602, name: 'Cy', messages: [msg(1), photo] }], { single: true });
    const vault = path.join(work, 'vault');
    assert.equal((await runImport(exp, vault)).mediaMissing, 1);
    await fsp.mkdir(path.join(dir, 'photos'), { recursive: true });
    await fsp.writeFile(path.join(dir, 'photos', 'late.jpg'), 'late');
    const s = await runImport(exp, vault);
    assert.equal(s.mediaMissing, 0);
    assert.match(await readNote(vault, 'Telegram/Cy/Cy.md'), /!\[\[Telegram\/Cy\/attachments\/photos\/late\.jpg/);
  });

  it('only the chat that changed is read; a new message in it is appended', async () => {
    const chats = (extra: unknown[]) => [
      { id: 611, name: 'Same', messages: [msg(1), msg(2)] },
      { id: 612, name: 'Grows', messages: [msg(1), ...extra] },
    ];
    const v1 = await writeExport(path.join(work, 'v1'), chats([]));
    const v2 = await writeExport(path.join(work, 'v2'), chats([msg(2)]));
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    const logs: string[] = [];
    const s = await runImport(v2, vault, { log: (_l: string, m: string) => logs.push(m) });
    assert.deepEqual(logs.filter((l) => /unchanged since/.test(l)).map((l) => l.split(':')[0]), ['Same']);
    assert.equal(s.messagesWritten, 1);
    assert.equal(s.duplicatesSkipped, 3);
    const once = path.join(work, 'once');
    await runImport(v2, once);
    assert.deepEqual(await snapshot(vault), await snapshot(once));
  });

  it('an entry that is not valid JSON in a chat read unparsed: the messages before it are kept, the rest of the file skipped, as on the full path', async () => {
    const dir = path.join(work, 'e');
    const vault = path.join(work, 'vault');
    const exp = await writeExport(dir, [{ id: 621, name: 'Dee', messages: [msg(1), msg(2), msg(3)] }], { single: true });
    await runImport(exp, vault);
    // The same chat, now with a broken entry the structural scan lets through (only JSON.parse refuses it).
    const text = await fsp.readFile(path.join(dir, 'result.json'), 'utf8');
    await fsp.writeFile(path.join(dir, 'result.json'), text.replace(/\{\s*"id": 3,/, '{"id": 3,,'));
    const s = await runImport(exp, vault);
    assert.equal(s.messagesWritten, 0);
    assert.ok(s.warnings.some((w) => /cannot be read past this point/.test(w.message) && w.item === 2), JSON.stringify(s.warnings));
    assert.match(await readNote(vault, 'Telegram/Dee/Dee.md'), /\^m3\n/, 'what was archived stays');
  });
});
