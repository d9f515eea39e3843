/**
 * From a GramJS entity to the chat as sync and the export name it (bare id, export chat type),
 * and a plain resolver over the account's dialogs and public usernames, used once per sync for
 * the chat's input peer. Adding a chat resolves through the account instead (resolve.ts, with its
 * dialog directory and the quick pick's paging); the two should become one.
 */
import bigInt from 'big-integer';
import { Api, type TelegramClient } from 'telegram';
import { UserError } from '../../../errors';
import { parseTelegramRef } from '../../../sources/refs';
import type { LiveChat } from './chatSync';
import { numericId, userName } from './peers';
import { type RequestPolicy, callTelegram } from './requests';

/** The export's chat type for an entity (Telegram Desktop's export_output_json names). */
export function exportChatType(entity: Api.TypeUser | Api.TypeChat, selfId: number): string {
  if (entity instanceof Api.User) return numericId(entity.id) === selfId ? 'saved_messages' : entity.bot ? 'bot_chat' : 'personal_chat';
  if (entity instanceof Api.Channel) {
    const pub = Boolean(entity.username) || Boolean(entity.usernames?.length);
    return entity.megagroup ? (pub ? 'public_supergroup' : 'private_supergroup') : pub ? 'public_channel' : 'private_channel';
  }
  return 'private_group';
}

export function liveChatOf(entity: Api.TypeUser | Api.TypeChat, selfId: number): LiveChat {
  const id = numericId(entity.id);
  if (entity instanceof Api.User) {
    return {
      kind: 'user',
      id,
      title: id === selfId ? 'Saved Messages' : userName(entity),
      type: exportChatType(entity, selfId),
      forum: false,
      inputPeer: id === selfId ? new Api.InputPeerSelf() : new Api.InputPeerUser({ userId: entity.id, accessHash: entity.accessHash! }),
    };
  }
  if (entity instanceof Api.Channel) {
    return { kind: 'channel', id, title: entity.title, type: exportChatType(entity, selfId), forum: entity.forum ?? false, inputPeer: new Api.InputPeerChannel({ channelId: entity.id, accessHash: entity.accessHash! }) };
  }
  if (entity instanceof Api.Chat) return { kind: 'chat', id, title: entity.title, type: 'private_group', forum: false, inputPeer: new Api.InputPeerChat({ chatId: entity.id }) };
  throw new UserError(`Telegram no longer gives access to this chat (${entity.className}).`);
}

const MAX_DIALOG_PAGES = 100;

/**
 * The chat `ref` names: a @username / t.me link (contacts.resolveUsername), or a chat id, bare or
 * marked (-100…, -…), looked up among the account's dialogs.
 */
export async function resolveFromDialogs(client: TelegramClient, ref: string, selfId: number, policy: RequestPolicy): Promise<LiveChat> {
  const parsed = parseTelegramRef(ref);
  if (parsed.form === 'invite') throw new UserError(`"${ref}" is an invite link: join the chat in Telegram first, then add it by its name or from the list of chats.`);
  if (parsed.form === 'username') {
    const res = await callTelegram('contacts.resolveUsername', () => client.invoke(new Api.contacts.ResolveUsername({ username: parsed.value })), policy);
    const entity = [...res.users, ...res.chats].find((e) => matchesPeer(e, res.peer));
    if (!entity) throw new UserError(`Telegram knows no chat @${parsed.value}.`);
    return liveChatOf(entity, selfId);
  }
  const wanted = parsed.value;
  const bare = wanted <= -1e12 ? -wanted - 1e12 : Math.abs(wanted);
  let offsetDate = 0;
  let offsetId = 0;
  let offsetPeer: Api.TypeInputPeer = new Api.InputPeerEmpty();
  for (let page = 0; page < MAX_DIALOG_PAGES; page++) {
    const res = await callTelegram(
      'messages.getDialogs',
      () => client.invoke(new Api.messages.GetDialogs({ offsetDate, offsetId, offsetPeer, limit: 100, hash: bigInt(0) })),
      policy,
    );
    if (res instanceof Api.messages.DialogsNotModified) break;
    const found = [...res.users, ...res.chats].find((e) => numericId(e.id) === bare && kindMatches(e, wanted));
    if (found) return liveChatOf(found, selfId);
    if (!(res instanceof Api.messages.DialogsSlice) || res.dialogs.length < 100) break;
    const last = res.dialogs[res.dialogs.length - 1];
    const top = res.messages.find((m) => m.id === last.topMessage);
    offsetDate = top && 'date' in top ? (top.date ?? 0) : 0;
    offsetId = last.topMessage;
    const ent = [...res.users, ...res.chats].find((e) => matchesPeer(e, last.peer));
    offsetPeer = ent ? liveChatOf(ent, selfId).inputPeer : new Api.InputPeerEmpty();
  }
  throw new UserError(`No chat ${ref} among this account's chats. Open it in Telegram (join it) and try again.`);
}

function kindMatches(e: Api.TypeUser | Api.TypeChat, wanted: number): boolean {
  if (wanted <= -1e12) return e instanceof Api.Channel || e instanceof Api.ChannelForbidden;
  if (wanted < 0) return e instanceof Api.Chat || e instanceof Api.ChatForbidden;
  // A bare id: exports write channels and groups without a sign too.
  return true;
}

function matchesPeer(e: Api.TypeUser | Api.TypeChat, peer: Api.TypePeer): boolean {
  if (peer instanceof Api.PeerUser) return e instanceof Api.User && numericId(e.id) === numericId(peer.userId);
  if (peer instanceof Api.PeerChannel) return (e instanceof Api.Channel || e instanceof Api.ChannelForbidden) && numericId(e.id) === numericId(peer.channelId);
  if (peer instanceof Api.PeerChat) return (e instanceof Api.Chat || e instanceof Api.ChatForbidden) && numericId(e.id) === numericId(peer.chatId);
  return false;
}

/** Resolves a stored source: by what the user typed, else by the chat id in its source id. */
export function resolveSource(client: TelegramClient, source: { readonly id: string; readonly ref?: string }, selfId: number, policy: RequestPolicy): Promise<LiveChat> {
  const m = /^telegram:(-?\d+)$/.exec(source.id);
  const ref = source.ref?.trim() || (m ? m[1] : source.id.replace(/^telegram:/, ''));
  return resolveFromDialogs(client, ref, selfId, policy);
}
