/**
 * A worker killed with SIGKILL at a random point of a YouTube sync, then a fresh worker syncing
 * again, leaves the vault a clean sync makes: no duplicate or missing video notes, no partial
 * files, the same channel note (the catalog is written last, after the notes it describes).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobRequests, SourcesRequests } from '../../shared/protocol';
import { type GoogleSandbox, startGoogleSandbox } from '../sandbox/google';
import { startWorker } from '../support/workerProcess';

const SCIENCE = 'UCsandboxScienceLab0001g';
const TINY = 'UCtinyCraftsWorkshop002w';

async function vaultFiles(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      // The channel note's last_sync differs between runs by design.
      else out[path.relative(root, p)] = (await fs.readFile(p, 'utf8')).replace(/^last_sync: .*$/m, '');
    }
  };
  await walk(path.join(root, 'Archive', 'YouTube'));
  return out;
}

describe('worker killed mid-sync (YouTube), then synced again', function () {
  this.timeout(120_000);
  let sb: GoogleSandbox;
  let dir: string;
  before(async () => {
    // Every trial's vault has its own 10,000 units; the project behind the key serves them all.
    sb = await startGoogleSandbox({ dailyQuota: 1_000_000 });
    // Slow enough that kills land inside the sync, at every stage of it.
    sb.faults.latency('youtube.*', 25);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-yt-kill-'));
  });
  after(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const start = (workspace: string) => startWorker(workspace, { env: { VAULT_ARCHIVER_GOOGLE_ROOT_URL: sb.rootUrl }, secrets: { youtubeApiKey: sb.apiKey } });

  /** Kills a sync of `channel` at `trials` moments spread over a clean sync's length; each rerun must equal the clean vault. */
  async function killAndRerun(channel: string, trials: number, begin: (workspace: string) => ReturnType<typeof start>, label: string): Promise<void> {
    const cleanRoot = path.join(dir, `${label}-clean`);
    await fs.mkdir(cleanRoot);
    const clean = await begin(cleanRoot);
    await clean.connection.sendRequest(SourcesRequests.add, { kind: 'youtube', ref: channel });
    const t0 = Date.now();
    await clean.connection.sendRequest(JobRequests.sync, { progressId: 'clean' });
    const cleanMs = Date.now() - t0;
    await clean.stop();
    const want = await vaultFiles(cleanRoot);
    assert.ok(Object.keys(want).length > 5);
    let seed = 11;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let trial = 0; trial < trials; trial++) {
      const root = path.join(dir, `${label}-${trial}`);
      await fs.mkdir(root);
      const first = await begin(root);
      await first.connection.sendRequest(SourcesRequests.add, { kind: 'youtube', ref: channel });
      void first.connection.sendRequest(JobRequests.sync, { progressId: 'doomed' }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, next() * cleanMs));
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      first.connection.dispose();
      const second = await begin(root);
      const summary = await second.connection.sendRequest(JobRequests.sync, { progressId: 'rerun' });
      assert.equal(summary.sources[0]!.error, undefined, `${label} trial ${trial}: ${JSON.stringify(summary)}`);
      await second.stop();
      const got = await vaultFiles(root);
      const differing = Object.keys({ ...got, ...want }).filter((k) => got[k] !== want[k]);
      assert.deepEqual(got, want, `${label} trial ${trial}: the vault differs from a clean sync in ${differing.join(', ')}`);
    }
  }

  it('with transcripts on (captions fetched before the notes that show them), ends after each of 8 kills as a clean sync', async () => {
    sb.oauth.grantedScope = 'https://www.googleapis.com/auth/youtube.force-ssl';
    const tiny = sb.youtube.videosOf(TINY).filter((v) => sb.youtube.isRetrievable(v));
    for (const [i, v] of tiny.entries()) {
      if (i % 3 !== 2) sb.youtube.captions.add({ videoId: v.id, language: 'en', name: 'English', cues: [{ startMs: 0, endMs: 1000, text: `Line of ${v.title}` }, { startMs: 45_000, endMs: 46_000, text: 'Later' }] });
      if (i % 2 === 0) sb.youtube.captions.allowThirdParty(v.id);
    }
    const credentials = JSON.stringify({ kind: 'oauth', clientId: sb.oauth.clientId, clientSecret: sb.oauth.clientSecret, refreshToken: sb.oauth.refreshToken });
    const begin = (workspace: string) =>
      startWorker(workspace, {
        env: { VAULT_ARCHIVER_GOOGLE_ROOT_URL: sb.rootUrl, VAULT_ARCHIVER_GOOGLE_TOKEN_URL: sb.oauth.tokenUrl },
        secrets: { youtubeApiKey: sb.apiKey, googleCredentials: credentials },
        settings: { youtubeTranscripts: true },
      });
    sb.quota.resetDay();
    await killAndRerun(TINY, 8, begin, 'transcripts');
    const notes = Object.entries(await vaultFiles(path.join(dir, 'transcripts-clean')));
    assert.ok(notes.some(([, text]) => /## Transcript\n\n_From YouTube's captions/.test(text)), 'some transcript was saved');
    assert.ok(notes.some(([, text]) => /may not edit this video/.test(text)), 'some download was refused');
  });

  it('ends, after each of 10 kills at random moments, exactly as a clean sync', async () => {
    sb.quota.resetDay();
    const cleanRoot = path.join(dir, 'clean');
    await fs.mkdir(cleanRoot);
    const clean = await start(cleanRoot);
    await clean.connection.sendRequest(SourcesRequests.add, { kind: 'youtube', ref: SCIENCE });
    const t0 = Date.now();
    await clean.connection.sendRequest(JobRequests.sync, { progressId: 'clean' });
    const cleanMs = Date.now() - t0;
    await clean.stop();
    const want = await vaultFiles(cleanRoot);
    assert.ok(Object.keys(want).length > 10);

    // Deterministic "random" kill points spread over the length of a sync.
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 10; trial++) {
      const root = path.join(dir, `t${trial}`);
      await fs.mkdir(root);
      const first = await start(root);
      await first.connection.sendRequest(SourcesRequests.add, { kind: 'youtube', ref: SCIENCE });
      void first.connection.sendRequest(JobRequests.sync, { progressId: 'doomed' }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, next() * cleanMs));
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      first.connection.dispose();

      const second = await start(root);
      const summary = await second.connection.sendRequest(JobRequests.sync, { progressId: 'rerun' });
      assert.equal(summary.sources[0]!.error, undefined, `trial ${trial}: ${JSON.stringify(summary)}`);
      await second.stop();
      assert.deepEqual(await vaultFiles(root), want, `trial ${trial}: the vault differs from a clean sync`);
    }
  });
});
