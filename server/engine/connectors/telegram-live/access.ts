/**
 * The one way engine code reaches the signed-in Telegram account: `client(signal)` gives a
 * connected, authorised GramJS TelegramClient, opened on first use from the stored session and API
 * credentials and shared by every job of this process; `close()` ends it (after sign-out, on
 * shutdown), and the next `client()` opens a new one. Where the session and credentials come from
 * is injected (VS Code SecretStorage through the worker, the CLI's session file).
 *
 * Clients from here never sleep through a flood wait inside GramJS (floodSleepThreshold 0): every
 * FLOOD_WAIT_X reaches the caller as an error with `.seconds` (errors.ts floodWaitSeconds), so the
 * wait can be shown and cancelled.
 */
import type { TelegramClient } from 'telegram';
import { UserError } from '../../errors';
import { type TelegramApiCredentials, abortError, closeTelegramClient, openTelegramClient } from './client';
import type { TelegramEndpoint } from './endpoint';

export interface TelegramAccess {
  /** A connected, signed-in client. Throws a UserError: not signed in, session revoked, Telegram unreachable. */
  client(signal?: AbortSignal): Promise<TelegramClient>;
  /** Closes the shared client completely (no GramJS timer or sender stays behind). */
  close(): Promise<void>;
}

/** Where the session and credentials are kept; each getter is asked when a client is opened. */
export interface TelegramSecrets {
  /** The StringSession string, or undefined when not signed in. */
  session(): Promise<string | undefined>;
  apiCredentials(): Promise<TelegramApiCredentials | undefined>;
}

export interface TelegramAccessOptions {
  readonly secrets: TelegramSecrets;
  /** Another server than Telegram's (the sandbox in tests). */
  readonly endpoint?: TelegramEndpoint;
  /** How to sign in, in the words of the surface the user is in ("Run …: Sign In to Telegram"). */
  readonly signInHelp: string;
  readonly timeoutMs?: number;
}

export function createTelegramAccess(o: TelegramAccessOptions): TelegramAccess {
  let opening: Promise<TelegramClient> | undefined;

  async function open(): Promise<TelegramClient> {
    const [session, credentials] = await Promise.all([o.secrets.session(), o.secrets.apiCredentials()]);
    if (!session || !credentials) throw new UserError(`Not signed in to Telegram. ${o.signInHelp}`);
    // Not the caller's signal: the client is shared, one caller cancelling must not close it for others.
    return openTelegramClient({ ...credentials, session, endpoint: o.endpoint, timeoutMs: o.timeoutMs, requireAuthorized: true });
  }

  return {
    client(signal) {
      if (!opening) {
        const p = open();
        opening = p;
        // A failed open is not kept: the next call tries again (after a sign-in, or back online).
        p.catch(() => {
          if (opening === p) opening = undefined;
        });
      }
      return raceAbort(opening, signal);
    },
    async close() {
      const p = opening;
      opening = undefined;
      const client = await p?.catch(() => undefined);
      if (client) await closeTelegramClient(client);
    },
  };
}

function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
