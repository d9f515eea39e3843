/**
 * The Telegram account as the worker and the CLI hold it: GramJS (a large library that parses its
 * whole TL schema when loaded) is loaded on the first call that needs Telegram, so importing an
 * export or printing --version does not pay for it. Same methods as TelegramAccount.
 */
import type { Api } from 'telegram';
import type { TelegramAccess } from './access';
import type { TelegramAccount, TelegramAccountOptions, TelegramAccountStatus } from './account';
import type { SignInPrompt } from './auth';
import type { TelegramApiCredentials } from './client';
import type { ChatSearchPage, TelegramChat } from './dialogs';
import type { TelegramEndpoint } from './endpoint';
import type { QrLoginCode } from './qrAuth';

/** What the worker's handlers, the CLI and the sync connector use of the account. */
export interface TelegramAccountPort {
  /** The shared, signed-in client (see access.ts). */
  readonly access: TelegramAccess;
  signIn(prompt: SignInPrompt, credentials: TelegramApiCredentials | undefined, signal?: AbortSignal): Promise<TelegramAccountStatus>;
  /** Sign-in by QR code: `showCode` shows each code, `prompt` asks the two-step password (qrAuth.ts). */
  signInWithQr(showCode: (code: QrLoginCode) => void | Promise<void>, prompt: SignInPrompt, credentials: TelegramApiCredentials | undefined, signal?: AbortSignal, maxCodes?: number): Promise<TelegramAccountStatus>;
  signOut(signal?: AbortSignal): Promise<void>;
  status(signal?: AbortSignal): Promise<TelegramAccountStatus>;
  chats(search: string, cursor: string | undefined, limit: number, signal?: AbortSignal): Promise<ChatSearchPage>;
  resolve(ref: string, signal?: AbortSignal): Promise<TelegramChat>;
  /** The input peer of a chat known by its marked id, for history and file requests. */
  inputPeer(chat: Pick<TelegramChat, 'markedId'>, signal?: AbortSignal): Promise<Api.TypeInputPeer>;
  close(): Promise<void>;
}

export interface LazyTelegramAccountOptions extends Omit<TelegramAccountOptions, 'endpoint'> {
  /** Read with GramJS's loading (endpoint.ts: a malformed override then fails Telegram's calls only). */
  readonly endpoint?: () => TelegramEndpoint | undefined;
}

export function lazyTelegramAccount(o: LazyTelegramAccountOptions): TelegramAccountPort {
  let loading: Promise<TelegramAccount> | undefined;
  const account = () => (loading ??= import('./account').then((m) => new m.TelegramAccount({ ...o, endpoint: o.endpoint?.() })));
  return {
    access: {
      client: async (signal) => (await account()).access.client(signal),
      close: async () => {
        if (loading) await (await loading).access.close();
      },
    },
    signIn: async (prompt, credentials, signal) => (await account()).signIn(prompt, credentials, signal),
    signInWithQr: async (showCode, prompt, credentials, signal, maxCodes) => (await account()).signInWithQr(showCode, prompt, credentials, signal, maxCodes),
    signOut: async (signal) => (await account()).signOut(signal),
    status: async (signal) => (await account()).status(signal),
    chats: async (search, cursor, limit, signal) => (await account()).chats(search, cursor, limit, signal),
    resolve: async (ref, signal) => (await account()).resolve(ref, signal),
    inputPeer: async (chat, signal) => (await account()).inputPeer(chat, signal),
    close: async () => {
      if (loading) await (await loading).close();
    },
  };
}
