/**
 * The worker over its real IPC transport: requests, notifications, progress, cancellation and
 * shutdown, exactly as the extension drives it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource, ResponseError } from 'vscode-languageserver-protocol/node';
import { JobRequests, MetricsRequests, SettingsNotifications, SourcesRequests, StatusNotifications, defaultSettings, type SourceInfo } from '../../shared/protocol';
import { generateExport } from '../../scripts/export-generator';
import { startGoogleSandbox } from '../sandbox/google';
import { repoRoot, startWorker, type WorkerHandle } from '../support/workerProcess';

const sampleExport = path.join(repoRoot, 'sample', 'telegram-export');

describe('worker over IPC', function () {
  this.timeout(60_000);
  let workspace: string;
  let worker: WorkerHandle | undefined;

  beforeEach(async () => {
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'va-worker-'));
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('lists no sources in a fresh workspace and exits cleanly on shutdown', async () => {
    worker = await startWorker(workspace);
    assert.deepEqual(await worker.connection.sendRequest(SourcesRequests.list), []);
    const code = await worker.stop();
    worker = undefined;
    assert.equal(code, 0);
  });

  it('adds a YouTube channel with the key the client keeps, persists it inside the vault and pushes the new list', async () => {
    const sb = await startGoogleSandbox();
    try {
      worker = await startWorker(workspace, { env: { VAULT_ARCHIVER_GOOGLE_ROOT_URL: sb.rootUrl }, secrets: { youtubeApiKey: sb.apiKey } });
      const pushed = new Promise<SourceInfo[]>((resolve) => worker!.connection.onNotification(StatusNotifications.sourcesChanged, resolve));
      const added = await worker.connection.sendRequest(SourcesRequests.add, { kind: 'youtube', ref: 'https://www.youtube.com/@SandboxScience' });
      assert.equal(added.id, 'youtube:UCsandboxScienceLab0001g');
      assert.deepEqual((await pushed).map((s) => s.id), ['youtube:UCsandboxScienceLab0001g']);
      const stored = JSON.parse(await fs.readFile(path.join(workspace, 'Archive', '.vault-archiver', 'sources.json'), 'utf8'));
      assert.equal(stored.sources[0].ref, 'https://www.youtube.com/@SandboxScience');
      await assert.rejects(
        worker.connection.sendRequest(SourcesRequests.add, { kind: 'youtube', ref: '@SandboxScience' }),
        (e: unknown) => e instanceof ResponseError && /already in the vault/.test(e.message),
      );
      const summary = await worker.connection.sendRequest(JobRequests.sync, { progressId: 'yt' });
      assert.equal(summary.sources[0]!.error, undefined);
      assert.ok(summary.sources[0]!.itemsAdded > 0);
      // The key went over the connection to the engine and nowhere else.
      const files = await fs.readdir(path.join(workspace, 'Archive'), { recursive: true });
      for (const f of files) {
        const p = path.join(workspace, 'Archive', f);
        if ((await fs.stat(p)).isFile()) assert.ok(!(await fs.readFile(p, 'utf8')).includes(sb.apiKey), `${f} holds the API key`);
      }
      assert.ok(!worker.logs.some((l) => l.includes(sb.apiKey)), 'the log holds the API key');
    } finally {
      await sb.close();
    }
  });

  it('a YouTube channel without a key set says how to set one', async () => {
    worker = await startWorker(workspace);
    await assert.rejects(
      worker.connection.sendRequest(SourcesRequests.add, { kind: 'youtube', ref: '@SandboxScience' }),
      (e: unknown) => e instanceof ResponseError && /No YouTube API key is set\. Run "Vault Archiver: Set YouTube API Key"/.test(e.message),
    );
  });

  it('answers bad input with an error that says what to type', async () => {
    worker = await startWorker(workspace);
    await assert.rejects(
      worker.connection.sendRequest(SourcesRequests.add, { kind: 'youtube', ref: 'https://www.youtube.com/watch?v=abc' }),
      (e: unknown) => e instanceof ResponseError && e.code === -32001 && /youtube\.com\/@name/.test(e.message),
    );
    await assert.rejects(
      worker.connection.sendRequest(JobRequests.importExport, { exportPath: path.join(workspace, 'nope'), progressId: 'p' }),
      (e: unknown) => e instanceof ResponseError && /result\.json/.test(e.message),
    );
  });

  it('refuses to write in an untrusted workspace until trust is granted', async () => {
    worker = await startWorker(workspace, { trusted: false });
    await assert.rejects(
      worker.connection.sendRequest(JobRequests.importExport, { exportPath: sampleExport, progressId: 'p' }),
      (e: unknown) => e instanceof ResponseError && /not trusted/.test(e.message),
    );
    await assert.rejects(fs.access(path.join(workspace, 'Archive')));
    await worker.connection.sendNotification(SettingsNotifications.changed, { settings: defaultSettings, trusted: true });
    const summary = await worker.connection.sendRequest(JobRequests.importExport, { exportPath: sampleExport, progressId: 'p' });
    assert.ok(summary.messagesWritten > 0);
  });

  it('refuses a vault folder setting that leaves the workspace', async () => {
    worker = await startWorker(workspace, { settings: { vaultFolder: '../elsewhere' } });
    await assert.rejects(
      worker.connection.sendRequest(SourcesRequests.list),
      (e: unknown) => e instanceof ResponseError && /outside the workspace/.test(e.message),
    );
  });

  it('imports the sample with progress and metrics, then lists its chats', async () => {
    worker = await startWorker(workspace);
    const percents: number[] = [];
    worker.connection.onNotification(StatusNotifications.progress, (p) => {
      if (p.progressId === 'import-1') percents.push(p.percent);
    });
    const metrics: number[] = [];
    const activeJobs: number[] = [];
    worker.connection.onNotification(StatusNotifications.metrics, (m) => {
      metrics.push(m.itemsProcessed);
      activeJobs.push(m.activeJobs);
    });
    const log = worker.logs;
    const summary = await worker.connection.sendRequest(JobRequests.importExport, { exportPath: sampleExport, progressId: 'import-1' });
    // Every warning the user is told about is in the Output log, with the chat, message and detail.
    assert.ok(summary.warnings.length > 0);
    for (const w of summary.warnings) {
      await waitUntil(() => log.some((l) => l.includes(w.message) && (!w.source || l.includes(w.source))), `the log to hold "${w.message}"`);
    }
    // The job's first push carries the totals at its start (the client measures throughput from it).
    assert.equal(activeJobs[0], 1, `activeJobs pushed: ${activeJobs}`);
    assert.equal(activeJobs.at(-1), 0);
    assert.equal(summary.cancelled, false);
    assert.ok(summary.chats >= 3, `chats: ${summary.chats}`);
    assert.ok(summary.messagesWritten >= 100, `messages: ${summary.messagesWritten}`);
    assert.ok(percents.length > 0 && percents.every((p, i) => i === 0 || p >= percents[i - 1]!), `progress: ${percents}`);
    assert.ok(metrics.length > 0 && metrics.at(-1)! >= summary.messagesSeen);
    const sources = await worker.connection.sendRequest(SourcesRequests.list);
    const telegram = sources.filter((s) => s.origin === 'telegram-export');
    assert.equal(telegram.length, summary.chats);
    for (const s of telegram) {
      await fs.access(path.join(workspace, 'Archive', ...s.notesPath.split('/')));
      assert.equal(s.state.kind, 'idle');
    }
    assert.ok(telegram.some((s) => (s.topics?.length ?? 0) > 0), 'the forum supergroup lists its topics');
    const m = await worker.connection.sendRequest(MetricsRequests.get);
    assert.equal(m.activeJobs, 0);
    assert.ok(m.itemsProcessed >= summary.messagesSeen);

    // Importing the same export again writes nothing new.
    const again = await worker.connection.sendRequest(JobRequests.importExport, { exportPath: sampleExport, progressId: 'import-2' });
    assert.equal(again.messagesWritten, 0);
    assert.equal(again.duplicatesSkipped, summary.messagesSeen);
  });

  it('stops an import when the request is cancelled, and a rerun completes it', async () => {
    const big = path.join(workspace, 'big-export');
    await generateExport({ outDir: big, messages: 20_000, mediaFiles: 200, duplicateRatio: 0.2, chats: 2, seed: 7 });
    worker = await startWorker(workspace);
    const source = new CancellationTokenSource();
    worker.connection.onNotification(StatusNotifications.progress, (p) => {
      if (p.progressId === 'big' && p.percent > 0) source.cancel();
    });
    const cancelled = await worker.connection.sendRequest(JobRequests.importExport, { exportPath: big, progressId: 'big' }, source.token);
    assert.equal(cancelled.cancelled, true);
    assert.ok(cancelled.messagesSeen < 20_000, `seen ${cancelled.messagesSeen}`);
    const rest = await worker.connection.sendRequest(JobRequests.importExport, { exportPath: big, progressId: 'big-2' });
    assert.equal(rest.cancelled, false);
    assert.ok(rest.duplicatesSkipped > 0, 'the rerun recognises what the cancelled run wrote');
    assert.equal(rest.messagesSeen, 20_000);
    const third = await worker.connection.sendRequest(JobRequests.importExport, { exportPath: big, progressId: 'big-3' });
    assert.equal(third.messagesWritten, 0);
    assert.equal(third.duplicatesSkipped, 20_000);
  });

  it('adding a Telegram chat before signing in says to sign in, and the Output log has it', async () => {
    worker = await startWorker(workspace);
    const log = worker.logs;
    await assert.rejects(worker.connection.sendRequest(SourcesRequests.add, { kind: 'telegram', ref: '@durov' }), (err: Error & { code?: number }) => {
      assert.equal(err.code, -32001); // a user's mistake, with what to do
      assert.match(err.message, /Not signed in to Telegram\. Run "Vault Archiver: Sign In to Telegram"/);
      return true;
    });
    await waitUntil(() => log.some((l) => l.includes('Not signed in to Telegram')), 'the refusal in the log');
    assert.deepEqual(await worker.connection.sendRequest(SourcesRequests.list), []);
    assert.equal(await worker.connection.sendRequest(JobRequests.cancelAll), 0);
  });
});

async function waitUntil(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
