/**
 * The CLI's Telegram session: one JSON file `{ session, apiId, apiHash }` OUTSIDE the vault (a
 * vault is synced, shared and committed; whoever holds the session holds the account), readable
 * by its owner only (0600, in a 0700 folder), written atomically. Default
 * `$XDG_CONFIG_HOME/vault-archiver/telegram-session` (~/.config/… ; %APPDATA%\vault-archiver\… on
 * Windows); VAULT_ARCHIVER_TELEGRAM_SESSION_FILE names another file. API id and hash from
 * VAULT_ARCHIVER_TELEGRAM_API_ID / VAULT_ARCHIVER_TELEGRAM_API_HASH win over the stored ones.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../errors';
import type { TelegramSecretStore } from './account';
import type { TelegramApiCredentials } from './client';
import { parseApiCredentials } from './secretStore';

export const SESSION_FILE_ENV = 'VAULT_ARCHIVER_TELEGRAM_SESSION_FILE';
export const API_ID_ENV = 'VAULT_ARCHIVER_TELEGRAM_API_ID';
export const API_HASH_ENV = 'VAULT_ARCHIVER_TELEGRAM_API_HASH';

/** Where the session file is: the env override, else the user's config folder. */
export function sessionFilePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  const given = env[SESSION_FILE_ENV]?.trim();
  if (given) return path.resolve(given);
  const config = platform === 'win32' ? env.APPDATA || path.join(home, 'AppData', 'Roaming') : env.XDG_CONFIG_HOME?.trim() || path.join(home, '.config');
  return path.join(config, 'vault-archiver', 'telegram-session');
}

/** Refuses a session file inside the vault folder (or the vault inside... the file, which cannot be). */
export async function checkSessionFileOutsideVault(file: string, vault: string): Promise<void> {
  const real = async (p: string) => fs.realpath(p).catch(() => path.resolve(p));
  const [v, dir] = await Promise.all([real(vault), real(path.dirname(file))]);
  const rel = path.relative(v, path.join(dir, path.basename(file)));
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
    throw new UserError(
      `The Telegram session file ${file} is inside the vault ${vault}: whoever gets the vault would get your Telegram account. Set ${SESSION_FILE_ENV} to a file outside it (or unset it for ~/.config/vault-archiver/telegram-session).`,
    );
  }
}

/** API credentials from the environment; a UserError when only half is set or the id is not a number. */
export function apiCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): TelegramApiCredentials | undefined {
  const id = env[API_ID_ENV]?.trim();
  const hash = env[API_HASH_ENV]?.trim();
  if (!id && !hash) return undefined;
  if (!id || !hash) throw new UserError(`Set both ${API_ID_ENV} and ${API_HASH_ENV} (from https://my.telegram.org/apps), or neither.`);
  if (!/^\d+$/.test(id)) throw new UserError(`${API_ID_ENV} must be a number (the "App api_id" at https://my.telegram.org/apps).`);
  return { apiId: Number(id), apiHash: hash };
}

interface SessionFileContent {
  session?: string;
  apiId?: number;
  apiHash?: string;
}

/** The store over one session file; `vault`: refuse when the file is inside it. */
export function sessionFileStore(file: string, env: NodeJS.ProcessEnv = process.env, vault?: string): TelegramSecretStore {
  async function read(): Promise<SessionFileContent> {
    if (vault) await checkSessionFileOutsideVault(file, vault);
    let text: string;
    try {
      const st = await fs.stat(file);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        throw new UserError(`The Telegram session file ${file} can be read by other users of this computer. Run: chmod 600 "${file}"`);
      }
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (err instanceof UserError) throw err;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new UserError(`Could not read the Telegram session file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
    }
    try {
      return JSON.parse(text) as SessionFileContent;
    } catch {
      throw new UserError(`The Telegram session file ${file} is damaged. Delete it and run "vault-archiver login" again.`);
    }
  }

  async function write(content: SessionFileContent): Promise<void> {
    if (vault) await checkSessionFileOutsideVault(file, vault);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    // Created 0600 from the first byte; the rename makes it whole or absent.
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(content) + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.chmod(tmp, 0o600);
    await fs.rename(tmp, file);
  }

  return {
    async session() {
      return (await read()).session || undefined;
    },
    async apiCredentials() {
      return apiCredentialsFromEnv(env) ?? parseApiCredentials(JSON.stringify(await read()));
    },
    async saveSignIn(session, credentials) {
      await write({ session, apiId: credentials.apiId, apiHash: credentials.apiHash });
    },
    async deleteSession() {
      const content = await read().catch(() => ({}) as SessionFileContent);
      if (!content.session) return;
      const { apiId, apiHash } = content;
      // The app credentials stay for the next login; the session is gone from the disk.
      if (apiId !== undefined && apiHash) await write({ apiId, apiHash });
      else await fs.rm(file, { force: true });
    },
  };
}
