/**
 * Small seeded PRNG so generated exports are byte-identical for the same seed on every machine
 * (Math.random cannot be seeded). 32-bit state, a splitmix-style output mix: plenty for test data.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform integer in [0, 2^32). */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Fills `buf` with pseudo-random bytes. */
  fill(buf: Uint8Array): Uint8Array {
    let i = 0;
    for (; i + 4 <= buf.length; i += 4) {
      const v = this.nextU32();
      buf[i] = v & 0xff;
      buf[i + 1] = (v >>> 8) & 0xff;
      buf[i + 2] = (v >>> 16) & 0xff;
      buf[i + 3] = v >>> 24;
    }
    for (; i < buf.length; i++) buf[i] = this.nextU32() & 0xff;
    return buf;
  }

  /** A derived generator, so adding draws in one place does not shift every later value. */
  fork(salt: number): Prng {
    return new Prng((this.nextU32() ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0);
  }
}
