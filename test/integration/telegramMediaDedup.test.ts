// Live media that must not be fetched: a file already stored (by photo/document id, in this run, in a new
// process, across forwards), files the size and type filters leave out, and the downloads a crashed run left in
// the vault's tmp folder (swept when the next run opens).
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { TelegramClient } from 'telegram';
import { OpenArchiveRun } from '../../server/engine/chat-archive/archiveRun';
import { ChatArchive } from '../../server/engine/chat-archive/chatArchive';
import type { ExportMessage } from '../../server/engine/telegram-notes';
import { LiveMediaSource, parseMediaKinds } from '../../server/engine/connectors/telegram-live/media';
import { VaultLayout } from '../../server/engine/vault/layout';
import { nodeVaultFs } from '../../server/engine/vault/vaultFs';
import { isPlaceholderPath, placeholderReason } from '../../server/engine/telegram-notes/media';
import type { TelegramSandbox } from '../sandbox/telegram';
import { listFiles, MediaChat, TestVault, useMediaRig } from './telegramMediaHarness';

const MiB = 1024 * 1024;

describe('telegram live media: dedup, filters, leftovers', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  let client: TelegramClient;
  let chat: MediaChat;
  let vault: TestVault;
  const getFiles = () => sb.counters.requests('upload.getFile');

  useMediaRig((rig) => ({ sb, client, chat, vault } = rig));

  it('a document already stored is never fetched again: not for a forward in the same run, not in a new process', async () => {
    const doc = sb.model.addDocument({ size: 1_300_000, fileName: 'report.pdf', mimeType: 'application/pdf' });
    const first = await chat.post(doc);
    const forward = await new MediaChat(sb, client).post(doc); // the same document in another chat
    const src = await vault.source({ client, refetch: async () => undefined });
    const ref = src.register({ peer: chat.input, messageId: first.id, media: first.media! });
    const stored = await vault.store(src, ref);
    assert.equal(stored.outcome, 'copied');
    const calls = getFiles();
    assert.ok(calls > 0);

    const again = src.register({ peer: chat.input, messageId: forward.id, media: forward.media! });
    assert.equal(again, ref, 'same document, same reference string');
    const dup = await vault.store(src, again, 'Telegram/Other chat');
    assert.equal(dup.vaultPath, stored.vaultPath, 'the stored copy is reused');
    assert.equal(getFiles(), calls, 'no getFile for the forward');
    await src.close();

    // A new process: the content store and the id index are read back from the vault.
    await vault.reopen();
    const fresh = await vault.source({ client, refetch: async () => undefined });
    const ref2 = fresh.register({ peer: chat.input, messageId: forward.id, media: forward.media! });
    const r = await vault.store(fresh, ref2, 'Telegram/Other chat');
    assert.equal(r.vaultPath, stored.vaultPath);
    assert.equal(r.outcome, 'deduplicated');
    assert.equal(getFiles(), calls, 'zero getFile calls in the new instance');
    assert.equal(fresh.stats.idHits, 1);
    await fresh.close();
  });

  it('removes each download from the tmp folder once the pipeline has stored it, also when two messages hold the file', async () => {
    const doc = sb.model.addDocument({ size: 500_000, fileName: 'twice.bin' });
    const one = await chat.post(doc);
    const two = await chat.post(doc);
    const src = await vault.source({ client, refetch: async () => undefined });
    const r1 = src.register({ peer: chat.input, messageId: one.id, media: one.media! });
    const r2 = src.register({ peer: chat.input, messageId: two.id, media: two.media! });
    const [a, b] = await Promise.all([vault.store(src, r1), vault.store(src, r2, 'Telegram/Second')]);
    assert.ok(a.vaultPath && a.vaultPath === b.vaultPath, `${a.error ?? ''} ${b.error ?? ''}`);
    assert.ok((await vault.read(a.vaultPath)).equals(sb.model.fileBytes(doc)));
    await src.flush();
    assert.equal(src.downloadsWaiting, 0, 'nothing left waiting');
    assert.deepEqual(await listFiles(src.tmpDir), [], 'the tmp folder is empty before close()');
    await src.close();
  });

  it('made as the sync connector makes it (client, vault, settings, signal; never closed): refetches through the client, dedups in the next run', async () => {
    const doc = sb.model.addDocument({ size: 400_000, fileName: 'plain.bin' });
    const msg = await chat.post(doc);
    sb.model.expireFileReference(doc.id); // the default refetch (client.getMessages) must bring a fresh one
    const ctx = { client, vaultRoot: vault.root, settings: vault.settings, signal: new AbortController().signal };
    const first = new LiveMediaSource(ctx);
    const r = await vault.store(first, first.register({ peer: chat.input, messageId: msg.id, media: msg.media! }));
    assert.ok((await vault.read(r.vaultPath!)).equals(sb.model.fileBytes(doc)), r.error);
    await vault.reopen(); // the run ends; the source is simply dropped, as the connector does
    const calls = getFiles();
    const next = new LiveMediaSource(ctx);
    const again = await vault.store(next, next.register({ peer: chat.input, messageId: msg.id, media: msg.media! }));
    assert.equal(again.vaultPath, r.vaultPath);
    assert.equal(getFiles(), calls, 'found by its id: no getFile');
  });

  it('downloads again when the stored copy is gone (the index is a cache, never trusted blindly)', async () => {
    const photo = sb.model.addPhoto({ width: 800, height: 600 });
    const msg = await chat.post(photo);
    const src = await vault.source({ client, refetch: async () => undefined });
    const ref = src.register({ peer: chat.input, messageId: msg.id, media: msg.media! });
    const stored = await vault.store(src, ref);
    await src.close();
    await fs.rm(path.join(vault.root, ...stored.vaultPath!.split('/')));
    await vault.reopen();
    const calls = getFiles();
    const fresh = await vault.source({ client, refetch: async () => undefined });
    const r = await vault.store(fresh, fresh.register({ peer: chat.input, messageId: msg.id, media: msg.media! }));
    assert.ok(getFiles() > calls, 'fetched again');
    assert.ok((await vault.read(r.vaultPath!)).equals(sb.model.fileBytes(photo)));
    await fresh.close();
  });

  it('two documents with different ids and the same bytes are stored once (content dedup after id dedup)', async () => {
    const a = sb.model.addDocument({ size: 40_000, fileName: 'a.bin', seed: 'same-bytes' });
    const b = sb.model.addDocument({ size: 40_000, fileName: 'b.bin', seed: 'same-bytes' });
    const [ma, mb] = [await chat.post(a), await chat.post(b)];
    const src = await vault.source({ client, refetch: async () => undefined });
    const ra = await vault.store(src, src.register({ peer: chat.input, messageId: ma.id, media: ma.media! }));
    const rb = await vault.store(src, src.register({ peer: chat.input, messageId: mb.id, media: mb.media! }));
    assert.equal(rb.vaultPath, ra.vaultPath);
    assert.equal(rb.outcome, 'deduplicated');
    await src.close();
  });

  it('size and type filters leave a placeholder the note renders as the reason, and fetch nothing', async () => {
    const filtered = await TestVault.create({ telegramMediaKinds: 'photos, files', telegramMediaMaxFileMB: 1 });
    try {
      const src = await filtered.source({ client, refetch: async () => undefined });
      const voice = await chat.post(sb.model.addDocument({ kind: 'voice', size: 10_000 }));
      const sticker = await chat.post(sb.model.addDocument({ kind: 'sticker', size: 10_000 }));
      const big = await chat.post(sb.model.addDocument({ kind: 'file', size: 2 * MiB, fileName: 'big.zip' }));
      const small = await chat.post(sb.model.addDocument({ kind: 'file', size: 1000, fileName: 'small.txt' }));
      const calls = getFiles();
      const refs = [voice, sticker, big].map((m) => src.register({ peer: chat.input, messageId: m.id, media: m.media! }));
      for (const ref of refs) assert.ok(isPlaceholderPath(ref), `${ref} is a placeholder`);
      assert.match(placeholderReason(refs[0]), /voice messages are not downloaded/);
      assert.match(placeholderReason(refs[1]), /stickers are not downloaded/);
      assert.match(placeholderReason(refs[2]), /2\.0 MB is over the 1 MB limit/);
      assert.equal(getFiles(), calls, 'nothing fetched for them');
      const ok = src.register({ peer: chat.input, messageId: small.id, media: small.media! });
      assert.ok(!isPlaceholderPath(ok));
      assert.ok((await filtered.store(src, ok)).vaultPath);
      assert.equal(src.stats.skipped, 3);
      await src.close();
    } finally {
      await filtered.dispose();
    }
  });

  it('a note written by the chat archive embeds live files and says why a filtered one is absent', async () => {
    const filtered = await TestVault.create({ telegramMediaKinds: 'photos, files' });
    try {
      const photo = sb.model.addPhoto({ width: 640, height: 480 });
      const mPhoto = await chat.post(photo);
      const pdf = sb.model.addDocument({ size: 30_000, fileName: 'plan.pdf', mimeType: 'application/pdf' });
      const mPdf = await chat.post(pdf);
      const mVoice = await chat.post(sb.model.addDocument({ kind: 'voice', size: 5000, duration: 3 }));
      const src = await filtered.source({ client, refetch: async () => undefined });
      const reg = (m: typeof mPhoto) => src.register({ peer: chat.input, messageId: m.id, media: m.media! });
      const base = (id: number) => ({ id, type: 'message', date: '2024-01-05T14:03:22', date_unixtime: '1704463402', from: 'Alice', from_id: 'user5', text: '' });
      const msgs = [
        { ...base(1), photo: reg(mPhoto), width: 640, height: 480 },
        { ...base(2), file: reg(mPdf), file_name: 'plan.pdf', mime_type: 'application/pdf' },
        { ...base(3), file: reg(mVoice), media_type: 'voice_message', duration_seconds: 3 },
      ] as unknown as ExportMessage[];
      const archive = new ChatArchive(filtered.archive.run, { id: 42, title: 'Live chat', type: 'personal_chat' }, src);
      await archive.begin();
      for (const m of msgs) await archive.push(m);
      await archive.end();
      await filtered.archive.close();
      await src.close();
      const note = await fs.readFile(path.join(filtered.root, 'Telegram', 'Live chat', 'Live chat.md'), 'utf8');
      assert.match(note, new RegExp(`!\\[\\[Telegram/Live chat/attachments/photos/photo_${photo.id}\\.jpg`), 'the photo is embedded');
      assert.match(note, /attachments\/files\/plan\.pdf/, 'the PDF is linked');
      assert.match(note, /Voice message.*skipped: voice messages are not downloaded/, 'the voice message says why it is absent');
      assert.ok((await filtered.read(`Telegram/Live chat/attachments/photos/photo_${photo.id}.jpg`)).equals(sb.model.fileBytes(photo)));
    } finally {
      await filtered.dispose();
    }
  });

  it('reads the kinds setting leniently', () => {
    assert.deepEqual([...parseMediaKinds('Photos; GIFs, voice documents nonsense')].sort(), ['animations', 'files', 'photos', 'voice']);
    assert.equal(parseMediaKinds('all').size, 8);
    assert.equal(parseMediaKinds('none').size, 0);
  });

  it('downloads a crashed run left (complete or partial) are swept when the next run opens', async () => {
    const doc = sb.model.addDocument({ size: 300_000, fileName: 'crash.bin' });
    const msg = await chat.post(doc);
    const src = await vault.source({ client, refetch: async () => undefined });
    const located = await src.locate(src.register({ peer: chat.input, messageId: msg.id, media: msg.media! }));
    assert.ok(located.ok);
    // The process dies here: no close(), and a part-written file as a kill mid-download leaves it.
    await fs.writeFile(path.join(src.tmpDir, '.crash.bin.0123456789ab.va-tmp'), Buffer.alloc(4096));
    const tmp = new VaultLayout(vault.root).telegramTmpDir;
    assert.equal((await listFiles(tmp)).length, 2);
    await OpenArchiveRun.open({ vaultRoot: vault.root, settings: vault.settings, fs: nodeVaultFs, clock: Date.now, metrics: vault.metrics, warn: () => undefined, log: () => undefined });
    assert.deepEqual(await listFiles(tmp), [], 'the tmp folder is emptied');
  });
});
