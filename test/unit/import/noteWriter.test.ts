import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { sweepTempFiles, writeFileAtomic } from '../../../server/engine/vault/atomic';
import { NoteWriter, NoteWriterBusyError, isNoteOpen } from '../../../server/engine/vault/noteWriter';
import { IoCounters, type VaultFs, nodeVaultFs } from '../../../server/engine/vault/vaultFs';

/** node:fs wrapped to record every write call (buffer length) and every file opened. */
function recordingFs(): { fs: VaultFs; writes: number[]; opens: string[] } {
  const writes: number[] = [];
  const opens: string[] = [];
  const fs: VaultFs = {
    ...nodeVaultFs,
    open: (async (file: string, flags: string) => {
      opens.push(`${path.basename(String(file))}:${flags}`);
      const h = await fsp.open(file, flags);
      const write = h.write.bind(h) as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
      return new Proxy(h, {
        get(target, prop) {
          if (prop === 'write')
            return async (...a: unknown[]) => {
              const r = await write(...a);
              writes.push(r.bytesWritten);
              return r;
            };
          const v = Reflect.get(target, prop);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    }) as VaultFs['open'],
  };
  return { fs, writes, opens };
}

describe('NoteWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-writer-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('writes what the appended text encodes to: a pair split between appends joins unless a flush falls between them', async () => {
    const parts = ['emoji 😀 and ', '\ud83d', '\ude00 split\n', 'lone high \ud83d', ' then text\n', '\ude00 lone low, ', 'клод 日本 ', 'x'.repeat(70_000), 'ends high \ud83d'];
    // Appends are encoded as they come; the bytes must be what encoding the text of each flush gave.
    const expected = new Map([
      [1 << 20, Buffer.from(parts.join(''), 'utf8')],
      [1, Buffer.concat(parts.map((p) => Buffer.from(p, 'utf8')))],
    ]);
    for (const [flushBytes, want] of expected) {
      const file = path.join(dir, `split-${flushBytes}.md`);
      const w = new NoteWriter(file, { size: 0, header: '' }, { fs: nodeVaultFs, counters: new IoCounters(), clock: () => 0, durable: false, flushBytes }, () => '---\nprovisional\n---\n\n');
      for (const p of parts) await w.append(p);
      await w.finish('---\nfinal\n---\n\n');
      w.close();
      const bytes = await fsp.readFile(file);
      assert.deepEqual(bytes, Buffer.concat([Buffer.from('---\nfinal\n---\n\n'), want]), `flush every ${flushBytes} chars`);
    }
  });

  it('buffers appends of a new note and writes header + body in one call on finish', async () => {
    const { fs, writes } = recordingFs();
    const counters = new IoCounters();
    const file = path.join(dir, 'sub', 'note.md');
    const w = new NoteWriter(file, { size: 0, header: '' }, { fs, counters, clock: () => 0, durable: false }, () => 'PROVISIONAL\n');
    for (let i = 0; i < 1000; i++) await w.append(`block ${i}\n\n`);
    assert.equal(writes.length, 0, 'nothing written before finish');
    assert.equal(await w.finish('HEADER\n'), 'created');
    w.close();
    assert.equal(writes.length, 1);
    assert.equal(counters.writeCalls, 1);
    const text = await fsp.readFile(file, 'utf8');
    assert.ok(text.startsWith('HEADER\nblock 0\n\nblock 1\n\n'));
    assert.ok(text.endsWith('block 999\n\n'));
    assert.deepEqual(await fsp.readdir(path.dirname(file)), ['note.md'], 'no temp file left');
  });

  it('flushes on size: few large writes instead of one per append', async () => {
    const { fs, writes } = recordingFs();
    const counters = new IoCounters();
    const file = path.join(dir, 'big.md');
    const w = new NoteWriter(file, { size: 0, header: '' }, { fs, counters, clock: () => 0, flushBytes: 10_000, durable: false }, () => 'H1\n');
    const block = 'x'.repeat(99) + '\n';
    for (let i = 0; i < 1000; i++) await w.append(block); // 100 000 chars
    assert.equal(await w.finish('H1\n'), 'appended', 'same header: nothing to patch');
    w.close();
    assert.ok(writes.length >= 10 && writes.length <= 11, `write calls: ${writes.length}`);
    const text = await fsp.readFile(file, 'utf8');
    assert.equal(text, 'H1\n' + block.repeat(1000));
  });

  it('flushes on time, measured by the injected clock', async () => {
    const { fs, writes } = recordingFs();
    let now = 0;
    const w = new NoteWriter(path.join(dir, 't.md'), { size: 0, header: '' }, { fs, counters: new IoCounters(), clock: () => now, flushIntervalMs: 1000, durable: false }, () => 'H\n');
    await w.append('a\n');
    now = 999;
    await w.append('b\n');
    assert.equal(writes.length, 0);
    now = 1000;
    await w.flushIfDue();
    assert.equal(writes.length, 1);
    assert.equal(await fsp.readFile(path.join(dir, 't.md'), 'utf8'), 'H\na\nb\n');
    now = 1500;
    await w.append('c\n');
    await w.flushIfDue();
    assert.equal(writes.length, 1, 'the new buffer is only 0 ms old');
    w.discardPending();
    w.close();
  });

  it('patches a same-length header in place with one write at offset 0', async () => {
    const { fs, writes } = recordingFs();
    const file = path.join(dir, 'p.md');
    await fsp.writeFile(file, 'count: 10\nbody\n');
    const w = new NoteWriter(file, { size: 15, header: 'count: 10\n' }, { fs, counters: new IoCounters(), durable: false }, () => '');
    await w.append('more\n');
    assert.equal(await w.finish('count: 11\n'), 'patched');
    w.close();
    assert.equal(await fsp.readFile(file, 'utf8'), 'count: 11\nbody\nmore\n');
    assert.equal(writes.length, 2, 'one append + one header patch');
  });

  it('rewrites through a temp file when the header length changes, copying the body', async () => {
    const { fs } = recordingFs();
    const counters = new IoCounters();
    const file = path.join(dir, 'r.md');
    const body = 'é'.repeat(3000) + '\n';
    await fsp.writeFile(file, 'count: 9\n' + body);
    const w = new NoteWriter(file, { size: Buffer.byteLength('count: 9\n' + body), header: 'count: 9\n' }, { fs, counters, durable: true }, () => '');
    await w.append('tail\n');
    assert.equal(await w.finish('count: 10\n'), 'rewritten');
    w.close();
    assert.equal(await fsp.readFile(file, 'utf8'), 'count: 10\n' + body + 'tail\n');
    assert.ok(counters.fsyncs >= 1, 'a durable rewrite is fsynced before the rename');
    assert.deepEqual(await fsp.readdir(dir), ['r.md']);
  });

  it('finish without changes writes nothing', async () => {
    const { fs, writes } = recordingFs();
    const file = path.join(dir, 'u.md');
    await fsp.writeFile(file, 'H\nbody\n');
    const w = new NoteWriter(file, { size: 7, header: 'H\n' }, { fs, counters: new IoCounters(), durable: false }, () => '');
    assert.equal(await w.finish('H\n'), 'unchanged');
    w.close();
    assert.equal(writes.length, 0);
  });

  it('rewrite() replaces the note atomically with streamed content', async () => {
    const { fs } = recordingFs();
    const counters = new IoCounters();
    const file = path.join(dir, 'w.md');
    await fsp.writeFile(file, 'old\n');
    const w = new NoteWriter(file, { size: 4, header: '' }, { fs, counters, flushBytes: 100, durable: false }, () => '');
    await w.rewrite(async (emit) => {
      await emit('HEAD\n');
      for (let i = 0; i < 50; i++) await emit(`line ${i}\n`);
    });
    assert.equal(w.sizeOnDisk, Buffer.byteLength(await fsp.readFile(file, 'utf8')));
    await w.append('after\n');
    assert.equal(await w.finish('HEAD\n'), 'appended');
    w.close();
    const text = await fsp.readFile(file, 'utf8');
    assert.ok(text.startsWith('HEAD\nline 0\n') && text.endsWith('line 49\nafter\n'));
    assert.ok(counters.writeCalls > 1 && counters.writeCalls < 10, 'rewrite output buffered into a few writes');
  });

  it('a failed rewrite leaves the old note and no temp file', async () => {
    const file = path.join(dir, 'f.md');
    await fsp.writeFile(file, 'keep me\n');
    const w = new NoteWriter(file, { size: 8, header: '' }, { fs: nodeVaultFs, counters: new IoCounters(), durable: false }, () => '');
    await assert.rejects(
      w.rewrite(async (emit) => {
        await emit('partial');
        throw new Error('boom');
      }),
      /boom/,
    );
    w.close();
    assert.equal(await fsp.readFile(file, 'utf8'), 'keep me\n');
    assert.deepEqual(await fsp.readdir(dir), ['f.md']);
  });

  it('allows one writer per note', () => {
    const file = path.join(dir, 'one.md');
    const a = new NoteWriter(file, { size: 0, header: '' }, { fs: nodeVaultFs, counters: new IoCounters() }, () => '');
    assert.ok(isNoteOpen(file));
    assert.throws(() => new NoteWriter(file, { size: 0, header: '' }, { fs: nodeVaultFs, counters: new IoCounters() }, () => ''), NoteWriterBusyError);
    a.close();
    assert.ok(!isNoteOpen(file));
    new NoteWriter(file, { size: 0, header: '' }, { fs: nodeVaultFs, counters: new IoCounters() }, () => '').close();
  });
});

