import { UserError } from '../../../errors';

/**
 * What a failed Sheets call means for the mirror, read from the GaxiosError the client throws
 * (duck-typed: `response.status`, `response.data`, `code`). Messages are built only from the
 * HTTP status, Google's `status`/`message`/`error` fields and error codes: never from the
 * error's own message, config or headers, which can carry a bearer token, a refresh token, a
 * client secret or a signed assertion.
 */

/** Who the mirror acts as, for messages that say whom to share the spreadsheet with. */
export interface SheetsAccount {
  readonly kind: 'serviceAccount' | 'oauth';
  /** A service account's client_email (not a secret: it is what the spreadsheet is shared with). */
  readonly email?: string;
}

export interface FailureContext {
  readonly spreadsheetId: string;
  readonly account?: SheetsAccount;
}

export type SheetsFailure =
  /** 429 RESOURCE_EXHAUSTED: refused before anything ran; wait and send it again. */
  | { readonly kind: 'rateLimited'; readonly detail: string }
  /** 5xx, timeout, dropped connection: a write may or may not have landed. */
  | { readonly kind: 'uncertain'; readonly detail: string }
  /** Retrying will not help: a UserError when the user can act on it. */
  | { readonly kind: 'final'; readonly error: Error };

interface ApiErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: { reason?: string }[];
}

interface GaxiosLike {
  code?: unknown;
  name?: unknown;
  response?: { status?: number; data?: unknown };
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

function shareWith(account: SheetsAccount | undefined): string {
  if (account?.email) return `share the spreadsheet with ${account.email} as an Editor (Share button in Google Sheets)`;
  if (account?.kind === 'oauth') return 'sign in with a Google account that can edit it, or ask its owner to share it with yours as an Editor';
  return 'share the spreadsheet with the Google account Vault Archiver uses, as an Editor';
}

/** Errors of the token endpoint: `{ error: "invalid_grant", error_description: "…" }`. */
function tokenFailure(status: number | undefined, error: string, description: string, ctx: FailureContext): SheetsFailure {
  if (status !== undefined && status >= 500) return { kind: 'uncertain', detail: `sign-in service HTTP ${status}` };
  const said = description ? ` (Google said: ${description.slice(0, 200)})` : '';
  if (error === 'invalid_grant') {
    if (ctx.account?.kind === 'serviceAccount') {
      return {
        kind: 'final',
        error: new UserError(
          `Google refused the service account key${ctx.account.email ? ` of ${ctx.account.email}` : ''}${said}. The key or the service account may have been deleted or disabled, or this computer's clock is wrong: create a new JSON key for the service account and set it again.`,
        ),
      };
    }
    return {
      kind: 'final',
      error: new UserError(`Google refused the saved sign-in for Google Sheets: the refresh token was revoked or has expired${said}. Sign in to Google again.`),
    };
  }
  if (error === 'invalid_client' || error === 'unauthorized_client' || error === 'disabled_client') {
    return {
      kind: 'final',
      error: new UserError(`Google does not accept the OAuth client (${error}): check the client ID and client secret, then sign in to Google again.`),
    };
  }
  return { kind: 'final', error: new UserError(`Google's sign-in service refused the credentials (${error})${said}.`) };
}

export function classifySheetsFailure(err: unknown, ctx: FailureContext): SheetsFailure {
  const e = (err ?? {}) as GaxiosLike;
  const status = e.response?.status;
  const data = e.response?.data;
  const tokenError = data && typeof data === 'object' ? (data as { error?: unknown; error_description?: unknown }) : undefined;
  if (tokenError && typeof tokenError.error === 'string') {
    return tokenFailure(status, tokenError.error, typeof tokenError.error_description === 'string' ? tokenError.error_description : '', ctx);
  }
  if (status === undefined || status === 0) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code === 'TimeoutError' || e.name === 'TimeoutError') return { kind: 'uncertain', detail: 'no answer before the timeout' };
    if (code !== undefined && NETWORK_CODES.has(code)) return { kind: 'uncertain', detail: `connection failed (${code})` };
    // A failed fetch without a known code ("socket hang up", "terminated"): still the network.
    if (e.response === undefined && (e.name === 'GaxiosError' || e.name === 'FetchError' || e.name === 'TypeError')) {
      return { kind: 'uncertain', detail: 'the connection was lost' };
    }
    return { kind: 'final', error: err instanceof Error ? err : new Error('Google Sheets request failed') };
  }
  const body: ApiErrorBody =
    data && typeof data === 'object' && 'error' in data && typeof (data as { error: unknown }).error === 'object'
      ? ((data as { error: ApiErrorBody }).error ?? {})
      : {};
  const label = `HTTP ${status}${body.status ? ` ${body.status}` : ''}`;
  if (status === 429) return { kind: 'rateLimited', detail: label };
  if (status >= 500 || status === 408) return { kind: 'uncertain', detail: label };
  const reasons = (body.details ?? []).map((d) => d.reason);
  const { spreadsheetId } = ctx;
  if (status === 404) {
    return {
      kind: 'final',
      error: new UserError(
        `Google Sheets has no spreadsheet with the ID ${spreadsheetId}: check the ID (in the spreadsheet's address, between /d/ and /edit).`,
      ),
    };
  }
  if (status === 403) {
    if (reasons.includes('SERVICE_DISABLED')) {
      return { kind: 'final', error: new UserError('The Google Sheets API is not enabled for the Google Cloud project of these credentials: enable it in the Cloud console (APIs & Services → Library → Google Sheets API).') };
    }
    if (reasons.includes('ACCESS_TOKEN_SCOPE_INSUFFICIENT')) {
      return { kind: 'final', error: new UserError('The Google sign-in does not allow editing spreadsheets: sign in to Google again and allow access to Google Sheets.') };
    }
    return { kind: 'final', error: new UserError(`Vault Archiver may not edit the spreadsheet ${spreadsheetId}: ${shareWith(ctx.account)}.`) };
  }
  if (status === 401) {
    return {
      kind: 'final',
      error: new UserError('Google Sheets did not accept the credentials, even with a fresh access token: set the service account key again, or sign in to Google again.'),
    };
  }
  const message = typeof body.message === 'string' ? body.message.slice(0, 300) : '';
  if (/limit of \d+ cells/.test(message)) {
    return { kind: 'final', error: new UserError(`The spreadsheet ${spreadsheetId} is full (Google Sheets allows 10 million cells): mirror into another spreadsheet.`) };
  }
  return { kind: 'final', error: new Error(`Google Sheets refused the request (${label}): ${message}`) };
}

/** The error a run ends with when Google keeps failing. */
export function gaveUp(detail: string, attempts: number): UserError {
  return new UserError(
    `Google Sheets kept failing (${detail}) after ${attempts} attempts: run the sync again later. Rows already in the sheet stay, and none will be written twice.`,
  );
}
