/**
 * The source key of a block: a 64-bit hash of everything its rendering depends on — the renderer's
 * version, the chat's title and type, the note it is in, each message as its connector gave it,
 * what the linked messages resolve to (note, anchor, topic root) and where its files are stored.
 * Equal keys mean renderBlock would produce the same text again, so a re-import skips rendering
 * (the costliest step of an import with nothing new). Not for security: a collision costs one
 * missed update of one block, and the lanes are independent 32-bit hashes.
 */
import { type ExportMessage, RENDER_VERSION, linkedMessageIds } from '../telegram-notes';
import { avalanche } from './chatIndex';

export type SourceKey = readonly [number, number];

/** What a block's links resolve to (the same lookups renderBlock makes). */
export interface SourceKeyLinks {
  noteOf(id: number): string | undefined;
  anchorOf?(id: number): number | undefined;
  isTopicRoot?(id: number): boolean;
}

export interface SourceKeyInputs {
  readonly chatTitle: string;
  readonly chatType: string;
  readonly notePath: string;
  readonly msgs: readonly ExportMessage[];
  /** Each message's source text; absent where a connector has none (then its JSON is used). */
  readonly raws: readonly (string | undefined)[];
  readonly media: ReadonlyMap<string, string | null>;
  /** Called as methods (one object per chat, no closures per block). */
  readonly links: SourceKeyLinks;
}

export function sourceKey(k: SourceKeyInputs): SourceKey {
  const h = new Hash64();
  h.add(`v${RENDER_VERSION}`).add(k.chatTitle).add(k.chatType).add(k.notePath);
  const { links } = k;
  for (let i = 0; i < k.msgs.length; i++) {
    const m = k.msgs[i];
    h.add(k.raws[i] ?? JSON.stringify(m));
    for (const id of linkedMessageIds(m)) h.add(`${id}>${links.noteOf(id) ?? ''}#${links.anchorOf?.(id) ?? ''}${links.isTopicRoot?.(id) ? '!' : ''}`);
  }
  for (const [ref, stored] of k.media) h.add(ref).add(stored ?? '\u0000missing');
  const [a, b] = h.digest();
  // [0, 0] means "unknown" in the index.
  return a === 0 && b === 0 ? [1, 0] : [a, b];
}

/** Two multiplicative 32-bit lanes over UTF-16 code units, each field length-prefixed. */
class Hash64 {
  private a = 0x811c9dc5;
  private b = 0x27d4eb2f;

  add(text: string): this {
    let a = Math.imul(this.a ^ text.length, 0x01000193);
    let b = Math.imul(this.b ^ text.length, 0x5bd1e995);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 13;
    }
    this.a = a;
    this.b = b;
    return this;
  }

  digest(): [number, number] {
    let a = this.a ^ (this.b >>> 7);
    let b = this.b ^ (a >>> 11);
    a = avalanche(a);
    b = avalanche(b ^ 0x6a09e667);
    return [a, b];
  }
}
