/**
 * What the Telegram commands show, without VS Code: quick pick rows for chats, the sign-in
 * questions' wording, and whether typed text names a chat by link, @username or id. Pure, so unit
 * tests cover it.
 */
import type { TelegramRequests } from '../shared/protocol';

export const API_CREDENTIALS_URL = 'https://my.telegram.org/apps';

const TYPE_LABEL: Record<TelegramRequests.ChatType, string> = {
  user: 'person',
  bot: 'bot',
  group: 'group',
  supergroup: 'supergroup',
  channel: 'channel',
};

const TYPE_ICON: Record<TelegramRequests.ChatType, string> = {
  user: '$(person)',
  bot: '$(hubot)',
  group: '$(organization)',
  supergroup: '$(organization)',
  channel: '$(megaphone)',
};

/** A chat as a quick pick row: icon and title, then @username, kind, forum, about how many messages. */
export function chatRow(chat: TelegramRequests.Chat): { label: string; description: string } {
  const parts = [chat.username ? `@${chat.username}` : undefined, chat.forum ? 'forum' : TYPE_LABEL[chat.type]];
  if (chat.lastMessageId && (chat.type === 'channel' || chat.type === 'supergroup')) parts.push(`~${chat.lastMessageId.toLocaleString('en-US')} messages`);
  return { label: `${TYPE_ICON[chat.type]} ${chat.title}`, description: parts.filter(Boolean).join(' · ') };
}

/** True when typed text is a t.me link, an @username or a numeric id (the worker then resolves it). */
export function looksLikeChatRef(text: string): boolean {
  const t = text.trim();
  return /^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(t) || /^-?\d{3,}$/.test(t) || /^(https?:\/\/)?(t|telegram)\.me\/\S+$/i.test(t);
}

/** The input box for one sign-in question the worker asks. */
export function promptBox(p: TelegramRequests.PromptParams): { title: string; prompt: string; placeHolder?: string; password: boolean } {
  const title = 'Sign In to Telegram';
  const note = (text: string) => (p.error ? `${p.error} ${text}` : text);
  switch (p.kind) {
    case 'phone':
      return { title, prompt: note('Your phone number with the country code.'), placeHolder: '+44 20 7946 0000', password: false };
    case 'code':
      return { title, prompt: note(p.hint ?? 'The login code Telegram sent.'), placeHolder: '12345', password: false };
    case 'password':
      return { title, prompt: note(p.hint ?? 'Your two-step verification password.'), password: true };
  }
}

/** Checks a typed API id and hash before they are sent (the worker checks them with Telegram). */
export function apiIdProblem(text: string): string | undefined {
  return /^\s*\d{1,12}\s*$/.test(text) ? undefined : `The API id is a number ("App api_id" at ${API_CREDENTIALS_URL}).`;
}

export function apiHashProblem(text: string): string | undefined {
  return /^\s*[0-9a-f]{32}\s*$/i.test(text) ? undefined : `The API hash is 32 letters and digits ("App api_hash" at ${API_CREDENTIALS_URL}).`;
}
