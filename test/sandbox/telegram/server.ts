// The data centers: one TCP listener per DC on 127.0.0.1, each speaking MTProto 2.0 with its own auth keys
// (made by the DH exchange in handshake.ts, or registered up front for tests).
// This file is the session layer of core.telegram.org/mtproto/description and /service_messages:
// salts, sessions, msg_id and seq_no rules, containers, gzip_packed, acks, pings, rpc_result/rpc_error.
import net from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Api, errors } from 'telegram';
import { BinaryReader } from 'telegram/extensions';
import { type Direction, EnvelopeError, authKeyId, decryptEnvelope, encryptEnvelope, innerPlaintext } from './crypto';
import { Connection } from './connection';
import { KeyExchange, sandboxRsaKey } from './handshake';
import { CTOR, MalformedMessage, NOT_CONTENT_RELATED, SERVICE_FUNCTIONS, ServerMsgIds, badServerSalt, futureSalts, i32, i64, msgsAck, need, parseContainer, randomLong, readLongVector, readTlBytes, tlBytes, u32 } from './service';
import type { SandboxClock } from './clock';
import type { AppliedFaults, TelegramCounters, TelegramFaults } from './faults';
import type { FloodControl } from './flood';
import type { TelegramModel } from './model';
import { type AuthKeyRecord, RpcFailure, type RpcResult, invokeMethod, methodNameOf, moveRequestedFile } from './rpc';
import { type ClientInfo, LoginTokenBook } from './qr-login';
import { SaltBook } from './salts';

const SERVER: Direction = 'server-to-client';
const CLIENT: Direction = 'client-to-server';

interface Outgoing {
  msgId: bigint;
  seqNo: number;
  body: Buffer;
  /** Written alone with this transport behaviour (slow bytes or a drop halfway). */
  special?: { bytesPerSecond?: number; dropMidway?: boolean };
}

interface SessionState {
  key: AuthKeyRecord;
  sessionId: bigint;
  uniqueId: bigint;
  dcId: number;
  announced: boolean;
  contentSent: number;
  /** Accepted client msg_ids and their seq_no (the last 4096), for duplicates, msgs_state_req and error 32. */
  seen: Map<bigint, number>;
  seenOrder: bigint[];
  maxSeenId: bigint;
  maxSeenSeq: number;
  conn?: Connection;
  outbox: Outgoing[];
  flushScheduled: boolean;
  layer?: number;
  /** The app, from its initConnection (device model, versions). */
  client?: ClientInfo;
}

export interface CoreOptions {
  model: TelegramModel;
  faults: TelegramFaults;
  counters: TelegramCounters;
  apiId: number;
  apiHash: string;
  homeDcId: number;
  clock: SandboxClock;
  flood: FloodControl;
  /** A connection that has sent part of a frame and then nothing for this long is closed. */
  frameTimeoutMs: number;
}

export class SandboxCore {
  /** Auth keys by `${dcId}:${auth_key_id}`: a key belongs to the DC it was created on. */
  private readonly keys = new Map<string, AuthKeyRecord>();
  private readonly keyExchange: KeyExchange;
  readonly rsa = sandboxRsaKey();
  readonly dcPorts: Record<number, number> = {};
  private readonly servers = new Map<number, net.Server>();
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<string, SessionState>();
  private readonly salts: SaltBook;
  private readonly msgIds = new ServerMsgIds();
  private readonly exportedAuth = new Map<string, { userId: number; dcId: number }>();
  /** Layers clients declared through invokeWithLayer (answers are always encoded for layer 198). */
  readonly layersSeen = new Set<number>();
  /** Server-initiated Updates messages sent to sessions so far. */
  updatesPushed = 0;
  /** QR login tokens; accepting one pushes updateLoginToken to the app waiting on it. */
  readonly loginTokens: LoginTokenBook;

