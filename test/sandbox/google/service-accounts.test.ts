import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { startGoogleSandbox, GOOGLE_TOKEN_AUDIENCE, JWT_BEARER_GRANT, type GoogleSandbox, type ServiceAccountKeyFile } from './index';

/**
 * The token endpoint's JWT-bearer grant (service accounts) and Drive-style sharing, on the wire:
 * assertions are signed here by hand, the way Google's service-account guide spells them out.
 */

type Json = Record<string, any>;

const b64 = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url');

function assertion(key: Pick<ServiceAccountKeyFile, 'private_key'>, claims: Json, header: Json = { alg: 'RS256', typ: 'JWT' }): string {
  const unsigned = `${b64(header)}.${b64(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key.private_key).toString('base64url')}`;
}

describe('Google sandbox: service accounts (JWT-bearer grant) and sharing', () => {
  let sandbox: GoogleSandbox;
  let key: ServiceAccountKeyFile;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (over: Json = {}): Json => ({
    iss: key.client_email,
    scope: 'https://www.googleapis.com/auth/spreadsheets',
    aud: GOOGLE_TOKEN_AUDIENCE,
    iat: now(),
    exp: now() + 3600,
    ...over,
  });
  const token = (body: Record<string, string>) => fetch(sandbox.oauth.tokenUrl, { method: 'POST', body: new URLSearchParams(body) });

  before(async () => {
    sandbox = await startGoogleSandbox({ seed: 'demo' });
    key = sandbox.serviceAccounts.create();
  });

  after(async () => {
    await sandbox.close();
  });

  it('hands out key files shaped like the Cloud console\'s', () => {
    assert.deepEqual(Object.keys(key), [
      'type', 'project_id', 'private_key_id', 'private_key', 'client_email', 'client_id', 'auth_uri', 'token_uri',
      'auth_provider_x509_cert_url', 'client_x509_cert_url', 'universe_domain',
    ]);
    assert.equal(key.type, 'service_account');
    assert.match(key.client_email, /^vault-archiver@sandbox-project-\d+\.iam\.gserviceaccount\.com$/);
    assert.match(key.private_key, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(key.token_uri, 'https://oauth2.googleapis.com/token');
  });

  it('exchanges a signed assertion for a bearer token that stands for the service account', async () => {
    const res = await token({ grant_type: JWT_BEARER_GRANT, assertion: assertion(key, claims()) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Json;
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, 'https://www.googleapis.com/auth/spreadsheets');

    // A spreadsheet nobody shared with the account: 403, as at Google; once shared: readable.
    const spreadsheetId = sandbox.demoIds.spreadsheetId!;
    const read = () => fetch(`${sandbox.rootUrl}v4/spreadsheets/${spreadsheetId}/values/Sheet1!A1`, { headers: { Authorization: `Bearer ${body.access_token}` } });
    const denied = await read();
    assert.equal(denied.status, 403);
    assert.deepEqual(((await denied.json()) as Json).error, { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' });
    sandbox.sheets.share(spreadsheetId, key.client_email);
    assert.equal((await read()).status, 200);
    // An unknown spreadsheet stays a 404 whoever asks.
    const missing = await fetch(`${sandbox.rootUrl}v4/spreadsheets/1${'x'.repeat(43)}/values/A1`, { headers: { Authorization: `Bearer ${body.access_token}` } });
    assert.equal(missing.status, 404);
  });

  it('refuses assertions the way Google\'s token endpoint does', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const unknown = sandbox.serviceAccounts.create('stranger', { keyOnly: true });
    const cases: [string, Record<string, string>, number, Json][] = [
      ['signed with another key', { assertion: assertion({ private_key: other }, claims()) }, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }],
      ['an account Google does not know', { assertion: assertion(unknown, claims({ iss: unknown.client_email })) }, 400, { error: 'invalid_grant', error_description: 'Invalid grant: account not found' }],
      ['the wrong audience', { assertion: assertion(key, claims({ aud: sandbox.oauth.tokenUrl })) }, 400, { error: 'invalid_grant', error_description: 'Invalid JWT: Failed audience check.' }],
      [
        'a lifetime over one hour',
        { assertion: assertion(key, claims({ exp: now() + 7200 })) },
        400,
        { error: 'invalid_grant', error_description: 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.' },
      ],
      [
        'an expired assertion',
        { assertion: assertion(key, claims({ iat: now() - 7200, exp: now() - 3600 })) },
        400,
        { error: 'invalid_grant', error_description: 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.' },
      ],
      ['no scope', { assertion: assertion(key, claims({ scope: undefined })) }, 400, { error: 'invalid_scope', error_description: 'Empty or missing scope not allowed.' }],
      ['HS256 instead of RS256', { assertion: assertion(key, claims(), { alg: 'HS256', typ: 'JWT' }) }, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }],
      ['no assertion', {}, 400, { error: 'invalid_request', error_description: 'Missing required parameter: assertion' }],
    ];
    for (const [what, form, status, body] of cases) {
      const res = await token({ grant_type: JWT_BEARER_GRANT, ...form });
      assert.equal(res.status, status, what);
      assert.deepEqual(await res.json(), body, what);
    }
    const garbage = await token({ grant_type: JWT_BEARER_GRANT, assertion: 'not-a-jwt' });
    assert.equal(((await garbage.json()) as Json).error, 'invalid_grant');
  });

  it('stops issuing tokens for a deleted account', async () => {
    const doomed = sandbox.serviceAccounts.create('doomed');
    const ok = await token({ grant_type: JWT_BEARER_GRANT, assertion: assertion(doomed, claims({ iss: doomed.client_email })) });
    assert.equal(ok.status, 200);
    sandbox.serviceAccounts.remove(doomed.client_email);
    const gone = await token({ grant_type: JWT_BEARER_GRANT, assertion: assertion(doomed, claims({ iss: doomed.client_email })) });
    assert.deepEqual(await gone.json(), { error: 'invalid_grant', error_description: 'Invalid grant: account not found' });
  });

  it('makes a service account the owner of the spreadsheets it creates', async () => {
    const res = await token({ grant_type: JWT_BEARER_GRANT, assertion: assertion(key, claims()) });
    const bearer = { Authorization: `Bearer ${((await res.json()) as Json).access_token}` };
    const created = await fetch(`${sandbox.rootUrl}v4/spreadsheets`, { method: 'POST', headers: bearer, body: JSON.stringify({ properties: { title: 'Own' } }) });
    const id = ((await created.json()) as Json).spreadsheetId as string;
    assert.equal(sandbox.sheets.spreadsheet(id)!.owner, key.client_email);
    // The sandbox user (the OAuth refresh-token flow) is not let in until shared.
    const userRead = await fetch(`${sandbox.rootUrl}v4/spreadsheets/${id}`, { headers: { Authorization: `Bearer ${sandbox.oauth.accessToken}` } });
    assert.equal(userRead.status, 403);
  });
});
