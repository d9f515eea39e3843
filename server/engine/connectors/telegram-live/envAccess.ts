/**
 * Telegram access from a file named in the environment (VAULT_ARCHIVER_TELEGRAM_ACCESS_FILE):
 * `{ "session": "<StringSession>", "apiId": 123, "apiHash": "…", "dcPorts": { "2": 20443 } }`.
 * For scripts and tests until sign-in (tg-auth's session file and SecretStorage) is wired; the
 * file holds a session, so it belongs outside the vault with 0600 permissions. `dcPorts` (and
 * `host`) point the client at a test DC; left out, Telegram's own addresses are used.
 *
 * The client is made with floodSleepThreshold 0 (sync shows and bounds every flood wait), its
 * connect is bounded (a revoked key makes GramJS's connect hang), and `release()` closes it fully,
 * download senders included, so the process can exit.
 */
import { readFileSync } from 'node:fs';
import { TelegramClient } from 'telegram';
import { Logger, LogLevel } from 'telegram/extensions/Logger';
import { ConnectionTCPFull } from 'telegram/network';
import { StringSession } from 'telegram/sessions';
import { UserError } from '../../errors';
import type { LiveTelegramAccess } from './connector';

const CONNECT_TIMEOUT_MS = 30_000;

interface AccessFile {
  readonly session: string;
  readonly apiId: number;
  readonly apiHash: string;
  readonly dcPorts?: Record<string, number>;
  readonly host?: string;
}

export interface ReleasableAccess extends LiveTelegramAccess {
  release(): Promise<void>;
}

export function envTelegramAccess(env: NodeJS.ProcessEnv = process.env): ReleasableAccess | undefined {
  const file = env.VAULT_ARCHIVER_TELEGRAM_ACCESS_FILE;
  if (!file) return undefined;
  let client: Promise<TelegramClient> | undefined;
  return {
    client(signal) {
      client ??= connect(readAccess(file), signal);
      const made = client;
      // A failed connect is not kept: the next job tries again.
      made.catch(() => {
        if (client === made) client = undefined;
      });
      return made;
    },
    async release() {
      const c = client;
      client = undefined;
      const done = await c?.catch(() => undefined);
      if (done) await closeTelegramClient(done);
    },
  };
}

function readAccess(file: string): AccessFile {
  let v: Partial<AccessFile>;
  try {
    v = JSON.parse(readFileSync(file, 'utf8')) as Partial<AccessFile>;
  } catch (err) {
    throw new UserError(`Could not read the Telegram access file ${file} (VAULT_ARCHIVER_TELEGRAM_ACCESS_FILE): ${(err as NodeJS.ErrnoException).code ?? 'not JSON'}.`);
  }
  if (typeof v.session !== 'string' || typeof v.apiId !== 'number' || typeof v.apiHash !== 'string') {
    throw new UserError(`The Telegram access file ${file} needs "session", "apiId" and "apiHash".`);
  }
  return v as AccessFile;
}

async function connect(a: AccessFile, signal: AbortSignal): Promise<TelegramClient> {
  const ports = a.dcPorts ?? {};
  const host = a.host ?? '127.0.0.1';
  const connection = a.dcPorts
    ? class MappedConnection extends ConnectionTCPFull {
        constructor(args: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
          super({ ...args, ip: host, port: ports[String(args.dcId)] ?? args.port });
        }
      }
    : ConnectionTCPFull;
  const client = new TelegramClient(new StringSession(a.session), a.apiId, a.apiHash, {
    connection,
    connectionRetries: 3,
    retryDelay: 500,
    floodSleepThreshold: 0,
    autoReconnect: true,
    // GramJS logs to stdout, which belongs to the CLI's output (JSON lines with --json).
    baseLogger: new Logger(LogLevel.NONE),
  });
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UserError('Telegram did not answer within 30 s: check the connection, or sign in again if the session was revoked.')), CONNECT_TIMEOUT_MS);
    signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
  });
  try {
    await Promise.race([client.connect(), failed]);
    return client;
  } catch (err) {
    void closeTelegramClient(client).catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** `destroy()` leaves exported download senders and their 30 s release timers running: close those too. */
export async function closeTelegramClient(client: TelegramClient): Promise<void> {
  const c = client as unknown as {
    _exportedSenderPromises?: Map<number, Promise<{ disconnect(): Promise<void> } | undefined>>;
    _exportedSenderReleaseTimeouts?: Map<number, NodeJS.Timeout>;
  };
  for (const t of c._exportedSenderReleaseTimeouts?.values() ?? []) clearTimeout(t);
  c._exportedSenderReleaseTimeouts?.clear();
  const senders = [...(c._exportedSenderPromises?.values() ?? [])];
  c._exportedSenderPromises?.clear();
  await Promise.all(
    senders.map(async (p) => {
      const s = await Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000).unref())]).catch(() => undefined);
      await s?.disconnect().catch(() => undefined);
    }),
  );
  await client.destroy();
}
