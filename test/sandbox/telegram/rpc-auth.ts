// Signing in (core.telegram.org/api/auth): codes, two-step verification over SRP (api/srp), and the
// authorization transfer between DCs (auth.exportAuthorization / auth.importAuthorization).
import { randomBytes } from 'node:crypto';
import { Api } from 'telegram';
import type { Handler, RpcContext } from './rpc';
import { SRP_G, SRP_PRIME, challenge, verify } from './srp';
import { L, RpcFailure, big, num, tlUser } from './tl';

/** Signs the key in as `userId` after a QR login (loginTokenSuccess), or asks for the password first. */
function finishQrLogin(ctx: RpcContext, userId: number): Api.auth.LoginTokenSuccess {
  if (ctx.model.passwords.has(userId)) {
    // core.telegram.org/api/qr-login: with two-step verification, "401 SESSION_PASSWORD_NEEDED" follows the scan.
    ctx.authKey.pendingPasswordUserId = userId;
    throw new RpcFailure(401, 'SESSION_PASSWORD_NEEDED');
  }
  ctx.authKey.userId = userId;
  return new Api.auth.LoginTokenSuccess({ authorization: new Api.auth.Authorization({ user: tlUser(ctx.model, userId) }) });
}

export const authHandlers: Record<string, Handler> = {
  // Login via QR code (core.telegram.org/api/qr-login; the token book in qr-login.ts). The first export shows a
  // token; the export after a scan finishes the login here or sends the app to the account's DC.
  'auth.exportLoginToken': (req, ctx) => {
    if (num(req.apiId) !== ctx.apiId || String(req.apiHash) !== ctx.apiHash) throw new RpcFailure(400, 'API_ID_INVALID');
    const accepted = ctx.loginTokens.takeAccepted(ctx.authKey.id, ctx.dcId, ctx.homeDcId);
    if (accepted.kind === 'migrate') return ctx.loginTokens.issueMigration(accepted.userId, ctx.homeDcId);
    if (accepted.kind === 'here') return finishQrLogin(ctx, accepted.userId);
    return ctx.loginTokens.issue(ctx.authKey.id, ctx.dcId, ctx.client);
  },
  // core.telegram.org/method/auth.acceptLoginToken: a signed-in session of the account scanned the code.
  'auth.acceptLoginToken': (req, ctx) => ctx.loginTokens.accept(Buffer.from(req.token ?? []), ctx.authKey.userId!),
  // core.telegram.org/method/auth.importLoginToken: the token of auth.loginTokenMigrateTo, on the DC it names.
  'auth.importLoginToken': (req, ctx) => finishQrLogin(ctx, ctx.loginTokens.import(Buffer.from(req.token ?? []), ctx.dcId)),
  'auth.sendCode': (req, ctx) => {
    if (num(req.apiId) !== ctx.apiId || String(req.apiHash) !== ctx.apiHash) throw new RpcFailure(400, 'API_ID_INVALID');
    const phone = String(req.phoneNumber).replace(/\D/g, '');
    if (!phone) throw new RpcFailure(400, 'PHONE_NUMBER_INVALID');
    // Every account of the sandbox lives on the home DC; asked elsewhere, a DC sends the client there
    // (core.telegram.org/api/datacenter: 303 PHONE_MIGRATE_X, "repeat the query to data-center X").
    if (ctx.dcId !== ctx.homeDcId) throw new RpcFailure(303, `PHONE_MIGRATE_${ctx.homeDcId}`);
    const phoneCodeHash = randomBytes(9).toString('hex');
    ctx.authKey.pendingLogin = { phone, phoneCodeHash, sentAtMs: ctx.now() };
    return new Api.auth.SentCode({ type: new Api.auth.SentCodeTypeApp({ length: ctx.model.loginCode.length }), phoneCodeHash, timeout: 60 });
  },
  'auth.signIn': (req, ctx) => {
    const phone = String(req.phoneNumber).replace(/\D/g, '');
    const pending = ctx.authKey.pendingLogin;
    if (!req.phoneCode) throw new RpcFailure(400, 'PHONE_CODE_EMPTY');
    if (!pending || pending.phone !== phone || pending.phoneCodeHash !== String(req.phoneCodeHash)) throw new RpcFailure(400, 'PHONE_CODE_EXPIRED');
    // core.telegram.org/method/auth.signIn: PHONE_CODE_EXPIRED, "the phone code you provided has expired".
    // Telegram does not publish a lifetime; the sandbox's is model.loginCodeLifetimeSeconds on sb.clock.
    if (ctx.now() - pending.sentAtMs > ctx.model.loginCodeLifetimeSeconds * 1000) {
      ctx.authKey.pendingLogin = undefined;
      throw new RpcFailure(400, 'PHONE_CODE_EXPIRED');
    }
    if (String(req.phoneCode) !== ctx.model.loginCode) throw new RpcFailure(400, 'PHONE_CODE_INVALID');
    const user = [...ctx.model.users.values()].find((u) => u.phone?.replace(/\D/g, '') === phone);
    if (!user) return new Api.auth.AuthorizationSignUpRequired({});
    ctx.authKey.pendingLogin = undefined;
    if (ctx.model.passwords.has(user.id)) {
      ctx.authKey.pendingPasswordUserId = user.id;
      throw new RpcFailure(401, 'SESSION_PASSWORD_NEEDED');
    }
    ctx.authKey.userId = user.id;
    return new Api.auth.Authorization({ user: tlUser(ctx.model, user.id) });
  },
  // core.telegram.org/method/auth.logOut: the authorization ends; the key answers 401 AUTH_KEY_UNREGISTERED after.
  'auth.logOut': (_req, ctx) => {
    ctx.authKey.userId = undefined;
    return new Api.auth.LoggedOut({});
  },
  // core.telegram.org/api/datacenter: a key is only signed in where the account signed in. For another DC the
  // client exports the authorization on its home DC (auth.exportAuthorization { dc_id }) and imports it with
  // that DC's own key (auth.importAuthorization { id: the user id, bytes }). The sandbox's tokens name their
  // target DC and serve once.
  'auth.exportAuthorization': (req, ctx) => {
    const dcId = num(req.dcId);
    if (dcId === ctx.dcId || !(dcId in ctx.dcPorts)) throw new RpcFailure(400, 'DC_ID_INVALID');
    const bytes = randomBytes(32);
    const userId = ctx.authKey.userId!;
    ctx.exportedAuth.set(bytes.toString('hex'), { userId, dcId });
    return new Api.auth.ExportedAuthorization({ id: L(userId), bytes });
  },
  'auth.importAuthorization': (req, ctx) => {
    const key = Buffer.from(req.bytes ?? []).toString('hex');
    const token = ctx.exportedAuth.get(key);
    if (!token || token.dcId !== ctx.dcId || token.userId !== num(req.id)) throw new RpcFailure(400, 'AUTH_BYTES_INVALID');
    ctx.exportedAuth.delete(key);
    ctx.authKey.userId = token.userId;
    return new Api.auth.Authorization({ user: tlUser(ctx.model, token.userId) });
  },
  'account.getPassword': (_req, ctx) => {
    const userId = ctx.authKey.userId ?? ctx.authKey.pendingPasswordUserId;
    const pw = userId === undefined ? undefined : ctx.model.passwords.get(userId);
    const newAlgo = new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({ salt1: randomBytes(8), salt2: randomBytes(16), g: SRP_G, p: SRP_PRIME });
    const newSecureAlgo = new Api.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000({ salt: randomBytes(8) });
    if (!pw) return new Api.account.Password({ newAlgo, newSecureAlgo, secureRandom: randomBytes(32) });
    const c = challenge(pw);
    ctx.authKey.srp = c;
    return new Api.account.Password({
      hasPassword: true,
      currentAlgo: new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({ salt1: pw.salt1, salt2: pw.salt2, g: SRP_G, p: SRP_PRIME }),
      srp_B: c.B,
      srpId: L(c.srpId),
      hint: pw.hint,
      newAlgo,
      newSecureAlgo,
      secureRandom: randomBytes(32),
    });
  },
  'auth.checkPassword': (req, ctx) => {
    const userId = ctx.authKey.pendingPasswordUserId ?? ctx.authKey.userId;
    const pw = userId === undefined ? undefined : ctx.model.passwords.get(userId);
    if (!pw || userId === undefined) throw new RpcFailure(400, 'PASSWORD_HASH_INVALID');
    const check = req.password;
    if (!(check instanceof Api.InputCheckPasswordSRP)) throw new RpcFailure(400, 'PASSWORD_HASH_INVALID');
    const c = ctx.authKey.srp;
    if (!c || c.srpId !== big(check.srpId)) throw new RpcFailure(400, 'SRP_ID_INVALID');
    ctx.authKey.srp = undefined; // one attempt per challenge, as Telegram
    if (!verify(pw, c, Buffer.from(check.A), Buffer.from(check.M1))) throw new RpcFailure(400, 'PASSWORD_HASH_INVALID');
    ctx.authKey.pendingPasswordUserId = undefined;
    ctx.authKey.userId = userId;
    return new Api.auth.Authorization({ user: tlUser(ctx.model, userId) });
  },
};
