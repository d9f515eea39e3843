// MTProto TCP transports (core.telegram.org/mtproto/mtproto-transports). The server tells them apart by the
// first bytes a client sends: 0xef = abridged, 0xeeeeeeee = intermediate, 0xdddddddd = padded intermediate,
// anything else = full (no init bytes: GramJS 2.26's ConnectionTCPFull sends none, its codec has no tag).
// Full: 4-byte length (whole packet, incl. itself, seqno and crc), 4-byte seqno per direction from 0,
// payload, CRC32 (IEEE) of everything before it.

let crcTable: Uint32Array | undefined;

export function crc32(data: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export type TransportKind = 'full' | 'abridged' | 'intermediate' | 'padded-intermediate';

export class FramingError extends Error {}

/** Largest payload accepted from a client; Telegram closes the connection on absurd lengths too. */
const MAX_PACKET = 16 * 1024 * 1024;

/** Incremental server-side decoder/encoder for one TCP connection. */
export class ServerTransport {
  kind: TransportKind | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private recvSeq = 0;
  private sendSeq = 0;

  /** Feeds bytes; returns the complete payloads now available. Throws FramingError on a broken stream. */
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    if (!this.kind && !this.detect()) return out;
    for (;;) {
      const p = this.next();
      if (!p) break;
      out.push(p);
    }
    return out;
  }

  /** Bytes of a frame (or of the transport's opening tag) have arrived but not the whole of it. */
  hasPartialFrame(): boolean {
    return this.buf.length > 0;
  }

  private detect(): boolean {
    if (this.buf.length < 1) return false;
    if (this.buf[0] === 0xef) {
      this.kind = 'abridged';
      this.buf = this.buf.subarray(1);
      return true;
    }
    if (this.buf.length < 4) return false;
    const head = this.buf.readUInt32LE(0);
    if (head === 0xeeeeeeee) {
      this.kind = 'intermediate';
      this.buf = this.buf.subarray(4);
    } else if (head === 0xdddddddd) {
      this.kind = 'padded-intermediate';
      this.buf = this.buf.subarray(4);
    } else {
      this.kind = 'full';
    }
    return true;
  }

  private next(): Buffer | undefined {
    const b = this.buf;
    switch (this.kind) {
      case 'full': {
        if (b.length < 4) return undefined;
        const len = b.readUInt32LE(0);
        if (len < 12 || len > MAX_PACKET || len % 4 !== 0) throw new FramingError(`bad full-transport length ${len}`);
        if (b.length < len) return undefined;
        const seq = b.readUInt32LE(4);
        const crc = b.readUInt32LE(len - 4);
        if (crc32(b.subarray(0, len - 4)) !== crc) throw new FramingError('full-transport CRC32 mismatch');
        if (seq !== this.recvSeq) throw new FramingError(`full-transport seqno ${seq}, expected ${this.recvSeq}`);
        this.recvSeq++;
        this.buf = b.subarray(len);
        return Buffer.from(b.subarray(8, len - 4));
      }
      case 'abridged': {
        if (b.length < 1) return undefined;
        let words = b[0] & 0x7f; // the top bit asks for a quick ack, which this sandbox does not send
        let head = 1;
        if (words === 0x7f) {
          if (b.length < 4) return undefined;
          words = b.readUIntLE(1, 3);
          head = 4;
        }
        const len = words * 4;
        if (len > MAX_PACKET) throw new FramingError(`bad abridged length ${len}`);
        if (b.length < head + len) return undefined;
        this.buf = b.subarray(head + len);
        return Buffer.from(b.subarray(head, head + len));
      }
      case 'intermediate':
      case 'padded-intermediate': {
        if (b.length < 4) return undefined;
        const len = b.readUInt32LE(0) & 0x7fffffff;
        if (len > MAX_PACKET) throw new FramingError(`bad intermediate length ${len}`);
        if (b.length < 4 + len) return undefined;
        this.buf = b.subarray(4 + len);
        let payload = b.subarray(4, 4 + len);
        // Padded intermediate appends 0..15 random bytes. An encrypted envelope is 24 + 16k bytes, so the
        // padding is whatever exceeds that; a plain (auth_key_id 0) message is trimmed to a multiple of 4.
        if (this.kind === 'padded-intermediate' && payload.length >= 8) {
          const encrypted = payload.readBigUInt64LE(0) !== 0n;
          const keep = encrypted ? 24 + Math.floor((payload.length - 24) / 16) * 16 : payload.length - (payload.length % 4);
          payload = payload.subarray(0, keep);
        }
        return Buffer.from(payload);
      }
      default:
        return undefined;
    }
  }

  /** Frames one payload for the client. */
  encode(payload: Buffer): Buffer {
    switch (this.kind ?? 'full') {
      case 'full':
        return frameFull(payload, this.sendSeq++);
      case 'abridged': {
        const words = payload.length / 4;
        if (words < 0x7f) return Buffer.concat([Buffer.from([words]), payload]);
        const head = Buffer.alloc(4);
        head[0] = 0x7f;
        head.writeUIntLE(words, 1, 3);
        return Buffer.concat([head, payload]);
      }
      default: {
        const head = Buffer.alloc(4);
        head.writeUInt32LE(payload.length, 0);
        return Buffer.concat([head, payload]);
      }
    }
  }
}

/** Client-side full-transport codec, for tests that speak MTProto without GramJS. */
export class FullTransportClient {
  private buf: Buffer = Buffer.alloc(0);
  private sendSeq = 0;
  private recvSeq = 0;

  encode(payload: Buffer): Buffer {
    return frameFull(payload, this.sendSeq++);
  }

  push(chunk: Buffer): Buffer[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32LE(0);
      if (this.buf.length < len) break;
      const seq = this.buf.readUInt32LE(4);
      if (crc32(this.buf.subarray(0, len - 4)) !== this.buf.readUInt32LE(len - 4)) throw new FramingError('CRC32 mismatch from server');
      if (seq !== this.recvSeq++) throw new FramingError(`server seqno ${seq}, expected ${this.recvSeq - 1}`);
      out.push(Buffer.from(this.buf.subarray(8, len - 4)));
      this.buf = this.buf.subarray(len);
    }
    return out;
  }
}

/** TCP full framing: length (payload + 12), sequence number, payload, CRC32 of all before it. */
function frameFull(payload: Buffer, seq: number): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(payload.length + 12, 0);
  head.writeUInt32LE(seq, 4);
  const body = Buffer.concat([head, payload]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body), 0);
  return Buffer.concat([body, crc]);
}
