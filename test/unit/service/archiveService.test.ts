/** ArchiveService with a scripted importer: job queueing, cancellation, trust and source merging. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ImporterPort } from '../../../server/engine/connectors/telegram-export/connector';
import { createConnectors } from '../../../server/engine/parts';
import { ArchiveService, type ArchiveServiceOptions, UserError } from '../../../server/engine/service/archiveService';
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

  function make(importer: Partial<ImporterPort>, trusted = true, extra: Partial<ArchiveServiceOptions> = {}) {
    const events: string[] = [];
    const service = new ArchiveService({
      ...extra,
      workspaceRoot: workspace,
      settings: defaultSettings,
      trusted,
      fs,
      connectors: createConnectors({
        importTelegramExport: async () => summary(),
        listImportedChats: async () => [],
        removeImportedChat: async () => undefined,
        ...importer,
      }),
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

  it('merges imported chats with added sources, in title order', async () => {
    const { service } = make({
      listImportedChats: async () => [
        { chatId: 42, title: 'Family', type: 'private_group', folder: 'Family', messageCount: 10, lastImportAt: '2026-01-01T00:00:00Z', topics: [] },
      ],
    });
    await service.addSource('telegram', '@GoogleDevelopers');
    await service.addSource('telegram', 't.me/durov');
    const list = await service.listSources();
    assert.deepEqual(list.map((s) => [s.id, s.origin]), [
      ['telegram:@durov', 'telegram-live'],
      ['telegram:42', 'telegram-export'],
      ['telegram:@googledevelopers', 'telegram-live'],
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
    await service.addSource('telegram', '@GoogleDevelopers');
    await service.removeSource('telegram:@googledevelopers', false);
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

  it('syncs sources through their connectors: an imported chat says a newer export updates it', async () => {
    const chat = { chatId: 5, title: 'Team', type: 'private_group', folder: 'Team', messageCount: 3, lastImportAt: '2026-01-01T00:00:00Z', topics: [] };
    const { service } = make({ listImportedChats: async () => [chat] });
    await service.addSource('telegram', '@GoogleDevelopers');
    const result = await service.sync(undefined);
    assert.deepEqual(
      result.sources.map((r) => [r.id, r.itemsAdded, r.error ?? null, r.note ?? null]),
      [
        ['telegram:@googledevelopers', 0, '@GoogleDevelopers: Telegram live sync is not available yet. Import a Telegram Desktop export of this chat instead.', null],
        ['telegram:5', 0, null, 'Team was imported from a Telegram Desktop export: import a newer export of it to add what is new.'],
      ],
    );
    // The failed source shows its error in the Sources view; the other is idle.
    const states = Object.fromEntries((await service.listSources()).map((s) => [s.id, s.state.kind]));
    assert.deepEqual(states, { 'telegram:5': 'idle', 'telegram:@googledevelopers': 'error' });
  });

  it('refuses to add a source the vault already has, before writing anything', async () => {
    const { service } = make({});
    await service.addSource('telegram', '@durov');
    await assert.rejects(service.addSource('telegram', 'https://t.me/Durov'), (e: unknown) => e instanceof UserError && /already in the vault/.test(e.message));
  });

  it('takes the vault lock for every write and never for reading, and releases it after a failure', async () => {
    const log: string[] = [];
    const acquireLock: ArchiveServiceOptions['acquireLock'] = async (vault, hooks) => {
      log.push(`acquire ${path.basename(vault)}`);
      hooks.onWait('vault-archiver import (pid 1)');
      return { release: async () => void log.push('release') };
    };
    const waits: string[] = [];
    const { service } = make({ importTelegramExport: async () => { throw new Error('disk full'); } }, true, { acquireLock });
    await service.listSources();
    assert.deepEqual(log, []);
    await assert.rejects(service.importExport(exportDir, { onWaitForLock: (h) => waits.push(h) }), /disk full/);
    await service.addSource('telegram', '@GoogleDevelopers');
    assert.deepEqual(log, ['acquire Archive', 'release', 'acquire Archive', 'release']);
    assert.deepEqual(waits, ['vault-archiver import (pid 1)']);
  });

  it('says the vault is a file instead of failing deep inside a job', async () => {
    await fs.writeFile(path.join(workspace, 'Archive'), 'not a folder');
    const { service } = make({});
    await assert.rejects(service.importExport(exportDir), (e: unknown) => e instanceof UserError && /is a file, not a folder/.test(e.message));
  });
});
