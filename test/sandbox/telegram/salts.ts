// Server salts, one per auth key and DC (core.telegram.org/mtproto/description, "Server Salt"): a new key starts
// with substr(new_nonce, 0, 8) XOR substr(server_nonce, 0, 8), a key registered up front with a random one, and
// after a change "messages with the old salt are still accepted for a further 1800 seconds".
import type { SandboxClock } from './clock';
import { randomLong } from './service';

interface SaltState {
  current: bigint;
  previous?: bigint;
  /** Until when (sandbox clock, ms) the previous salt is still accepted. */
  previousUntil: number;
}

export class SaltBook {
  private readonly salts = new Map<string, SaltState>();

  constructor(private readonly clock: SandboxClock) {}

  private state(dcId: number, keyId: bigint): SaltState {
    const k = `${dcId}:${keyId}`;
    let s = this.salts.get(k);
    if (!s) {
      s = { current: randomLong(), previousUntil: 0 };
      this.salts.set(k, s);
    }
    return s;
  }

  /** The salt the server writes now, and the one bad_server_salt and new_session_created announce. */
  current(dcId: number, keyId: bigint): bigint {
    return this.state(dcId, keyId).current;
  }

  /** The salt a key starts with (the DH exchange's initial server_salt). */
  start(dcId: number, keyId: bigint, salt: bigint): void {
    this.salts.set(`${dcId}:${keyId}`, { current: salt, previousUntil: 0 });
  }

  accepts(dcId: number, keyId: bigint, salt: bigint | undefined): boolean {
    const s = this.state(dcId, keyId);
    return salt === s.current || (s.previous !== undefined && salt === s.previous && this.clock.now() < s.previousUntil);
  }

  /** Every key gets a new salt; the old one stays valid for graceSeconds (1800 on Telegram). */
  rotateAll(graceSeconds: number): void {
    const until = this.clock.now() + graceSeconds * 1000;
    for (const s of this.salts.values()) {
      s.previous = s.current;
      s.previousUntil = until;
      s.current = randomLong();
    }
  }
}
