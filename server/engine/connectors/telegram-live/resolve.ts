/**
 * What a user typed to name a chat — @username, t.me/name, t.me/c/123/45, a numeric id, a -100…
 * id — resolved to one chat of the account, with the id a Telegram Desktop export gives it (see
 * dialogs.ts). The account's own dialogs are asked first: contacts.resolveUsername is
 * flood-limited hard by Telegram (a few calls a minute) and a chat being added is almost always one
 * the user is in.
 */
import { Api, type TelegramClient } from 'telegram';
import { UserError } from '../../errors';
import { parseTelegramRef, telegramChatSourceId } from '../../sources/refs';
import { bounded } from './client';
import { type DialogDirectory, type TelegramChat, chatOfEntity, inputPeerOfEntity } from './dialogs';
import { explainTelegramError, floodWaitSeconds, formatWait, rpcErrorName } from './errors';

const CHANNEL_MARK = 1_000_000_000_000;

/** What a typed id can stand for: bare ids (exports) match any kind; marked ids one kind. */
export function idMatcher(typed: number): (c: TelegramChat) => boolean {
  if (typed <= -CHANNEL_MARK) return (c) => c.markedId === typed;
  if (typed < 0) return (c) => c.type === 'group' && c.id === -typed;
  // A positive id is a user's, or a group's or channel's id as a Telegram Desktop export writes it.
  return (c) => c.id === typed;
}

/** Resolves a typed reference to a chat of the account. Throws a UserError that says what to do. */
export async function resolveTelegramChat(client: (signal?: AbortSignal) => Promise<TelegramClient>, directory: DialogDirectory, typed: string, signal?: AbortSignal): Promise<TelegramChat> {
  const ref = parseTelegramRef(typed);
  switch (ref.form) {
    case 'invite':
      throw new UserError('Invite links cannot be added: join the chat in Telegram first, then pick it from your chats (or use its @username or t.me link).');
    case 'chatId': {
      // A miss in a list fetched earlier is asked again from the top: the chat may be new since.
      const chat = (await directory.find(idMatcher(ref.value), signal)) ?? (directory.forget(), await directory.find(idMatcher(ref.value), signal));
      if (!chat) throw new UserError(`No chat with id ${ref.value} is among your Telegram chats. Join it first, or pick it from the list.`);
      return chat;
    }
    case 'username': {
      const name = ref.value.toLowerCase();
      const known = directory.known((c) => c.username?.toLowerCase() === name);
      if (known) return known;
      return resolveUsername(await client(signal), ref.value, signal);
    }
  }
}

async function resolveUsername(client: TelegramClient, username: string, signal?: AbortSignal): Promise<TelegramChat> {
  let result: Api.contacts.ResolvedPeer;
  try {
    result = await bounded(client.invoke(new Api.contacts.ResolveUsername({ username })), 20_000, signal, 'Telegram did not answer in time. Check the connection and try again.');
  } catch (err) {
    const wait = floodWaitSeconds(err);
    if (wait !== undefined) {
      throw new UserError(`Telegram limits how many usernames can be looked up: try @${username} again in ${formatWait(wait)}, or pick the chat from your chats.`);
    }
    const name = rpcErrorName(err);
    if (name === 'USERNAME_NOT_OCCUPIED' || name === 'USERNAME_INVALID') throw new UserError(`No Telegram chat or user is called @${username}. Check the spelling.`);
    throw explainTelegramError(err, `looking up @${username}`);
  }
  const entity = entityOfPeer(result);
  const chat = entity ? chatOfEntity(entity) : undefined;
  if (!chat) throw new UserError(`Telegram did not describe @${username}. Try again, or pick the chat from your chats.`);
  return chat;
}

/** The user or chat a resolved peer is, among the others the answer carries (a channel's linked group, say). */
function entityOfPeer(result: Api.contacts.ResolvedPeer): Api.TypeUser | Api.TypeChat | undefined {
  const { peer } = result;
  if (peer instanceof Api.PeerUser) return result.users.find((u) => String(u.id) === String(peer.userId));
  if (peer instanceof Api.PeerChannel) return result.chats.find((c) => (c instanceof Api.Channel || c instanceof Api.ChannelForbidden) && String(c.id) === String(peer.channelId));
  if (peer instanceof Api.PeerChat) return result.chats.find((c) => (c instanceof Api.Chat || c instanceof Api.ChatForbidden) && String(c.id) === String(peer.chatId));
  return undefined;
}

/**
 * The input peer for a chat, for history and file requests. GramJS keeps the access hashes of
 * every user and chat it was sent (dialogs, resolveUsername); a chat it has not seen in this
 * process is looked up in the account's dialogs.
 */
export async function inputPeerOf(client: TelegramClient, directory: DialogDirectory, chat: Pick<TelegramChat, 'markedId'>, signal?: AbortSignal): Promise<Api.TypeInputPeer> {
  try {
    return await client.getInputEntity(chat.markedId);
  } catch {
    // Not in GramJS's cache: find it among the dialogs, which fills the cache.
  }
  const found = await directory.find((c) => c.markedId === chat.markedId, signal);
  if (found) {
    try {
      return await client.getInputEntity(found.markedId);
    } catch {
      // fall through to the message below
    }
  }
  throw new UserError('This chat is no longer among your Telegram chats (you left it, or it was deleted). Remove it, or join it again.');
}

export { inputPeerOfEntity };

/** The source a chat is archived as: `telegram:<export id>`, the same source an import of that chat made. */
export function sourceOfChat(chat: Pick<TelegramChat, 'id' | 'title'>): { readonly id: string; readonly title: string } {
  return { id: telegramChatSourceId(chat.id), title: chat.title };
}