  constructor(readonly opts: CoreOptions) {
    this.salts = new SaltBook(opts.clock);
    this.loginTokens = new LoginTokenBook({
      now: () => opts.clock.now(),
      lifetimeSeconds: () => opts.model.loginTokenLifetimeSeconds,
      pushUpdates: (keyId, dcId, updates) => this.pushUpdates(keyId, dcId, updates.getBytes()),
    });
    opts.faults.onRotateSalt = (grace) => this.salts.rotateAll(grace);
    this.keyExchange = new KeyExchange({
      rsa: this.rsa,
      now: () => opts.clock.now(),
      count: (method, dcId) => opts.counters.countRequest(method, dcId),
      takeForcedRetry: () => opts.faults.takeDhGenRetry(),
      keyExists: (dcId, keyId) => this.keys.has(`${dcId}:${keyId}`),
      addKey: (dcId, key, salt) => {
        const rec = this.registerKey(key, [dcId]);
        this.salts.start(dcId, rec.id, salt);
      },
    });
  }

  /** Registers a key on the given DCs (one record: signing in on one signs in on all of them). */
  registerKey(key: Buffer, dcIds: readonly number[], userId?: number): AuthKeyRecord {
    const rec: AuthKeyRecord = { key, id: authKeyId(key), userId };
    for (const dc of dcIds) this.keys.set(`${dc}:${rec.id}`, rec);
    return rec;
  }

