/**
 * Live Telegram sync wired to the sandbox DC for tests: an access that connects the real GramJS
 * client (floodSleepThreshold 0, as production's must be), the account's chat resolver over its
 * dialog directory, and a test-only media registry that stores a small deterministic placeholder
 * per file, for tests about notes rather than downloads.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { TelegramClient } from 'telegram';
import type { LiveMediaRef, LiveMediaRegistry } from '../../server/engine/connectors/telegram-live/media/types';
import { type LiveTelegramAccess, LiveTelegramConnector, type LiveTelegramConnectorOptions } from '../../server/engine/connectors/telegram-live/connector';
import { DialogDirectory } from '../../server/engine/connectors/telegram-live/dialogs';
import { inputPeerOf, resolveTelegramChat, sourceOfChat } from '../../server/engine/connectors/telegram-live/resolve';
import { type ChatResolver, resolveSource } from '../../server/engine/connectors/telegram-live/sync/resolveChat';
import { attachmentVaultPath } from '../../server/engine/connectors/telegram-export/exportFiles';
import { settingsFrom } from '../../shared/settings';
import type { WorkerSettings } from '../../shared/types';
import type { Connector } from '../../server/engine/connectors/connector';
import { MetricsRecorder } from '../../server/engine/metrics';
import { ArchiveService } from '../../server/engine/service/archiveService';
import { parseBlocks } from '../../server/engine/telegram-notes';
import { type TelegramSandbox, closeGramjsClient, gramjsClientOptions } from '../sandbox/telegram';

export interface SandboxAccess extends LiveTelegramAccess {
  close(): Promise<void>;
}

export function sandboxAccess(sb: TelegramSandbox): SandboxAccess {
  let client: Promise<TelegramClient> | undefined;
  return {
    client() {
      client ??= (async () => {
        const o = gramjsClientOptions(sb);
        const c = new TelegramClient(o.session, o.apiId, o.apiHash, { ...o.clientParams, floodSleepThreshold: 0 });
        c.setLogLevel('none' as never);
        await c.connect();
        return c;
      })();
      return client;
    },
    async close() {
      const c = client;
      client = undefined;
      if (c) await closeGramjsClient(await c);
    },
  };
}

const EXTENSIONS: Record<string, string> = { 'image/webp': '.webp', 'video/mp4': '.mp4', 'audio/ogg': '.ogg', 'audio/mpeg': '.mp3', 'application/pdf': '.pdf', 'application/zip': '.zip' };

/** A registry whose files are small placeholders named after the message (stable across runs). */
export function placeholderMedia(scratchDir: string, attachmentsFolder = 'attachments'): LiveMediaRegistry & { refs: Map<string, LiveMediaRef> } {
  const refs = new Map<string, LiveMediaRef>();
  return {
    refs,
    register(ref: LiveMediaRef): string {
      const className = (ref.media as { className?: string }).className ?? 'media';
      const kind = className === 'MessageMediaPhoto' ? 'photos' : 'files';
      const mime = (ref.media as { document?: { mimeType?: string } }).document?.mimeType ?? '';
      const ext = className === 'MessageMediaPhoto' || ref.thumb ? '.jpg' : (EXTENSIONS[mime] ?? '.bin');
      const name = `${kind}/m${ref.messageId}${ref.thumb ? '_thumb' : ''}${ext}`;
      refs.set(name, ref);
      return name;
    },
    async locate(name: string) {
      const file = path.join(scratchDir, name);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, `placeholder for ${name}\n`);
      return { ok: true as const, source: file };
    },
    attachmentPath(chatDir: string, name: string): string {
      return attachmentVaultPath(chatDir, attachmentsFolder, name);
    },
  };
}

/** The account's resolver (dialog directory, @username, id) over the sandbox client, as production's. */
export function sandboxResolver(access: LiveTelegramAccess): ChatResolver {
  const client = (signal?: AbortSignal) => access.client(signal ?? new AbortController().signal);
  const directory = new DialogDirectory(client);
  return {
    resolve: (ref, signal) => resolveTelegramChat(client, directory, ref, signal),
    inputPeer: async (chat, signal) => inputPeerOf(await client(signal), directory, chat, signal),
  };
}

