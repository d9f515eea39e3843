/**
 * Signing in to Telegram from an empty session, as a user does in an app
 * (core.telegram.org/api/auth): auth.sendCode → the login code → auth.signIn, and, for accounts
 * with two-step verification, account.getPassword → the password → auth.checkPassword over SRP
 * (core.telegram.org/api/srp). The prompts are injected: VS Code input boxes in the extension, a
 * terminal in the CLI; each may return null to cancel. The flow is written over client.invoke
 * rather than GramJS's start(), so every Telegram error gets its own message and retry rule.
 * No phone number, code, password or session string is put into any message or error.
 */
import { Api, type TelegramClient } from 'telegram';
import { computeCheck } from 'telegram/Password';
import { UserError } from '../../errors';
import { isAbortError } from '../../util/abort';
import { type OpenClientOptions, type TelegramApiCredentials, abortError, bounded, closeTelegramClient, openTelegramClient } from './client';
import type { TelegramEndpoint } from './endpoint';
import { explainTelegramError, rpcErrorName } from './errors';

export type SignInPromptKind = 'phone' | 'code' | 'password';

export interface SignInPromptInfo {
  /** What to tell the user besides the question: where the code was sent, the password's hint. */
  readonly hint?: string;
  /** Why the previous answer was refused (a wrong code), to show with the question. */
  readonly error?: string;
}

/** Asks the user one thing; null when the user cancelled. */
export type SignInPrompt = (kind: SignInPromptKind, info: SignInPromptInfo) => Promise<string | null>;

/** Who is signed in; no phone number (it stays out of logs and messages). */
export interface TelegramAccountInfo {
  readonly userId: number;
  readonly name: string;
  readonly username?: string;
}

export interface SignInOptions extends TelegramApiCredentials {
  readonly prompt: SignInPrompt;
  readonly endpoint?: TelegramEndpoint;
  readonly signal?: AbortSignal;
  /** Bound of each request to Telegram. Default 20 s. */
  readonly timeoutMs?: number;
}

export type SignInResult = { readonly cancelled: true } | { readonly cancelled: false; readonly session: string; readonly account: TelegramAccountInfo };

/** Attempts at each answer before the flow stops (Telegram itself floods sooner or later). */
const MAX_ATTEMPTS = 5;
/** New codes sent after an expired one. */
const MAX_RESENDS = 2;

class Cancelled extends Error {}

/** Signs in from an empty session. Resolves with the new session string, or cancelled. Throws UserError. */
export function signIn(o: SignInOptions): Promise<SignInResult> {
  return signInWithNewClient(o, (flow) => flow.run());
}

/**
 * Opens a client on an empty session, runs one sign-in flow over it and returns the session it
 * ends with (the QR flow in qrAuth.ts shares this with the code flow). Closes the client always.
 */
export async function signInWithNewClient(o: SignInOptions, run: (flow: SignInFlow, client: TelegramClient) => Promise<Api.TypeUser>): Promise<SignInResult> {
  const timeoutMs = o.timeoutMs ?? 20_000;
  const client = await openTelegramClient({ session: '', apiId: o.apiId, apiHash: o.apiHash, endpoint: o.endpoint, signal: o.signal, timeoutMs });
  const flow = new SignInFlow(client, o, timeoutMs);
  try {
    const user = await run(flow, client);
    const session = String(client.session.save());
    return { cancelled: false, session, account: accountOf(user) };
  } catch (err) {
    if (err instanceof Cancelled || isAbortError(err)) return { cancelled: true };
    throw explainTelegramError(err, 'signing in');
  } finally {
    await closeTelegramClient(client);
  }
}

export class SignInFlow {
  constructor(
    private readonly client: TelegramClient,
    private readonly o: SignInOptions,
    private readonly timeoutMs: number,
  ) {}

  async run(): Promise<Api.TypeUser> {
    const { phone, sent } = await this.sendCode();
    if (sent instanceof Api.auth.SentCodeSuccess) return this.userOf(sent.authorization);
    return this.enterCode(phone, sent);
  }

