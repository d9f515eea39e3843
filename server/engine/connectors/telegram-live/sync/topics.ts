/**
 * A forum's topics, every page of channels.getForumTopics: ordered by last activity, the next
 * page after the last topic's newest message (offset_date + offset_id) and its id (offset_topic),
 * as api/forum documents. A topic listed twice (activity moved it between pages) is kept once;
 * the page count has a hard cap so a server that never says "done" cannot keep us here.
 */
import { Api, type TelegramClient } from 'telegram';
import type { Topic } from '../../../telegram-notes';
import { type RequestPolicy, callTelegram } from './requests';

const TOPICS_PAGE = 100;
const MAX_TOPIC_PAGES = 200;

/** A topic with its newest message (id and date, 0 when unknown), so an idle topic costs no request. */
export interface ListedTopic extends Topic {
  readonly topMessage: number;
  readonly topDate: number;
}

export async function listForumTopics(client: TelegramClient, peer: Api.TypeInputPeer, policy: RequestPolicy): Promise<ListedTopic[]> {
  if (!(peer instanceof Api.InputPeerChannel)) return [];
  const channel = new Api.InputChannel({ channelId: peer.channelId, accessHash: peer.accessHash });
  const byId = new Map<number, ListedTopic>();
  let offsetDate = 0;
  let offsetId = 0;
  let offsetTopic = 0;
  for (let page = 0; page < MAX_TOPIC_PAGES; page++) {
    const res = await callTelegram('channels.getForumTopics', () => client.invoke(new Api.channels.GetForumTopics({ channel, offsetDate, offsetId, offsetTopic, limit: TOPICS_PAGE })), policy);
    const topics = res.topics.filter((t): t is Api.ForumTopic => t instanceof Api.ForumTopic);
    let added = 0;
    for (const t of topics) {
      if (!byId.has(t.id)) added++;
      const top = res.messages.find((m) => m.id === t.topMessage);
      byId.set(t.id, { id: t.id, title: t.title, topMessage: t.topMessage, topDate: top && 'date' in top ? (top.date ?? 0) : 0 });
    }
    if (res.topics.length < TOPICS_PAGE || added === 0 || byId.size >= res.count) break;
    const last = topics[topics.length - 1];
    const top = res.messages.find((m) => m.id === last.topMessage);
    offsetDate = top && 'date' in top ? (top.date ?? 0) : 0;
    offsetId = last.topMessage;
    offsetTopic = last.id;
  }
  return [...byId.values()];
}
