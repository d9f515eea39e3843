/**
 * archive/search over the worker's real IPC connection: the index follows an import, a query
 * made while the index is being built answers at once with `indexing`, and a query that cannot
 * be read comes back as a user error saying how to write it (the worker keeps running).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { JobRequests, SearchRequests } from '../../shared/protocol';
import { generateExport } from '../../scripts/export-generator';
import { repoRoot, startWorker, type WorkerHandle } from '../support/workerProcess';

const sampleExport = path.join(repoRoot, 'sample', 'telegram-export');

async function searchUntilReady(worker: WorkerHandle, query: string): Promise<SearchRequests.SearchResult> {
  for (let i = 0; i < 300; i++) {
    const r = await worker.connection.sendRequest(SearchRequests.search, { query });
    if (r.indexing === undefined) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the index was never ready');
}

describe('worker: archive/search', function () {
  this.timeout(120_000);
  let workspace: string;
  let worker: WorkerHandle | undefined;

  beforeEach(async () => {
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'va-worker-search-'));
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('finds what an import wrote, with the hit pointing at the message block', async () => {
    worker = await startWorker(workspace);
    await worker.connection.sendRequest(JobRequests.importExport, { exportPath: sampleExport, progressId: 'p' });
    const r = await searchUntilReady(worker, 'sunset from:alice');
    assert.equal(r.total, 2);
    const hit = r.hits[0]!;
    assert.equal(hit.kind, 'message');
    assert.equal(hit.blockId, 'm16');
    const lines = (await fs.readFile(path.join(workspace, 'Archive', hit.path), 'utf8')).split('\n');
    assert.match(lines[hit.line]!, /\*\*Alice Martin\*\* · 2024-03-01 18:41:04/);
    assert.equal(hit.snippet.slice(...hit.highlights[0]!).toLowerCase(), 'sunset');
    await fs.access(path.join(workspace, 'Archive', '.vault-archiver', 'search', 'index.db'));

    await assert.rejects(
      worker.connection.sendRequest(SearchRequests.search, { query: 'before:someday' }),
      (e: unknown) => e instanceof ResponseError && e.code === -32001 && /YYYY-MM-DD/.test(e.message),
    );
    assert.equal((await worker.connection.sendRequest(SearchRequests.search, { query: 'sunset' })).total, 3, 'still answering after a bad query');
  });

  it('answers with indexing N% while a big vault is being indexed, then with every hit', async () => {
    const big = path.join(workspace, 'big-export');
    generateExport({ outDir: big, messages: 30_000, mediaFiles: 0, duplicateRatio: 0, chats: 3, seed: 5 });
    worker = await startWorker(workspace);
    await worker.connection.sendRequest(JobRequests.importExport, { exportPath: big, progressId: 'p' });
    await searchUntilReady(worker, 'water');
    // the index is lost: the next query starts a rebuild and does not wait for it
    await worker.stop();
    await fs.rm(path.join(workspace, 'Archive', '.vault-archiver', 'search'), { recursive: true, force: true });
    worker = await startWorker(workspace);
    const early = await worker.connection.sendRequest(SearchRequests.search, { query: 'water' });
    assert.ok(early.indexing !== undefined && early.indexing >= 0 && early.indexing <= 100, JSON.stringify(early));
    const ready = await searchUntilReady(worker, 'water');
    assert.ok(ready.total > 100);
    assert.equal(ready.hits.length, 50);
  });
});
