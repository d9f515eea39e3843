/**
 * A whole index build reads the notes in a thread of its own (readerWorker.ts) while this thread
 * writes the database. The index must be the same as one built reading on this thread: the same
 * documents with the same rowids, the same notes and authors, the same terms at the same
 * positions. A reader thread that cannot start or dies fails the reading with ReaderThreadError,
 * on which the build reads on this thread instead.
 */
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { generateExport } from '../../scripts/export-generator';
import { importTelegramExport } from '../../server/engine/connectors/telegram-export';
import { ArchiveSearch } from '../../server/engine/search/archiveSearch';
import { IndexStore } from '../../server/engine/search/indexStore';
import { ReaderThread, ReaderThreadError, readerScript } from '../../server/engine/search/readerThread';
import { nodeVaultFs } from '../../server/engine/vault/vaultFs';
import { settings, tempDir } from './import/helpers';

/** Everything the index holds, in a fixed order (note mtimes aside: the same files, read twice). */
function dump(file: string): Record<string, unknown[]> {
  const store = new IndexStore(file, { fold: (s) => s });
  try {
    store.db.exec('CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, fts, instance)');
    return {
      docs: store.db.all('SELECT * FROM docs ORDER BY id'),
      notes: store.db.all('SELECT id, path, kind, source, topic, size, ino, header_bytes, header_lines, indexed_end, indexed_lines, tail_hash FROM notes ORDER BY id'),
      authors: store.db.all('SELECT * FROM authors ORDER BY id'),
      terms: store.db.all('SELECT term, doc, offset FROM temp.vocab ORDER BY term, doc, offset'),
    };
  } finally {
    store.close();
  }
}

describe('search index build with a reader thread', function () {
  this.timeout(120_000);
  let dir: string;

  beforeEach(async () => {
    dir = await tempDir('search-reader');
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('builds the same index as reading on this thread', async () => {
    const exp = path.join(dir, 'export');
    const vault = path.join(dir, 'vault');
    generateExport({ outDir: exp, messages: 6000, mediaFiles: 30, duplicateRatio: 0.1, chats: 3, seed: 11 });
    await importTelegramExport({ exportPath: exp, vaultRoot: vault, settings: settings() });
    await fsp.mkdir(path.join(vault, 'Notes'), { recursive: true });
    await fsp.writeFile(path.join(vault, 'Notes', 'Trip plan.md'), '---\ntags: [trip]\n---\n# Trip\n\nPack the **water** bottles, café at 9 — see [map](https://example.org/map).\n');
    const indexDir = path.join(vault, '.vault-archiver', 'search');

    assert.ok(readerScript(), 'a reader thread can start under tsx');
    const logs: string[] = [];
    const threaded = new ArchiveSearch({ vaultRoot: () => vault, waitMs: Infinity, checkEveryMs: 0, log: (_, m) => logs.push(m) });
    await threaded.refresh();
    await threaded.close();
    assert.ok(logs.some((m) => /built from the notes .*read in a thread of their own/.test(m)), logs.join('\n'));
    const withThread = dump(path.join(indexDir, 'index.db'));

    await fsp.rm(indexDir, { recursive: true, force: true });
    logs.length = 0;
    const inline = new ArchiveSearch({ vaultRoot: () => vault, fs: nodeVaultFs, waitMs: Infinity, checkEveryMs: 0, log: (_, m) => logs.push(m) });
    await inline.refresh();
    assert.ok(logs.some((m) => /built from the notes in [\d.]+ s\.$/.test(m)), logs.join('\n'));
    const found = await inline.search({ query: 'café water' });
    await inline.close();
    const onThisThread = dump(path.join(indexDir, 'index.db'));

    assert.ok((withThread.docs?.length ?? 0) > 5000 && (withThread.terms?.length ?? 0) > 50_000);
    assert.ok(found.hits.some((h) => h.path === 'Notes/Trip plan.md'));
    for (const key of Object.keys(onThisThread)) assert.deepEqual(withThread[key], onThisThread[key], key);
  });

  it('fails the reading with ReaderThreadError when the thread dies', async () => {
    const reader = new ReaderThread({ code: 'throw new Error("no reader here")' });
    reader.start([{ abs: path.join(dir, 'none.md'), name: 'none', size: 0 }]);
    await assert.rejects(
      reader.read({ abs: path.join(dir, 'none.md'), name: 'none', size: 0 }, async () => {}),
      (err: unknown) => err instanceof ReaderThreadError && /no reader here/.test(err.message),
    );
    await reader.close();
  });

  it('passes on an error reading a note (a note gone since it was listed) as it is', async () => {
    const script = readerScript();
    assert.ok(script);
    const reader = new ReaderThread(script);
    const job = { abs: path.join(dir, 'gone.md'), name: 'gone', size: 10 };
    reader.start([job]);
    await assert.rejects(reader.read(job, async () => {}), (err: unknown) => !(err instanceof ReaderThreadError) && /ENOENT/.test(String(err)));
    await reader.close();
  });
});
