// Live media downloads through the real GramJS client against the sandbox DC: every kind byte-exact and stored
// where an export import puts it, a file on another DC, parts in parallel within Telegram's offset/limit rules,
// sizes around the 4 KiB and 1 MiB boundaries, and the memory budget.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import type { TelegramClient } from 'telegram';
import { isPlaceholderPath } from '../../server/engine/telegram-notes/media';
import type { TelegramSandbox } from '../sandbox/telegram';
import { closeGramjsClient, connectClient, MediaChat, recordingPort, type SeenRequest, TestVault, useMediaRig, withTimeout } from './telegramMediaHarness';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Telegram's rules for upload.getFile (core.telegram.org/api/files). */
function assertValidRanges(seen: SeenRequest[]): void {
  assert.ok(seen.length > 0, 'requests were made');
  for (const r of seen) {
    assert.equal(r.offset % (4 * KiB), 0, `offset ${r.offset} divisible by 4 KiB`);
    assert.equal(r.limit % (4 * KiB), 0, `limit ${r.limit} divisible by 4 KiB`);
    assert.equal(MiB % r.limit, 0, `1 MiB divisible by limit ${r.limit}`);
    assert.equal(Math.floor(r.offset / MiB), Math.floor((r.offset + r.limit - 1) / MiB), `${r.offset}+${r.limit} stays within one MiB`);
  }
}