  private async ask(kind: SignInPromptKind, info: SignInPromptInfo): Promise<string> {
    const answer = await bounded(this.o.prompt(kind, info), 2 ** 31 - 1, this.o.signal, 'No answer.');
    if (answer === null || answer === undefined) throw new Cancelled();
    return answer;
  }

  /** One request, bounded by the timeout and the signal; Telegram's errors explained (UserError) or passed on by name. */
  call<R extends Api.AnyRequest>(request: R, doing: string): Promise<R['__response']> {
    if (this.o.signal?.aborted) throw abortError(this.o.signal);
    return bounded(this.client.invoke(request), this.timeoutMs, this.o.signal, `Telegram did not answer within ${Math.round(this.timeoutMs / 1000)} s while ${doing}. Check the connection and try again.`).catch((err: unknown) => {
      throw explainTelegramError(err, doing, true);
    });
  }

  private async sendCode(): Promise<{ phone: string; sent: Api.auth.TypeSentCode }> {
    let error: string | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const phone = normalisePhone(await this.ask('phone', { hint: 'Your phone number in international format, with the country code (+44 20 …).', error }));
      if (!phone) {
        error = 'That is not a phone number: type it with the country code, e.g. +44 20 7946 0000.';
        continue;
      }
      try {
        return { phone, sent: await this.requestCode(phone) };
      } catch (err) {
        if (rpcErrorName(err) !== 'PHONE_NUMBER_INVALID') throw err;
        error = 'Telegram does not know this phone number: check it, with the country code.';
      }
    }
    throw new UserError('Sign-in stopped after several phone numbers Telegram could not use.');
  }

  private requestCode(phone: string): Promise<Api.auth.TypeSentCode> {
    // On another DC than the account's, Telegram answers PHONE_MIGRATE_X: GramJS moves there by itself.
    return this.call(new Api.auth.SendCode({ phoneNumber: phone, apiId: this.o.apiId, apiHash: this.o.apiHash, settings: new Api.CodeSettings({}) }), 'sending the login code');
  }

  private async enterCode(phone: string, first: Api.auth.SentCode): Promise<Api.TypeUser> {
    let sent = first;
    let error: string | undefined;
    let resends = 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const code = (await this.ask('code', { hint: whereTheCodeWent(sent), error })).replace(/[\s-]/g, '');
      if (!/^\d{3,10}$/.test(code)) {
        error = 'A login code is digits only.';
        continue;
      }
      let result: Api.auth.TypeAuthorization;
      try {
        result = await this.call(new Api.auth.SignIn({ phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code }), 'checking the login code');
      } catch (err) {
        const name = rpcErrorName(err);
        if (name === 'SESSION_PASSWORD_NEEDED') return this.enterPassword();
        if (name === 'PHONE_CODE_INVALID' || name === 'PHONE_CODE_EMPTY') {
          error = 'That code is not right. Type the code Telegram sent (check the Telegram app on your other devices).';
          continue;
        }
        if (name === 'PHONE_CODE_EXPIRED') {
          if (resends++ >= MAX_RESENDS) throw new UserError('The login codes expired before they were typed. Start the sign-in again.');
          const again = await this.requestCode(phone);
          if (again instanceof Api.auth.SentCodeSuccess) return this.userOf(again.authorization);
          sent = again;
          error = 'That code expired. Telegram sent a new one: type the new code.';
          continue;
        }
        throw err;
      }
      return this.userOf(result);
    }
    throw new UserError('Sign-in stopped after several wrong codes. Start it again and type the newest code Telegram sent.');
  }

  /** Two-step verification after SESSION_PASSWORD_NEEDED (the code flow's and the QR flow's). */
  async enterPassword(): Promise<Api.TypeUser> {
    let error: string | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // Each SRP challenge serves one attempt: ask for a fresh one every time.
      const params = await this.call(new Api.account.GetPassword(), 'starting two-step verification');
      const hint = params.hint ? `Two-step verification password (hint: ${params.hint})` : 'Two-step verification password';
      const password = await this.ask('password', { hint, error });
      let check: Api.InputCheckPasswordSRP;
      try {
        check = await computeCheck(params, password);
      } catch {
        throw new UserError('Telegram sent two-step verification parameters this version cannot use. Update Vault Archiver and try again.');
      }
      try {
        return this.userOf(await this.call(new Api.auth.CheckPassword({ password: check }), 'checking the password'));
      } catch (err) {
        if (rpcErrorName(err) !== 'PASSWORD_HASH_INVALID') throw err;
        error = 'That password is not right.';
      }
    }
    throw new UserError('Sign-in stopped after several wrong passwords. If you forgot it, reset it in a Telegram app (Settings → Privacy and Security → Two-Step Verification).');
  }

  userOf(auth: Api.auth.TypeAuthorization): Api.TypeUser {
    if (auth instanceof Api.auth.AuthorizationSignUpRequired) {
      throw new UserError('No Telegram account uses this phone number. Create the account in a Telegram app first, then sign in here.');
    }
    return auth.user;
  }
}

