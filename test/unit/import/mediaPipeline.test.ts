import * as assert from 'node:assert/strict';
import { constants, createReadStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContentStore, MediaPipeline, TaskPool, hashFile, withSuffix } from '../../../server/engine/media';
import { MetricsRecorder } from '../../../server/engine/metrics';
import { IoCounters, type VaultFs, nodeVaultFs } from '../../../server/engine/vault/vaultFs';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('media pipeline', () => {
  let root: string;
  let exp: string;
  let vault: string;
  beforeEach(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-media-'));
    exp = path.join(root, 'export');
    vault = path.join(root, 'vault');
    await fsp.mkdir(exp, { recursive: true });
    await fsp.mkdir(vault, { recursive: true });
  });
  afterEach(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });

  async function src(name: string, content: string): Promise<string> {
    const p = path.join(exp, name);
    await fsp.mkdir(path.dirname(p), { recursive: true });
    await fsp.writeFile(p, content);
    return p;
  }

  function pipeline(fs: VaultFs = nodeVaultFs, extra: Partial<{ useHardlinks: boolean; concurrency: number; store: ContentStore; metrics: MetricsRecorder }> = {}) {
    const store = extra.store ?? new ContentStore(vault, path.join(vault, '.state', 'store.jsonl'));
    const counters = new IoCounters();
    const p = new MediaPipeline({ fs, vaultRoot: vault, store, concurrency: extra.concurrency ?? 4, useHardlinks: extra.useHardlinks ?? false, counters, metrics: extra.metrics });
    return { p, store, counters };
  }

  it('stores each content once across chats and embeds the stored path for duplicates', async () => {
    const a = await src('chats/chat_1/photos/a.jpg', 'AAAA');
    const b = await src('chats/chat_2/photos/b.jpg', 'AAAA');
    const c = await src('chats/chat_2/photos/c.jpg', 'CCCCCC');
    const metrics = new MetricsRecorder();
    const { p, store, counters } = pipeline(nodeVaultFs, { metrics });
    const [ra, rb, rc] = await Promise.all([
      p.submit({ source: a, preferredPath: 'Telegram/One/attachments/photos/a.jpg', chatId: 1, countAsNew: true }),
      p.submit({ source: b, preferredPath: 'Telegram/Two/attachments/photos/b.jpg', chatId: 2, countAsNew: true }),
      p.submit({ source: c, preferredPath: 'Telegram/Two/attachments/photos/c.jpg', chatId: 2, countAsNew: true }),
    ]);
    assert.equal(ra.outcome, 'copied');
    assert.equal(rb.outcome, 'deduplicated');
    assert.equal(rb.vaultPath, 'Telegram/One/attachments/photos/a.jpg');
    assert.equal(rc.vaultPath, 'Telegram/Two/attachments/photos/c.jpg');
    assert.equal(await fsp.readFile(path.join(vault, 'Telegram/One/attachments/photos/a.jpg'), 'utf8'), 'AAAA');
    await assert.rejects(fsp.stat(path.join(vault, 'Telegram/Two/attachments/photos/b.jpg')));
    assert.deepEqual(p.totals, { copied: 2, linked: 0, deduplicated: 1, missing: 0, failed: 0, bytesCopied: 10, bytesSaved: 4 });
    assert.equal(counters.copyCalls, 2);
    assert.deepEqual([...store.get(ra.sha256!)!.refs].sort(), [1, 2]);
    const s = metrics.snapshot();
    assert.equal(s.mediaCopied, 2);
    assert.equal(s.mediaDeduplicated, 1);
    assert.equal(s.bytesSaved, 4);
  });

  it('names files by submission order even when hashing finishes in another order', async () => {
    const first = await src('slow.jpg', 'SAME');
    const second = await src('fast.jpg', 'SAME');
    // Make the first file's hash finish last.
    const fs: VaultFs = {
      ...nodeVaultFs,
      createReadStream: ((p: string, o: object) => {
        const s = createReadStream(p, o);
        if (String(p).endsWith('slow.jpg')) {
          s.pause();
          setTimeout(() => s.resume(), 40);
        }
        return s;
      }) as VaultFs['createReadStream'],
      readFile: (async (p: string, o?: unknown) => {
        if (String(p).endsWith('slow.jpg')) await delay(40);
        return fsp.readFile(p, o as undefined);
      }) as VaultFs['readFile'],
    };
    const { p } = pipeline(fs);
    const [r1, r2] = await Promise.all([
      p.submit({ source: first, preferredPath: 'A/slow.jpg', chatId: 1, countAsNew: true }),
      p.submit({ source: second, preferredPath: 'B/fast.jpg', chatId: 1, countAsNew: true }),
    ]);
    assert.equal(r1.vaultPath, 'A/slow.jpg');
    assert.equal(r1.outcome, 'copied');
    assert.equal(r2.vaultPath, 'A/slow.jpg');
    assert.equal(r2.outcome, 'deduplicated');
  });

  it('resolves only after the file has its final name; never leaves temp files', async () => {
    const a = await src('a.bin', 'x'.repeat(100_000));
    const { p } = pipeline();
    const r = await p.submit({ source: a, preferredPath: 'T/att/a.bin', chatId: 1, countAsNew: true });
    assert.equal((await fsp.stat(path.join(vault, r.vaultPath!))).size, 100_000);
    assert.deepEqual(await fsp.readdir(path.join(vault, 'T/att')), ['a.bin']);
  });

  it('picks "name (2).ext" when another content holds the preferred name, and adopts a file already holding the same content', async () => {
    await fsp.mkdir(path.join(vault, 'T/att'), { recursive: true });
    await fsp.writeFile(path.join(vault, 'T/att/photo.jpg'), 'SOMETHING ELSE');
    await fsp.writeFile(path.join(vault, 'T/att/left.jpg'), 'LEFTOVER');
    const a = await src('photo.jpg', 'NEW CONTENT');
    const b = await src('left.jpg', 'LEFTOVER');
    const { p, counters } = pipeline();
    const ra = await p.submit({ source: a, preferredPath: 'T/att/photo.jpg', chatId: 1, countAsNew: true });
    const rb = await p.submit({ source: b, preferredPath: 'T/att/left.jpg', chatId: 1, countAsNew: true });
    assert.equal(ra.vaultPath, 'T/att/photo (2).jpg');
    assert.equal(await fsp.readFile(path.join(vault, 'T/att/photo (2).jpg'), 'utf8'), 'NEW CONTENT');
    assert.equal(await fsp.readFile(path.join(vault, 'T/att/photo.jpg'), 'utf8'), 'SOMETHING ELSE', 'untouched');
    assert.equal(rb.vaultPath, 'T/att/left.jpg');
    assert.equal(rb.outcome, 'present');
    assert.equal(counters.copyCalls, 1, 'the leftover was not copied again');
  });

  it('never puts two contents under names that differ only in case (one file on macOS/Windows)', async () => {
    const a = await src('A.jpg', 'UPPER');
    const b = await src('a.jpg', 'lower');
    const { p } = pipeline();
    const ra = await p.submit({ source: a, preferredPath: 'T/Photo.jpg', chatId: 1, countAsNew: true });
    const rb = await p.submit({ source: b, preferredPath: 'T/photo.jpg', chatId: 1, countAsNew: true });
    assert.equal(ra.vaultPath, 'T/Photo.jpg');
    assert.equal(rb.vaultPath, 'T/photo (2).jpg');
  });

  it('reports missing and refused sources without copying', async () => {
    const { p } = pipeline();
    const missing = await p.submit({ source: path.join(exp, 'nope.jpg'), preferredPath: 'T/nope.jpg', chatId: 1, countAsNew: true });
    assert.equal(missing.outcome, 'missing');
    assert.equal(missing.vaultPath, null);
    const refused = await p.submit({
      source: async () => ({ ok: false, reason: 'outside', message: 'refused file path "../x": it points outside the export folder' }),
      preferredPath: 'T/x',
      chatId: 1,
      countAsNew: true,
    });
    assert.equal(refused.outcome, 'refused');
    assert.match(refused.error!, /outside the export/);
    assert.equal(p.totals.missing, 2);
  });

  it('hardlinks when allowed, and falls back to copying when linking fails', async () => {
    const a = await src('a.jpg', 'LINK ME');
    const { p, counters } = pipeline(nodeVaultFs, { useHardlinks: true });
    const r = await p.submit({ source: a, preferredPath: 'T/a.jpg', chatId: 1, countAsNew: true });
    assert.equal(r.outcome, 'linked');
    assert.equal((await fsp.stat(path.join(vault, 'T/a.jpg'))).ino, (await fsp.stat(a)).ino);
    assert.equal(counters.linkCalls, 1);

    const b = await src('b.jpg', 'COPY ME');
    const crossDevice: VaultFs = { ...nodeVaultFs, link: async () => Promise.reject(Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' })) };
    const q = pipeline(crossDevice, { useHardlinks: true });
    const rb = await q.p.submit({ source: b, preferredPath: 'T/b.jpg', chatId: 1, countAsNew: true });
    assert.equal(rb.outcome, 'copied');
    assert.notEqual((await fsp.stat(path.join(vault, 'T/b.jpg'))).ino, (await fsp.stat(b)).ino);
  });

  it('copies with COPYFILE_FICLONE (copy-on-write where supported) and exclusive temp names', async () => {
    const a = await src('a.jpg', 'CLONE');
    const modes: number[] = [];
    const fs: VaultFs = {
      ...nodeVaultFs,
      copyFile: (async (s: string, d: string, mode?: number) => {
        modes.push(mode ?? 0);
        return fsp.copyFile(s, d, mode);
      }) as VaultFs['copyFile'],
    };
    await pipeline(fs).p.submit({ source: a, preferredPath: 'T/a.jpg', chatId: 1, countAsNew: true });
    assert.equal(modes.length, 1);
    assert.ok(modes[0] & constants.COPYFILE_FICLONE);
    assert.ok(modes[0] & constants.COPYFILE_EXCL);
  });

  it('never runs more copies at once than the pool allows', async () => {
    let active = 0;
    let peak = 0;
    const fs: VaultFs = {
      ...nodeVaultFs,
      copyFile: (async (s: string, d: string, mode?: number) => {
        active++;
        peak = Math.max(peak, active);
        await delay(5);
        await fsp.copyFile(s, d, mode);
        active--;
      }) as VaultFs['copyFile'],
    };
    const { p } = pipeline(fs, { concurrency: 3 });
    const jobs = [];
    for (let i = 0; i < 20; i++) jobs.push(p.submit({ source: await src(`f${i}.bin`, `content ${i}`), preferredPath: `T/f${i}.bin`, chatId: 1, countAsNew: true }));
    await Promise.all(jobs);
    assert.equal(peak, 3);
    assert.equal(p.totals.copied, 20);
  });

  it('skips re-hashing unchanged sources on the next run (cheap key), and restores a deleted stored file', async () => {
    const a = await src('a.jpg', 'KEEP');
    let hashes = 0;
    const fs: VaultFs = {
      ...nodeVaultFs,
      createReadStream: ((p: string, o: object) => {
        hashes++;
        return createReadStream(p, o);
      }) as VaultFs['createReadStream'],
      readFile: ((p: string, o?: unknown) => {
        if (String(p).startsWith(exp)) hashes++;
        return fsp.readFile(p, o as undefined);
      }) as VaultFs['readFile'],
    };
    const storeFile = path.join(vault, '.state', 'store.jsonl');
    const first = pipeline(fs);
    await first.p.submit({ source: a, preferredPath: 'T/a.jpg', chatId: 1, countAsNew: true });
    await first.store.save(nodeVaultFs);
    assert.equal(hashes, 1);

    const store = new ContentStore(vault, storeFile);
    assert.ok(await store.load(nodeVaultFs));
    const metrics = new MetricsRecorder();
    const second = pipeline(fs, { store, metrics });
    const r = await second.p.submit({ source: a, preferredPath: 'T/a.jpg', chatId: 1, countAsNew: false });
    assert.equal(r.outcome, 'deduplicated');
    assert.equal(hashes, 1, 'no second hash of an unchanged file');
    assert.equal(metrics.snapshot().cacheHits, 1);
    assert.equal(second.p.totals.deduplicated, 0, 'an already archived message does not count as deduplicated');

    await fsp.rm(path.join(vault, 'T/a.jpg'));
    const third = pipeline(fs, { store });
    const r3 = await third.p.submit({ source: a, preferredPath: 'T/a.jpg', chatId: 1, countAsNew: false });
    assert.equal(r3.outcome, 'copied');
    assert.equal(await fsp.readFile(path.join(vault, 'T/a.jpg'), 'utf8'), 'KEEP');

    // A copy cut short (say, by a power loss before the data reached the disk) is written again.
    await fsp.writeFile(path.join(vault, 'T/a.jpg'), '');
    const fourth = pipeline(fs, { store });
    const r4 = await fourth.p.submit({ source: a, preferredPath: 'T/a.jpg', chatId: 1, countAsNew: false });
    assert.equal(r4.outcome, 'copied');
    assert.equal(await fsp.readFile(path.join(vault, 'T/a.jpg'), 'utf8'), 'KEEP');
  });

  it('a failed copy leaves no file under the final name and can be retried', async () => {
    const a = await src('a.jpg', 'DATA');
    let fail = true;
    const fs: VaultFs = {
      ...nodeVaultFs,
      copyFile: (async (s: string, d: string, mode?: number) => {
        if (fail) {
          await fsp.writeFile(d, 'DA'); // partial temp file
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        }
        return fsp.copyFile(s, d, mode);
      }) as VaultFs['copyFile'],
    };
    const { p, store } = pipeline(fs);
    const r = await p.submit({ source: a, preferredPath: 'T/a.jpg', chatId: 1, countAsNew: true });
    assert.equal(r.outcome, 'failed');
    assert.match(r.error!, /ENOSPC/);
    assert.deepEqual(await fsp.readdir(path.join(vault, 'T')), []);
    assert.equal(store.size, 0);
    fail = false;
    const again = await p.submit({ source: a, preferredPath: 'T/a.jpg', chatId: 1, countAsNew: true });
    assert.equal(again.outcome, 'copied');
  });
});

