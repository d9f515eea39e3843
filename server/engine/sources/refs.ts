/**
 * Parsing what a user types to name a source. Pure: no network. The live-sync issues resolve
 * a parsed ref to a channel or chat; here we only recognise its form and reject what can
 * never work, with a message that says what to type instead.
 */
import { UserError } from '../errors';

export type YouTubeRef =
  | { readonly form: 'channelId'; readonly value: string }
  | { readonly form: 'handle'; readonly value: string }
  | { readonly form: 'username'; readonly value: string };

export type TelegramRef =
  | { readonly form: 'username'; readonly value: string }
  | { readonly form: 'chatId'; readonly value: number }
  | { readonly form: 'invite'; readonly value: string };

export class RefError extends UserError {
  override readonly name = 'RefError';
}

const CHANNEL_ID = /^UC[A-Za-z0-9_-]{22}$/;
// YouTube handles: 3–30 chars of letters, digits, underscore, hyphen, period (Unicode letters allowed).
const HANDLE = /^[\p{L}\p{N}_.-]{3,30}$/u;

export function parseYouTubeRef(input: string): YouTubeRef {
  const text = input.trim();
  if (!text) throw new RefError('Enter a YouTube channel: @handle, a channel URL, or a channel id (UC…).');
  if (CHANNEL_ID.test(text)) return { form: 'channelId', value: text };
  if (text.startsWith('@')) {
    const handle = text.slice(1);
    if (HANDLE.test(handle)) return { form: 'handle', value: handle };
    throw new RefError(`"${text}" is not a valid YouTube handle: 3–30 letters, digits, "_", "-" or ".".`);
  }
  const url = tryUrl(text);
  if (url && /(^|\.)youtube\.com$/i.test(url.hostname)) {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0]?.startsWith('@') && HANDLE.test(parts[0].slice(1))) return { form: 'handle', value: parts[0].slice(1) };
    if (parts[0] === 'channel' && parts[1] && CHANNEL_ID.test(parts[1])) return { form: 'channelId', value: parts[1] };
    if (parts[0] === 'user' && parts[1]) return { form: 'username', value: parts[1] };
    throw new RefError(
      `"${text}" is a YouTube link but not a channel link. Open the channel and copy its address (youtube.com/@name or youtube.com/channel/UC…).`,
    );
  }
  if (url) throw new RefError(`"${text}" is not a YouTube address. Use youtube.com/@name, a @handle or a channel id (UC…).`);
  throw new RefError(`"${text}" is not a YouTube channel. Use @handle, youtube.com/@name or a channel id (UC…).`);
}

// Telegram usernames: 5–32 chars, letters, digits and underscores, starting with a letter.
const USERNAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

export function parseTelegramRef(input: string): TelegramRef {
  const text = input.trim();
  if (!text) throw new RefError('Enter a Telegram chat: @username, a t.me link, or a numeric chat id.');
  if (/^-?\d+$/.test(text)) {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value === 0) throw new RefError(`"${text}" is not a Telegram chat id.`);
    return { form: 'chatId', value };
  }
  if (text.startsWith('@')) {
    if (USERNAME.test(text.slice(1))) return { form: 'username', value: text.slice(1) };
    throw new RefError(`"${text}" is not a valid Telegram username: 5–32 letters, digits or "_", starting with a letter.`);
  }
  const url = tryUrl(/^(t|telegram)\.me\//i.test(text) ? `https://${text}` : text);
  if (url && /^(t|telegram)\.me$/i.test(url.hostname)) {
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] === 'joinchat' && parts[1]) return { form: 'invite', value: parts[1] };
    if (parts[0]?.startsWith('+') && parts[0].length > 1) return { form: 'invite', value: parts[0].slice(1) };
    if (parts[0] === 'c' && parts[1] && /^\d+$/.test(parts[1])) return { form: 'chatId', value: -(1e12 + Number(parts[1])) };
    if (parts[0] && USERNAME.test(parts[0])) return { form: 'username', value: parts[0] };
    throw new RefError(`"${text}" is a t.me link but names no chat. Copy the chat's link from Telegram (t.me/name).`);
  }
  if (USERNAME.test(text)) return { form: 'username', value: text };
  throw new RefError(`"${text}" is not a Telegram chat. Use @username, a t.me link or a numeric chat id.`);
}

/** The stable source id for a ref, before any network resolution. */
export function youTubeSourceId(ref: YouTubeRef): string {
  return ref.form === 'channelId' ? `youtube:${ref.value}` : `youtube:${ref.form === 'handle' ? '@' : 'user/'}${ref.value.toLowerCase()}`;
}

export function telegramSourceId(ref: TelegramRef): string {
  switch (ref.form) {
    case 'chatId':
      return `telegram:${ref.value}`;
    case 'username':
      return `telegram:@${ref.value.toLowerCase()}`;
    case 'invite':
      return `telegram:+${ref.value}`;
  }
}

function tryUrl(text: string): URL | undefined {
  if (!/^https?:\/\//i.test(text) && !/^(www\.|m\.)?youtube\.com\//i.test(text)) return undefined;
  try {
    return new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return undefined;
  }
}

/** Source id of a Telegram chat known by its numeric id (an imported chat, or a resolved live one). */
export function telegramChatSourceId(chatId: number): string {
  return telegramSourceId({ form: 'chatId', value: chatId });
}

/** The numeric chat id inside a `telegram:<id>` source id; undefined for any other id. */
export function chatIdOfSourceId(id: string): number | undefined {
  const m = /^telegram:(-?\d+)$/.exec(id);
  return m ? Number(m[1]) : undefined;
}
