/**
 * Telegram's RPC errors in a user's words. Only the error's name (PHONE_CODE_INVALID) and a flood
 * wait's seconds are read: GramJS's messages name the request class, never its arguments, but
 * nothing here echoes them anyway, so no code, password or session can reach a message.
 */
import { UserError } from '../../errors';

export const API_CREDENTIALS_HELP =
  'Get an API id and hash at https://my.telegram.org/apps (log in with your phone number, open "API development tools", create an app: any title and short name).';

export const SESSION_REVOKED = 'Telegram no longer accepts the saved session (it was signed out, or revoked from another device). Sign in to Telegram again.';

/** The RPC error name (e.g. PHONE_CODE_INVALID), or undefined for anything that is not one. */
export function rpcErrorName(err: unknown): string | undefined {
  const name = (err as { errorMessage?: unknown } | undefined)?.errorMessage;
  return typeof name === 'string' ? name : undefined;
}

/** Seconds of a FLOOD_WAIT_X / FLOOD_PREMIUM_WAIT_X (GramJS's FloodWaitError), else undefined. */
export function floodWaitSeconds(err: unknown): number | undefined {
  const name = rpcErrorName(err) ?? '';
  const seconds = (err as { seconds?: unknown }).seconds;
  if (!/^FLOOD/.test(name) && !(err instanceof Error && err.constructor.name === 'FloodWaitError')) return undefined;
  return typeof seconds === 'number' ? seconds : Number(/_(\d+)$/.exec(name)?.[1] ?? Number.NaN) || undefined;
}

/** "45 s", "12 min", "3 h 20 min". */
export function formatWait(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.ceil(seconds))} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

const SESSION_GONE = new Set(['AUTH_KEY_UNREGISTERED', 'SESSION_REVOKED', 'SESSION_EXPIRED', 'AUTH_KEY_INVALID', 'AUTH_KEY_PERM_EMPTY', 'USER_DEACTIVATED', 'USER_DEACTIVATED_BAN']);

/** True when the error means the session is no longer signed in. */
export function isSessionGone(err: unknown): boolean {
  return SESSION_GONE.has(rpcErrorName(err) ?? '');
}

/**
 * A UserError for the errors any Telegram call can meet (signed out, flood wait, bad app
 * credentials); `doing` names the step ("sending the login code"). Other RPC errors are returned
 * as they are when `othersAsIs` (the caller handles some by name), else named in a UserError.
 */
export function explainTelegramError(err: unknown, doing: string, othersAsIs = false): unknown {
  if (err instanceof UserError) return err;
  const name = rpcErrorName(err);
  const wait = floodWaitSeconds(err);
  if (wait !== undefined) return new UserError(`Telegram asks to wait ${formatWait(wait)} before ${doing} again (too many attempts). Try again after that.`);
  if (name === 'API_ID_INVALID' || name === 'API_ID_PUBLISHED_FLOOD') {
    return new UserError('Telegram refused the API id and hash: check both at https://my.telegram.org/apps (API development tools) and sign in again with them.');
  }
  if (name && isSessionGone(err)) return new UserError(SESSION_REVOKED);
  if (name === 'PHONE_NUMBER_BANNED') return new UserError('Telegram says this phone number is banned. See https://telegram.org/faq#q-i-39m-getting-a-39phone-number-banned-39-error.');
  if (name === 'PHONE_NUMBER_FLOOD') return new UserError('Telegram has received too many login codes for this number. Wait a day, then try again.');
  if (name && !othersAsIs) return new UserError(`Telegram answered ${name} while ${doing}.`);
  return err;
}
