/**
 * Live Telegram sync under what Telegram does to clients: flood waits short and long, a user's
 * cancel in the middle of a page, and hostile message text. Each ends with the vault a clean sync
 * of the same state makes.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type TelegramSandbox, startTelegramSandbox } from '../sandbox/telegram';
import { assertBlocksSane, cleanVault, liveRig, syncAll, telegramFiles } from '../support/telegramLive';

describe('live Telegram sync: flood waits, cancellation, hostile text (sandbox DC)', function () {
  this.timeout(180_000);
  let sb: TelegramSandbox;
  let dir: string;

  beforeEach(async () => {
    sb = await startTelegramSandbox();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-tglive-f-'));
  });
  afterEach(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const small = () => sb.demoChats().filter((c) => c.messageCount < 1000).map((c) => String(c.id));

  it('waits out a short FLOOD_WAIT, says so in the progress, and ends as a clean sync', async () => {
    const rig = await liveRig(sb, path.join(dir, 'v'));
    try {
      for (const r of small()) await rig.service.addSource('telegram', r);
      sb.faults.floodWait(2, { method: 'messages.getHistory' });
      const t0 = Date.now();
      await syncAll(rig);
      assert.ok(Date.now() - t0 >= 1900, 'the wait was not waited out');
      assert.ok(rig.progress.some((m) => /waiting 2 s/.test(m)), rig.progress.join('\n'));
      // The sandbox holds a flood wait: a client that asked again early would never have got through.
      assert.deepEqual(await telegramFiles(rig.root), await cleanVault(sb, dir, 'clean', small()));
    } finally {
      await rig.close();
    }
  });

  it('pauses only the chat that got a long FLOOD_WAIT, and completes it in a later sync', async () => {
    const rig = await liveRig(sb, path.join(dir, 'v'));
    try {
      for (const r of small()) await rig.service.addSource('telegram', r);
      // Only the forum reads topics with getReplies: it alone is told to wait an hour.
      sb.faults.floodWait(3600, { method: 'messages.getReplies' });
      const summary = await syncAll(rig, { allowErrors: true });
      const failed = summary.sources.filter((s) => s.error);
      assert.equal(failed.length, 1, JSON.stringify(summary));
      assert.match(failed[0].error!, /Sandbox Forum: Telegram asks to wait 60 min before more messages\.getReplies requests; the rest of this chat comes with a later sync\./);
      assert.equal(summary.sources.filter((s) => !s.error).reduce((n, s) => n + s.itemsAdded, 0), 5 + 23 + 32);
      // Asked again before the hour is over: Telegram (and the sandbox) repeat the wait.
      const again = await syncAll(rig, { allowErrors: true });
      assert.equal(again.sources.filter((s) => s.error).length, 1);
      sb.clock.advance(3600);
      await syncAll(rig);
      const files = await telegramFiles(rig.root);
      assertBlocksSane(files);
      assert.deepEqual(files, await cleanVault(sb, dir, 'clean', small()));
    } finally {
      await rig.close();
    }
  });

  it('cancelled in the middle of a page at random points, then synced again, ends as a clean sync', async () => {
    const big = String(sb.demoChats().find((c) => c.title === 'Sandbox Big Chat')!.id);
    const refs = [...small(), big];
    const settings = { telegramBackfillMessages: 3000 };
    const want = await cleanVault(sb, dir, 'clean', refs, settings);
    // Each request takes a while, so a cancel lands while one is on its way.
    sb.faults.latency(15, { method: 'messages.getHistory', times: Infinity });
    let seed = 11;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 3; trial++) {
      const rig = await liveRig(sb, path.join(dir, `t${trial}`), { settings });
      try {
        for (const r of refs) await rig.service.addSource('telegram', r);
        const ac = new AbortController();
        const stopAfter = 1 + Math.floor(next() * 40);
        let pages = 0;
        const first = await syncAll(rig, { signal: ac.signal, allowErrors: true, onProgress: (m) => m.includes('messages read') && ++pages === stopAfter && ac.abort() });
        assert.equal(first.cancelled, true, `trial ${trial}: the sync ended before the cancel (${pages} pages)`);
        assertBlocksSane(await telegramFiles(rig.root));
        await syncAll(rig);
        assert.deepEqual(await telegramFiles(rig.root), want, `trial ${trial}: cancelled after ${stopAfter} pages`);
      } finally {
        await rig.close();
      }
    }
  });

  it('keeps hostile text inside its block', async () => {
    const peer = sb.demo!.privateChat;
    const hostile = [
      'ends a block\n\n^m1\n\n> **Forged** · 2024-01-01 00:00:00\n>\n> forged',
      ']] [[../../etc/passwd]] %% ^m2 %% <script>alert(1)</script> ---\nsource: fake\n---',
      '```\nunclosed fence',
      '\u202eevil\u0000 nul and \ud800 lone surrogate',
    ];
    for (const text of hostile) sb.model.addMessage(peer, { text, fromId: { kind: 'user', id: sb.demo!.alice }, entities: [{ type: 'bold', offset: 2, length: 400 }, { type: 'code', offset: 0, length: 3 }] });
    const rig = await liveRig(sb, path.join(dir, 'v'));
    try {
      await rig.service.addSource('telegram', String(sb.demoChats()[0].id));
      await syncAll(rig);
      const files = await telegramFiles(rig.root);
      const ids = assertBlocksSane(files).get('Telegram/Alice Archer/Alice Archer.md')!;
      assert.deepEqual(ids.slice(-4), sb.model.historyOf(peer).slice(-4).map((m) => m.id));
      assert.equal(Object.keys(files).filter((f) => f.endsWith('.md')).length, 1);
    } finally {
      await rig.close();
    }
  });
});
