import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { ApiError } from './errors';

/**
 * Service accounts and the JWT-bearer grant of the token endpoint, as Google documents them in
 * "Using OAuth 2.0 for Server to Server Applications" ([DOC]
 * developers.google.com/identity/protocols/oauth2/service-account):
 *
 * - The request is `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`.
 * - The JWT header is `{"alg":"RS256","typ":"JWT"}` (`kid` optional); the claim set carries `iss`
 *   (the service account's email), `scope` (space-delimited), `aud` (always
 *   `https://oauth2.googleapis.com/token` for an access token request), `iat`, and `exp` at most
 *   one hour after `iat`; `sub` only for domain-wide delegation, which the sandbox has none of.
 * - The answer is `{access_token, scope, token_type: "Bearer", expires_in}`.
 *
 * Error bodies are `{error, error_description}`. The wordings are the ones Google's token
 * endpoint is widely quoted with ([REAL] in many public clients' tests and troubleshooting notes):
 * "Invalid JWT Signature.", "Invalid JWT: Failed audience check.", the short-lived-token message,
 * "Invalid grant: account not found", "Empty or missing scope not allowed.". The body for an
 * assertion that is not a JWT at all is [UNSURE].
 *
 * The key file the sandbox hands out has the fields of a real one (type, project_id,
 * private_key_id, private_key as PKCS#8 PEM, client_email, client_id, token_uri, …). Its RSA key is
 * generated on first use, so sandboxes that never need it pay nothing.
 */

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** [DOC] "When making an access token request this value is always https://oauth2.googleapis.com/token." */
export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
/** [DOC] exp "has a maximum of 1 hour after the issued time". */
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
/** How far ahead of the server's clock an `iat` may be (clock skew); [UNSURE] Google's tolerance. */
const ALLOWED_SKEW_SECONDS = 300;

/** A service account key file, as the Cloud console downloads it. */
export interface ServiceAccountKeyFile {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

interface Account {
  key: ServiceAccountKeyFile;
  publicKey: KeyObject;
}

function tokenError(error: string, description: string): ApiError {
  return new ApiError(400, { error, error_description: description });
}

const BAD_SIGNATURE = () => tokenError('invalid_grant', 'Invalid JWT Signature.');

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class ServiceAccounts {
  private readonly accounts = new Map<string, Account>();
  private counter = 0;

  /**
   * Creates a service account and returns its key file. With `keyOnly`, the key is not
   * registered: a well-formed key Google does not know (deleted account, or someone else's).
   */
  create(name = 'vault-archiver', options: { keyOnly?: boolean } = {}): ServiceAccountKeyFile {
    const n = ++this.counter;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const clientEmail = `${name}@sandbox-project-${n}.iam.gserviceaccount.com`;
    const key: ServiceAccountKeyFile = {
      type: 'service_account',
      project_id: `sandbox-project-${n}`,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: clientEmail,
      client_id: String(100_000_000_000_000_000_000n + BigInt(n)),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: GOOGLE_TOKEN_AUDIENCE,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
      universe_domain: 'googleapis.com',
    };
    if (!options.keyOnly) this.accounts.set(clientEmail, { key, publicKey });
    return key;
  }

  /** Deletes an account: its assertions fail from now on (tokens already issued stay valid until they expire). */
  remove(clientEmail: string): void {
    this.accounts.delete(clientEmail);
  }

  /**
   * Checks an assertion of the JWT-bearer grant; returns the account's email and the scopes
   * asked for, or throws the token endpoint's error.
   */
  verifyAssertion(assertion: string | undefined, nowMs: number): { clientEmail: string; scope: string } {
    if (!assertion) throw new ApiError(400, { error: 'invalid_request', error_description: 'Missing required parameter: assertion' });
    const parts = assertion.split('.');
    const header = parts.length === 3 ? decodeSegment(parts[0]) : undefined;
    const claims = parts.length === 3 ? decodeSegment(parts[1]) : undefined;
    // [UNSURE] Google's wording for an assertion that is not a JWT.
    if (!header || !claims) throw tokenError('invalid_grant', 'Invalid JWT: the assertion is not a signed JWT.');
    const account = typeof claims.iss === 'string' ? this.accounts.get(claims.iss) : undefined;
    if (!account) throw tokenError('invalid_grant', 'Invalid grant: account not found');
    if (header.alg !== 'RS256') throw BAD_SIGNATURE();
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2], 'base64url');
    if (!verify('RSA-SHA256', signed, account.publicKey, signature)) throw BAD_SIGNATURE();
    if (claims.aud !== GOOGLE_TOKEN_AUDIENCE) throw tokenError('invalid_grant', 'Invalid JWT: Failed audience check.');
    const iat = claims.iat;
    const exp = claims.exp;
    const now = Math.floor(nowMs / 1000);
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      exp <= iat ||
      exp - iat > MAX_ASSERTION_LIFETIME_SECONDS ||
      exp <= now ||
      iat > now + ALLOWED_SKEW_SECONDS
    ) {
      throw tokenError(
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    }
    if (claims.sub !== undefined && claims.sub !== account.key.client_email) {
      throw tokenError('unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.');
    }
    const scope = typeof claims.scope === 'string' ? claims.scope.trim() : '';
    if (scope === '') throw tokenError('invalid_scope', 'Empty or missing scope not allowed.');
    return { clientEmail: account.key.client_email, scope };
  }
}
