// One request scheduler for a live sync job, against the sandbox DC through the real GramJS client: a page of
// history asked for while file parts queue behind a download goes out before them, and a whole sync's history
// requests and file parts go through the same scheduler (counted in the metrics the status bar shows).
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TelegramClient } from 'telegram';
import { LiveMediaSource } from '../../server/engine/connectors/telegram-live/media';
import { RequestScheduler } from '../../server/engine/connectors/telegram-live/scheduler';
import { ThreadReader } from '../../server/engine/connectors/telegram-live/sync/history';
import { type RequestPolicy, abortableSleep } from '../../server/engine/connectors/telegram-live/sync/requests';
import { type TelegramSandbox, startTelegramSandbox } from '../sandbox/telegram';
import { liveRig, syncAll } from '../support/telegramLive';
import { MediaChat, TestVault, closeGramjsClient, connectClient, recordingPort, withTimeout } from './telegramMediaHarness';

const MiB = 1024 * 1024;

describe('telegram live: one request scheduler for history and downloads (sandbox DC)', function () {
  this.timeout(90_000);
  let sb: TelegramSandbox;
  let client: TelegramClient;

  before(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
    client = await connectClient(sb);
  });
  afterEach(() => {
    sb.faults.clear();
    sb.flood.clear();
  });
  after(async () => {
    if (client) await closeGramjsClient(client);
    await sb?.close();
  });

  it('serves a history page before the file parts queued ahead of it, while the download goes on', async () => {
    const chat = new MediaChat(sb, client);
    for (let i = 0; i < 150; i++) sb.model.addMessage(chat.peer, { text: `message ${i}` });
    const doc = sb.model.addDocument({ size: 8 * MiB, fileName: 'big.bin' });
    const msg = await chat.post(doc);
    // Every request takes a while, so parts are still queued when the page is asked for.
    sb.faults.latency(40, { method: ['upload.getFile', 'messages.getHistory'] });
    const vault = await TestVault.create({ telegramDownloadParts: 2 });
    // Parts fill 2 of 3 slots: one page goes out at once; a second one in the same moment must win the next free slot.
    const scheduler = new RequestScheduler({ limits: { total: 3, sync: 2, media: 2 }, clock: { now: Date.now, sleep: abortableSleep }, metrics: vault.metrics });
    try {
      const order: string[] = [];
      const port = recordingPort(client, []);
      const src = await vault.source({
        scheduler,
        refetch: async () => undefined,
        port: { getFile: (dcId, req) => (order.push('part'), port.getFile(dcId, req)) },
      });
      let partsAnswered = 0;
      const answered = new Promise<void>((resolve) => {
        const inner = port.getFile.bind(port);
        port.getFile = async (dcId, req) => {
          const r = await inner(dcId, req);
          if (++partsAnswered === 2) resolve();
          return r;
        };
      });
      const download = vault.store(src, src.register({ peer: chat.input, messageId: msg.id, media: msg.media! }));
      await withTimeout(answered, 20_000, 'the first parts');
      const queuedParts = scheduler.queued;
      assert.ok(queuedParts > 0, 'parts are queued behind the download');
      const partsBefore = order.length;
      const policy: RequestPolicy = { signal: new AbortController().signal, shortWaitSeconds: 60, sleep: abortableSleep, onWait: () => undefined, onRequest: () => order.push('history'), scheduler };
      const reader = new ThreadReader(client, chat.input, { kind: 'history' }, policy);
      const page = await reader.pageAbove(0);
      assert.equal(page.messages.length, 100);
      assert.equal(order[partsBefore], 'history', `the page went out before any of the ${queuedParts} parts queued ahead of it (${order.slice(partsBefore, partsBefore + 5).join(', ')})`);
      // Two pages at once with every slot but one taken: the second waits for a slot, and gets the first that frees.
      const before2 = order.length;
      assert.ok(scheduler.queued > 0, 'parts still queued');
      const [a, b] = await Promise.all([reader.pageAbove(0), reader.pageAbove(100)]);
      assert.equal(a.messages.length + b.messages.length, 100 + 51);
      const seen = order.slice(before2);
      assert.deepEqual(seen.slice(0, 2), ['history', 'history'], `no queued part went out between the two pages: ${seen.slice(0, 6).join(', ')}`);
      // The sandbox answered the page while the file was still on its way.
      const partsOfFile = Math.ceil(doc.size / (256 * 1024));
      assert.ok(sb.counters.requests('upload.getFile') < partsOfFile, `the page did not wait for the download (${sb.counters.requests('upload.getFile')} of ${partsOfFile} parts asked)`);
      const stored = await withTimeout(download, 60_000, 'the download');
      assert.ok((await vault.read(stored.vaultPath!)).equals(sb.model.fileBytes(doc)), 'and the file is byte-exact');
      assert.ok(sb.counters.inFlightPeak('upload.getFile') <= 2, 'never more parts in flight than the setting');
      assert.deepEqual(scheduler.stats.requests, { sync: 3, media: partsOfFile });
      await src.close();
    } finally {
      scheduler.close();
      await vault.dispose();
    }
  });

  it('a sync sends its history requests and its file parts through one scheduler, counted in the metrics', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-tgsched-'));
    const owner = new MediaChat(sb, client);
    const docs = [1, 2, 3].map((i) => sb.model.addDocument({ size: 300_000 + i, fileName: `f${i}.bin` }));
    for (const [i, d] of docs.entries()) {
      sb.model.addMessage(owner.peer, { text: `before ${i}` });
      await owner.post(d);
    }
    const schedulers: RequestScheduler[] = [];
    const rig = await liveRig(sb, path.join(dir, 'v'), {
      extra: {
        mediaRegistry: (ctx) => {
          schedulers.push(ctx.scheduler);
          return new LiveMediaSource(ctx);
        },
      },
    });
    try {
      await rig.service.addSource('telegram', String(owner.peer.id));
      await syncAll(rig);
      assert.equal(schedulers.length, 1, 'one scheduler for the job');
      const { requests } = schedulers[0].stats;
      assert.ok(requests.sync >= 3, `history went through it (${requests.sync})`);
      assert.equal(requests.media, docs.length * 2, 'so did every part (300 KB: two parts each)');
      const m = rig.service.metrics();
      assert.equal(m.apiRequests, requests.sync + requests.media, 'each request counted once');
      assert.equal(m.bytesDownloaded, docs.reduce((n, d) => n + d.size, 0));
      assert.equal(m.itemsProcessed, 6);
    } finally {
      await rig.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
