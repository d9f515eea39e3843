import { auth, sheets, type sheets_v4 } from '@googleapis/sheets';
import { UserError } from '../../../errors';
import type { SheetsAccount } from './sheetsErrors';

/**
 * Credentials for the Sheets mirror: an OAuth client with a user's refresh token, as a
 * google-auth-library OAuth2Client (from @googleapis/sheets' `auth` export) whose token endpoint
 * is injectable (tests pass the sandbox's).
 *
 * A 401 is handled once by the library, not here: with `forceRefreshOnFailure` the client fetches
 * a new token and resends the request once (also on a 403). Without the flag it would not refresh
 * a token whose expiry date has not passed yet, even when Google revoked it. The library resends
 * token requests on 429/5xx itself (3 retries); the mirror does not retry those again.
 *
 * No secret (client secret, refresh or access token) ever reaches an error message or a log
 * line: errors here name the field that is wrong, never its value.
 */

export type SheetsCredentials = { readonly kind: 'oauth'; readonly clientId: string; readonly clientSecret: string; readonly refreshToken: string };

export interface SheetsAuthOptions {
  /** The OAuth 2.0 token endpoint (default Google's). */
  readonly tokenUrl?: string;
}

export type SheetsAuthClient = InstanceType<typeof auth.OAuth2>;

export interface SheetsAuth {
  readonly client: SheetsAuthClient;
  /** Who the client acts as; pass it to mirrorVideos so errors say whom to share with. */
  readonly account: SheetsAccount;
}

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

function required(value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UserError(`The Google sign-in for Sheets is missing its ${what}: sign in to Google again.`);
  return value.trim();
}

export function createSheetsAuth(credentials: SheetsCredentials, options: SheetsAuthOptions = {}): SheetsAuth {
  const client = new auth.OAuth2({
    clientId: required(credentials.clientId, 'OAuth client ID'),
    clientSecret: required(credentials.clientSecret, 'OAuth client secret'),
    endpoints: { oauth2TokenUrl: options.tokenUrl ?? GOOGLE_TOKEN_URL },
    forceRefreshOnFailure: true,
  });
  client.setCredentials({ refresh_token: required(credentials.refreshToken, 'refresh token') });
  return { client, account: { kind: 'oauth' } };
}

/** A Sheets API client on these credentials (`rootUrl` for a local stand-in of Google). */
export function createSheetsClient(sheetsAuth: SheetsAuth, options: { rootUrl?: string } = {}): sheets_v4.Sheets {
  return sheets({ version: 'v4', auth: sheetsAuth.client, ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}) });
}
