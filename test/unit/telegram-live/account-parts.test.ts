/** The pure parts of the Telegram account: where the CLI keeps the session, the endpoint override, phone numbers, waits, argv. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCliArgs, UsageError } from '../../../server/cli/args';
import { normalisePhone } from '../../../server/engine/connectors/telegram-live/auth';
import { parseTelegramEndpoint, telegramEndpointFromEnv } from '../../../server/engine/connectors/telegram-live/endpoint';
import { formatWait } from '../../../server/engine/connectors/telegram-live/errors';
import { apiCredentialsFromEnv, checkSessionFileOutsideVault, sessionFilePath, sessionFileStore } from '../../../server/engine/connectors/telegram-live/sessionFile';
import { parseApiCredentials } from '../../../server/engine/connectors/telegram-live/secretStore';
import { UserError } from '../../../server/engine/errors';

describe('telegram-live account parts', () => {
  it('keeps the CLI session in the config folder unless told otherwise', () => {
    assert.equal(sessionFilePath({}, 'linux', '/home/u'), '/home/u/.config/vault-archiver/telegram-session');
    assert.equal(sessionFilePath({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/u'), '/cfg/vault-archiver/telegram-session');
    assert.equal(sessionFilePath({ VAULT_ARCHIVER_TELEGRAM_SESSION_FILE: '/secret/tg' }, 'linux', '/home/u'), '/secret/tg');
    assert.equal(sessionFilePath({ APPDATA: '/appdata' }, 'win32', '/home/u'), path.join('/appdata', 'vault-archiver', 'telegram-session'));
  });

  it('refuses a session file inside the vault, also through a symlink, and accepts a neighbour', async () => {
    const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'va-sess-')));
    try {
      const vault = path.join(dir, 'vault');
      await fs.mkdir(path.join(vault, 'inner'), { recursive: true });
      await fs.symlink(path.join(vault, 'inner'), path.join(dir, 'link'));
      await assert.rejects(checkSessionFileOutsideVault(path.join(vault, 'inner', 'tg'), vault), UserError);
      await assert.rejects(checkSessionFileOutsideVault(path.join(dir, 'link', 'tg'), vault), UserError);
      await checkSessionFileOutsideVault(path.join(dir, 'vault-sessions', 'tg'), vault);
      // A store over a file others can read says how to fix it rather than use it.
      const file = path.join(dir, 'tg');
      await fs.writeFile(file, '{"session":"x"}', { mode: 0o644 });
      await fs.chmod(file, 0o644);
      await assert.rejects(sessionFileStore(file, {}).session(), (e: unknown) => e instanceof UserError && /chmod 600/.test(e.message));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reads API credentials from the environment or the stored JSON, never half', () => {
    assert.equal(apiCredentialsFromEnv({}), undefined);
    assert.deepEqual(apiCredentialsFromEnv({ VAULT_ARCHIVER_TELEGRAM_API_ID: ' 42 ', VAULT_ARCHIVER_TELEGRAM_API_HASH: 'h' }), { apiId: 42, apiHash: 'h' });
    assert.throws(() => apiCredentialsFromEnv({ VAULT_ARCHIVER_TELEGRAM_API_ID: '42' }), /Set both/);
    assert.throws(() => apiCredentialsFromEnv({ VAULT_ARCHIVER_TELEGRAM_API_ID: 'x', VAULT_ARCHIVER_TELEGRAM_API_HASH: 'h' }), /must be a number/);
    assert.deepEqual(parseApiCredentials('{"apiId":"7","apiHash":"h"}'), { apiId: 7, apiHash: 'h' });
    assert.equal(parseApiCredentials('{oops'), undefined);
  });

  it('reads the endpoint override as the sandbox prints it, and says what is missing', () => {
    const info = { host: '127.0.0.1', port: 20001, dcId: 2, dcPorts: { 1: 20002, 2: 20001 }, rsaPublicKey: { n: 'c0ffee', e: '010001', fingerprint: '-123' } };
    const e = parseTelegramEndpoint(JSON.stringify({ telegram: info }));
    assert.deepEqual([e.host, e.port, e.dcPorts[1], e.rsaPublicKey.fingerprint], ['127.0.0.1', 20001, 20002, '-123']);
    assert.deepEqual(parseTelegramEndpoint(JSON.stringify(info)), e);
    assert.equal(telegramEndpointFromEnv({}), undefined);
    assert.throws(() => parseTelegramEndpoint('{'), /is not JSON/);
    assert.throws(() => parseTelegramEndpoint('{"host":"h","port":1}'), /rsaPublicKey/);
  });

  it('normalises phone numbers and formats waits', () => {
    assert.equal(normalisePhone('+44 20 7946-0000'), '442079460000');
    assert.equal(normalisePhone('(555) 000'), '555000');
    assert.equal(normalisePhone('call me'), undefined);
    assert.deepEqual([formatWait(5), formatWait(90), formatWait(3600), formatWait(4 * 3600 + 60)], ['5 s', '2 min', '60 min', '4 h 1 min']);
  });

  it('parses login and logout', () => {
    assert.deepEqual(parseCliArgs(['login']), { command: 'login', json: false });
    assert.deepEqual(parseCliArgs(['login', '--vault', 'v', '--json']), { command: 'login', json: true, outsideVault: 'v' });
    assert.deepEqual(parseCliArgs(['logout']), { command: 'logout', json: false });
    assert.throws(() => parseCliArgs(['login', 'extra']), (e: unknown) => e instanceof UsageError && /takes no arguments/.test(e.message));
    assert.throws(() => parseCliArgs(['logout', '--wait']), (e: unknown) => e instanceof UsageError && /not an option of logout/.test(e.message));
  });
});
