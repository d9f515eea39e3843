/**
 * Names of the users and chats a page of history mentions, as Telegram Desktop's export writes
 * them: "First Last" for users ("Deleted Account" when both are empty), titles for groups and
 * channels, and ids as "user123" / "chat123" / "channel123" (bare ids, never the -100… form).
 */
import { Api } from 'telegram';

export type PeerKind = 'user' | 'chat' | 'channel';

export interface PeerInfo {
  readonly kind: PeerKind;
  readonly id: number;
  readonly name: string | null;
  readonly username?: string;
  readonly bot?: boolean;
}

/** Telegram's ids fit in 52 bits; GramJS hands them out as big-integer objects. */
export function numericId(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const n = Number(String(v));
  if (!Number.isSafeInteger(n)) throw new Error(`not an id: ${String(v)}`);
  return n;
}

export function peerOf(peer: Api.TypePeer | undefined): { kind: PeerKind; id: number } | undefined {
  if (!peer) return undefined;
  if (peer instanceof Api.PeerUser) return { kind: 'user', id: numericId(peer.userId) };
  if (peer instanceof Api.PeerChat) return { kind: 'chat', id: numericId(peer.chatId) };
  if (peer instanceof Api.PeerChannel) return { kind: 'channel', id: numericId(peer.channelId) };
  return undefined;
}

export function exportPeerId(p: { kind: PeerKind; id: number }): string {
  return `${p.kind}${p.id}`;
}

export function userName(u: { firstName?: string; lastName?: string; deleted?: boolean }): string {
  const name = [u.firstName, u.lastName].filter((s) => typeof s === 'string' && s.trim() !== '').join(' ');
  return name || 'Deleted Account';
}

/** Everything seen in this run's pages (kept per chat sync; small: one entry per distinct peer). */
export class PeerNames {
  private readonly byKey = new Map<string, PeerInfo>();

  /** Records the users and chats that came with a result. */
  addAll(users: readonly Api.TypeUser[] | undefined, chats: readonly Api.TypeChat[] | undefined): void {
    for (const u of users ?? []) {
      if (!(u instanceof Api.User)) continue;
      const id = numericId(u.id);
      this.byKey.set(`user${id}`, { kind: 'user', id, name: userName(u), username: u.username ?? undefined, bot: u.bot ?? false });
    }
    for (const c of chats ?? []) {
      if (c instanceof Api.Chat || c instanceof Api.ChatForbidden) {
        const id = numericId(c.id);
        this.byKey.set(`chat${id}`, { kind: 'chat', id, name: c.title });
      } else if (c instanceof Api.Channel || c instanceof Api.ChannelForbidden) {
        const id = numericId(c.id);
        this.byKey.set(`channel${id}`, { kind: 'channel', id, name: c.title, username: c instanceof Api.Channel ? (c.username ?? undefined) : undefined });
      }
    }
  }

  get(p: { kind: PeerKind; id: number } | undefined): PeerInfo | undefined {
    return p ? this.byKey.get(exportPeerId(p)) : undefined;
  }

  /** The name the export writes for a peer; null when Telegram sent nothing about it. */
  nameOf(p: { kind: PeerKind; id: number } | undefined): string | null {
    return this.get(p)?.name ?? null;
  }

  userById(id: number): PeerInfo | undefined {
    return this.byKey.get(`user${id}`);
  }
}
