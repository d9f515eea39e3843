/**
 * A small seeded pseudo-random generator (mulberry32). The sandbox uses it for demo data and for
 * fault rates so that a test run is reproducible: the same seed gives the same ids, the same
 * jitter and the same "random" 503s.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** `count` bytes (integers 0–255). */
  bytes(count: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(Math.floor(this.next() * 256));
    return out;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

/** The alphabet of YouTube video and channel ids (base64url). */
export const YOUTUBE_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * YouTube ids are unpadded base64url of a fixed number of random bytes, so their last character
 * only carries the bits that are left: a video id is 8 bytes (64 bits) in 11 characters, whose
 * last one has its two low bits zero (one of `AEIMQUYcgkosw048`); a channel id is `UC` + 16 bytes
 * (128 bits) in 22 characters, whose last one has its four low bits zero (one of `AQgw`).
 * [REAL] the captured ids fit (google-api-shapes.md: video `wysukDrMdqU`, channel
 * `UC_x5XG1OV2P6uZZ5FSM9Ttw`), and clients built from that knowledge check this very shape (a
 * public scraper found by code search matches video ids with `[-_A-Za-z0-9]{10}[AEIMQUYcgkosw048]`).
 * The sandbox makes and accepts only such ids, so an id valid here is valid at YouTube and the
 * other way round.
 */
export const VIDEO_ID_PATTERN = /^[A-Za-z0-9_-]{10}[AEIMQUYcgkosw048]$/;
export const CHANNEL_ID_PATTERN = /^UC[A-Za-z0-9_-]{21}[AQgw]$/;

function base64url(bytes: number[]): string {
  return Buffer.from(bytes).toString('base64url');
}

/** A video id: 8 random bytes in base64url (11 characters). */
export function randomVideoId(rng: Prng): string {
  return base64url(rng.bytes(8));
}

/** A channel id: `UC` and 16 random bytes in base64url (22 characters). */
export function randomChannelId(rng: Prng): string {
  return `UC${base64url(rng.bytes(16))}`;
}
