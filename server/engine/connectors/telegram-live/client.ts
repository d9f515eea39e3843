/**
 * Opening and closing one GramJS TelegramClient. Three GramJS behaviours shape this file (see
 * /work/shared/docs/telegram.md):
 * - with an unknown or revoked auth key the server answers transport error -404 and `connect()`
 *   never settles, so connecting and the first request are bounded by a timeout;
 * - `destroy()` forgets the exported download senders and their 30 s release timers, which keep
 *   the process alive and reconnecting, so `closeTelegramClient` ends those too;
 * - GramJS sleeps through FLOOD_WAIT_X up to `floodSleepThreshold` where nobody can show or cancel
 *   the wait, so clients opened here get every flood wait as a FloodWaitError (threshold 0).
 * GramJS's own console logging is off: its lines cannot leak a secret, but they are noise in the
 * worker's log and on the CLI's terminal.
 */
import bigInt from 'big-integer';
import { Api, TelegramClient } from 'telegram';
import { _serverKeys } from 'telegram/crypto/RSA';
import { Logger, LogLevel } from 'telegram/extensions/Logger';
import { ConnectionTCPFull } from 'telegram/network';
import { StringSession } from 'telegram/sessions';
import { UserError } from '../../errors';
import { abortError as cancelledError } from '../../util/abort';
import type { TelegramEndpoint } from './endpoint';
import { API_CREDENTIALS_HELP, explainTelegramError } from './errors';

/** The app credentials from my.telegram.org/apps. The hash is a secret: never logged. */
export interface TelegramApiCredentials {
  readonly apiId: number;
  readonly apiHash: string;
}

export { API_CREDENTIALS_HELP } from './errors';

export interface OpenClientOptions extends TelegramApiCredentials {
  /** A StringSession string; '' for a new session (sign-in). */
  readonly session: string;
  /** Another server than Telegram's DCs (the sandbox in tests). */
  readonly endpoint?: TelegramEndpoint;
  /** How long connecting and the first request may take. Default 20 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Flood waits up to this many seconds are slept through inside GramJS. Default 0: every wait reaches the caller. */
  readonly floodSleepThreshold?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

export { SESSION_REVOKED } from './errors';

/**
 * GramJS dials port 80 for the home DC and 443 for the others whatever the session or
 * help.getConfig say, and picks the server's RSA key by fingerprint from a table that ships
 * with Telegram's keys only. An endpoint override maps each DC to its port and adds the key there
 * (idempotent), as Telegram's own test DCs would need.
 */
export function endpointConnection(endpoint: TelegramEndpoint): typeof ConnectionTCPFull {
  _serverKeys.set(endpoint.rsaPublicKey.fingerprint, { n: bigInt(endpoint.rsaPublicKey.n, 16), e: Number.parseInt(endpoint.rsaPublicKey.e, 16) });
  return class EndpointConnection extends ConnectionTCPFull {
    constructor(args: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
      super({ ...args, ip: endpoint.host, port: endpoint.dcPorts[args.dcId] ?? endpoint.port });
    }
  };
}

/** A TelegramClient, not yet connected, configured as this project runs it. */
export function createTelegramClient(o: OpenClientOptions): TelegramClient {
  if (!Number.isSafeInteger(o.apiId) || o.apiId <= 0 || !/^[0-9a-f]{32}$/i.test(o.apiHash)) {
    throw new UserError(`The Telegram API id must be a number and the API hash 32 hexadecimal characters. ${API_CREDENTIALS_HELP}`);
  }
  let session: StringSession;
  try {
    session = new StringSession(o.session);
  } catch {
    throw new UserError('The saved Telegram session is damaged. Sign in to Telegram again.');
  }
  return new TelegramClient(session, o.apiId, o.apiHash, {
    ...(o.endpoint ? { connection: endpointConnection(o.endpoint) } : {}),
    connectionRetries: 3,
    retryDelay: 500,
    autoReconnect: true,
    floodSleepThreshold: o.floodSleepThreshold ?? 0,
    baseLogger: new Logger(LogLevel.NONE),
    deviceModel: 'Vault Archiver',
    appVersion: 'vault-archiver',
  });
}

/**
 * A connected client. With `requireAuthorized`, also checks the session is signed in (one
 * `updates.getState`): a revoked session then fails here, with SESSION_REVOKED, not in the middle
 * of a sync. On any failure the client is closed before the error is thrown.
 */
export async function openTelegramClient(o: OpenClientOptions & { readonly requireAuthorized?: boolean }): Promise<TelegramClient> {
  const client = createTelegramClient(o);
  const timeoutMs = o.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  try {
    // connect() resolves false when every TCP attempt failed, and never when the key is refused.
    const connected = await bounded(client.connect(), timeoutMs, o.signal, o.session ? SESSION_REVOKED_OR_OFFLINE(timeoutMs) : unreachable(timeoutMs));
    if (connected === false) throw new UserError(unreachable(timeoutMs));
    if (o.requireAuthorized) {
      // GramJS's checkAuthorization() says false for any error, a flood wait included: ask ourselves.
      await bounded(client.invoke(new Api.updates.GetState()), timeoutMs, o.signal, SESSION_REVOKED_OR_OFFLINE(timeoutMs)).catch((err: unknown) => {
        throw explainTelegramError(err, 'opening the session');
      });
    }
    return client;
  } catch (err) {
    await closeTelegramClient(client);
    throw err;
  }
}

const SESSION_REVOKED_OR_OFFLINE = (ms: number) =>
  `Telegram did not accept the saved session within ${Math.round(ms / 1000)} s: it was probably revoked (signed out from another device). Sign in to Telegram again; if this computer is offline, connect it first.`;
const unreachable = (ms: number) => `Could not reach Telegram within ${Math.round(ms / 1000)} s. Check the internet connection and try again.`;

/**
 * Closes a client completely, whatever state it is in (also while connect() still hangs): the
 * exported senders and their release timers first, then GramJS's destroy(). Never throws.
 */
export async function closeTelegramClient(client: TelegramClient): Promise<void> {
  const internals = client as unknown as {
    _exportedSenderPromises?: Map<number, Promise<{ disconnect(): Promise<void> } | undefined>>;
    _exportedSenderReleaseTimeouts?: Map<number, NodeJS.Timeout>;
  };
  const pending = [...(internals._exportedSenderPromises?.values() ?? [])];
  for (const timer of internals._exportedSenderReleaseTimeouts?.values() ?? []) clearTimeout(timer);
  internals._exportedSenderReleaseTimeouts?.clear();
  internals._exportedSenderPromises?.clear();
  await Promise.all(
    pending.map(async (p) => {
      // A sender still dialling never settles: do not wait for it forever.
      const sender = await Promise.race([p.catch(() => undefined), delay(2000)]);
      await sender?.disconnect().catch(() => undefined);
    }),
  );
  await Promise.race([client.destroy().catch(() => undefined), delay(5000)]);
}

/** `work`, or a UserError with `message` after `ms`, or an AbortError when `signal` fires. */
export function bounded<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new UserError(message))), ms);
    const onAbort = () => finish(() => reject(abortError(signal)));
    const finish = (then: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      then();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}

export function abortError(signal?: AbortSignal): Error {
  return cancelledError(signal, 'Cancelled.');
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
