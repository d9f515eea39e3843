/**
 * The pipeline decides attachment names in submission order whatever order its backend finishes
 * tasks in, and resolves each file only once its own store finished: a rerun after a crash then
 * names files exactly as one clean run does.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { MediaBackend } from '../../../server/engine/media/backend';
import { ContentStore } from '../../../server/engine/media/contentStore';
import type { FileTask, ResultOf } from '../../../server/engine/media/fileTasks';
import { MediaPipeline, type MediaResult } from '../../../server/engine/media/mediaPipeline';
import { IoCounters, nodeVaultFs } from '../../../server/engine/vault/vaultFs';

const VAULT = path.resolve('/vault');

interface Held {
  readonly task: FileTask;
  finish(): void;
}

/** A backend whose tasks finish only when the test says, answering from a table of contents. */
class ManualBackend implements MediaBackend {
  readonly held: Held[] = [];
  readonly done: FileTask[] = [];
  constructor(private readonly contentOf: Record<string, string>) {}

  run<T extends FileTask>(task: T): Promise<ResultOf<T>> {
    return new Promise((resolve) => {
      const finish = () => {
        this.done.push(task);
        resolve(this.answer(task) as ResultOf<T>);
      };
      this.held.push({ task, finish });
    });
  }

  private answer(task: FileTask): unknown {
    switch (task.kind) {
      case 'identify': {
        const content = this.contentOf[String(task.source)];
        return { sha256: `sha-${content}`, size: content.length, key: `${String(task.source)}|k`, cached: false };
      }
      case 'list':
        return [];
      case 'check':
        return true;
      case 'hash':
        return null;
      case 'store':
        return { how: 'copied', linksUnsupported: false };
    }
  }

  /** Finishes every held task of `kind`, in the order `order` gives (indexes into them). */
  async finishAll(kind: FileTask['kind'], order: (n: number) => number[] = (n) => [...Array(n).keys()]): Promise<void> {
    const mine = this.held.filter((h) => h.task.kind === kind);
    for (const i of order(mine.length)) mine[i].finish();
    for (const h of mine) this.held.splice(this.held.indexOf(h), 1);
    await new Promise((r) => setImmediate(r));
  }
}

function pipeline(backend: MediaBackend) {
  const store = new ContentStore(VAULT, path.join(VAULT, '.state', 's.jsonl'));
  return new MediaPipeline({ fs: nodeVaultFs, vaultRoot: VAULT, store, concurrency: 4, useHardlinks: false, counters: new IoCounters(), backend });
}

/** Six files, three wanting the same name with different contents, one repeating an earlier content. */
const FILES: [string, string, string][] = [
  ['/exp/1.jpg', 'one', 'T/att/photo.jpg'],
  ['/exp/2.jpg', 'two', 'T/att/photo.jpg'],
  ['/exp/3.jpg', 'three', 'T/att/other.jpg'],
  ['/exp/4.jpg', 'one', 'T/att/again.jpg'],
  ['/exp/5.jpg', 'five', 'T/att/photo.jpg'],
  ['/exp/6.jpg', 'six', 'U/att/photo.jpg'],
];
const contents = Object.fromEntries(FILES.map(([s, c]) => [s, c]));

async function runWith(identifyOrder: (n: number) => number[], storeOrder: (n: number) => number[]): Promise<MediaResult[]> {
  const backend = new ManualBackend(contents);
  const p = pipeline(backend);
  const results = FILES.map(([source, , preferredPath]) => p.submit({ source, preferredPath, chatId: 1, countAsNew: true }));
  await new Promise((r) => setImmediate(r));
  await backend.finishAll('list');
  await backend.finishAll('identify', identifyOrder);
  await backend.finishAll('store', storeOrder);
  await p.drain();
  return Promise.all(results);
}

const forward = (n: number) => [...Array(n).keys()];
const reverse = (n: number) => forward(n).reverse();
const shuffled = (seed: number) => (n: number) => {
  const a = forward(n);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

describe('media pipeline: order', () => {
  it('names files in submission order whatever order identification and stores finish in', async () => {
    const clean = await runWith(forward, forward);
    assert.deepEqual(
      clean.map((r) => [r.vaultPath, r.outcome]),
      [
        ['T/att/photo.jpg', 'copied'],
        ['T/att/photo (2).jpg', 'copied'],
        ['T/att/other.jpg', 'copied'],
        ['T/att/photo.jpg', 'deduplicated'],
        ['T/att/photo (3).jpg', 'copied'],
        ['U/att/photo.jpg', 'copied'],
      ],
    );
    for (const [idOrder, storeOrder] of [
      [reverse, reverse],
      [reverse, forward],
      [shuffled(1), shuffled(2)],
      [shuffled(3), shuffled(4)],
      [shuffled(5), reverse],
    ]) {
      assert.deepEqual(await runWith(idOrder, storeOrder), clean);
    }
  });

  it('resolves a file only after its own store finished, and claims nothing until earlier files are identified', async () => {
    const backend = new ManualBackend(contents);
    const p = pipeline(backend);
    const settled: number[] = [];
    FILES.slice(0, 3).forEach(([source, , preferredPath], i) => void p.submit({ source, preferredPath, chatId: 1, countAsNew: true }).then(() => settled.push(i)));
    await new Promise((r) => setImmediate(r));
    await backend.finishAll('list');
    // The last two are identified, the first is not: nothing may be claimed (no store yet).
    const ids = backend.held.filter((h) => h.task.kind === 'identify');
    ids[2].finish();
    ids[1].finish();
    await new Promise((r) => setImmediate(r));
    assert.equal(backend.held.filter((h) => h.task.kind === 'store').length, 0, 'no claim before the first file is identified');
    ids[0].finish();
    await new Promise((r) => setImmediate(r));
    const stores = backend.held.filter((h) => h.task.kind === 'store');
    assert.deepEqual(
      stores.map((h) => (h.task as { target: string }).target),
      ['T/att/photo.jpg', 'T/att/photo (2).jpg', 'T/att/other.jpg'].map((v) => path.join(VAULT, v)),
    );
    stores[1].finish();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(settled, [1]);
    stores[2].finish();
    stores[0].finish();
    await p.drain();
    assert.deepEqual(settled.sort(), [0, 1, 2]);
  });
});
