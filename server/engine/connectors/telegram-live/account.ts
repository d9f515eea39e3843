/**
 * The Telegram account of this worker or CLI run: sign in, sign out, who is signed in, the chats
 * to pick from, and resolving what a user typed. Owns the shared client (`access`), which the
 * sync connector uses too, and starts it afresh whenever the session changes.
 */
import { UserError } from '../../errors';
import { type TelegramAccess, type TelegramSecrets, createTelegramAccess } from './access';
import { type SignInPrompt, type SignInResult, type TelegramAccountInfo, currentAccount, logOut, signIn } from './auth';
import { API_CREDENTIALS_HELP, SESSION_REVOKED, type TelegramApiCredentials, closeTelegramClient, openTelegramClient } from './client';
import { type ChatSearchPage, DialogDirectory, type TelegramChat } from './dialogs';
import type { TelegramEndpoint } from './endpoint';
import { type QrSignInOptions, signInWithQr } from './qrAuth';
import { inputPeerOf, resolveTelegramChat } from './resolve';
import type { Api } from 'telegram';

/** Where the session lives (SecretStorage, the CLI's session file), readable and writable. */
export interface TelegramSecretStore extends TelegramSecrets {
  /** Keeps a new session and the credentials it was made with. */
  saveSignIn(session: string, credentials: TelegramApiCredentials): Promise<void>;
  /** Deletes the session (the API credentials stay, for the next sign-in). */
  deleteSession(): Promise<void>;
}

export interface TelegramAccountStatus {
  readonly signedIn: boolean;
  readonly account?: TelegramAccountInfo;
  /** Why a stored session does not work (revoked, Telegram unreachable). */
  readonly problem?: string;
}

export interface TelegramAccountOptions {
  readonly store: TelegramSecretStore;
  readonly endpoint?: TelegramEndpoint;
  /** How to sign in where the user is: 'Run "Vault Archiver: Sign In to Telegram".' */
  readonly signInHelp: string;
  readonly timeoutMs?: number;
}

export class TelegramAccount {
  private current: TelegramAccess;
  private directory: DialogDirectory;

  constructor(private readonly o: TelegramAccountOptions) {
    this.current = this.newAccess();
    this.directory = this.newDirectory();
  }

  /** The shared client of the signed-in account, for the sync connector. */
  get access(): TelegramAccess {
    return { client: (signal) => this.current.client(signal), close: () => this.current.close() };
  }

  /**
   * Signs in from an empty session with the user's answers to `prompt`. `credentials` are the API
   * id and hash the user just typed; without them the stored ones are used. The new session (and
   * the credentials) are stored only once Telegram accepted the sign-in.
   */
  signIn(prompt: SignInPrompt, credentials: TelegramApiCredentials | undefined, signal?: AbortSignal): Promise<TelegramAccountStatus> {
    return this.keepSignIn(credentials, (creds) => signIn({ ...creds, prompt, endpoint: this.o.endpoint, signal, timeoutMs: this.o.timeoutMs }));
  }

  /**
   * Signs in by a QR code scanned with a Telegram app (qrAuth.ts): `showCode` shows each code,
   * `prompt` asks for the two-step verification password if the account has one. Stored as signIn.
   */
  signInWithQr(showCode: QrSignInOptions['showCode'], prompt: SignInPrompt, credentials: TelegramApiCredentials | undefined, signal?: AbortSignal, maxCodes?: number): Promise<TelegramAccountStatus> {
    return this.keepSignIn(credentials, (creds) => signInWithQr({ ...creds, prompt, showCode, maxCodes, endpoint: this.o.endpoint, signal, timeoutMs: this.o.timeoutMs }));
  }

  /** Runs a sign-in flow with the given or stored credentials; keeps its session once Telegram accepted it. */
  private async keepSignIn(credentials: TelegramApiCredentials | undefined, run: (creds: TelegramApiCredentials) => Promise<SignInResult>): Promise<TelegramAccountStatus> {
    const creds = credentials ?? (await this.o.store.apiCredentials());
    if (!creds) throw new UserError(`Signing in needs the API id and hash of a Telegram app. ${API_CREDENTIALS_HELP}`);
    const result = await run(creds);
    if (result.cancelled) return { signedIn: false };
    await this.current.close();
    const [replaced, replacedCreds] = await Promise.all([this.o.store.session(), this.o.store.apiCredentials()]);
    await this.o.store.saveSignIn(result.session, creds);
    this.current = this.newAccess();
    this.directory = this.newDirectory();
    // The session this one replaces would otherwise stay valid on Telegram with nobody holding it.
    if (replaced && replaced !== result.session) await this.endQuietly(replaced, replacedCreds ?? creds);
    return { signedIn: true, account: result.account };
  }

