// A local fake Telegram data center speaking MTProto 2.0 over TCP on 127.0.0.1, for tests, benchmarks and the
// headless demo. Clients either create their keys with the DH exchange, as with Telegram, or start from a
// StringSession carrying a key the sandbox registered on the home DC, already signed in; GramJS needs
// the transport class from gramjsClientOptions. See README.md beside this file.
import { randomBytes } from 'node:crypto';
import { SandboxClock } from './clock';
import { AUTH_KEY_BYTES } from './crypto';
import { TelegramCounters, TelegramFaults } from './faults';
import { FloodControl, type FloodLimit } from './flood';
import { StringSession } from 'telegram/sessions';
import { closeGramjsClient, encodeStringSession, registerSandboxRsaKey, sandboxConnectionClass } from './gramjs';
import { type TelegramModel } from './model';
import { type DemoHandles, createModel } from './seed';
import { SandboxCore } from './server';

export { SandboxClock } from './clock';
export { FloodControl, STRICT_FLOOD_LIMITS, type FloodLimit } from './flood';
export { TelegramFaults, TelegramCounters } from './faults';
export { TelegramModel, markedPeerId, type PeerRef, type SandboxMessage, type SandboxFile, type SandboxUser, type SandboxChannel, type SandboxGroup, type SandboxTopic, type MediaSpec, type NewMessage } from './model';
export { closeGramjsClient, encodeStringSession, registerSandboxRsaKey } from './gramjs';
export type { DemoHandles } from './seed';

/** DCs the sandbox runs; every one listens on its own port and keeps its own auth keys. */
export const SANDBOX_DC_IDS = [1, 2, 3, 4, 5] as const;
export const HOME_DC_ID = 2;
export const SANDBOX_API_ID = 611335;
export const SANDBOX_API_HASH = 'd524b414d21f4d37f08684c1df41ac9c';

export interface TelegramSandbox {
  host: '127.0.0.1';
  port: number;
  dcId: number;
  /** Port of every DC (help.getConfig's dc_options say the same). */
  dcPorts: Record<number, number>;
  apiId: number;
  apiHash: string;
  /** StringSession string: DC 2, 127.0.0.1, port and a 256-byte auth key registered on DC 2 only, signed in. */
  session: string;
  authKey: Buffer;
  /** The DCs' RSA public key (n, e big-endian) and its resPQ fingerprint, for the DH key exchange. */
  rsaPublicKey: { n: Buffer; e: Buffer; fingerprint: bigint };
  model: TelegramModel;
  /** Handles into the demo data set (undefined for seed 'empty'). */
  demo?: DemoHandles;
  faults: TelegramFaults;
  /** Time for flood waits and salt lifetimes; `clock.advance(s)` instead of sleeping (msg_ids keep the wall clock). */
  clock: SandboxClock;
  /** Flood waits: `setLimit(method, { requests, perSeconds })`, `secondsLeft(account, method)`, `clear()`. */
  flood: FloodControl;
  counters: {
    requests(method?: string): number;
    bytesSent(method?: string): number;
    byMethod(): Record<string, { requests: number; bytes: number }>;
    reset(): void;
    /** API requests one DC received (optionally of one method). */
    requestsOnDc(dcId: number, method?: string): number;
    /** Most requests of one method being served at the same time (needs latency to overlap). */
    inFlightPeak(method: string): number;
  };
  demoChats(): { id: number; title: string; username?: string; messageCount: number }[];
  /** A fresh home-DC key that is not signed in yet, for login-flow tests (auth.sendCode / auth.signIn). */
  createLoginSession(): string;
  /** Closes every client TCP connection; GramJS reconnects by itself. */
  dropConnections(): void;
  /** Open client connections, across DCs. */
  connectionCount(): number;
  /** Layers clients declared with invokeWithLayer (answers are always encoded for layer 198). */
  layersSeen(): number[];
  /**
   * Stands in for "another device scans the QR code": auth.acceptLoginToken by a signed-in app of `userId` (the
   * model's own account by default), which pushes updateLoginToken to the app waiting on the token. Throws
   * RpcFailure AUTH_TOKEN_INVALIDX / AUTH_TOKEN_EXPIRED / AUTH_TOKEN_ALREADY_ACCEPTED as Telegram answers.
   * A real signed-in GramJS client calling Api.auth.AcceptLoginToken does the same over the wire.
   */
  scanLoginToken(token: Buffer, userId?: number): void;
  /** QR login tokens waiting for a scan and not expired, newest first (what a QR code on screen shows). */
  waitingLoginTokens(): Buffer[];
  /** Server-initiated Updates messages pushed to client sessions so far (updateLoginToken). */
  updatesPushed(): number;
  close(): Promise<void>;
}

const MIN_PORT = 20000;
const MAX_PORT = 32767; // StringSession writes the port as a signed 16-bit integer