export function sandboxConnector(access: LiveTelegramAccess, scratchDir: string, extra: Partial<LiveTelegramConnectorOptions> = {}): LiveTelegramConnector {
  const resolver = sandboxResolver(access);
  return new LiveTelegramConnector({
    access,
    identify: async (ref) => sourceOfChat(await resolver.resolve(ref)),
    resolve: (_client, source, ctx) => resolveSource(resolver, source, ctx.selfId, ctx.signal),
    mediaRegistry: () => placeholderMedia(scratchDir),
    // Fixed zone: the notes do not depend on the machine running the tests.
    formatDate: (s) => new Date(s * 1000).toISOString().slice(0, 19),
    ...extra,
  });
}

/** Every file under the vault's Telegram/ folder, by relative path. */
export async function telegramFiles(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[path.relative(root, p)] = await fs.readFile(p, 'utf8');
    }
  };
  await walk(path.join(root, 'Telegram'));
  return out;
}

export interface LiveRig {
  service: ArchiveService;
  access: SandboxAccess;
  root: string;
  logs: string[];
  progress: string[];
  close(): Promise<void>;
}

export async function liveRig(sb: TelegramSandbox, root: string, o: { settings?: Partial<WorkerSettings>; extra?: Partial<LiveTelegramConnectorOptions>; connectors?: (live: Connector) => Connector[] } = {}): Promise<LiveRig> {
  await fs.mkdir(root, { recursive: true });
  const access = sandboxAccess(sb);
  const live = sandboxConnector(access, path.join(root, '..', `${path.basename(root)}-scratch`), o.extra);
  const logs: string[] = [];
  const progress: string[] = [];
  const service = new ArchiveService({
    workspaceRoot: root,
    settings: settingsFrom({ vaultFolder: '.', ...o.settings }),
    trusted: true,
    fs,
    connectors: o.connectors ? o.connectors(live) : [live],
    metrics: new MetricsRecorder(),
    events: { sourcesChanged: () => undefined, metrics: () => undefined, health: () => undefined, log: (_l, m) => logs.push(m) },
  });
  return { service, access, root, logs, progress, close: () => access.close() };
}

/** Syncs every source; fails the test on a source error unless `allowErrors`. */
export async function syncAll(rig: LiveRig, o: { signal?: AbortSignal; allowErrors?: boolean; onProgress?: (message: string) => void } = {}) {
  const summary = await rig.service.sync(undefined, {
    signal: o.signal,
    onProgress: (_p, message) => {
      rig.progress.push(message);
      o.onProgress?.(message);
    },
  });
  if (!o.allowErrors) for (const s of summary.sources) assert.equal(s.error, undefined, `${s.id}: ${s.error}`);
  return summary;
}

/** Block ids of every note: each appears once, and in increasing order within its note. */
export function assertBlocksSane(files: Record<string, string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const all = new Map<string, Set<number>>();
  for (const [file, text] of Object.entries(files)) {
    if (!file.endsWith('.md')) continue;
    const ids = parseBlocks(text).map((b) => b.ids[0]);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `${file}: block ^m${ids[i]} after ^m${ids[i - 1]}`);
    const chat = path.dirname(file);
    const seen = all.get(chat) ?? new Set<number>();
    for (const b of parseBlocks(text)) for (const id of b.ids) {
      assert.ok(!seen.has(id), `${file}: message ${id} twice in ${chat}`);
      seen.add(id);
    }
    all.set(chat, seen);
    out.set(file, ids);
  }
  return out;
}

/** The vault a clean sync of the sandbox's current state makes. */
export async function cleanVault(sb: TelegramSandbox, dir: string, name: string, refs: string[], settings?: Partial<WorkerSettings>): Promise<Record<string, string>> {
  const rig = await liveRig(sb, path.join(dir, name), { settings });
  try {
    for (const r of refs) await rig.service.addSource('telegram', r);
    await syncAll(rig);
    return await telegramFiles(rig.root);
  } finally {
    await rig.close();
  }
}