  /** auth.logOut for a session no longer kept; a session Telegram already forgot, or no answer in 5 s, is left be. */
  private async endQuietly(session: string, creds: TelegramApiCredentials): Promise<void> {
    try {
      const client = await openTelegramClient({ ...creds, session, endpoint: this.o.endpoint, timeoutMs: 5000 });
      try {
        await logOut(client, undefined, 5000);
      } finally {
        await closeTelegramClient(client);
      }
    } catch {
      // best effort: Telegram → Settings → Devices lists it otherwise
    }
  }

  /** Ends the session on Telegram (auth.logOut) and deletes it here, also when Telegram cannot be reached. */
  async signOut(signal?: AbortSignal): Promise<void> {
    await this.current.close();
    const [session, creds] = await Promise.all([this.o.store.session(), this.o.store.apiCredentials()]);
    let problem: unknown;
    if (session && creds) {
      try {
        const client = await openTelegramClient({ ...creds, session, endpoint: this.o.endpoint, signal, timeoutMs: this.o.timeoutMs });
        try {
          await logOut(client, signal, this.o.timeoutMs);
        } finally {
          await closeTelegramClient(client);
        }
      } catch (err) {
        problem = err;
      }
    }
    // Deleted in any case: a session that may still work must not stay on disk after "sign out".
    await this.o.store.deleteSession();
    this.current = this.newAccess();
    this.directory = this.newDirectory();
    if (problem && !(problem instanceof UserError && problem.message === SESSION_REVOKED)) {
      const why = problem instanceof UserError ? problem.message : 'Telegram could not be reached.';
      throw new UserError(`The session was deleted from this computer, but Telegram was not told: ${why} To end it there too, open Telegram → Settings → Devices and terminate "Vault Archiver".`);
    }
  }

  /** Who is signed in; a stored session that Telegram refuses is reported, not thrown. */
  async status(signal?: AbortSignal): Promise<TelegramAccountStatus> {
    const [session, creds] = await Promise.all([this.o.store.session(), this.o.store.apiCredentials()]);
    if (!session || !creds) return { signedIn: false };
    try {
      return { signedIn: true, account: await currentAccount(await this.current.client(signal), signal, this.o.timeoutMs) };
    } catch (err) {
      if (err instanceof UserError) return { signedIn: false, problem: err.message };
      throw err;
    }
  }

  /** Chats of the account whose title or username match `search`, a page at a time. */
  chats(search: string, cursor: string | undefined, limit: number, signal?: AbortSignal): Promise<ChatSearchPage> {
    return this.directory.search(search, cursor, Math.max(1, Math.min(limit, 200)), signal);
  }

  /** A chat of the account from what the user typed (link, @username, id). */
  resolve(ref: string, signal?: AbortSignal): Promise<TelegramChat> {
    return resolveTelegramChat((s) => this.current.client(s), this.directory, ref, signal);
  }

  /** The chat directory of the signed-in account (GramJS learns access hashes from it). */
  get dialogs(): DialogDirectory {
    return this.directory;
  }

  /** The input peer of a chat known by its marked id, for history and file requests. */
  async inputPeer(chat: Pick<TelegramChat, 'markedId'>, signal?: AbortSignal): Promise<Api.TypeInputPeer> {
    return inputPeerOf(await this.current.client(signal), this.directory, chat, signal);
  }

  async close(): Promise<void> {
    await this.current.close();
  }

  private newAccess(): TelegramAccess {
    return createTelegramAccess({ secrets: this.o.store, endpoint: this.o.endpoint, signInHelp: this.o.signInHelp, timeoutMs: this.o.timeoutMs });
  }

  private newDirectory(): DialogDirectory {
    return new DialogDirectory((signal) => this.current.client(signal));
  }
}
