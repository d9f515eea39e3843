/**
 * The chat a stored source names, as sync needs it (bare id, the export's chat type, the input
 * peer), found through the same resolver that added it (resolve.ts over the account's dialog
 * directory): one way from "what the user typed" or a source id to a chat, for the picker, `add`
 * and every sync.
 *
 * A stored source is resolved by the chat id in its source id, not by what the user once typed: a
 * @username can be given up and taken by another chat, and a sync must never continue one chat's
 * notes with another's messages. The typed reference is used only when the source id holds no id.
 */
import type { Api } from 'telegram';
import { UserError } from '../../../errors';
import { chatIdOfSourceId } from '../../../sources/refs';
import type { TelegramChat } from '../dialogs';
import type { LiveChat } from './chatSync';
import type { PeerKind } from './peers';

/** What resolving needs of the account (TelegramAccountPort has it). */
export interface ChatResolver {
  resolve(ref: string, signal?: AbortSignal): Promise<TelegramChat>;
  inputPeer(chat: Pick<TelegramChat, 'markedId'>, signal?: AbortSignal): Promise<Api.TypeInputPeer>;
}

/** The export's chat type (Telegram Desktop's export_output_json names) of a chat of the account. */
export function exportChatType(chat: Pick<TelegramChat, 'id' | 'type' | 'username'>, selfId: number): string {
  const isPublic = Boolean(chat.username);
  switch (chat.type) {
    case 'user':
      return chat.id === selfId ? 'saved_messages' : 'personal_chat';
    case 'bot':
      return 'bot_chat';
    case 'group':
      return 'private_group';
    case 'supergroup':
      return isPublic ? 'public_supergroup' : 'private_supergroup';
    case 'channel':
      return isPublic ? 'public_channel' : 'private_channel';
  }
}

const PEER_KIND: Record<TelegramChat['type'], PeerKind> = { user: 'user', bot: 'user', group: 'chat', supergroup: 'channel', channel: 'channel' };

export function liveChatOf(chat: TelegramChat, inputPeer: Api.TypeInputPeer, selfId: number): LiveChat {
  return { kind: PEER_KIND[chat.type], id: chat.id, title: chat.title, type: exportChatType(chat, selfId), forum: chat.forum, inputPeer };
}

/** What to resolve a stored source by: the id in `telegram:<id>`, else the reference the user typed. */
export function sourceRef(source: { readonly id: string; readonly ref?: string }): string {
  const id = chatIdOfSourceId(source.id);
  if (id !== undefined) return String(id);
  const typed = source.ref?.trim() || source.id.replace(/^telegram:/, '');
  if (typed) return typed;
  throw new UserError(`${source.id} does not name a Telegram chat. Remove it and add the chat again.`);
}

/** The chat a stored source names, with its input peer. Throws a UserError that says what to do. */
export async function resolveSource(resolver: ChatResolver, source: { readonly id: string; readonly ref?: string }, selfId: number, signal?: AbortSignal): Promise<LiveChat> {
  const chat = await resolver.resolve(sourceRef(source), signal);
  if (chat.forbidden) throw new UserError(`Telegram no longer gives this account access to ${chat.title} (removed from it, or it became private). Join it again, or remove it from the sources.`);
  return liveChatOf(chat, await resolver.inputPeer(chat, signal), selfId);
}
