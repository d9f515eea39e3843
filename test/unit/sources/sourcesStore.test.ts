import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { SourcesStore, SourcesStoreError, type StoredSource } from '../../../server/engine/sources/sourcesStore';
import { VaultLayout } from '../../../server/engine/vault/layout';
import { nodeVaultFs } from '../../../server/engine/vault/vaultFs';

const source = (id: string, title = id): StoredSource => ({
  id,
  kind: 'youtube',
  origin: 'youtube',
  title,
  notesPath: `YouTube/${title}`,
  addedAt: '2026-01-01T00:00:00.000Z',
  itemCount: 0,
});

describe('SourcesStore', () => {
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-store-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('starts empty and persists inside the vault under .vault-archiver/', async () => {
    const store = new SourcesStore(new VaultLayout(dir), nodeVaultFs);
    assert.deepEqual(await store.list(), []);
    await store.upsert(source('youtube:a'));
    const text = await fs.readFile(path.join(dir, '.vault-archiver', 'sources.json'), 'utf8');
    assert.equal(JSON.parse(text).sources[0].id, 'youtube:a');
    assert.deepEqual((await new SourcesStore(new VaultLayout(dir), nodeVaultFs).list()).map((s) => s.id), ['youtube:a']);
  });

  it('keeps every change when several are made at once', async () => {
    const store = new SourcesStore(new VaultLayout(dir), nodeVaultFs);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.upsert(source(`youtube:${i}`))));
    assert.equal((await store.list()).length, 20);
    await Promise.all([store.remove('youtube:3'), store.upsert(source('youtube:4', 'renamed'))]);
    const all = await store.list();
    assert.equal(all.length, 19);
    assert.equal(all.find((s) => s.id === 'youtube:4')?.title, 'renamed');
    assert.deepEqual(await fs.readdir(path.join(dir, '.vault-archiver')), ['sources.json']);
  });

  it('writes through the atomic toolkit, so a temp file a crash left behind is swept by the next change', async () => {
    await fs.mkdir(path.join(dir, '.vault-archiver'));
    // The shape writeFileAtomic gives its temp files (what a crash between write and rename leaves).
    await fs.writeFile(path.join(dir, '.vault-archiver', '.sources.json.0123456789ab.va-tmp'), '{"version":1,"sou');
    await new SourcesStore(new VaultLayout(dir), nodeVaultFs).upsert(source('youtube:a'));
    assert.deepEqual(await fs.readdir(path.join(dir, '.vault-archiver')), ['sources.json']);
  });

  it('says what to do when the file is damaged', async () => {
    await fs.mkdir(path.join(dir, '.vault-archiver'));
    await fs.writeFile(path.join(dir, '.vault-archiver', 'sources.json'), '{"sources": [');
    await assert.rejects(new SourcesStore(new VaultLayout(dir), nodeVaultFs).list(), (e: unknown) => e instanceof SourcesStoreError && /Fix or delete it/.test(e.message));
  });
});
