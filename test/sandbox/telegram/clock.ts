// The sandbox's clock for rules that span seconds to hours: flood waits and request windows, and how long an old
// server salt stays valid after a rotation. Tests move it forward instead of sleeping. Message ids are still
// checked against the wall clock, since that is the clock clients (GramJS included) build them from.
export class SandboxClock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, as the sandbox sees them. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the sandbox's time forward (never back: waits already imposed only ever run out). */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new Error(`the sandbox clock only moves forward, not by ${seconds} s`);
    this.offsetMs += seconds * 1000;
  }
}
