/**
 * Signing in by scanning a QR code with a Telegram app where the account is already signed in
 * (core.telegram.org/api/qr-login): auth.exportLoginToken gives a token that lives about 30 s; it
 * is shown as tg://login?token=<base64url> in a QR code and exported anew before it expires. When
 * the app accepts it, Telegram pushes updateLoginToken; the next auth.exportLoginToken answers
 * auth.loginTokenSuccess, or auth.loginTokenMigrateTo when the account lives on another DC (then
 * auth.importLoginToken there), or SESSION_PASSWORD_NEEDED for two-step verification, which goes
 * on through the code flow's password prompt. A pushed update can be missed (a reconnect): the
 * export before each new code asks again anyway. Written over client.invoke like auth.ts; after a
 * bounded number of codes the flow stops with a message. Tokens and URLs go to `showCode` only,
 * never into an error or a log.
 */
import { Api, type TelegramClient } from 'telegram';
import { UserError } from '../../errors';
import { type SignInFlow, type SignInOptions, type SignInResult, signInWithNewClient } from './auth';
import { abortError, bounded } from './client';
import { rpcErrorName } from './errors';

/** One QR code to show. */
export interface QrLoginCode {
  /** tg://login?token=…: what the QR code encodes (a secret for its short life: show it, never log it). */
  readonly url: string;
  /** When the code stops working, ms on this computer's clock (a new one is shown shortly before). */
  readonly expiresAt: number;
  /** Which code this is (1, 2, …) and how many are shown at most before the sign-in stops. */
  readonly index: number;
  readonly of: number;
}

export interface QrSignInOptions extends SignInOptions {
  /** Shows a code (replacing the previous one). The password, if any, is asked through `prompt`. */
  readonly showCode: (code: QrLoginCode) => void | Promise<void>;
  /** Codes shown before the flow stops. Default 10 (about five minutes at Telegram's 30 s). */
  readonly maxCodes?: number;
  /** This computer's clock (ms). */
  readonly now?: () => number;
}

export const DEFAULT_QR_CODES = 10;
/** Telegram's documented usual lifetime, used when `expires` cannot be trusted (clocks far apart). */
const USUAL_LIFETIME_MS = 30_000;
/** A new code is shown this long before the old one expires, so a scan never meets an expired code. */
const REFRESH_EARLY_MS = 1_000;
const MIN_SHOWN_MS = 500;

/** Signs in from an empty session with a QR code. Resolves with the session, or cancelled; throws UserError. */
export function signInWithQr(o: QrSignInOptions): Promise<SignInResult> {
  return signInWithNewClient(o, (flow, client) => new QrFlow(client, flow, o).run());
}

/** "tg://login?token=" + base64url (RFC 4648 §5, no padding), as core.telegram.org/api/links#qr-code-login-links. */
export function loginUrl(token: Uint8Array): string {
  return `tg://login?token=${Buffer.from(token).toString('base64url')}`;
}

class QrFlow {
  private readonly now: () => number;
  private readonly maxCodes: number;
  /** Wakes the wait for a scan; set while a code is shown. */
  private wake?: () => void;
  private scanned = false;

  constructor(
    private readonly client: TelegramClient,
    private readonly flow: SignInFlow,
    private readonly o: QrSignInOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.maxCodes = Math.max(1, o.maxCodes ?? DEFAULT_QR_CODES);
    // GramJS hands pushed updates to its event handlers; the client is closed after the flow, handler and all.
    client.addEventHandler((update: unknown) => {
      if (!(update instanceof Api.UpdateLoginToken)) return;
      this.scanned = true;
      this.wake?.();
    });
  }

  async run(): Promise<Api.TypeUser> {
    for (let shown = 0; ; ) {
      const answer = await this.exportToken();
      if (answer === 'password') return this.flow.enterPassword();
      if (answer instanceof Api.auth.LoginTokenSuccess) return this.flow.userOf(answer.authorization);
      if (answer instanceof Api.auth.LoginTokenMigrateTo) return this.migrate(answer);
      if (this.scanned) throw new UserError('Telegram accepted the QR code but did not finish the sign-in. Start it again.');
      if (shown >= this.maxCodes) {
        throw new UserError(`No Telegram app scanned the QR code (${this.maxCodes} codes in a row expired). Start the sign-in again with a Telegram app at hand, or sign in with the phone number.`);
      }
      shown++;
      const expiresAt = this.expiresAt(answer.expires);
      await this.o.showCode({ url: loginUrl(answer.token), expiresAt, index: shown, of: this.maxCodes });
      await this.waitForScanOr(Math.max(MIN_SHOWN_MS, expiresAt - this.now() - REFRESH_EARLY_MS));
    }
  }

  /** auth.exportLoginToken, or 'password' when Telegram answers SESSION_PASSWORD_NEEDED (after a scan). */
  private async exportToken(): Promise<Api.auth.TypeLoginToken | 'password'> {
    try {
      return await this.flow.call(new Api.auth.ExportLoginToken({ apiId: this.o.apiId, apiHash: this.o.apiHash, exceptIds: [] }), 'preparing the QR code');
    } catch (err) {
      if (rpcErrorName(err) === 'SESSION_PASSWORD_NEEDED') return 'password';
      throw err;
    }
  }

  /** The account lives on another DC: move there (a new key by DH) and import the login. */
  private async migrate(to: Api.auth.LoginTokenMigrateTo): Promise<Api.TypeUser> {
    const timeoutMs = this.o.timeoutMs ?? 20_000;
    await bounded(this.client._switchDC(to.dcId), timeoutMs, this.o.signal, `Could not reach Telegram's data center ${to.dcId} within ${Math.round(timeoutMs / 1000)} s to finish the sign-in. Check the connection and try again.`);
    let answer: Api.auth.TypeLoginToken;
    try {
      answer = await this.flow.call(new Api.auth.ImportLoginToken({ token: to.token }), 'finishing the QR sign-in');
    } catch (err) {
      const name = rpcErrorName(err);
      if (name === 'SESSION_PASSWORD_NEEDED') return this.flow.enterPassword();
      if (name === 'AUTH_TOKEN_EXPIRED') throw new UserError('The QR sign-in took too long to finish on your account\'s data center. Start it again.');
      throw err;
    }
    if (answer instanceof Api.auth.LoginTokenSuccess) return this.flow.userOf(answer.authorization);
    throw new UserError('Telegram did not finish the QR sign-in on your account\'s data center. Start it again.');
  }

  /** `expires` is Telegram's clock (unix s); far from ours, Telegram's usual 30 s is assumed. */
  private expiresAt(expires: number): number {
    const left = expires * 1000 - this.now();
    return this.now() + (left > 0 && left <= 10 * 60_000 ? left : USUAL_LIFETIME_MS);
  }

  /** Until updateLoginToken, `ms`, or the signal. */
  private waitForScanOr(ms: number): Promise<void> {
    const signal = this.o.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.scanned) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (then: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.wake = undefined;
        then();
      };
      const onAbort = () => done(() => reject(abortError(signal)));
      const timer = setTimeout(() => done(resolve), ms);
      this.wake = () => done(resolve);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
