/**
 * Where GramJS connects. Production talks to Telegram's own data centers (GramJS's defaults and
 * help.getConfig's addresses). An endpoint override points every DC at other host:ports and adds
 * that server's RSA key to GramJS's key table, like Telegram's own test DCs: this is how the CLI
 * and the worker are pointed at the local sandbox in tests (env VAULT_ARCHIVER_TELEGRAM_SERVER,
 * the JSON `npm run sandbox:telegram` prints). Everything else runs the production code path.
 * Reading the override needs no GramJS (kept out of the CLI's start-up); client.ts applies it.
 */
import { UserError } from '../../errors';

export const TELEGRAM_SERVER_ENV = 'VAULT_ARCHIVER_TELEGRAM_SERVER';

export interface TelegramEndpoint {
  readonly host: string;
  /** The port of each DC id; a DC not listed uses `port`. */
  readonly dcPorts: Readonly<Record<number, number>>;
  readonly port: number;
  /** The server's RSA public key for the auth key exchange: n and e in hex, the resPQ fingerprint as a (signed) decimal string. */
  readonly rsaPublicKey: { readonly n: string; readonly e: string; readonly fingerprint: string };
}

/**
 * Reads an endpoint from JSON shaped like the sandbox's `SANDBOX {"telegram": {...}}` object
 * (the object itself or wrapped in `{"telegram": ...}`). Unknown fields are ignored.
 */
export function parseTelegramEndpoint(text: string, from = TELEGRAM_SERVER_ENV): TelegramEndpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`${from} is not JSON: it should hold {"host", "port", "dcPorts", "rsaPublicKey"} as the sandbox prints them.`);
  }
  const o = (isObject(value) && isObject(value.telegram) ? value.telegram : value) as Record<string, unknown>;
  const key = isObject(o?.rsaPublicKey) ? o.rsaPublicKey : undefined;
  const hex = (v: unknown) => typeof v === 'string' && /^[0-9a-f]+$/i.test(v);
  if (!isObject(o) || typeof o.host !== 'string' || !isPort(o.port) || !key || !hex(key.n) || !hex(key.e) || !/^-?\d+$/.test(String(key.fingerprint ?? ''))) {
    throw new UserError(`${from} needs "host", "port" and "rsaPublicKey" {n, e in hex, fingerprint}: as the sandbox prints them.`);
  }
  const dcPorts: Record<number, number> = {};
  if (isObject(o.dcPorts)) for (const [dc, port] of Object.entries(o.dcPorts)) if (/^\d+$/.test(dc) && isPort(port)) dcPorts[Number(dc)] = port;
  return { host: o.host, port: o.port, dcPorts, rsaPublicKey: { n: String(key.n), e: String(key.e), fingerprint: String(key.fingerprint) } };
}

/** The override in the environment, or undefined for Telegram's own DCs. */
export function telegramEndpointFromEnv(env: NodeJS.ProcessEnv = process.env): TelegramEndpoint | undefined {
  const text = env[TELEGRAM_SERVER_ENV]?.trim();
  return text ? parseTelegramEndpoint(text) : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPort(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 65536;
}
