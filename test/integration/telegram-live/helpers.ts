/** Shared setup for the live-Telegram account tests: the sandbox as an endpoint, a memory secret store, scripted prompts. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TelegramSecretStore } from '../../../server/engine/connectors/telegram-live/account';
import type { SignInPrompt, SignInPromptInfo, SignInPromptKind } from '../../../server/engine/connectors/telegram-live/auth';
import type { TelegramApiCredentials } from '../../../server/engine/connectors/telegram-live/client';
import { type TelegramEndpoint, parseTelegramEndpoint } from '../../../server/engine/connectors/telegram-live/endpoint';
import { type TelegramSandbox, telegramSandboxInfo } from '../../sandbox/telegram';

/**
 * A CLI process's environment pointed at the sandbox: the config folder (and so the session file)
 * inside `dir`, the sandbox as the server, the API id and hash set; the caller's own Telegram
 * variables removed.
 */
export function cliSandboxEnv(sb: TelegramSandbox, dir: string): { env: NodeJS.ProcessEnv; sessionFile: string } {
  const { VAULT_ARCHIVER_TELEGRAM_API_ID: _i, VAULT_ARCHIVER_TELEGRAM_API_HASH: _h, VAULT_ARCHIVER_TELEGRAM_SESSION_FILE: _f, ...rest } = process.env;
  return {
    env: {
      ...rest,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      VAULT_ARCHIVER_TELEGRAM_SERVER: JSON.stringify(telegramSandboxInfo(sb)),
      VAULT_ARCHIVER_TELEGRAM_API_ID: String(sb.apiId),
      VAULT_ARCHIVER_TELEGRAM_API_HASH: sb.apiHash,
    },
    sessionFile: path.join(dir, 'config', 'vault-archiver', 'telegram-session'),
  };
}

/** The sandbox as production code sees it: the JSON it prints, read like VAULT_ARCHIVER_TELEGRAM_SERVER. */
export function sandboxEndpoint(sb: TelegramSandbox): TelegramEndpoint {
  return parseTelegramEndpoint(JSON.stringify({ telegram: telegramSandboxInfo(sb) }));
}

export function credentialsOf(sb: TelegramSandbox): TelegramApiCredentials {
  return { apiId: sb.apiId, apiHash: sb.apiHash };
}

export class MemoryStore implements TelegramSecretStore {
  stored?: string;
  creds?: TelegramApiCredentials;
  async session() {
    return this.stored;
  }
  async apiCredentials() {
    return this.creds;
  }
  async saveSignIn(session: string, credentials: TelegramApiCredentials) {
    this.stored = session;
    this.creds = credentials;
  }
  async deleteSession() {
    this.stored = undefined;
  }
}

export interface AskedPrompt {
  kind: SignInPromptKind;
  info: SignInPromptInfo;
}

/**
 * Answers prompts from a script: each entry is a kind and an answer, or a function run before
 * answering (to move the sandbox clock). Every question is kept to check what the user was shown.
 */
export function scriptedPrompt(script: ([SignInPromptKind, string | null] | (() => void))[]): SignInPrompt & { asked: AskedPrompt[] } {
  const asked: AskedPrompt[] = [];
  const prompt = async (kind: SignInPromptKind, info: SignInPromptInfo) => {
    asked.push({ kind, info });
    let step = script.shift();
    while (typeof step === 'function') {
      step();
      step = script.shift();
    }
    if (!step) throw new Error(`unexpected prompt for ${kind}`);
    if (step[0] !== kind) throw new Error(`asked for ${kind}, script has ${step[0]}`);
    return step[1];
  };
  return Object.assign(prompt, { asked });
}

/** The token inside a tg://login?token=<base64url> code (what a phone reads from the QR code). */
export function tokenOfLoginUrl(url: string): Buffer {
  const m = /^tg:\/\/login\?token=([A-Za-z0-9_-]+)$/.exec(url);
  assert.ok(m, 'a tg://login link with a base64url token');
  return Buffer.from(m[1]!, 'base64url');
}
