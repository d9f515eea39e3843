// One client TCP connection: transport framing in, frames out (with the slow-bytes and mid-answer-drop faults),
// ping_delay_disconnect and transport errors (core.telegram.org/mtproto/mtproto-transports).
import type net from 'node:net';
import type { TelegramCounters } from './faults';
import { FramingError, ServerTransport } from './framing';

/** What a connection needs from the data center it belongs to. */
export interface ConnectionHost {
  handlePacket(conn: Connection, payload: Buffer): void;
  readonly opts: { counters: TelegramCounters; frameTimeoutMs: number };
}

export class Connection {
  private readonly transport = new ServerTransport();
  closed = false;
  private disconnectTimer?: NodeJS.Timeout;
  private frameTimer?: NodeJS.Timeout;
  private writeChain: Promise<void> = Promise.resolve();

  constructor(private readonly core: ConnectionHost, readonly dcId: number, private readonly socket: net.Socket) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.destroy());
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let payloads: Buffer[];
    try {
      payloads = this.transport.push(chunk);
    } catch (e) {
      if (e instanceof FramingError) return this.destroy();
      throw e;
    }
    for (const p of payloads) {
      if (this.closed) return;
      this.core.handlePacket(this, p);
    }
    this.watchPartialFrame();
  }

  /**
   * A client that announces a frame and then goes silent would hold the connection (and its buffer) forever:
   * close it once no byte of the unfinished frame has arrived for frameTimeoutMs. Telegram's DCs drop such
   * connections too; the figure is the sandbox's own (configurable, short in tests).
   */
  private watchPartialFrame(): void {
    clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
    if (this.closed || !this.transport.hasPartialFrame()) return;
    this.frameTimer = setTimeout(() => this.destroy(), this.core.opts.frameTimeoutMs);
    this.frameTimer.unref();
  }

  /** ping_delay_disconnect: close the connection if no further ping arrives within the delay (seconds). */
  armDisconnect(seconds: number): void {
    clearTimeout(this.disconnectTimer);
    this.disconnectTimer = setTimeout(() => this.destroy(), Math.max(1, seconds) * 1000);
    this.disconnectTimer.unref();
  }

  /** A transport error: a 4-byte payload with the negative code, then the connection is closed. */
  transportError(code: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(code, 0);
    this.writePayload(b);
    this.writeChain = this.writeChain.then(() => {
      this.socket.end();
    });
  }

  writePayload(payload: Buffer, special?: { bytesPerSecond?: number; dropMidway?: boolean }): void {
    if (this.closed) return;
    const frame = this.transport.encode(payload);
    this.writeChain = this.writeChain.then(() => this.writeFrame(frame, special));
  }

  private async writeFrame(frame: Buffer, special?: { bytesPerSecond?: number; dropMidway?: boolean }): Promise<void> {
    if (this.closed) return;
    const { counters } = this.core.opts;
    if (special?.dropMidway) {
      const half = frame.subarray(0, Math.max(1, Math.floor(frame.length / 2)));
      counters.countWire(half.length);
      await new Promise<void>((r) => this.socket.write(half, () => r()));
      this.destroy();
      return;
    }
    if (special?.bytesPerSecond) {
      const tick = 50;
      const step = Math.max(1, Math.floor((special.bytesPerSecond * tick) / 1000));
      for (let off = 0; off < frame.length && !this.closed; off += step) {
        const part = frame.subarray(off, off + step);
        counters.countWire(part.length);
        this.socket.write(part);
        if (off + step < frame.length) await new Promise((r) => setTimeout(r, tick).unref());
      }
      return;
    }
    counters.countWire(frame.length);
    this.socket.write(frame);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.disconnectTimer);
    clearTimeout(this.frameTimer);
    this.socket.destroy();
  }

  dispose(): void {
    this.closed = true;
    clearTimeout(this.disconnectTimer);
    clearTimeout(this.frameTimer);
  }
}
