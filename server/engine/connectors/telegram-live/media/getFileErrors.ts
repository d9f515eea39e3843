/**
 * What an upload.getFile error asks of the downloader (core.telegram.org/api/errors,
 * api/file_reference, api/files), and the errors the downloader makes up itself.
 */

export class SiblingFailed extends Error {
  constructor() {
    super('another request on the same connection failed; asked again');
    this.name = 'SiblingFailed';
  }
}

export function isRpcError(e: unknown): boolean {
  return typeof (e as { errorMessage?: unknown })?.errorMessage === 'string';
}

export class RequestTimeout extends Error {
  constructor(ms: number) {
    super(`no answer from Telegram within ${Math.round(ms / 1000)} s`);
    this.name = 'RequestTimeout';
  }
}

export type ErrorKind = { kind: 'again' } | { kind: 'flood'; seconds: number } | { kind: 'migrate'; dcId: number } | { kind: 'reference' } | { kind: 'transient' } | { kind: 'fatal' };

/** What an error from upload.getFile asks of us (core.telegram.org/api/errors, api/file_reference). */
export function classify(err: unknown): ErrorKind {
  const e = err as { errorMessage?: unknown; seconds?: unknown; newDc?: unknown; code?: unknown; name?: unknown };
  const msg = typeof e?.errorMessage === 'string' ? e.errorMessage : '';
  if (e?.name === 'SiblingFailed') return { kind: 'again' };
  if (typeof e?.seconds === 'number' && (/FLOOD/.test(msg) || /FloodWait/.test(String((err as object)?.constructor?.name)))) return { kind: 'flood', seconds: e.seconds };
  const flood = /^FLOOD(?:_PREMIUM)?_WAIT_(\d+)$/.exec(msg);
  if (flood) return { kind: 'flood', seconds: Number(flood[1]) };
  if (typeof e?.newDc === 'number' && /FileMigrate/.test(String((err as object)?.constructor?.name))) return { kind: 'migrate', dcId: e.newDc };
  const migrate = /^FILE_MIGRATE_(\d+)$/.exec(msg);
  if (migrate) return { kind: 'migrate', dcId: Number(migrate[1]) };
  if (/^FILE_REFERENCE_(?:\w+_)?EXPIRED$/.test(msg) || msg === 'FILE_REFERENCE_INVALID') return { kind: 'reference' };
  if (e?.name === 'RequestTimeout' || msg === 'TIMEOUT' || msg === 'RPC_CALL_FAIL' || msg === 'RPC_MCGET_FAIL') return { kind: 'transient' };
  if (typeof e?.code === 'number' && (e.code >= 500 || e.code === -503)) return { kind: 'transient' };
  // Not an RPC error at all: a dropped connection or a sender that could not connect.
  if (!msg && typeof e?.code !== 'number') return { kind: 'transient' };
  return { kind: 'fatal' };
}
