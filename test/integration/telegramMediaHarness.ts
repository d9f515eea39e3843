// Shared set-up for the live-media tests: a sandbox DC, the real GramJS client, a vault with an open archive
// run (its media pipeline and content store), and a LiveMediaSource wired to them.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import bigInt from 'big-integer';
import { Api, Logger, TelegramClient } from 'telegram';
import { LogLevel } from 'telegram/extensions/Logger';
import { settingsFrom } from '../../shared/settings';
import type { WorkerSettings } from '../../shared/types';
import { OpenArchiveRun } from '../../server/engine/chat-archive/archiveRun';
import { type FilePartPort, LiveMediaSource, type LiveMediaSourceOptions, gramjsFilePort } from '../../server/engine/connectors/telegram-live/media';
import { MetricsRecorder } from '../../server/engine/metrics';
import { nodeVaultFs } from '../../server/engine/vault/vaultFs';
import { type PeerRef, type SandboxFile, type TelegramSandbox, closeGramjsClient, gramjsClientOptions, startTelegramSandbox } from '../sandbox/telegram';

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms).unref())]);
}

export async function connectClient(sb: TelegramSandbox): Promise<TelegramClient> {
  const o = gramjsClientOptions(sb);
  const client = new TelegramClient(o.session, o.apiId, o.apiHash, { ...o.clientParams, baseLogger: new Logger(LogLevel.NONE) });
  await withTimeout(client.connect(), 10_000, 'connect');
  return client;
}

export function inputPeer(sb: TelegramSandbox, p: PeerRef): Api.TypeInputPeer {
  if (p.kind === 'user') return new Api.InputPeerUser({ userId: bigInt(p.id), accessHash: bigInt(sb.model.users.get(p.id)!.accessHash.toString()) });
  if (p.kind === 'chat') return new Api.InputPeerChat({ chatId: bigInt(p.id) });
  return new Api.InputPeerChannel({ channelId: bigInt(p.id), accessHash: bigInt(sb.model.channels.get(p.id)!.accessHash.toString()) });
}

/** A request upload.getFile made, as the downloader sent it. */
export interface SeenRequest {
  dcId: number;
  offset: number;
  limit: number;
}

/** The GramJS port, recording every request (the sandbox checks the rules too, and refuses breaches). */
export function recordingPort(client: TelegramClient, seen: SeenRequest[], onAnswer?: (n: number) => void): FilePartPort {
  const inner = gramjsFilePort(client);
  let answers = 0;
  return {
    async getFile(dcId, req) {
      seen.push({ dcId, offset: Number(req.offset.toString()), limit: req.limit });
      const r = await inner.getFile(dcId, req);
      onAnswer?.(++answers);
      return r;
    },
  };
}

/** A chat with the account holding one message per file; returns each message as GramJS sees it. */
export class MediaChat {
  readonly peer: PeerRef;
  private counter = 0;

  constructor(
    readonly sb: TelegramSandbox,
    readonly client: TelegramClient,
  ) {
    const u = sb.model.addUser({ firstName: `Media${Date.now() % 100000}`, phone: `1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` });
    this.peer = { kind: 'user', id: u.id };
  }

  get input(): Api.TypeInputPeer {
    return inputPeer(this.sb, this.peer);
  }

  async post(file: SandboxFile): Promise<Api.Message> {
    const media = file.kind === 'photo' ? { type: 'photo' as const, file } : { type: 'document' as const, file };
    const m = this.sb.model.addMessage(this.peer, { text: `file ${++this.counter}`, media });
    return this.fetch(m.id);
  }

  async fetch(id: number): Promise<Api.Message> {
    const [msg] = await this.client.getMessages(this.input, { ids: [id] });
    return msg;
  }
}

/** A vault folder with an open archive run (content store + media pipeline), as a sync has. */
export class TestVault {
  private constructor(
    readonly root: string,
    readonly settings: WorkerSettings,
    public archive: OpenArchiveRun,
    readonly metrics: MetricsRecorder,
  ) {}

  static async create(settings: Partial<WorkerSettings> = {}): Promise<TestVault> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'va-tgmedia-'));
    const s = settingsFrom(settings);
    const metrics = new MetricsRecorder();
    return new TestVault(root, s, await TestVault.openRun(root, s, metrics), metrics);
  }

  private static openRun(root: string, settings: WorkerSettings, metrics: MetricsRecorder): Promise<OpenArchiveRun> {
    return OpenArchiveRun.open({ vaultRoot: root, settings, fs: nodeVaultFs, clock: Date.now, metrics, warn: () => undefined, log: () => undefined });
  }

  /** Closes the run (drains the pipeline, saves the content store) and opens a new one, as a new process would. */
  async reopen(): Promise<void> {
    await this.archive.close();
    this.archive = await TestVault.openRun(this.root, this.settings, this.metrics);
  }

  source(opts: Partial<LiveMediaSourceOptions> & Pick<LiveMediaSourceOptions, 'refetch'>): Promise<LiveMediaSource> {
    return LiveMediaSource.open({ vaultRoot: this.root, settings: this.settings, contentStore: this.archive.run.contentStore, metrics: this.metrics, ...opts });
  }

  /** Stores a registered file as the chat archive does: locate inside the pipeline, at attachmentPath. */
  store(src: LiveMediaSource, ref: string, chatDir = 'Telegram/Media chat') {
    return this.archive.run.media.submit({ source: () => src.locate(ref), preferredPath: src.attachmentPath(chatDir, ref), chatId: 1, countAsNew: true });
  }

  read(vaultPath: string): Promise<Buffer> {
    return fs.readFile(path.join(this.root, ...vaultPath.split('/')));
  }

  async dispose(): Promise<void> {
    await this.archive.close(true).catch(() => undefined);
    await fs.rm(this.root, { recursive: true, force: true });
  }
}

export async function listFiles(dir: string): Promise<string[]> {
  try {
    const out: string[] = [];
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) out.push(...(await listFiles(p)));
      else out.push(p);
    }
    return out;
  } catch {
    return [];
  }
}

export { closeGramjsClient };

export interface MediaRig {
  readonly sb: TelegramSandbox;
  readonly client: TelegramClient;
  readonly chat: MediaChat;
  readonly vault: TestVault;
}

/**
 * Registers the live-media suites' hooks: one sandbox, client and chat per suite, a fresh vault per
 * test, injected faults and flood limits cleared after each. `use` receives the rig after the suite's
 * set-up and again with each test's new vault.
 */
export function useMediaRig(use: (rig: MediaRig) => void): void {
  let sb: TelegramSandbox | undefined;
  let client: TelegramClient | undefined;
  let chat: MediaChat;
  let vault: TestVault;
  before(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
    client = await connectClient(sb);
    chat = new MediaChat(sb, client);
  });
  beforeEach(async () => {
    vault = await TestVault.create();
    use({ sb: sb!, client: client!, chat, vault });
  });
  afterEach(async () => {
    sb!.faults.clear();
    sb!.flood.clear();
    await vault.dispose();
  });
  after(async () => {
    if (client) await closeGramjsClient(client);
    await sb?.close();
  });
}