describe('telegram live media: downloads through GramJS', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  let client: TelegramClient;
  let chat: MediaChat;
  let vault: TestVault;

  useMediaRig((rig) => ({ sb, client, chat, vault } = rig));

  it('downloads every media kind byte-exact and stores it where an export import would', async () => {
    const m = sb.model;
    const files = [
      { file: m.addPhoto({ width: 1600, height: 1200 }), want: /^photos\/photo_\d+\.jpg$/ },
      { file: m.addDocument({ kind: 'file', size: 70_000, mimeType: 'application/pdf', fileName: 'notes.pdf' }), want: /^files\/notes\.pdf$/ },
      { file: m.addDocument({ kind: 'video', size: 600_000, fileName: 'trip.mp4' }), want: /^video_files\/trip\.mp4$/ },
      { file: m.addDocument({ kind: 'video', size: 90_000 }), want: /^video_files\/video_\d+\.mp4$/ },
      { file: m.addDocument({ kind: 'voice', size: 18_432 }), want: /^voice_messages\/audio_\d+\.ogg$/ },
      { file: m.addDocument({ kind: 'round', size: 96_000 }), want: /^round_video_messages\/round_\d+\.mp4$/ },
      { file: m.addDocument({ kind: 'sticker', size: 24_000 }), want: /^stickers\/sticker_\d+\.webp$/ },
      { file: m.addDocument({ kind: 'animation', size: 150_000, fileName: 'wave.mp4' }), want: /^animations\/wave\.mp4$/ },
      { file: m.addDocument({ kind: 'audio', size: 300_000, fileName: 'loopback.mp3', performer: 'P', title: 'T' }), want: /^files\/loopback\.mp3$/ },
    ];
    const src = await vault.source({ client, refetch: (p, id) => chat.fetch(id) });
    const refs: string[] = [];
    for (const f of files) {
      const msg = await chat.post(f.file);
      const ref = src.register({ peer: chat.input, messageId: msg.id, media: msg.media! });
      assert.ok(!isPlaceholderPath(ref), `${ref} reads as a file, not a placeholder`);
      refs.push(ref);
    }
    const results = await Promise.all(refs.map((ref) => vault.store(src, ref)));
    for (const [i, r] of results.entries()) {
      assert.ok(r.vaultPath, `stored: ${r.error ?? ''}`);
      const rel = r.vaultPath.slice('Telegram/Media chat/attachments/'.length);
      assert.match(rel, files[i].want);
      assert.ok((await vault.read(r.vaultPath)).equals(m.fileBytes(files[i].file)), `${rel} byte-exact`);
    }
    const snap = vault.metrics.snapshot();
    assert.equal(snap.filesDownloaded, files.length);
    assert.equal(snap.bytesDownloaded, files.reduce((n, f) => n + m.fileSize(f.file), 0), 'bytes downloaded = the files\' sizes');
    await src.close();
    assert.deepEqual(await fs.readdir(src.tmpDir).catch(() => []), [], 'close() leaves no downloads behind');
  });

  it('downloads a thumbnail-sized photo when asked for the thumb, the largest size otherwise', async () => {
    const photo = sb.model.addPhoto({ width: 1280, height: 960 });
    const msg = await chat.post(photo);
    const src = await vault.source({ client, refetch: (p, id) => chat.fetch(id) });
    const full = src.register({ peer: chat.input, messageId: msg.id, media: msg.media! });
    const thumb = src.register({ peer: chat.input, messageId: msg.id, media: msg.media!, thumb: true });
    assert.notEqual(full, thumb);
    const [a, b] = await Promise.all([vault.store(src, full), vault.store(src, thumb)]);
    assert.ok((await vault.read(a.vaultPath!)).equals(sb.model.fileBytes(photo, 0, undefined, 'y')), 'largest size (y)');
    assert.ok((await vault.read(b.vaultPath!)).equals(sb.model.fileBytes(photo, 0, undefined, 'm')), 'thumbnail size (m)');
    assert.match(b.vaultPath!, /photo_\d+\.jpg_thumb\.jpg$/);
    await src.close();
  });

  it('fetches a file on another DC: a key there by DH, then auth.exportAuthorization / importAuthorization', async () => {
    const fresh = await connectClient(sb);
    try {
      const doc = sb.model.addDocument({ size: 700_000, fileName: 'far.bin', dcId: 4 });
      const msg = await new MediaChat(sb, fresh).post(doc);
      const src = await vault.source({ client: fresh, refetch: async () => undefined });
      const ref = src.register({ peer: chat.input, messageId: msg.id, media: msg.media! });
      const before = sb.counters.requestsOnDc(4, 'auth.importAuthorization');
      const homeBefore = sb.counters.requestsOnDc(2, 'upload.getFile');
      const r = await withTimeout(vault.store(src, ref), 30_000, 'download from DC 4');
      assert.ok((await vault.read(r.vaultPath!)).equals(sb.model.fileBytes(doc)), 'byte-exact');
      assert.ok(sb.counters.requestsOnDc(2, 'auth.exportAuthorization') >= 1, 'exported on the home DC');
      assert.equal(sb.counters.requestsOnDc(4, 'auth.importAuthorization') - before, 1, 'imported on DC 4, once');
      assert.ok(sb.counters.requestsOnDc(4, 'upload.getFile') >= 2, 'the parts came from DC 4');
      assert.equal(sb.counters.requestsOnDc(2, 'upload.getFile'), homeBefore, 'none asked of the home DC');
      await src.close();
    } finally {
      await closeGramjsClient(fresh);
    }
  });

  it('asks for parts of one file in parallel, each within the offset/limit rules, several files at once', async () => {
    sb.faults.latency(20, { method: 'upload.getFile' });
    const big = sb.model.addDocument({ size: 5 * MiB + 12_345, fileName: 'big.bin' });
    const small = [1, 2, 3].map((i) => sb.model.addDocument({ size: 100_000 + i, fileName: `small${i}.bin` }));
    const msgs = await Promise.all([big, ...small].map((f) => chat.post(f)));
    const seen: SeenRequest[] = [];
    const src = await vault.source({ port: recordingPort(client, seen), refetch: async () => undefined });
    sb.counters.reset();
    const refs = msgs.map((msg) => src.register({ peer: chat.input, messageId: msg.id, media: msg.media! }));
    const results = await Promise.all(refs.map((ref) => vault.store(src, ref)));
    for (const [i, f] of [big, ...small].entries()) assert.ok((await vault.read(results[i].vaultPath!)).equals(sb.model.fileBytes(f)), `file ${i} byte-exact`);
    assertValidRanges(seen);
    assert.ok(sb.counters.inFlightPeak('upload.getFile') >= 4, `parts in flight at once: ${sb.counters.inFlightPeak('upload.getFile')}`);
    assert.ok(sb.counters.inFlightPeak('upload.getFile') <= vault.settings.telegramDownloadParts, 'never more than the setting');
    const bigParts = seen.filter((r) => r.limit === 256 * KiB);
    assert.equal(bigParts.length, Math.ceil(big.size / (256 * KiB)), 'each part of the big file asked once');
    assert.equal(sb.counters.requests('upload.getFile'), seen.length);
    await src.close();
  });

  it('gets sizes at the 4 KiB and 1 MiB boundaries right, with parts bounded by a small memory budget', async () => {
    const sizes = [1, 4095, 4096, 4097, MiB - 1, MiB, MiB + 1, 2 * MiB + 4096, 3 * MiB + MiB / 2];
    const docs = sizes.map((size, i) => sb.model.addDocument({ size, fileName: `edge${i}.bin` }));
    const msgs = await Promise.all(docs.map((d) => chat.post(d)));
    const seen: SeenRequest[] = [];
    const tight = await TestVault.create({ telegramDownloadMemoryMB: 1, telegramDownloadParts: 8 });
    try {
      const src = await tight.source({ port: recordingPort(client, seen), refetch: async () => undefined, downloader: { maxPartBytes: 256 * KiB } });
      const refs = msgs.map((msg) => src.register({ peer: chat.input, messageId: msg.id, media: msg.media! }));
      const results = await Promise.all(refs.map((ref) => tight.store(src, ref)));
      for (const [i, d] of docs.entries()) {
        const got = await tight.read(results[i].vaultPath!);
        assert.equal(got.length, sizes[i], `size ${sizes[i]}`);
        assert.ok(got.equals(sb.model.fileBytes(d)), `size ${sizes[i]} byte-exact`);
      }
      assertValidRanges(seen);
      assert.ok(seen.every((r) => r.limit <= 256 * KiB), 'parts no larger than asked');
      assert.ok(src.downloader.peakMemoryBytes <= MiB, `memory held at most the budget (${src.downloader.peakMemoryBytes})`);
      assert.ok(src.downloader.peakMemoryBytes >= 512 * KiB, 'and the budget was used');
      await src.close();
    } finally {
      await tight.dispose();
    }
  });
});