async function listenSomewhere(core: SandboxCore, dcId: number, wanted?: number): Promise<number> {
  if (wanted !== undefined) return core.listen(dcId, wanted);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = MIN_PORT + Math.floor(Math.random() * (MAX_PORT - MIN_PORT));
    try {
      return await core.listen(dcId, port);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
  throw new Error('no free port at or below 32767 for the Telegram sandbox');
}

export interface TelegramSandboxOptions {
  /** Home DC port (≤ 32767); the other DCs listen on free ports. */
  port?: number;
  seed?: 'demo' | 'empty';
  /** A connection that sends part of a frame and then nothing for this long is closed. Default 15 s. */
  frameTimeoutMs?: number;
  /** Request rates above which methods get FLOOD_WAIT_X (none by default; see STRICT_FLOOD_LIMITS). */
  floodLimits?: Record<string, FloodLimit>;
}

export async function startTelegramSandbox(opts: TelegramSandboxOptions = {}): Promise<TelegramSandbox> {
  const { model, demo } = createModel(opts.seed ?? 'demo');
  const faults = new TelegramFaults();
  const counters = new TelegramCounters();
  const clock = new SandboxClock();
  const flood = new FloodControl(clock, opts.floodLimits);
  const core = new SandboxCore({ model, faults, counters, clock, flood, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, homeDcId: HOME_DC_ID, frameTimeoutMs: opts.frameTimeoutMs ?? 15_000 });
  const authKey = randomBytes(AUTH_KEY_BYTES);
  core.registerKey(authKey, [HOME_DC_ID], model.selfId);
  try {
    for (const dc of SANDBOX_DC_IDS) await listenSomewhere(core, dc, dc === HOME_DC_ID ? opts.port : undefined);
  } catch (e) {
    await core.close();
    throw e;
  }
  const port = core.dcPorts[HOME_DC_ID];
  return {
    host: '127.0.0.1',
    port,
    dcId: HOME_DC_ID,
    dcPorts: { ...core.dcPorts },
    apiId: SANDBOX_API_ID,
    apiHash: SANDBOX_API_HASH,
    session: encodeStringSession(HOME_DC_ID, '127.0.0.1', port, authKey),
    authKey,
    rsaPublicKey: { n: core.rsa.n, e: core.rsa.e, fingerprint: core.rsa.fingerprint },
    model,
    demo,
    faults,
    counters,
    clock,
    flood,
    demoChats: () => model.chatList().map(({ id, title, username, messageCount }) => ({ id, title, username, messageCount })),
    createLoginSession: () => {
      const key = randomBytes(AUTH_KEY_BYTES);
      core.registerKey(key, [HOME_DC_ID]);
      return encodeStringSession(HOME_DC_ID, '127.0.0.1', port, key);
    },
    dropConnections: () => core.dropAllConnections(),
    connectionCount: () => core.connectionCount(),
    layersSeen: () => [...core.layersSeen],
    scanLoginToken: (token, userId = model.selfId) => void core.loginTokens.accept(token, userId),
    waitingLoginTokens: () => core.loginTokens.waiting(),
    updatesPushed: () => core.updatesPushed,
    close: () => core.close(),
  };
}

/**
 * GramJS client options that reach this sandbox. `connection` is a ConnectionTCPFull subclass that only maps
 * ports (GramJS dials 80/443 whatever the session says); `session` is a plain StringSession, so other DCs cost
 * GramJS a DH exchange and auth.exportAuthorization / auth.importAuthorization, as on Telegram. The sandbox's
 * RSA key is registered with GramJS for that exchange.
 * Usage: `const o = gramjsClientOptions(sb); new TelegramClient(o.session, o.apiId, o.apiHash, o.clientParams)`.
 */
export function gramjsClientOptions(sb: TelegramSandbox, session: string = sb.session) {
  registerSandboxRsaKey(sb.rsaPublicKey);
  const connection = sandboxConnectionClass(sb);
  const stringSession = new StringSession(session);
  return {
    connection,
    session: stringSession,
    apiId: sb.apiId,
    apiHash: sb.apiHash,
    /** The TelegramClient constructor's fourth argument. */
    clientParams: { connection, connectionRetries: 5, retryDelay: 200, autoReconnect: true },
    /** Closes the client including the exported senders `destroy()` forgets. */
    close: closeGramjsClient,
  };
}

/** The `telegram` part of the standalone `SANDBOX <json>` line. */
export function telegramSandboxInfo(sb: TelegramSandbox) {
  return {
    host: sb.host,
    port: sb.port,
    dcId: sb.dcId,
    dcPorts: sb.dcPorts,
    session: sb.session,
    apiId: sb.apiId,
    apiHash: sb.apiHash,
    rsaPublicKey: { n: sb.rsaPublicKey.n.toString('hex'), e: sb.rsaPublicKey.e.toString('hex'), fingerprint: sb.rsaPublicKey.fingerprint.toString() },
    loginCode: sb.model.loginCode,
    phone: sb.model.self.phone,
    chats: sb.demoChats(),
  };
}
