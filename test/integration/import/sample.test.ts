/**
 * The bundled sample export (made by the project's generator) imported into temp vaults:
 * idempotence, lost index, cancel + resume and crash + rerun all end byte-identical to one clean
 * import.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { MetricsRecorder } from '../../../server/engine/metrics';
import { listImportedChats } from '../../../server/engine/connectors/telegram-export';
import { generateSampleExport } from '../../../scripts/export-generator';
import { assertVaultConsistent, crashingFs, failingFs, notesOf, readNote, runImport, settings, snapshot, tempDir } from './helpers';

const SAMPLE = path.resolve(__dirname, '../../../sample/telegram-export');

describe('import: bundled sample', function () {
  this.timeout(60_000);
  let work: string;
  let clean: Record<string, string>;
  let cleanSummary: Awaited<ReturnType<typeof runImport>>;

  before(async () => {
    work = await tempDir('sample');
    cleanSummary = await runImport(SAMPLE, path.join(work, 'clean'));
    clean = await snapshot(path.join(work, 'clean'));
  });
  after(async () => {
    await fsp.rm(work, { recursive: true, force: true });
  });

  it('imports every chat, forum topics, attachments (stored once), and reports missing media', async () => {
    const vault = path.join(work, 'clean');
    const s = cleanSummary;
    assert.equal(s.cancelled, false);
    assert.ok(s.chats >= 6, `chats: ${s.chats}`);
    assert.ok(s.topics >= 2, `topics: ${s.topics}`);
    assert.equal(s.messagesWritten, s.messagesSeen);
    assert.equal(s.duplicatesSkipped, 0);
    assert.ok(s.mediaCopied > 10);
    assert.ok(s.mediaDeduplicated > 0, 'the sample has duplicate media');
    assert.ok(s.bytesSaved > 0);
    assert.ok(s.mediaMissing >= 1);
    assert.ok(s.warnings.some((w) => /not in the export/.test(w.message) && w.source && w.item !== undefined), 'missing file named with chat and message');
    assert.ok(s.writeCalls < s.messagesWritten / 3, `write calls ${s.writeCalls} for ${s.messagesWritten} messages`);
    const { ids } = await assertVaultConsistent(vault);
    assert.equal(ids, s.messagesWritten);

    const chats = await listImportedChats(vault);
    assert.equal(chats.length, s.chats);
    const forum = chats.find((c) => c.topics.length > 0);
    assert.ok(forum, 'a forum with topics');
    for (const t of forum.topics) {
      assert.ok(t.itemCount > 0);
      const text = await readNote(vault, t.notePath);
      assert.match(text, new RegExp(`topic_id: ${t.id}\\b`));
    }
    assert.equal(
      chats.reduce((n, c) => n + c.messageCount, 0),
      s.messagesWritten,
    );
    // no attachment stored twice
    const attachments = Object.entries(clean).filter(([p]) => p.includes('/attachments/'));
    const hashes = attachments.map(([, h]) => h);
    assert.equal(new Set(hashes).size, hashes.length, 'identical content stored once');
  });

  it('reports progress by bytes read (rising to 100) and feeds the metrics accumulator', async () => {
    const vault = path.join(work, 'progress');
    const percents: number[] = [];
    const chatsSeen = new Set<string>();
    const metrics = new MetricsRecorder();
    const s = await runImport(SAMPLE, vault, {
      metrics,
      onProgress: (p) => {
        percents.push(p.percent);
        if (p.chat) chatsSeen.add(p.chat);
      },
    });
    assert.ok(percents.length >= s.chats, 'at least one report per chat');
    for (let i = 1; i < percents.length; i++) assert.ok(percents[i] >= percents[i - 1], 'never goes back');
    assert.equal(percents.at(-1), 100);
    assert.ok(percents.slice(0, -1).every((p) => p < 100));
    assert.equal(chatsSeen.size, s.chats);
    const m = metrics.snapshot();
    assert.equal(m.itemsProcessed, s.messagesWritten);
    assert.equal(m.mediaCopied, s.mediaCopied);
    assert.equal(m.mediaDeduplicated, s.mediaDeduplicated);
    assert.equal(m.bytesSaved, s.bytesSaved);
    assert.ok(m.noteWrites > 0 && m.noteWrites <= s.writeCalls);
    const again = new MetricsRecorder();
    await runImport(SAMPLE, vault, { metrics: again });
    assert.equal(again.snapshot().duplicatesPrevented, s.messagesWritten);
  });

  it('re-importing the same export changes no byte and adds no duplicate', async () => {
    const vault = path.join(work, 'again');
    await runImport(SAMPLE, vault);
    const s = await runImport(SAMPLE, vault);
    assert.equal(s.messagesWritten, 0);
    assert.equal(s.messagesUpdated, 0);
    assert.equal(s.duplicatesSkipped, cleanSummary.messagesWritten);
    assert.equal(s.mediaCopied, 0);
    assert.equal(s.notesWritten, 0);
    assert.deepEqual(await snapshot(vault), clean);
  });

  it('rebuilds a lost index from the notes: zero duplicates, identical vault', async () => {
    const vault = path.join(work, 'lost');
    await runImport(SAMPLE, vault);
    await fsp.rm(path.join(vault, '.vault-archiver'), { recursive: true });
    const s = await runImport(SAMPLE, vault);
    assert.equal(s.messagesWritten, 0);
    assert.equal(s.duplicatesSkipped, cleanSummary.messagesWritten);
    assert.equal(s.mediaCopied, 0, 'attachments recognised from the files');
    assert.deepEqual(await snapshot(vault), clean);
    assert.equal((await listImportedChats(vault)).length, cleanSummary.chats);
  });

  it('rebuilds when only the rows are lost or corrupt, or a note changed behind its back', async () => {
    const vault = path.join(work, 'stale');
    await runImport(SAMPLE, vault);
    const chatsDir = path.join(vault, '.vault-archiver/telegram/chats');
    const rows = (await fsp.readdir(chatsDir)).filter((f) => f.endsWith('.rows'));
    await fsp.rm(path.join(chatsDir, rows[0]));
    await fsp.writeFile(path.join(chatsDir, rows[1]), 'garbage');
    // A person adds their own line between two blocks of a note: kept, and no duplicate.
    const note = (await notesOf(vault))[0];
    const text = await readNote(vault, note);
    const at = text.indexOf('\n\n> ') + 2;
    await fsp.writeFile(path.join(vault, note), text.slice(0, at) + 'My own remark.\n\n' + text.slice(at));
    const s = await runImport(SAMPLE, vault);
    assert.equal(s.messagesWritten, 0);
    assert.equal(s.messagesUpdated, 0);
    assert.equal(s.duplicatesSkipped, cleanSummary.messagesWritten);
    assert.match(await readNote(vault, note), /My own remark\./);
    const snap = await snapshot(vault);
    delete snap[note];
    const expected = { ...clean };
    delete expected[note];
    assert.deepEqual(snap, expected);
  });

  it('cancelled at several points, then resumed: identical to one clean import', async () => {
    for (const stopAfter of [1, 40, 150, 290]) {
      const vault = path.join(work, `cancel-${stopAfter}`);
      const controller = new AbortController();
      let seen = 0;
      const first = await runImport(SAMPLE, vault, {
        signal: controller.signal,
        metrics: {
          itemsProcessed(n = 1) {
            seen += n;
            if (seen >= stopAfter) controller.abort();
          },
          add() {},
        },
      });
      assert.equal(first.cancelled, true, `cancelled after ${stopAfter}`);
      assert.ok(first.messagesWritten < cleanSummary.messagesWritten);
      await assertVaultConsistent(vault);
      const second = await runImport(SAMPLE, vault);
      assert.equal(second.cancelled, false);
      assert.equal(first.messagesWritten + second.messagesWritten + second.messagesUpdated, cleanSummary.messagesWritten, `cancel at ${stopAfter}: every message written once`);
      assert.deepEqual(await snapshot(vault), clean, `cancel at ${stopAfter}`);
    }
  });

  it('killed at any point (the disk stops mid-write), then rerun: identical to one clean import', async () => {
    // Count the mutating calls of a clean run, then crash at points spread over it.
    const probe = crashingFs(Number.MAX_SAFE_INTEGER);
    await runImport(SAMPLE, path.join(work, 'probe'), { fs: probe.fs, writer: { durable: false, flushBytes: 1500 } });
    assert.deepEqual(await snapshot(path.join(work, 'probe')), clean, 'flush size does not change the result');
    const total = probe.ops();
    assert.ok(total > 50, `ops in a clean run: ${total}`);
    const points = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233];
    for (let i = 1; i <= 8; i++) points.push(Math.floor((total * i) / 9));
    points.push(total - 5, total - 1);
    for (const n of points) {
      const vault = path.join(work, `crash-${n}`);
      const crash = crashingFs(n);
      const registry = new Set<string>();
      // Small flushes so crashes also land between appends, inside a torn write and before the
      // frontmatter is final; the result must not depend on buffer sizes either.
      let settled = false;
      void runImport(SAMPLE, vault, { fs: crash.fs, writer: { durable: false, registry, flushBytes: 1500 } })
        .catch(() => undefined)
        .finally(() => (settled = true));
      // (the number of calls varies a little with timing: a run may finish before call n)
      while (!crash.crashed() && !settled) await new Promise((r) => setTimeout(r, 2));
      await crash.quiesce();
      const rerun = await runImport(SAMPLE, vault);
      assert.equal(rerun.cancelled, false);
      await assertVaultConsistent(vault);
      assert.deepEqual(await snapshot(vault), clean, `crash after ${n} of ${total} file-system calls`);
    }
  });

  it('a full disk fails the import cleanly; the next run repairs it to the clean result', async () => {
    for (const n of [4, 30, 120, 260]) {
      const vault = path.join(work, `full-${n}`);
      await assert.rejects(runImport(SAMPLE, vault, { fs: failingFs(n), writer: { durable: false, flushBytes: 1500 } }), /ENOSPC/);
      const rerun = await runImport(SAMPLE, vault);
      assert.equal(rerun.cancelled, false);
      assert.deepEqual(await snapshot(vault), clean, `disk full at call ${n}`);
    }
  });

  it('imports the single-chat shape of the same generator', async () => {
    const exp = path.join(work, 'single-export');
    generateSampleExport({ outDir: exp, shape: 'single', chat: 'forum' });
    const vault = path.join(work, 'single');
    const s = await runImport(exp, vault);
    assert.equal(s.chats, 1);
    assert.ok(s.topics >= 2);
    assert.equal(s.messagesWritten, s.messagesSeen);
    await assertVaultConsistent(vault);
    const again = await runImport(exp, vault);
    assert.equal(again.duplicatesSkipped, s.messagesWritten);
  });

  it('splits large chats by month when asked; stays identical across re-import and cancel + resume', async () => {
    const split = settings({ splitByMonthOver: 20 });
    const a = path.join(work, 'split-a');
    await runImport(SAMPLE, a, { settings: split });
    const notes = await notesOf(a);
    assert.ok(notes.some((n) => / \d{4}-\d{2}\.md$/.test(n)), 'month notes exist');
    assert.ok(notes.some((n) => n.startsWith('Telegram/Saved Messages/') && !/ \d{4}-\d{2}\.md$/.test(n)), 'a small chat keeps one note');
    await assertVaultConsistent(a);
    const snapA = await snapshot(a);
    await runImport(SAMPLE, a, { settings: split });
    assert.deepEqual(await snapshot(a), snapA);

    const b = path.join(work, 'split-b');
    const controller = new AbortController();
    let seen = 0;
    await runImport(SAMPLE, b, {
      settings: split,
      signal: controller.signal,
      metrics: { itemsProcessed: (n = 1) => (seen += n) >= 100 && controller.abort(), add() {} },
    });
    await runImport(SAMPLE, b, { settings: split });
    assert.deepEqual(await snapshot(b), snapA);
  });
});
