/**
 * The search index over real imports: ranking, filters, incremental updates after a second import,
 * edits and deletions, and repair after a crash or a damaged index file. The notes are the truth:
 * every check compares with what the notes hold.
 */
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { importTelegramExport } from '../../server/engine/connectors/telegram-export';
import { ArchiveSearch } from '../../server/engine/search/archiveSearch';
import { IndexStore } from '../../server/engine/search/indexStore';
import { repoRoot } from '../support/workerProcess';
import { msg, settings, tempDir, writeExport } from './import/helpers';

const sample = path.join(repoRoot, 'sample', 'telegram-export');

async function importInto(vault: string, exportDir: string): Promise<void> {
  await importTelegramExport({ exportPath: exportDir, vaultRoot: vault, settings: settings() });
}

function searchOf(vault: string): ArchiveSearch {
  return new ArchiveSearch({ vaultRoot: () => vault, waitMs: Infinity, checkEveryMs: 0 });
}

const ids = async (s: ArchiveSearch, query: string): Promise<string[]> => (await s.search({ query, limit: 100 })).hits.map((h) => `${path.posix.basename(h.path, '.md')}#${h.blockId}`);

describe('search index over imported notes', function () {
  this.timeout(60_000);
  let dir: string;
  let vault: string;
  let search: ArchiveSearch | undefined;

  beforeEach(async () => {
    dir = await tempDir('search');
    vault = path.join(dir, 'vault');
  });
  afterEach(async () => {
    await search?.close();
    search = undefined;
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const said = (id: number, text: string, extra: Record<string, unknown> = {}) => msg(id, { text, text_entities: [{ type: 'plain', text }], ...extra });
  const chat = (messages: unknown[]) => [{ id: 100, name: 'Alpha Team', type: 'private_group', messages }];

  it('finds messages of the sample export with author, date, source, line and highlights', async () => {
    await importInto(vault, sample);
    search = searchOf(vault);
    const r = await search.search({ query: 'sunset' });
    assert.equal(r.indexing, undefined);
    assert.equal(r.total, 3);
    const first = r.hits[0]!;
    assert.equal(first.path, 'Telegram/Alice Martin/Alice Martin.md');
    assert.equal(first.blockId, 'm16');
    assert.equal(first.author, 'Alice Martin');
    assert.equal(first.date, '2024-03-01T18:41:04');
    assert.equal(first.kind, 'message');
    const lines = (await fsp.readFile(path.join(vault, first.path), 'utf8')).split('\n');
    assert.match(lines[first.line]!, /^> \*\*Alice Martin\*\* · 2024-03-01 18:41:04/);
    assert.deepEqual(first.highlights.map(([a, b]) => first.snippet.slice(a, b).toLowerCase()), ['sunset']);
    assert.equal((await search.search({ query: 'in:"makers" sunset' })).hits[0]!.topic, 'Off-topic 🎲');
    assert.equal((await search.search({ query: 'ПРИВЕТ' })).total, (await search.search({ query: 'привет' })).total);
    assert.ok((await search.search({ query: 'привет' })).total > 0);
  });

  it('ranks whole words before prefixes, the phrase as typed first, newer first within each', async () => {
    const unix = (d: number) => ({ date: new Date((1709280000 + d * 3600) * 1000).toISOString().slice(0, 19), date_unixtime: String(1709280000 + d * 3600) });
    const m = (id: number, text: string) => msg(id, { ...unix(id), text, text_entities: [{ type: 'plain', text }] });
    await importInto(vault, await writeExport(path.join(dir, 'e1'), chat([m(1, 'print this please'), m(2, 'the printer is ready'), m(3, 'print it again'), m(4, 'printing done'), m(5, 'again print'), m(6, 'please print')])));
    search = searchOf(vault);
    assert.deepEqual(await ids(search, 'print*'), ['Alpha Team#m6', 'Alpha Team#m5', 'Alpha Team#m3', 'Alpha Team#m1', 'Alpha Team#m4', 'Alpha Team#m2']);
    assert.deepEqual(await ids(search, 'please print'), ['Alpha Team#m6', 'Alpha Team#m1']);
    assert.deepEqual(await ids(search, '"print it"'), ['Alpha Team#m3']);
    assert.deepEqual(await ids(search, 'print before:2024-03-01'), []);
  });

  it('filters by chat, author, dates and what a message carries', async () => {
    await importInto(vault, sample);
    search = searchOf(vault);
    const all = await search.search({ query: 'from:alice', limit: 500 });
    assert.ok(all.total > 0 && all.hits.every((h) => /alice/i.test(h.author ?? '')));
    const polls = await search.search({ query: 'has:poll' });
    assert.ok(polls.total >= 1 && polls.hits.every((h) => h.snippet.includes('Poll')));
    const inBook = await search.search({ query: 'in:book', limit: 500 });
    assert.ok(inBook.total > 0 && inBook.hits.every((h) => h.source === 'Book Club'));
    const march1 = await search.search({ query: 'after:2024-03-01 before:2024-03-02', limit: 500 });
    assert.ok(march1.total > 0 && march1.hits.every((h) => h.date!.startsWith('2024-03-01')));
    const dates = march1.hits.map((h) => h.date!);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
    assert.equal((await search.search({ query: 'in:"no such chat" hello' })).total, 0);
  });

  it('adds a second import incrementally, drops an edited message\'s old text and a deleted note', async () => {
    const first = [said(1, 'alpha original wording'), said(2, 'second message')];
    await importInto(vault, await writeExport(path.join(dir, 'e1'), chat(first)));
    search = searchOf(vault);
    assert.deepEqual(await ids(search, 'original'), ['Alpha Team#m1']);

    // a newer export: two more messages, nothing edited (the note only grows)
    await importInto(vault, await writeExport(path.join(dir, 'e2'), chat([...first, said(3, 'third brandnew'), said(4, 'fourth brandnew')])));
    assert.deepEqual(await ids(search, 'brandnew'), ['Alpha Team#m4', 'Alpha Team#m3']);
    assert.equal((await search.search({ query: 'message' })).total, 1, 'nothing indexed twice');

    // message 1 edited: its old words no longer match, its new ones do
    const edited = said(1, 'alpha revised wording', { edited: '2024-03-01T09:00:00', edited_unixtime: '1709283600' });
    await importInto(vault, await writeExport(path.join(dir, 'e3'), chat([edited, first[1]!, said(3, 'third brandnew'), said(4, 'fourth brandnew')])));
    assert.deepEqual(await ids(search, 'original'), []);
    assert.deepEqual(await ids(search, 'revised'), ['Alpha Team#m1']);
    assert.equal((await search.search({ query: 'brandnew' })).total, 2);

    await fsp.rm(path.join(vault, 'Telegram', 'Alpha Team', 'Alpha Team.md'));
    assert.deepEqual(await ids(search, 'brandnew'), []);
  });

  it('repairs an index left half-written by a crash, or damaged on disk, from the notes', async () => {
    await importInto(vault, sample);
    search = searchOf(vault);
    const expected = await ids(search, 'the');
    const expectedTotal = (await search.search({ query: 'the' })).total;
    await search.close();
    const db = path.join(vault, '.vault-archiver', 'search', 'index.db');

    // a crash in the middle of re-reading a note: marked dirty, half its entries gone
    const store = new IndexStore(db, { fold: (s) => s });
    const note = store.allNotes().find((n) => n.path.endsWith('Alice Martin.md'))!;
    store.db.run('UPDATE notes SET size = -1 WHERE id = ?', [note.id]);
    store.db.run('DELETE FROM fts WHERE rowid IN (SELECT id FROM docs WHERE note_id = ? AND line > 200)', [note.id]);
    store.db.run('DELETE FROM docs WHERE note_id = ? AND line > 200', [note.id]);
    store.close();
    search = searchOf(vault);
    assert.deepEqual(await ids(search, 'the'), expected);
    assert.equal((await search.search({ query: 'the' })).total, expectedTotal);
    await search.close();

    // the file cut short, then the file overwritten with garbage in the middle
    for (const damage of ['truncate', 'garbage'] as const) {
      const size = (await fsp.stat(db)).size;
      if (damage === 'truncate') await fsp.truncate(db, Math.floor(size / 2));
      else {
        const h = await fsp.open(db, 'r+');
        await h.write(Buffer.alloc(8192, 0xa5), 0, 8192, Math.floor(size / 3));
        await h.close();
      }
      search = searchOf(vault);
      assert.deepEqual(await ids(search, 'the'), expected, damage);
      await search.close();
    }
    search = undefined;
  });

  it('answers nothing for a vault not made yet, and creates nothing', async () => {
    search = searchOf(vault);
    assert.deepEqual(await search.search({ query: 'hello' }), { hits: [], total: 0 });
    await assert.rejects(fsp.stat(vault));
  });

  it('indexes YouTube video notes and a person\'s own notes', async () => {
    const yt = path.join(vault, 'YouTube', 'Chan');
    await fsp.mkdir(yt, { recursive: true });
    await fsp.writeFile(
      path.join(yt, '2024-05-01 Tour.md'),
      '---\nsource: youtube\nvideo_id: abc\ntitle: Grand Tour\nchannel: "[[Chan]]"\npublished: 2024-05-01T10:00:00Z\n---\n# Grand Tour of the Workshop\n\n## Description\n\nWe visit the lathe.  \n',
    );
    await fsp.writeFile(path.join(yt, 'Chan.md'), '---\nsource: youtube\nchannel_id: UC1\ntitle: Chan\n---\n# Chan\n\n- [[2024-05-01 Tour|Grand Tour of the Workshop]]\n');
    await fsp.writeFile(path.join(vault, 'ideas.md'), 'My own lathe ideas\n');
    const logs: string[] = [];
    search = new ArchiveSearch({ vaultRoot: () => vault, waitMs: Infinity, checkEveryMs: 0, log: (_, m) => logs.push(m) });
    const r = await search.search({ query: 'lathe' });
    assert.deepEqual(r.hits.map((h) => [h.kind, h.path, h.line]), [
      ['video', 'YouTube/Chan/2024-05-01 Tour.md', 7],
      ['note', 'ideas.md', 0],
    ]);
    assert.equal(r.hits[0]!.source, 'Chan');
    assert.equal(r.hits[0]!.date, '2024-05-01T10:00:00');
    logs.length = 0;
    assert.equal((await search.search({ query: 'workshop' })).total, 1, 'the channel note is not indexed');
    assert.deepEqual(logs, [], 'nothing changed, nothing read again');
  });
});
