/** ArchiveService with a scripted importer: job queueing, cancellation, trust and source merging. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ArchiveService, UserError, type ImporterPort } from '../../../server/engine/archiveService';
import { defaultSettings, emptyMetrics, type ImportSummary } from '../../../shared/types';

function summary(over: Partial<ImportSummary> = {}): ImportSummary {
  return {
    exportPath: '', vaultPath: '', chats: 1, topics: 0, messagesSeen: 0, messagesWritten: 0, messagesUpdated: 0,
    duplicatesSkipped: 0, mediaCopied: 0, mediaDeduplicated: 0, mediaMissing: 0, bytesCopied: 0, bytesSaved: 0,
    notesWritten: 0, writeCalls: 0, elapsedMs: 0, cancelled: false, warnings: [], ...over,
  };
}

describe('ArchiveService', () => {
  let workspace: string;
  let exportDir: string;
  beforeEach(async () => {
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'va-svc-'));
    exportDir = path.join(workspace, 'export');
    await fs.mkdir(exportDir);
  });
  afterEach(() => fs.rm(workspace, { recursive: true, force: true }));

  function make(importer: Partial<ImporterPort>, trusted = true) {
    const events: string[] = [];
    const service = new ArchiveService({
      workspaceRoot: workspace,
      settings: defaultSettings,
      trusted,
      fs,
      importer: {
        importTelegramExport: async () => summary(),
        listImportedChats: async () => [],
        removeImportedChat: async () => undefined,
        ...importer,
      },
      metrics: { snapshot: () => ({ ...emptyMetrics }), itemsProcessed: () => undefined, add: () => undefined },
      events: {
        sourcesChanged: (s) => events.push(`sources:${s.length}`),
        metrics: () => events.push('metrics'),
        health: (h) => events.push(`health:${h.state}`),
        log: () => undefined,
      },
      metricsIntervalMs: 10,
    });
    return { service, events };
  }

  it('runs imports one at a time so two jobs never write the same note', async () => {
    let running = 0;
    let maxRunning = 0;
    const { service } = make({
      importTelegramExport: async () => {
        maxRunning = Math.max(maxRunning, ++running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        return summary();
      },
    });
    await Promise.all([service.importExport(exportDir), service.importExport(exportDir), service.importExport(exportDir)]);
    assert.equal(maxRunning, 1);
  });

  it('cancels running jobs through their signal and reports how many', async () => {
    let sawAbort = false;
    const { service, events } = make({
      importTelegramExport: (o) =>
        new Promise((resolve) => {
          o.signal!.addEventListener('abort', () => {
            sawAbort = true;
            resolve(summary({ cancelled: true }));
          });
        }),
    });
    const job = service.importExport(exportDir);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(service.metrics().activeJobs, 1);
    assert.equal(service.cancelAll(), 1);
    assert.equal((await job).cancelled, true);
    assert.ok(sawAbort);
    assert.equal(service.metrics().activeJobs, 0);
    const health = events.filter((e) => e.startsWith('health:'));
    assert.deepEqual([health[0], health.at(-1)], ['health:busy', 'health:ok'], events.join());
  });

  it('passes a caller abort through to the importer', async () => {
    const { service } = make({
      importTelegramExport: (o) => new Promise((resolve) => o.signal!.addEventListener('abort', () => resolve(summary({ cancelled: true })))),
    });
    const caller = new AbortController();
    const job = service.importExport(exportDir, { signal: caller.signal });
    setTimeout(() => caller.abort(), 10);
    assert.equal((await job).cancelled, true);
  });

  it('refuses to write when the workspace is untrusted', async () => {
    const { service } = make({}, false);
    await assert.rejects(service.importExport(exportDir), (e: unknown) => e instanceof UserError && /not trusted/.test(e.message));
    await assert.rejects(service.addSource('youtube', '@GoogleDevelopers'), UserError);
  });

  it('merges imported chats with added sources and keeps per-kind order', async () => {
    const { service } = make({
      listImportedChats: async () => [
        { chatId: 42, title: 'Family', type: 'private_group', folder: 'Family', messageCount: 10, lastImportAt: '2026-01-01T00:00:00Z', topics: [] },
      ],
    });
    await service.addSource('youtube', '@GoogleDevelopers');
    await service.addSource('telegram', 't.me/durov');
    const list = await service.listSources();
    assert.deepEqual(list.map((s) => [s.id, s.origin]), [
      ['telegram:@durov', 'telegram-live'],
      ['telegram:42', 'telegram-export'],
      ['youtube:@googledevelopers', 'youtube'],
    ]);
    assert.equal(list[1]!.notesPath, 'Telegram/Family');
  });

  it('removes an imported chat through the importer and an added source from the store', async () => {
    const removed: [number, boolean][] = [];
    const { service } = make({
      listImportedChats: async () =>
        removed.length ? [] : [{ chatId: 7, title: 'C', type: 'personal_chat', folder: 'C', messageCount: 1, lastImportAt: '2026-01-01T00:00:00Z', topics: [] }],
      removeImportedChat: async (_v, id, del) => void removed.push([id, del]),
    });
    await service.removeSource('telegram:7', true);
    assert.deepEqual(removed, [[7, true]]);
    await service.addSource('youtube', '@GoogleDevelopers');
    await service.removeSource('youtube:@googledevelopers', false);
    assert.deepEqual(await service.listSources(), []);
    await assert.rejects(service.removeSource('youtube:nope', false), /No source/);
  });

  it('shows the chat being imported as syncing with the job percent, and idle afterwards', async () => {
    const chat = { chatId: 5, title: 'Team', type: 'private_group', folder: 'Team', messageCount: 0, lastImportAt: '2026-01-01T00:00:00Z', topics: [] };
    let seen: unknown;
    const { service } = make({
      listImportedChats: async () => [chat],
      importTelegramExport: async (o) => {
        o.onProgress?.({ percent: 42, message: 'Importing Team', chat: 'Team', chatId: 5 });
        seen = (await service.listSources())[0]!.state;
        return summary();
      },
    });
    const progress: [number, string | undefined][] = [];
    await service.importExport(exportDir, { onProgress: (p, _m, id) => progress.push([p, id]) });
    assert.deepEqual(seen, { kind: 'syncing', percent: 42, message: 'Importing Team' });
    assert.deepEqual(progress, [[42, 'telegram:5']]);
    assert.deepEqual((await service.listSources())[0]!.state, { kind: 'idle' });
  });
});
