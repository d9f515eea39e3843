import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { auth, sheets, type sheets_v4 } from '@googleapis/sheets';
import { UserError } from '../../../errors';
import type { SheetsAccount } from './sheetsErrors';

/**
 * Credentials for the Sheets mirror: a service account's JSON key, or an OAuth client with a
 * user's refresh token. Both become one google-auth-library OAuth2Client (from
 * @googleapis/sheets' `auth` export) whose token endpoint is injectable (tests pass the sandbox's).
 *
 * - Refresh token: the library's own refresh-token grant at `tokenUrl`.
 * - Service account: the JWT-bearer grant ([DOC] developers.google.com/identity/protocols/oauth2/
 *   service-account): an RS256 assertion {iss: client_email, scope, aud: the key's token_uri,
 *   iat, exp = iat + 1 h} posted to `tokenUrl`, through the client's `refreshHandler`. Not the
 *   library's JWT class: it posts to a hard-coded https://oauth2.googleapis.com/token, and
 *   (google-auth-library 11.3) when a request gets a 401 with `forceRefreshOnFailure` it asks its
 *   token cache again, gets the same revoked token back, and fails a second time.
 *
 * A 401 is handled once by the library, not here: with `forceRefreshOnFailure` the client fetches
 * a new token and resends the request once (also on a 403, which costs one extra token request
 * when a spreadsheet is not shared). Without the flag it would not refresh a token whose expiry
 * date has not passed yet, even when Google revoked it. Token requests are resent on 429/5xx by
 * gaxios (3 retries, as the library does for its own); one that still fails without a verdict
 * counts as one failed attempt of the mirror's request, a refusal (invalid_grant …) ends the run
 * with a UserError at once (sheetsErrors.ts).
 *
 * No secret (private key, client secret, refresh or access token) ever reaches an error message
 * or a log line: errors here name the field that is wrong, never its value.
 */

export type SheetsCredentials =
  | { readonly kind: 'serviceAccount'; /** The key file's text, as downloaded from the Cloud console. */ readonly keyJson: string }
  | { readonly kind: 'oauth'; readonly clientId: string; readonly clientSecret: string; readonly refreshToken: string };

export interface SheetsAuthOptions {
  /** The OAuth 2.0 token endpoint (default Google's, or a service account key's token_uri). */
  readonly tokenUrl?: string;
  /**
   * Resend a request refused with 401/403 once after fetching a new token (default true). Off for
   * captions.download: its 403 `forbidden` is a verdict, and a resend would cost 200 more units.
   */
  readonly forceRefreshOnFailure?: boolean;
}

export type SheetsAuthClient = InstanceType<typeof auth.OAuth2>;

export interface SheetsAuth {
  readonly client: SheetsAuthClient;
  /** Who the client acts as; pass it to mirrorVideos so errors say whom to share with. */
  readonly account: SheetsAccount;
}

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** [DOC] an assertion lives at most one hour. */
const ASSERTION_LIFETIME_SECONDS = 3600;

export interface ServiceAccountKey {
  readonly clientEmail: string;
  readonly privateKey: KeyObject;
  readonly privateKeyId?: string;
  readonly tokenUri: string;
}

const KEY_HELP = 'In the Google Cloud console: IAM & Admin → Service accounts → the account → Keys → Add key → JSON.';

/** Reads a service account key file; a UserError names what is wrong (never a value from the file). */
export function parseServiceAccountKey(json: string): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // JSON.parse's own message quotes the text around the fault: it could quote the private key.
    throw new UserError(`The service account key is not valid JSON. ${KEY_HELP}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`The service account key is not a JSON object. ${KEY_HELP}`);
  }
  const key = parsed as Record<string, unknown>;
  if (key.type !== 'service_account') {
    const type = typeof key.type === 'string' && /^[a-z_]{1,40}$/.test(key.type) ? ` (its type is "${key.type}")` : '';
    throw new UserError(`This JSON file is not a service account key${type}. ${KEY_HELP}`);
  }
  const email = key.client_email;
  if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    throw new UserError(`The service account key has no valid client_email. ${KEY_HELP}`);
  }
  if (typeof key.private_key !== 'string' || key.private_key.trim() === '') {
    throw new UserError(`The service account key of ${email} has no private_key. ${KEY_HELP}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key.private_key);
  } catch {
    throw new UserError(`The private_key of the service account key of ${email} is not a readable PEM private key. ${KEY_HELP}`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new UserError(`The private_key of the service account key of ${email} is not an RSA key. ${KEY_HELP}`);
  }
  const tokenUri = typeof key.token_uri === 'string' && /^https?:\/\//.test(key.token_uri) ? key.token_uri : GOOGLE_TOKEN_URL;
  const privateKeyId = typeof key.private_key_id === 'string' && key.private_key_id !== '' ? key.private_key_id : undefined;
  return { clientEmail: email, privateKey, privateKeyId, tokenUri };
}

/** The signed assertion of the JWT-bearer grant. */
export function signAssertion(key: ServiceAccountKey, scope: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.privateKeyId ? { kid: key.privateKeyId } : {}) };
  const claims = { iss: key.clientEmail, scope, aud: key.tokenUri, iat, exp: iat + ASSERTION_LIFETIME_SECONDS };
  const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(key.privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}

function required(value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UserError(`The Google sign-in for Sheets is missing its ${what}: sign in to Google again.`);
  return value.trim();
}

export function createSheetsAuth(credentials: SheetsCredentials, options: SheetsAuthOptions = {}): SheetsAuth {
  if (credentials.kind === 'oauth') {
    const client = new auth.OAuth2({
      clientId: required(credentials.clientId, 'OAuth client ID'),
      clientSecret: required(credentials.clientSecret, 'OAuth client secret'),
      endpoints: { oauth2TokenUrl: options.tokenUrl ?? GOOGLE_TOKEN_URL },
      forceRefreshOnFailure: options.forceRefreshOnFailure ?? true,
    });
    client.setCredentials({ refresh_token: required(credentials.refreshToken, 'refresh token') });
    return { client, account: { kind: 'oauth' } };
  }

  const key = parseServiceAccountKey(credentials.keyJson);
  const tokenUrl = options.tokenUrl ?? key.tokenUri;
  const client = new auth.OAuth2({ forceRefreshOnFailure: true });
  client.refreshHandler = async () => {
    const issued = Date.now();
    const res = await client.transporter.request<{ access_token?: string; expires_in?: number }>({
      url: tokenUrl,
      method: 'POST',
      data: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: signAssertion(key, SHEETS_SCOPE, issued) }),
      responseType: 'json',
      // As the library's own token requests: resent on 429/5xx, POST included (minting twice is harmless).
      retry: true,
      retryConfig: { httpMethodsToRetry: ['POST'] },
    });
    const token = res.data.access_token;
    if (typeof token !== 'string' || token === '') throw new Error('The token endpoint answered without an access_token');
    return { access_token: token, expiry_date: issued + (res.data.expires_in ?? 3600) * 1000 };
  };
  return { client, account: { kind: 'serviceAccount', email: key.clientEmail } };
}

/** A Sheets API client on these credentials (`rootUrl` for a local stand-in of Google). */
export function createSheetsClient(sheetsAuth: SheetsAuth, options: { rootUrl?: string } = {}): sheets_v4.Sheets {
  return sheets({ version: 'v4', auth: sheetsAuth.client, ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}) });
}