describe('content store', () => {
  let vault: string;
  beforeEach(async () => {
    vault = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-store-'));
  });
  afterEach(async () => {
    await fsp.rm(vault, { recursive: true, force: true });
  });

  it('round-trips entries, refs and source keys; a torn last line loses only that line', async () => {
    const file = path.join(vault, 's.jsonl');
    const s = new ContentStore(vault, file);
    const e = s.add('aa'.repeat(32), 10, 'Telegram/A/attachments/x.jpg', 1);
    s.addRef(e, 2);
    s.add('bb'.repeat(32), 5, 'Telegram/A/attachments/y.jpg', 1);
    s.rememberSource('/exp/x.jpg|10|5|7', 'aa'.repeat(32));
    await s.save(nodeVaultFs);
    await fsp.appendFile(file, '["F","cc');
    const t = new ContentStore(vault, file);
    assert.ok(await t.load(nodeVaultFs));
    assert.equal(t.size, 2);
    assert.deepEqual([...t.get('aa'.repeat(32))!.refs], [1, 2]);
    assert.equal(t.shaAt('Telegram/A/attachments/y.jpg'), 'bb'.repeat(32));
    assert.equal(t.hashForSource('/exp/x.jpg|10|5|7'), 'aa'.repeat(32));
    assert.ok(!(await new ContentStore(vault, path.join(vault, 'none')).load(nodeVaultFs)));
  });

  it('rebuilds from the files, keeping the first path in sorted order for duplicate content', async () => {
    await fsp.mkdir(path.join(vault, 'Telegram/B/att'), { recursive: true });
    await fsp.mkdir(path.join(vault, 'Telegram/A/att/sub'), { recursive: true });
    await fsp.writeFile(path.join(vault, 'Telegram/B/att/same.jpg'), 'SAME');
    await fsp.writeFile(path.join(vault, 'Telegram/A/att/sub/same.jpg'), 'SAME');
    await fsp.writeFile(path.join(vault, 'Telegram/A/att/other.jpg'), 'OTHER');
    await fsp.writeFile(path.join(vault, 'Telegram/A/att/.x.jpg.123.va-tmp'), 'PARTIAL');
    const s = new ContentStore(vault, path.join(vault, 's.jsonl'));
    assert.equal(await s.rebuildFromFiles(nodeVaultFs, ['Telegram/B/att', 'Telegram/A/att']), 2);
    const same = await hashFile(nodeVaultFs, path.join(vault, 'Telegram/B/att/same.jpg'));
    assert.equal(s.get(same.sha256)!.path, 'Telegram/A/att/sub/same.jpg');
    assert.deepEqual([...s.get(same.sha256)!.refs], ['*']);
  });

  it('streams SHA-256', async () => {
    const f = path.join(vault, 'h');
    await fsp.writeFile(f, 'abc');
    assert.deepEqual(await hashFile(nodeVaultFs, f), { sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', size: 3 });
  });
});

describe('TaskPool and names', () => {
  it('runs tasks in FIFO order within the limit', async () => {
    const pool = new TaskPool(2);
    const order: number[] = [];
    await Promise.all(
      [30, 10, 10, 10].map((ms, i) =>
        pool.run(async () => {
          order.push(i);
          await delay(ms);
        }),
      ),
    );
    assert.deepEqual(order, [0, 1, 2, 3]);
    assert.equal(pool.running, 0);
    assert.throws(() => new TaskPool(0), RangeError);
  });

  it('withSuffix keeps the extension and the folder', () => {
    assert.equal(withSuffix('a/b/photo.jpg', 2), 'a/b/photo (2).jpg');
    assert.equal(withSuffix('noext', 3), 'noext (3)');
    assert.equal(withSuffix('d.x/.hidden', 2), 'd.x/.hidden (2)');
  });
});
