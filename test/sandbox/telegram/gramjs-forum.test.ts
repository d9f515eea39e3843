// Forum topics through the real GramJS client, as core.telegram.org/method/channels.getForumTopics documents
// them: pinned topics first, then by last activity; pages continue after (offset_date, offset_id, offset_topic),
// the date and id of the last topic's newest message and that topic's id.
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api, Logger, TelegramClient } from 'telegram';
import { LogLevel } from 'telegram/extensions/Logger';
import { type TelegramSandbox, closeGramjsClient, gramjsClientOptions, startTelegramSandbox } from './index';
import type { SandboxChannel } from './model';

describe('telegram sandbox: forum topic order and paging with GramJS', function () {
  this.timeout(20_000);
  let sb: TelegramSandbox;
  let client: TelegramClient;
  let forum: SandboxChannel;
  const t0 = 1_710_000_000;
  const ids: Record<string, number> = {};

  before(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
    forum = sb.model.addChannel({ title: 'Topics', forum: true, date: t0 });
    // General (id 1, no pinned flag at all) and five topics, created in this order with explicit flags.
    for (const [i, title] of ['Alpha', 'Beta', 'Gamma', 'Delta', 'Pinned'].entries()) {
      ids[title] = sb.model.addTopic(forum.id, { title, date: t0 + 10 * (i + 1), pinned: title === 'Pinned' ? true : false }).id;
    }
    ids.General = 1;
    // Last activity, oldest to newest: Pinned, Beta, General, Alpha, Delta; Gamma has only its creation.
    let d = t0 + 100;
    for (const title of ['Pinned', 'Beta', 'General', 'Alpha', 'Delta']) sb.model.addTopicMessage(forum.id, ids[title], { text: `in ${title}`, date: (d += 10) });
    const o = gramjsClientOptions(sb);
    client = new TelegramClient(o.session, o.apiId, o.apiHash, { ...o.clientParams, baseLogger: new Logger(LogLevel.NONE) });
    await client.connect();
  });
  after(async () => {
    if (client) await closeGramjsClient(client);
    await sb?.close();
  });

  const channel = () => new Api.InputChannel({ channelId: bigInt(forum.id), accessHash: bigInt(forum.accessHash.toString()) });
  const titles = (r: Api.messages.ForumTopics) => r.topics.map((t) => (t as Api.ForumTopic).title);
  const page = (offset: { offsetDate: number; offsetId: number; offsetTopic: number }, limit: number) =>
    client.invoke(new Api.channels.GetForumTopics({ channel: channel(), ...offset, limit }));
  const offsetAfter = (r: Api.messages.ForumTopics) => {
    const last = r.topics[r.topics.length - 1] as Api.ForumTopic;
    const top = r.messages.find((m) => m.id === last.topMessage) as Api.Message;
    return { offsetDate: top.date, offsetId: top.id, offsetTopic: last.id };
  };

  it('orders topics pinned first, then by their newest message, General included', async () => {
    const r = await page({ offsetDate: 0, offsetId: 0, offsetTopic: 0 }, 100);
    assert.deepEqual(titles(r), ['Pinned', 'Delta', 'Alpha', 'General', 'Beta', 'Gamma']);
    assert.equal(r.count, 6);
    assert.deepEqual(r.topics.map((t) => !!(t as Api.ForumTopic).pinned), [true, false, false, false, false, false]);
  });

  it('pages with the documented offsets, and a topic that turns active meanwhile is not listed twice', async () => {
    const seen: string[] = [];
    let offset = { offsetDate: 0, offsetId: 0, offsetTopic: 0 };
    for (let i = 0; i < 10; i++) {
      const r = await page(offset, 2);
      if (!r.topics.length) break;
      seen.push(...titles(r));
      offset = offsetAfter(r);
      // After the first page, Delta (already listed) gets a new message and moves to the top of the unpinned.
      if (i === 0) sb.model.addTopicMessage(forum.id, ids.Delta, { text: 'Delta again' });
    }
    assert.deepEqual(seen, ['Pinned', 'Delta', 'Alpha', 'General', 'Beta', 'Gamma']);
    const again = await page({ offsetDate: 0, offsetId: 0, offsetTopic: 0 }, 3);
    assert.deepEqual(titles(again), ['Pinned', 'Delta', 'Alpha'], 'Delta is the most active unpinned topic now');
  });

  it('continues inside the pinned topics, and starts over for offset_date 0 whatever the other offsets say', async () => {
    const second = sb.model.addTopic(forum.id, { title: 'Pinned too', pinned: true });
    try {
      const first = await page({ offsetDate: 0, offsetId: 0, offsetTopic: 0 }, 1);
      assert.deepEqual(titles(first), ['Pinned too']);
      const next = await page(offsetAfter(first), 2);
      assert.deepEqual(titles(next), ['Pinned', 'Delta'], 'the other pinned topic, then the unpinned ones');
      const restart = await page({ ...offsetAfter(next), offsetDate: 0 }, 2);
      assert.deepEqual(titles(restart), ['Pinned too', 'Pinned'], 'offset_date 0: results from the top');
    } finally {
      forum.topics.splice(forum.topics.indexOf(second), 1);
    }
  });
});
