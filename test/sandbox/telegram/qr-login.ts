// Login via QR code (core.telegram.org/api/qr-login):
// 1. the new app calls auth.exportLoginToken {api_id, api_hash, except_ids} and shows
//    tg://login?token=<base64url token> as a QR code; the token "usually" lives 30 seconds (`expires`), after which
//    the app exports a new one;
// 2. a signed-in app of the account scans it and calls auth.acceptLoginToken {token}, which returns the new
//    session's Authorization; the server then sends updateShort { updateLoginToken } to the waiting app;
// 3. the waiting app calls auth.exportLoginToken again and gets auth.loginTokenSuccess {authorization}, or
//    auth.loginTokenMigrateTo {dc_id, token} when the account lives on another DC: it then calls
//    auth.importLoginToken {token} on that DC for auth.loginTokenSuccess; an account with two-step verification
//    answers 401 SESSION_PASSWORD_NEEDED instead, and the app goes on with auth.checkPassword (api/srp).
// Errors as core.telegram.org/method/auth.acceptLoginToken and /method/auth.importLoginToken list them:
// AUTH_TOKEN_EXPIRED, AUTH_TOKEN_ALREADY_ACCEPTED, AUTH_TOKEN_INVALIDX (accept), AUTH_TOKEN_INVALID (import).
// Token sizes and the lifetime of a migration token are not published: the sandbox uses 32 random bytes and
// the QR lifetime (`model.loginTokenLifetimeSeconds`, on the sandbox clock) for both.
import { randomBytes } from 'node:crypto';
import { Api } from 'telegram';
import { L, RpcFailure } from './tl';

/** A token shown as a QR code: the key (on the DC) that exported it waits for a scan. */
interface QrToken {
  keyId: bigint;
  dcId: number;
  expiresAtMs: number;
  /** Who scanned it (auth.acceptLoginToken); the next export of that key finishes the login. */
  acceptedUserId?: number;
  /** The accepted token's login was handed out (success, migration or the password step). */
  consumed?: boolean;
  /** The waiting app, as its initConnection described it (for the Authorization the scanner gets back). */
  client: ClientInfo;
  /** Order of issue (newest last). */
  seq: number;
}

/** An auth.loginTokenMigrateTo token: the account's login, to import once on its own DC. */
interface MigrateToken {
  userId: number;
  dcId: number;
  expiresAtMs: number;
  used?: boolean;
}

export interface ClientInfo {
  deviceModel: string;
  systemVersion: string;
  appVersion: string;
  apiId: number;
}

export interface LoginTokenHost {
  now(): number;
  lifetimeSeconds(): number;
  /** Sends a server-initiated Updates to every live session of that key on that DC; how many got it. */
  pushUpdates(keyId: bigint, dcId: number, updates: Api.TypeUpdates): number;
}

/** What the waiting key gets from auth.exportLoginToken once its token was accepted. */
export type AcceptedLogin = { kind: 'none' } | { kind: 'here'; userId: number } | { kind: 'migrate'; userId: number };

export class LoginTokenBook {
  private readonly qr = new Map<string, QrToken>();
  private readonly migrate = new Map<string, MigrateToken>();
  private issued = 0;

  constructor(private readonly host: LoginTokenHost) {}

  /** A new QR token for this key on this DC, valid `lifetimeSeconds` on the sandbox clock. */
  issue(keyId: bigint, dcId: number, client: ClientInfo): Api.auth.LoginToken {
    this.sweep();
    const token = randomBytes(32);
    const expiresAtMs = this.host.now() + this.host.lifetimeSeconds() * 1000;
    this.qr.set(token.toString('hex'), { keyId, dcId, expiresAtMs, client, seq: ++this.issued });
    return new Api.auth.LoginToken({ expires: Math.floor(expiresAtMs / 1000), token });
  }