/** "+44 20 7946-0000" → "442079460000"; undefined when it cannot be a phone number (E.164: up to 15 digits). */
export function normalisePhone(text: string): string | undefined {
  const digits = text.trim().replace(/^\+/, '').replace(/[\s().-]/g, '');
  return /^\d{5,15}$/.test(digits) ? digits : undefined;
}

function whereTheCodeWent(sent: Api.auth.SentCode): string {
  const t = sent.type;
  if (t instanceof Api.auth.SentCodeTypeApp) return 'Telegram sent a login code to your Telegram app on another device (a chat named "Telegram").';
  if (t instanceof Api.auth.SentCodeTypeSms || t instanceof Api.auth.SentCodeTypeFirebaseSms) return 'Telegram sent a login code by SMS.';
  if (t instanceof Api.auth.SentCodeTypeCall) return 'Telegram is calling you to tell a login code.';
  if (t instanceof Api.auth.SentCodeTypeEmailCode) return 'Telegram sent a login code to your email address.';
  if (t instanceof Api.auth.SentCodeTypeFragmentSms) return 'Telegram sent a login code through fragment.com.';
  return 'Type the login code Telegram sent.';
}

/** Name and username of a user (no phone number). */
export function accountOf(user: Api.TypeUser): TelegramAccountInfo {
  if (!(user instanceof Api.User)) return { userId: Number(user.id), name: 'Deleted Account' };
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.username || `User ${String(user.id)}`;
  return { userId: Number(user.id), name, ...(user.username ? { username: user.username } : {}) };
}

/** The signed-in account of a connected client. */
export async function currentAccount(client: TelegramClient, signal?: AbortSignal, timeoutMs = 20_000): Promise<TelegramAccountInfo> {
  const [me] = await bounded(client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] })), timeoutMs, signal, 'Telegram did not answer in time.').catch((err: unknown) => {
    throw explainTelegramError(err, 'reading the account');
  });
  if (!me) throw new UserError('Telegram did not return the signed-in account.');
  return accountOf(me);
}

/**
 * Ends the session on Telegram's side (auth.logOut): the session string stops working everywhere.
 * A session Telegram already forgot counts as signed out. Closes nothing: the caller owns the client.
 */
export async function logOut(client: TelegramClient, signal?: AbortSignal, timeoutMs = 20_000): Promise<void> {
  try {
    await bounded(client.invoke(new Api.auth.LogOut()), timeoutMs, signal, 'Telegram did not answer the sign-out in time.');
  } catch (err) {
    const e = explainTelegramError(err, 'signing out');
    if (e instanceof UserError && /no longer accepts/.test(e.message)) return;
    throw e;
  }
}

export type { OpenClientOptions };
