/**
 * A worker killed with SIGKILL at random points of a live Telegram sync (the real GramJS client
 * against the sandbox DC), then a fresh worker syncing again, leaves the vault a clean sync
 * makes: no duplicate block ids, no gaps, no partial or temporary files.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobRequests, SourcesRequests } from '../../shared/protocol';
import { parseBlocks } from '../../server/engine/telegram-notes';
import { type TelegramSandbox, startTelegramSandbox, telegramSandboxInfo } from '../sandbox/telegram';
import { startWorker } from '../support/workerProcess';

async function vaultFiles(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[path.relative(root, p)] = await fs.readFile(p, 'utf8');
    }
  };
  await walk(path.join(root, 'Archive', 'Telegram'));
  return out;
}

describe('worker killed mid-sync (live Telegram), then synced again', function () {
  this.timeout(300_000);
  let sb: TelegramSandbox;
  let dir: string;
  let refs: string[];

  before(async () => {
    sb = await startTelegramSandbox();
    // Slow enough that kills land inside the sync, at every stage of it.
    sb.faults.latency(8, { method: ['messages.getHistory', 'messages.getReplies'], times: Infinity });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-tg-kill-'));
    refs = sb.demoChats().map((c) => String(c.id));
  });
  after(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  // Signed in as VS Code keeps it: the session and API credentials in SecretStorage, the sandbox as the server.
  const start = (workspace: string) =>
    startWorker(workspace, {
      env: { VAULT_ARCHIVER_TELEGRAM_SERVER: JSON.stringify(telegramSandboxInfo(sb)) },
      secrets: { telegramSession: sb.session, telegramApiCredentials: JSON.stringify({ apiId: sb.apiId, apiHash: sb.apiHash }) },
      settings: { telegramBackfillMessages: 3000 },
    });
  const addAll = async (w: Awaited<ReturnType<typeof start>>) => {
    for (const ref of refs) await w.connection.sendRequest(SourcesRequests.add, { kind: 'telegram', ref });
  };

  it('ends, after each of 10 kills at random moments, exactly as a clean sync', async () => {
    const cleanRoot = path.join(dir, 'clean');
    await fs.mkdir(cleanRoot);
    const clean = await start(cleanRoot);
    await addAll(clean);
    const t0 = Date.now();
    const summary = await clean.connection.sendRequest(JobRequests.sync, { progressId: 'clean' });
    const cleanMs = Date.now() - t0;
    for (const s of summary.sources) assert.equal(s.error, undefined, JSON.stringify(summary));
    await clean.stop();
    const want = await vaultFiles(cleanRoot);
    const big = Object.keys(want).find((f) => f.endsWith('Sandbox Big Chat.md'))!;
    assert.equal(parseBlocks(want[big]).length, 3000);

    let partial = 0;
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 10; trial++) {
      const root = path.join(dir, `t${trial}`);
      await fs.mkdir(root);
      const first = await start(root);
      await addAll(first);
      void first.connection.sendRequest(JobRequests.sync, { progressId: 'doomed' }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, next() * cleanMs));
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      first.connection.dispose();
      const killed = await vaultFiles(root);
      if (Object.keys(killed).length > 0 && JSON.stringify(killed) !== JSON.stringify(want)) partial++;

      const second = await start(root);
      const rerun = await second.connection.sendRequest(JobRequests.sync, { progressId: 'rerun' });
      for (const s of rerun.sources) assert.equal(s.error, undefined, `trial ${trial}: ${JSON.stringify(rerun)}`);
      await second.stop();
      const got = await vaultFiles(root);
      assert.deepEqual(Object.keys(got).filter((f) => f.includes('.va-tmp')), [], `trial ${trial}: temporary files left`);
      assert.deepEqual(got, want, `trial ${trial}: the vault differs from a clean sync`);
    }
    // The kills landed inside the sync (notes half written), not only before or after it.
    assert.ok(partial >= 4, `only ${partial} of 10 kills left a partly synced vault`);
  });
});