describe('atomic writes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-atomic-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('replaces a file in one write and one rename; a failed write keeps the old file', async () => {
    const file = path.join(dir, 'a.json');
    await fsp.writeFile(file, 'old');
    const counters = new IoCounters();
    await writeFileAtomic(file, 'new', { fs: nodeVaultFs, counters });
    assert.equal(await fsp.readFile(file, 'utf8'), 'new');
    assert.equal(counters.writeCalls, 1);
    assert.equal(counters.renames, 1);
    const failing: VaultFs = { ...nodeVaultFs, rename: async () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) };
    await assert.rejects(writeFileAtomic(file, 'newer', { fs: failing }), /EIO/);
    assert.equal(await fsp.readFile(file, 'utf8'), 'new');
    assert.deepEqual(await fsp.readdir(dir), ['a.json']);
  });

  it('sweeps only its own temp files', async () => {
    await fsp.writeFile(path.join(dir, '.note.md.abc123.va-tmp'), 'x');
    await fsp.writeFile(path.join(dir, 'note.md'), 'x');
    await fsp.writeFile(path.join(dir, '.hidden'), 'x');
    assert.equal(await sweepTempFiles(nodeVaultFs, dir), 1);
    assert.deepEqual((await fsp.readdir(dir)).sort(), ['.hidden', 'note.md']);
    assert.equal(await sweepTempFiles(nodeVaultFs, path.join(dir, 'missing')), 0);
  });
});