  /**
   * auth.acceptLoginToken by a signed-in session of `userId` (or the sandbox's stand-in for a phone's scan):
   * marks the token and pushes updateLoginToken to the waiting app. Returns the new session's Authorization.
   */
  accept(token: Buffer, userId: number): Api.Authorization {
    const t = this.qr.get(token.toString('hex'));
    if (!t) throw new RpcFailure(400, 'AUTH_TOKEN_INVALIDX');
    if (t.acceptedUserId !== undefined) throw new RpcFailure(400, 'AUTH_TOKEN_ALREADY_ACCEPTED');
    if (this.host.now() > t.expiresAtMs) throw new RpcFailure(400, 'AUTH_TOKEN_EXPIRED');
    t.acceptedUserId = userId;
    const date = Math.floor(this.host.now() / 1000);
    this.host.pushUpdates(t.keyId, t.dcId, new Api.UpdateShort({ update: new Api.UpdateLoginToken(), date }));
    return new Api.Authorization({
      hash: L(randomBytes(8).readBigInt64LE(0)),
      deviceModel: t.client.deviceModel,
      platform: 'sandbox',
      systemVersion: t.client.systemVersion,
      apiId: t.client.apiId,
      appName: 'sandbox app',
      appVersion: t.client.appVersion,
      dateCreated: date,
      dateActive: date,
      ip: '127.0.0.1',
      country: 'Sandbox',
      region: '',
    });
  }

  /** The scanned-but-unfinished login of this key on this DC, handed out once (the export that follows the scan). */
  takeAccepted(keyId: bigint, dcId: number, homeDcId: number): AcceptedLogin {
    for (const t of this.qr.values()) {
      if (t.keyId !== keyId || t.dcId !== dcId || t.acceptedUserId === undefined || t.consumed) continue;
      t.consumed = true;
      return dcId === homeDcId ? { kind: 'here', userId: t.acceptedUserId } : { kind: 'migrate', userId: t.acceptedUserId };
    }
    return { kind: 'none' };
  }

  /** The token of auth.loginTokenMigrateTo: the account's login, for auth.importLoginToken on `dcId`. */
  issueMigration(userId: number, dcId: number): Api.auth.LoginTokenMigrateTo {
    const token = randomBytes(32);
    this.migrate.set(token.toString('hex'), { userId, dcId, expiresAtMs: this.host.now() + this.host.lifetimeSeconds() * 1000 });
    return new Api.auth.LoginTokenMigrateTo({ dcId, token });
  }

  /** auth.importLoginToken on `dcId`: the user the migration token signs in. */
  import(token: Buffer, dcId: number): number {
    const t = this.migrate.get(token.toString('hex'));
    if (!t || t.dcId !== dcId) throw new RpcFailure(400, 'AUTH_TOKEN_INVALID');
    if (t.used) throw new RpcFailure(400, 'AUTH_TOKEN_ALREADY_ACCEPTED');
    if (this.host.now() > t.expiresAtMs) throw new RpcFailure(400, 'AUTH_TOKEN_EXPIRED');
    t.used = true;
    return t.userId;
  }

  /** Tokens still waiting for a scan, newest first (what a QR code on screen shows). */
  waiting(): Buffer[] {
    const now = this.host.now();
    return [...this.qr.entries()]
      .filter(([, t]) => t.acceptedUserId === undefined && t.expiresAtMs >= now)
      .sort(([, a], [, b]) => b.seq - a.seq)
      .map(([hex]) => Buffer.from(hex, 'hex'));
  }

  /** Forgets tokens long expired (ten lifetimes), so a long run does not grow the book. */
  private sweep(): void {
    const horizon = this.host.now() - 10 * this.host.lifetimeSeconds() * 1000;
    for (const [k, t] of this.qr) if (t.expiresAtMs < horizon) this.qr.delete(k);
    for (const [k, t] of this.migrate) if (t.expiresAtMs < horizon) this.migrate.delete(k);
  }
}
