// Live media downloads when Telegram says no: an expired file reference (the message is fetched again, once),
// a file that moved DC, flood waits on upload.getFile (waited out and reported, or given up above the cap), and
// cancellation in the middle of a file (no partial file stays).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TelegramClient } from 'telegram';
import type { TelegramSandbox } from '../sandbox/telegram';
import { listFiles, MediaChat, recordingPort, type SeenRequest, TestVault, useMediaRig, withTimeout } from './telegramMediaHarness';

const MiB = 1024 * 1024;

describe('telegram live media: faults', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  let client: TelegramClient;
  let chat: MediaChat;
  let vault: TestVault;

  useMediaRig((rig) => ({ sb, client, chat, vault } = rig));

  it('FILE_REFERENCE_EXPIRED: fetches the message again for a fresh reference and finishes the file', async () => {
    const doc = sb.model.addDocument({ size: 3 * MiB + 100, fileName: 'stale.bin' });
    const msg = await chat.post(doc);
    // The reference the client holds goes stale (Telegram: core.telegram.org/api/file_reference).
    sb.model.expireFileReference(doc.id);
    const refetched: number[] = [];
    const src = await vault.source({ client, refetch: async (_peer, id) => (refetched.push(id), chat.fetch(id)) });
    const ref = src.register({ peer: chat.input, messageId: msg.id, media: msg.media! });
    const r = await vault.store(src, ref);
    assert.ok(r.vaultPath, r.error);
    assert.ok((await vault.read(r.vaultPath)).equals(sb.model.fileBytes(doc)), 'byte-exact');
    assert.deepEqual(refetched, [msg.id], 'the message was fetched again once, however many parts hit the stale reference');
    assert.equal(src.downloader.stats.referenceRefreshes, 1);
    await src.close();
  });

  it('FILE_REFERENCE_EXPIRED as a scripted fault mid-file: one refetch, then the file completes', async () => {
    const doc = sb.model.addDocument({ size: 2 * MiB, fileName: 'fault.bin' });
    const msg = await chat.post(doc);
    sb.faults.fileReferenceExpired({ method: 'upload.getFile', times: 1 });
    let refetches = 0;
    const src = await vault.source({ client, refetch: async (_p, id) => (refetches++, chat.fetch(id)) });
    const r = await vault.store(src, src.register({ peer: chat.input, messageId: msg.id, media: msg.media! }));
    assert.ok((await vault.read(r.vaultPath!)).equals(sb.model.fileBytes(doc)));
    assert.equal(refetches, 1);
    await src.close();
  });

  it('retries a stale reference only once: a refetch that still carries an expired one fails the file with a clear reason', async () => {
    const doc = sb.model.addDocument({ size: 100_000, fileName: 'gone.bin' });
    const msg = await chat.post(doc);
    sb.model.expireFileReference(doc.id);
    const stale = await chat.fetch(msg.id);
    sb.model.expireFileReference(doc.id);
    let refetches = 0;
    const src = await vault.source({ client, refetch: async () => (refetches++, stale) });
    const located = await src.locate(src.register({ peer: chat.input, messageId: msg.id, media: msg.media! }));
    assert.equal(located.ok, false);
    assert.match(!located.ok ? located.message : '', /gone\.bin.*FILE_REFERENCE_EXPIRED/);
    assert.equal(refetches, 1, 'one refetch, no loop');
    await src.close();
  });

  it('FILE_MIGRATE_X: follows the file to its DC', async () => {
    const doc = sb.model.addDocument({ size: 1_500_000, fileName: 'moved.bin' });
    const msg = await chat.post(doc);
    sb.faults.fileMigrate(3);
    const before = sb.counters.requestsOnDc(3, 'upload.getFile');
    const src = await vault.source({ client, refetch: async () => undefined });
    const r = await withTimeout(vault.store(src, src.register({ peer: chat.input, messageId: msg.id, media: msg.media! })), 30_000, 'migrated download');
    assert.ok((await vault.read(r.vaultPath!)).equals(sb.model.fileBytes(doc)), 'byte-exact');
    assert.ok(sb.counters.requestsOnDc(3, 'upload.getFile') > before, 'parts asked of DC 3');
    assert.ok(src.downloader.stats.migrations >= 1);
    await src.close();
  });

  it('FLOOD_WAIT on getFile: every part waits X seconds (on the sandbox clock), the wait is reported, the file completes', async () => {
    const doc = sb.model.addDocument({ size: 2 * MiB + 5, fileName: 'flood.bin' });
    const msg = await chat.post(doc);
    sb.faults.floodWait(7, { method: 'upload.getFile' });
    let skew = 0;
    const waits: number[] = [];
    const src = await vault.source({
      client,
      refetch: async () => undefined,
      onWait: (w) => waits.push(w.seconds),
      // Waiting moves the sandbox's clock (and ours) instead of sleeping: the hold is Telegram's, not the test's.
      downloader: { now: () => Date.now() + skew, sleep: async (ms) => ((skew += ms), sb.clock.advance(ms / 1000)) },
    });
    const r = await vault.store(src, src.register({ peer: chat.input, messageId: msg.id, media: msg.media! }));
    assert.ok(r.vaultPath, r.error);
    assert.ok((await vault.read(r.vaultPath)).equals(sb.model.fileBytes(doc)), 'byte-exact');
    assert.ok(waits.length >= 1 && waits.every((s) => s <= 7), `reported: ${waits.join(', ')}`);
    assert.ok(skew >= 7000, 'waited at least X seconds before asking again');
    assert.equal(vault.metrics.snapshot().floodWaits, waits.length);
    await src.close();
  });

  it('bursts of getFile above the rate Telegram allows get flood waits, which the download sits out until it completes', async () => {
    const doc = sb.model.addDocument({ size: 6 * MiB, fileName: 'burst.bin' });
    const msg = await chat.post(doc);
    sb.flood.setLimit('upload.getFile', { requests: 10, perSeconds: 5 });
    let skew = 0;
    const waits: number[] = [];
    const src = await vault.source({
      client,
      refetch: async () => undefined,
      onWait: (w) => waits.push(w.seconds),
      downloader: { now: () => Date.now() + skew, sleep: async (ms) => ((skew += ms), sb.clock.advance(ms / 1000)) },
    });
    const r = await withTimeout(vault.store(src, src.register({ peer: chat.input, messageId: msg.id, media: msg.media! })), 30_000, 'rate-limited download');
    assert.ok(r.vaultPath, r.error);
    assert.ok((await vault.read(r.vaultPath)).equals(sb.model.fileBytes(doc)), 'byte-exact');
    assert.ok(waits.length >= 2, `waited ${waits.length} times`);
    await src.close();
  });

  it('a connection dropped in the middle of an answer: the parts are asked again and the file completes', async () => {
    const doc = sb.model.addDocument({ size: 3 * MiB, fileName: 'dropped.bin' });
    const msg = await chat.post(doc);
    sb.faults.dropConnection({ method: 'upload.getFile', when: 'mid-response', times: 1 });
    const src = await vault.source({ client, refetch: async () => undefined, downloader: { requestTimeoutMs: 5000 } });
    const r = await withTimeout(vault.store(src, src.register({ peer: chat.input, messageId: msg.id, media: msg.media! })), 40_000, 'download after a drop');
    assert.ok(r.vaultPath, r.error);
    assert.ok((await vault.read(r.vaultPath)).equals(sb.model.fileBytes(doc)), 'byte-exact');
    await src.close();
  });

  it('a flood wait above the cap gives the file up at once with the wait in the reason (no sleeping for minutes)', async () => {
    const doc = sb.model.addDocument({ size: 50_000, fileName: 'later.bin' });
    const msg = await chat.post(doc);
    sb.faults.floodWait(900, { method: 'upload.getFile' });
    const waits: { seconds: number; tooLong: boolean }[] = [];
    const src = await vault.source({ client, refetch: async () => undefined, onWait: (w) => waits.push(w), downloader: { maxFloodWaitSeconds: 60 } });
    const located = await withTimeout(src.locate(src.register({ peer: chat.input, messageId: msg.id, media: msg.media! })), 10_000, 'locate');
    assert.equal(located.ok, false);
    assert.match(!located.ok ? located.message : '', /wait 900 s/);
    assert.deepEqual(waits.map((w) => [w.seconds, w.tooLong]), [[900, true]]);
    assert.deepEqual(await listFiles(src.tmpDir), [], 'no partial file');
    await src.close();
  });

  it('cancellation in the middle of a file answers promptly and leaves no partial file', async () => {
    sb.faults.latency(50, { method: 'upload.getFile' });
    const doc = sb.model.addDocument({ size: 8 * MiB, fileName: 'cancel.bin' });
    const msg = await chat.post(doc);
    const ctl = new AbortController();
    const seen: SeenRequest[] = [];
    const tight = await TestVault.create({ telegramDownloadParts: 2 });
    try {
      const src = await tight.source({ port: recordingPort(client, seen, (n) => n === 3 && ctl.abort()), refetch: async () => undefined, signal: ctl.signal });
      const t0 = Date.now();
      const located = await withTimeout(src.locate(src.register({ peer: chat.input, messageId: msg.id, media: msg.media! })), 10_000, 'cancelled locate');
      assert.equal(located.ok, false);
      assert.match(!located.ok ? located.message : '', /cancelled/);
      assert.ok(Date.now() - t0 < 5000, 'promptly');
      assert.ok(seen.length < 16, `stopped asking for parts (${seen.length} of 16)`);
      assert.deepEqual(await listFiles(src.tmpDir), [], 'no partial file');
      assert.deepEqual(await listFiles(path.join(tight.root, 'Telegram')), [], 'nothing in the vault');
      await src.close();
    } finally {
      await tight.dispose();
    }
  });
});
