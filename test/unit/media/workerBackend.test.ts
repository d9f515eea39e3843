/**
 * The worker backend: batching, the in-flight bound, priorities, results in any order, a worker
 * that dies, idling, and the real worker thread.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileIo, FileTask } from '../../../server/engine/media/fileTasks';
import { WorkerBackend, type WorkerLike, mediaWorkerScript } from '../../../server/engine/media/workerBackend';
import type { ResultBatch, TaskBatch } from '../../../server/engine/media/workerProtocol';

const tick = () => new Promise((r) => setImmediate(r));

/** A worker that records what it is sent and answers when the test says. */
class FakeWorker implements WorkerLike {
  readonly batches: TaskBatch['tasks'][] = [];
  readonly listeners = new Map<string, ((m?: unknown) => void)[]>();
  refs = 0;
  unrefs = 0;
  terminated = false;
  postMessage(m: TaskBatch): void {
    this.batches.push(m.tasks);
  }
  on(event: string, listener: (m?: unknown) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  ref(): void {
    this.refs++;
  }
  unref(): void {
    this.unrefs++;
  }
  async terminate(): Promise<number> {
    this.terminated = true;
    return 0;
  }
  emit(event: string, m?: unknown): void {
    for (const l of this.listeners.get(event) ?? []) l(m);
  }
  get sent(): (readonly [number, FileTask])[] {
    return this.batches.flat();
  }
  /** Answers the given ids (default: everything sent and not answered) with `value(task)`. */
  answer(ids: number[], value: (t: FileTask) => unknown = () => true): void {
    const byId = new Map(this.sent);
    this.emit('message', { results: ids.map((id) => ({ id, value: value(byId.get(id)!) as never })) } satisfies ResultBatch);
  }
}

const list = (dir: string): FileTask => ({ kind: 'list', dir });
const identify = (source: string): FileTask => ({ kind: 'identify', source, noFollow: true, known: [] });

function backendWithFake(opts: { maxInFlight?: number; maxBatch?: number; idleMs?: number; inlineIo?: FileIo } = {}) {
  const workers: FakeWorker[] = [];
  const backend = new WorkerBackend({
    script: { code: 'unused' },
    spawn: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    ...opts,
  });
  return { backend, workers };
}

describe('media worker backend', () => {
  it('sends everything submitted in one turn of the event loop as one message', async () => {
    const { backend, workers } = backendWithFake();
    const results = Array.from({ length: 10 }, (_, i) => backend.run(list(`/d${i}`)));
    assert.equal(workers.length, 0, 'nothing sent synchronously');
    await tick();
    assert.equal(workers.length, 1);
    assert.equal(workers[0].batches.length, 1);
    assert.deepEqual(
      workers[0].sent.map(([, t]) => (t as { dir: string }).dir),
      Array.from({ length: 10 }, (_, i) => `/d${i}`),
    );
    workers[0].answer(workers[0].sent.map(([id]) => id), (t) => [(t as { dir: string }).dir]);
    assert.deepEqual(await Promise.all(results), Array.from({ length: 10 }, (_, i) => [`/d${i}`]));
  });

  it('keeps at most maxInFlight tasks in the worker, in batches of at most maxBatch, and sends the rest as results come back', async () => {
    const { backend, workers } = backendWithFake({ maxInFlight: 50, maxBatch: 20 });
    const results = Array.from({ length: 130 }, (_, i) => backend.run(list(`/d${i}`)));
    await tick();
    const w = workers[0];
    assert.deepEqual(
      w.batches.map((b) => b.length),
      [20, 20, 10],
    );
    let answered = 0;
    while (answered < 130) {
      const unanswered = w.sent.slice(answered);
      assert.ok(unanswered.length <= 50, `in flight: ${unanswered.length}`);
      const some = unanswered.slice(0, 15).map(([id]) => id);
      w.answer(some);
      answered += some.length;
      await tick();
    }
    assert.equal(w.sent.length, 130);
    assert.equal((await Promise.all(results)).length, 130);
  });

  it('sends store/check/list tasks ahead of identification', async () => {
    const { backend, workers } = backendWithFake();
    void backend.run(identify('/a'));
    void backend.run(identify('/b'));
    void backend.run({ kind: 'check', file: '/v/x', size: 1 });
    void backend.run({ kind: 'store', source: '/a', target: '/v/y', mkdir: false, link: false });
    await tick();
    assert.deepEqual(
      workers[0].sent.map(([, t]) => t.kind),
      ['check', 'store', 'identify', 'identify'],
    );
  });

  it('gives each task its own result whatever the order results come in, and errors with their code', async () => {
    const { backend, workers } = backendWithFake();
    const results = ['/a', '/b', '/c', '/d'].map((d) => backend.run(list(d)));
    await tick();
    const ids = workers[0].sent.map(([id]) => id);
    workers[0].emit('message', {
      results: [
        { id: ids[3], value: ['d'] },
        { id: ids[1], error: { message: 'EACCES: permission denied', code: 'EACCES' } },
      ],
    });
    workers[0].emit('message', {
      results: [
        { id: ids[2], value: ['c'] },
        { id: ids[0], value: ['a'] },
      ],
    });
    assert.deepEqual(await results[0], ['a']);
    await assert.rejects(results[1], (err: NodeJS.ErrnoException) => err.code === 'EACCES' && /permission denied/.test(err.message));
    assert.deepEqual(await results[2], ['c']);
    assert.deepEqual(await results[3], ['d']);
  });

  it('runs the tasks of a worker that dies on this thread, and everything after it', async () => {
    const ran: string[] = [];
    const inlineIo = { readdir: async (dir: string) => (ran.push(dir), [`inline ${dir}`]) } as unknown as FileIo;
    const { backend, workers } = backendWithFake({ inlineIo });
    const first = [backend.run(list('/a')), backend.run(list('/b'))];
    await tick();
    workers[0].answer([workers[0].sent[0][0]], () => ['from worker']);
    workers[0].emit('exit');
    assert.deepEqual(await Promise.all(first), [['from worker'], ['inline /b']]);
    assert.equal(workers[0].terminated, true);
    assert.deepEqual(await backend.run(list('/c')), ['inline /c']);
    assert.equal(workers.length, 1, 'no new worker');
    assert.deepEqual(ran, ['/b', '/c']);
    assert.equal(backend.usesWorker, false);
  });

  it('holds the process open only while working, stops an idle worker, and starts a new one for new work', async () => {
    const { backend, workers } = backendWithFake({ idleMs: 20 });
    const r = backend.run(list('/a'));
    await tick();
    assert.equal(workers[0].refs, 1);
    workers[0].answer([workers[0].sent[0][0]]);
    await r;
    assert.equal(workers[0].unrefs, 1);
    assert.equal(workers[0].terminated, false);
    await new Promise((res) => setTimeout(res, 40));
    assert.equal(workers[0].terminated, true);
    const again = backend.run(list('/b'));
    await tick();
    assert.equal(workers.length, 2);
    workers[1].answer([workers[1].sent[0][0]]);
    await again;
  });

  it('warm() starts the worker before any task without holding the process open; the first task uses it; unused, it stops', async () => {
    const { backend, workers } = backendWithFake({ idleMs: 20 });
    backend.warm();
    backend.warm();
    assert.equal(workers.length, 1, 'one worker however often it is warmed');
    assert.equal(workers[0].refs, 0);
    assert.ok(workers[0].unrefs >= 1);
    const r = backend.run(list('/a'));
    await tick();
    assert.equal(workers.length, 1);
    assert.equal(workers[0].refs, 1, 'held open while it works');
    workers[0].answer([workers[0].sent[0][0]]);
    await r;
    const unused = backendWithFake({ idleMs: 20 });
    unused.backend.warm();
    await new Promise((res) => setTimeout(res, 40));
    assert.equal(unused.workers[0].terminated, true);
    const none = new WorkerBackend({ script: null });
    none.warm();
    assert.equal(none.workerStarts, 0);
  });

  it('close() waits for the tasks given, then stops the worker', async () => {
    const { backend, workers } = backendWithFake();
    const r = backend.run(list('/a'));
    await tick();
    let closed = false;
    const closing = backend.close().then(() => (closed = true));
    await tick();
    assert.equal(closed, false);
    workers[0].answer([workers[0].sent[0][0]]);
    await r;
    await closing;
    assert.equal(workers[0].terminated, true);
  });

  it('mediaWorkerScript prefers a built script, runs the source under tsx, and gives null without either', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-script-'));
    try {
      assert.equal(mediaWorkerScript(dir, path.join(dir, 'bundle.js')), null);
      await fsp.writeFile(path.join(dir, 'mediaWorker.ts'), '');
      assert.equal(mediaWorkerScript(dir, path.join(dir, 'bundle.js')), null, 'a bundle cannot load TypeScript');
      const fromSource = mediaWorkerScript(dir, __filename);
      assert.ok(fromSource && 'code' in fromSource && fromSource.code.includes('tsx'));
      await fsp.writeFile(path.join(dir, 'mediaWorker.js'), '');
      assert.deepEqual(mediaWorkerScript(dir, __filename), { file: path.join(dir, 'mediaWorker.js') });
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('media worker backend: the real worker thread', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-worker-'));
  });
  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('runs tasks in a worker thread: hashes, stores, keeps Buffer paths and error codes', async () => {
    const backend = new WorkerBackend();
    assert.equal(backend.usesWorker, true);
    const src = path.join(dir, 'a.jpg');
    await fsp.writeFile(src, 'WORKER');
    const raw = Buffer.from(src);
    const [byString, byBuffer] = await Promise.all([backend.run({ kind: 'identify', source: src, noFollow: true, known: [] }), backend.run({ kind: 'identify', source: raw, noFollow: true, known: [] })]);
    const want = createHash('sha256').update('WORKER').digest('hex');
    assert.ok('sha256' in byString && byString.sha256 === want);
    assert.ok('sha256' in byBuffer && byBuffer.sha256 === want && byBuffer.key.startsWith('hex:'));
    const target = path.join(dir, 'vault', 'att', 'a.jpg');
    assert.deepEqual(await backend.run({ kind: 'store', source: src, target, mkdir: true, link: false }), { how: 'copied', linksUnsupported: false });
    assert.equal(await fsp.readFile(target, 'utf8'), 'WORKER');
    await assert.rejects(backend.run({ kind: 'store', source: path.join(dir, 'gone'), target, mkdir: false, link: false }), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
    assert.equal(backend.workerStarts, 1);
    assert.equal(backend.inlineTasks, 0, 'all of it ran in the worker');
    assert.equal(backend.workerTasks, 4);
    await backend.close();
  });
});