  async listen(dcId: number, port: number): Promise<number> {
    const server = net.createServer((socket) => this.accept(dcId, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const actual = (server.address() as net.AddressInfo).port;
    this.servers.set(dcId, server);
    this.dcPorts[dcId] = actual;
    return actual;
  }

  private accept(dcId: number, socket: net.Socket): void {
    socket.setNoDelay(true);
    const conn = new Connection(this, dcId, socket);
    this.connections.add(conn);
    socket.on('close', () => {
      this.connections.delete(conn);
      conn.dispose();
    });
  }

  /** Closes every client connection (they reconnect as a real client would). */
  dropAllConnections(): void {
    for (const c of this.connections) c.destroy();
  }

  connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await Promise.all(
      [...this.servers.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    );
    this.servers.clear();
  }

  // ---- incoming ------------------------------------------------------------------------------------------

  /**
   * One transport packet from a connection. Nothing a client sends may end the process: broken service TL
   * closes that connection (MalformedMessage), and anything unexpected is logged and closes it too.
   */
  handlePacket(conn: Connection, payload: Buffer): void {
    try {
      this.handlePacketUnguarded(conn, payload);
    } catch (e) {
      if (e instanceof MalformedMessage) conn.destroy();
      else this.internalError(conn, e);
    }
  }

  private internalError(conn: Connection | undefined, e: unknown): void {
    console.error('[telegram sandbox] closing a connection after an internal error:', e);
    conn?.destroy();
  }

  private handlePacketUnguarded(conn: Connection, payload: Buffer): void {
    if (payload.length < 8) return conn.destroy();
    const keyId = payload.readBigUInt64LE(0);
    if (keyId === 0n) return this.handlePlain(conn, payload);
    const key = this.keys.get(`${conn.dcId}:${keyId}`);
    if (!key) {
      conn.transportError(-404);
      return;
    }
    let msg;
    try {
      msg = decryptEnvelope(key.key, payload, CLIENT);
    } catch (e) {
      // A message that fails the msg_key or length checks is not from the key holder: drop the connection.
      if (e instanceof EnvelopeError) return conn.destroy();
      throw e;
    }
    const sk = `${conn.dcId}:${key.id}:${msg.sessionId}`;
    let session = this.sessions.get(sk);
    if (!session) {
      session = { key, sessionId: msg.sessionId, uniqueId: randomLong(), dcId: conn.dcId, announced: false, contentSent: 0, seen: new Map(), seenOrder: [], maxSeenId: 0n, maxSeenSeq: -1, outbox: [], flushScheduled: false };
      this.sessions.set(sk, session);
    }
    session.conn = conn;
    this.handleMessage(session, msg.msgId, msg.seqNo, msg.body, msg.salt, true);
  }

  /**
   * Unencrypted messages (core.telegram.org/mtproto/description#unencrypted-messages): auth_key_id 0, message_id,
   * message_data_length, message_data. Only the key exchange travels this way; anything else gets -404.
   */
  private handlePlain(conn: Connection, payload: Buffer): void {
    if (payload.length < 20) return conn.transportError(-404);
    const length = payload.readInt32LE(16);
    if (length < 4 || 20 + length > payload.length || payload.readBigInt64LE(8) === 0n) return conn.transportError(-404);
    const answer = this.keyExchange.handle(conn.dcId, payload.subarray(20, 20 + length));
    if ('transportError' in answer) return conn.transportError(answer.transportError);
    conn.writePayload(Buffer.concat([Buffer.alloc(8), i64(this.msgIds.next('response')), i32(answer.body.length), answer.body]));
  }

  private handleMessage(session: SessionState, msgId: bigint, seqNo: number, body: Buffer, salt: bigint | undefined, outer: boolean): void {
    if (msgId % 4n !== 0n) return this.badMsg(session, msgId, seqNo, 18);
    const sentAt = Number(msgId >> 32n);
    const now = Math.floor(Date.now() / 1000);
    if (sentAt < now - 300) return this.badMsg(session, msgId, seqNo, 16);
    if (sentAt > now + 30) return this.badMsg(session, msgId, seqNo, 17);
    if (session.seen.has(msgId)) return; // a re-sent message that was already processed
    if (outer) {
      if (!this.salts.accepts(session.dcId, session.key.id, salt)) {
        this.send(session, this.msgIds.next('response'), true, badServerSalt(msgId, seqNo, this.salts.current(session.dcId, session.key.id)));
        return;
      }
    }
    if (body.length < 4) return this.badMsg(session, msgId, seqNo, 64);
    const ctor = body.readUInt32LE(0);
    const contentRelated = this.isContentRelated(body);
    if (contentRelated && seqNo % 2 === 0) return this.badMsg(session, msgId, seqNo, 35);
    if (!contentRelated && seqNo % 2 === 1) return this.badMsg(session, msgId, seqNo, 34);
    if (this.seqNoTooLow(session, msgId, seqNo)) return this.badMsg(session, msgId, seqNo, 32);
    if (!session.announced) {
      session.announced = true;
      const b = Buffer.alloc(28);
      b.writeUInt32LE(CTOR.newSessionCreated, 0);
      b.writeBigInt64LE(msgId, 4);
      b.writeBigInt64LE(session.uniqueId, 12);
      b.writeBigInt64LE(this.salts.current(session.dcId, session.key.id), 20);
      this.send(session, this.msgIds.next('other'), true, b);
    }
    this.markSeen(session, msgId, seqNo);
    if (ctor === CTOR.msgContainer) {
      if (!outer) return this.badMsg(session, msgId, seqNo, 64);
      const inner = parseContainer(body);
      if (!inner || inner.some((m) => m.msgId >= msgId)) return this.badMsg(session, msgId, seqNo, 64);
      for (const m of inner) this.handleMessage(session, m.msgId, m.seqNo, m.body, undefined, false);
      return;
    }
    this.dispatch(session, msgId, body);
  }

  private isContentRelated(body: Buffer): boolean {
    const ctor = body.readUInt32LE(0);
    return !NOT_CONTENT_RELATED.has(ctor);
  }

  /**
   * bad_msg_notification code 32 (core.telegram.org/mtproto/service_messages_about_messages): "msg_seqno too
   * low (the server has already received a message with a lower msg_id but with either a higher or an equal
   * and odd seqno)". Messages usually arrive in msg_id order, when the highest seq_no so far decides at once.
   */
  private seqNoTooLow(session: SessionState, msgId: bigint, seqNo: number): boolean {
    const clash = (s: number) => s > seqNo || (s === seqNo && seqNo % 2 === 1);
    if (msgId > session.maxSeenId) return clash(session.maxSeenSeq);
    for (const [id, s] of session.seen) if (id < msgId && clash(s)) return true;
    return false;
  }

  private markSeen(session: SessionState, msgId: bigint, seqNo: number): void {
    session.seen.set(msgId, seqNo);
    session.seenOrder.push(msgId);
    if (msgId > session.maxSeenId) session.maxSeenId = msgId;
    if (seqNo > session.maxSeenSeq) session.maxSeenSeq = seqNo;
    if (session.seenOrder.length > 4096) session.seen.delete(session.seenOrder.shift()!);
  }

  private badMsg(session: SessionState, msgId: bigint, seqNo: number, code: number): void {
    const b = Buffer.alloc(20);
    b.writeUInt32LE(CTOR.badMsgNotification, 0);
    b.writeBigInt64LE(msgId, 4);
    b.writeInt32LE(seqNo, 12);
    b.writeInt32LE(code, 16);
    this.send(session, this.msgIds.next('response'), true, b);
  }

  private dispatch(session: SessionState, msgId: bigint, body: Buffer): void {
    const ctor = body.readUInt32LE(0);
    if (ctor === CTOR.gzipPacked) {
      let inner: Buffer;
      try {
        inner = gunzipSync(readTlBytes(body, 4).value);
      } catch {
        return this.rpcError(session, msgId, 400, 'INPUT_FETCH_FAIL', '?');
      }
      return this.dispatch(session, msgId, inner);
    }
    if (ctor === CTOR.msgsAck || ctor === CTOR.msgResendReq || ctor === CTOR.msgsStateInfo || ctor === CTOR.httpWait) return;
    if (ctor === CTOR.getFutureSalts) {
      need(body, 8, 'get_future_salts');
      const num = Math.max(1, Math.min(64, body.readInt32LE(4)));
      return this.send(session, this.msgIds.next('response'), true, futureSalts(msgId, this.salts.current(session.dcId, session.key.id), num));
    }
    if (ctor === CTOR.destroySession) {
      need(body, 12, 'destroy_session');
      const target = body.readBigInt64LE(4);
      const k = `${session.dcId}:${session.key.id}:${target}`;
      const existed = target !== session.sessionId && this.sessions.delete(k);
      const b = Buffer.alloc(12);
      b.writeUInt32LE(existed ? CTOR.destroySessionOk : CTOR.destroySessionNone, 0);
      b.writeBigInt64LE(target, 4);
      return this.sendRpcResult(session, msgId, b, undefined);
    }
    if (ctor === CTOR.msgsStateReq) {
      const ids = readLongVector(body, 4, 'msgs_state_req');
      const info = Buffer.from(ids.map((id) => (session.seen.has(id) ? 4 : 1)));
      const b = Buffer.concat([u32(CTOR.msgsStateInfo), i64(msgId), tlBytes(info)]);
      return this.send(session, this.msgIds.next('response'), true, b);
    }
    let obj: any;
    try {
      obj = new BinaryReader(body).tgReadObject();
    } catch (e) {
      // An unknown constructor is an unknown method; a known one whose fields run out is truncated TL:
      // INPUT_FETCH_ERROR for an API method (core.telegram.org/api/errors lists it for TL that fails to
      // deserialize), the connection for MTProto's own functions, which have no error to answer with.
      if (e instanceof errors.TypeNotFoundError) return this.rpcError(session, msgId, 400, `INPUT_METHOD_INVALID_${e.invalidConstructorId}`, '?');
      if (SERVICE_FUNCTIONS.has(ctor)) throw new MalformedMessage(`truncated service function ${ctor.toString(16)}`);
      return this.rpcError(session, msgId, 400, 'INPUT_FETCH_ERROR', '?');
    }
    if (obj instanceof Api.Ping || obj instanceof Api.PingDelayDisconnect) {
      const pong = Buffer.concat([u32(CTOR.pong), i64(msgId), i64(BigInt(String(obj.pingId)))]);
      this.send(session, this.msgIds.next('response'), true, pong);
      if (obj instanceof Api.PingDelayDisconnect) session.conn?.armDisconnect(obj.disconnectDelay);
      return;
    }
    if (obj?.classType !== 'request') return; // other service constructors need no answer
    this.handleRpc(session, msgId, obj).catch((e) => this.internalError(session.conn, e));
  }

  private async handleRpc(session: SessionState, reqMsgId: bigint, req: any): Promise<void> {
    let query = req;
    for (;;) {
      if (query instanceof Api.InvokeWithLayer) {
        session.layer = query.layer;
        this.layersSeen.add(query.layer);
        query = query.query;
      } else if (query instanceof Api.InitConnection) {
        session.client = { deviceModel: query.deviceModel, systemVersion: query.systemVersion, appVersion: query.appVersion, apiId: query.apiId };
        query = query.query;
      } else if (query instanceof Api.InvokeWithoutUpdates || query instanceof Api.InvokeAfterMsg || query instanceof Api.InvokeAfterMsgs || query instanceof Api.InvokeWithTakeout) {
        query = query.query;
      } else break;
    }
    const method = methodNameOf(query);
    const { counters } = this.opts;
    counters.countRequest(method, session.dcId);
    counters.begin(method);
    try {
      await this.serveRpc(session, reqMsgId, method, query);
    } finally {
      counters.end(method);
    }
  }

  private async serveRpc(session: SessionState, reqMsgId: bigint, method: string, query: any): Promise<void> {
    const { faults, counters, model, flood } = this.opts;
    // Flood waits belong to the account (to the key before sign-in): every DC and session shares them.
    const account = session.key.userId !== undefined ? `user:${session.key.userId}` : `key:${session.key.id}`;
    const waiting = flood.running(account, method);
    if (waiting) return this.rpcError(session, reqMsgId, waiting.code, waiting.message, method);
    const applied: AppliedFaults = faults.take(method, session.dcId);
    const conn = session.conn;
    if (applied.drop === 'before-response') {
      conn?.destroy();
      return;
    }
    if (applied.latencyMs > 0) {
      this.send(session, this.msgIds.next('other'), false, msgsAck([reqMsgId]));
      await new Promise((r) => setTimeout(r, applied.latencyMs).unref());
    }
    let result: RpcResult | undefined;
    let error: { code: number; message: string } | undefined = applied.error;
    if (error?.message.startsWith('FILE_MIGRATE_')) moveRequestedFile(model, query, Number(error.message.slice('FILE_MIGRATE_'.length)));
    error ??= flood.admit(account, method);
    if (!error) {
      try {
        result = invokeMethod(method, query, {
          model,
          dcId: session.dcId,
          dcPorts: this.dcPorts,
          apiId: this.opts.apiId,
          apiHash: this.opts.apiHash,
          authKey: session.key,
          homeDcId: this.opts.homeDcId,
          exportedAuth: this.exportedAuth,
          now: () => this.opts.clock.now(),
          loginTokens: this.loginTokens,
          client: session.client ?? { deviceModel: 'Unknown', systemVersion: '', appVersion: '', apiId: this.opts.apiId },
        });
      } catch (e) {
        if (e instanceof RpcFailure) error = { code: e.code, message: e.errorMessage };
        else {
          console.error(`[telegram sandbox] ${method} failed:`, e);
          error = { code: 500, message: 'INTERNAL' };
        }
      }
    }
    if (error) {
      flood.noteError(account, method, error.message);
      return this.rpcError(session, reqMsgId, error.code, error.message, method, applied);
    }
    const bytes = Buffer.isBuffer(result) ? result : result!.getBytes();
    counters.countResultBytes(method, bytes.length);
    this.sendRpcResult(session, reqMsgId, bytes, method, applied);
  }

  private rpcError(session: SessionState, reqMsgId: bigint, code: number, message: string, method: string, applied?: AppliedFaults): void {
    const bytes = new Api.RpcError({ errorCode: code, errorMessage: message }).getBytes();
    this.opts.counters.countResultBytes(method, bytes.length);
    this.sendRpcResult(session, reqMsgId, bytes, undefined, applied);
  }

  private sendRpcResult(session: SessionState, reqMsgId: bigint, result: Buffer, method: string | undefined, applied?: AppliedFaults): void {
    let payload = result;
    // Telegram gzips large compressible results; file parts are sent as they are.
    if (method && method !== 'upload.getFile' && result.length > 1024) {
      const packed = Buffer.concat([u32(CTOR.gzipPacked), tlBytes(gzipSync(result))]);
      if (packed.length < result.length) payload = packed;
    }
    const body = Buffer.concat([u32(CTOR.rpcResult), i64(reqMsgId), payload]);
    const special = applied && (applied.bytesPerSecond || applied.drop === 'mid-response') ? { bytesPerSecond: applied.bytesPerSecond, dropMidway: applied.drop === 'mid-response' } : undefined;
    this.send(session, this.msgIds.next('response'), true, body, special);
  }

  // ---- outgoing ------------------------------------------------------------------------------------------

  /**
   * A server-initiated update (core.telegram.org/api/updates): an Updates constructor (updateShort here) sent to
   * every session of the key on that DC that has a live connection, as its own encrypted message, not an
   * rpc_result: msg_id ≡ 3 mod 4 (not a response), content-related, so an odd seq_no
   * (core.telegram.org/mtproto/description#message-identifier-msg-id). A session without a connection misses it,
   * as with Telegram; the app learns the state from its next request. Returns how many sessions it went to.
   */
  pushUpdates(keyId: bigint, dcId: number, body: Buffer): number {
    let sent = 0;
    for (const session of this.sessions.values()) {
      if (session.dcId !== dcId || session.key.id !== keyId || !session.conn || session.conn.closed) continue;
      this.send(session, this.msgIds.next('other'), true, body);
      sent++;
    }
    this.updatesPushed += sent;
    return sent;
  }

  private send(session: SessionState, msgId: bigint, contentRelated: boolean, body: Buffer, special?: Outgoing['special']): void {
    const seqNo = contentRelated ? session.contentSent++ * 2 + 1 : session.contentSent * 2;
    session.outbox.push({ msgId, seqNo, body, special });
    if (!session.flushScheduled) {
      session.flushScheduled = true;
      setImmediate(() => this.flush(session));
    }
  }

  private flush(session: SessionState): void {
    session.flushScheduled = false;
    const conn = session.conn;
    const items = session.outbox;
    session.outbox = [];
    if (!conn || conn.closed || !items.length) return;
    const salt = this.salts.current(session.dcId, session.key.id);
    const plain = items.filter((i) => !i.special);
    const specials = items.filter((i) => i.special);
    if (plain.length === 1) conn.writePayload(this.encrypt(session, salt, plain[0]));
    else if (plain.length > 1) {
      const container = Buffer.concat([
        u32(CTOR.msgContainer),
        i32(plain.length),
        ...plain.map((m) => Buffer.concat([i64(m.msgId), i32(m.seqNo), i32(m.body.length), m.body])),
      ]);
      const containerMsg: Outgoing = { msgId: this.msgIds.next('other'), seqNo: session.contentSent * 2, body: container };
      conn.writePayload(this.encrypt(session, salt, containerMsg));
    }
    for (const s of specials) conn.writePayload(this.encrypt(session, salt, s), s.special);
  }

  private encrypt(session: SessionState, salt: bigint, m: Outgoing): Buffer {
    return encryptEnvelope(session.key.key, innerPlaintext(salt, session.sessionId, m.msgId, m.seqNo, m.body), SERVER);
  }
}
