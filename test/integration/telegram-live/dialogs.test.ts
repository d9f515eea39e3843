/**
 * The account's chats and resolving what a user types, through GramJS against the sandbox: paging
 * messages.getDialogs, searching, every reference form, ids equal to a Telegram Desktop export's,
 * and contacts.resolveUsername's flood limit.
 */
import assert from 'node:assert/strict';
import { TelegramAccount } from '../../../server/engine/connectors/telegram-live/account';
import { inputPeerOf, sourceOfChat } from '../../../server/engine/connectors/telegram-live/resolve';
import { UserError } from '../../../server/engine/errors';
import { type TelegramSandbox, startTelegramSandbox } from '../../sandbox/telegram';
import { MemoryStore, credentialsOf, sandboxEndpoint } from './helpers';

describe('telegram-live: dialogs and chat references against the sandbox', function () {
  this.timeout(60_000);
  let sb: TelegramSandbox;
  let account: TelegramAccount;
  const extraUsers = 230;

  before(async () => {
    sb = await startTelegramSandbox({ seed: 'demo' });
    sb.model.addMessage({ kind: 'user', id: sb.demo!.bot }, { text: '/start', date: 1_600_000_000, fromId: { kind: 'user', id: sb.model.selfId } });
    // Enough chats for three pages of messages.getDialogs (100 a page).
    for (let i = 0; i < extraUsers; i++) {
      const u = sb.model.addUser({ firstName: `Pen Pal ${String(i).padStart(3, '0')}` });
      sb.model.addMessage({ kind: 'user', id: u.id }, { text: `hello ${i}`, date: 1_600_000_000 + i, fromId: { kind: 'user', id: u.id } });
    }
  });
  beforeEach(() => {
    const store = new MemoryStore();
    store.stored = sb.session;
    store.creds = credentialsOf(sb);
    account = new TelegramAccount({ store, endpoint: sandboxEndpoint(sb), signInHelp: 'Sign in.' });
    sb.counters.reset();
    sb.flood.clear();
  });
  afterEach(() => account.close());
  after(() => sb.close());

  it('lists every chat once across pages, with type, forum flag and export ids', async () => {
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await account.chats('', cursor, 40);
      all.push(...page.chats);
      cursor = page.cursor;
    } while (cursor);
    const expected = sb.demoChats();
    assert.equal(all.length, expected.length);
    assert.equal(new Set(all.map((c) => c.markedId)).size, all.length, 'no chat twice');
    assert.equal(sb.counters.requests('messages.getDialogs'), Math.ceil(expected.length / 100));
    const byTitle = new Map(all.map((c) => [c.title, c]));
    const news = byTitle.get('Sandbox News')!;
    assert.equal(news.type, 'channel');
    assert.equal(news.username, 'sandbox_news');
    // A Telegram Desktop export names a channel by its id without -100: so does the archive.
    assert.equal(news.markedId, expected.find((c) => c.title === 'Sandbox News')!.id);
    assert.equal(news.id, -news.markedId - 1_000_000_000_000);
    assert.ok(news.id > 0);
    assert.deepEqual([byTitle.get('Sandbox Forum')!.type, byTitle.get('Sandbox Forum')!.forum], ['supergroup', true]);
    assert.deepEqual([byTitle.get('Sandbox Big Chat')!.type, byTitle.get('Sandbox Big Chat')!.forum], ['supergroup', false]);
    const family = byTitle.get('Sandbox Family')!;
    assert.equal(family.type, 'group');
    assert.equal(family.markedId, -family.id);
    assert.equal(byTitle.get('Helper')!.type, 'bot');
    assert.equal(byTitle.get('Alice Archer')!.type, 'user');
    assert.equal(byTitle.get('Sandbox Big Chat')!.lastMessageId, sb.demoChats().find((c) => c.title === 'Sandbox Big Chat')!.messageCount);
  });

  it('searches titles and usernames as the user types, paging the matches', async () => {
    const first = await account.chats('pen pal 1', undefined, 50);
    assert.equal(first.chats.length, 50);
    assert.ok(first.cursor);
    const rest = await account.chats('pen pal 1', first.cursor, 500);
    // Every word typed is in the title: "Pen Pal 001", "Pen Pal 100"…, "Pen Pal 210"… (each with a 1).
    const expected = [...Array(extraUsers).keys()].filter((i) => String(i).padStart(3, '0').includes('1')).length;
    assert.equal(first.chats.length + rest.chats.length, expected);
    assert.equal(rest.cursor, undefined);
    const requests = sb.counters.requests('messages.getDialogs');
    assert.deepEqual((await account.chats('SANDBOX_NEWS', undefined, 10)).chats.map((c) => c.title), ['Sandbox News']);
    assert.deepEqual((await account.chats('árcher', undefined, 10)).chats.map((c) => c.title), ['Alice Archer']);
    assert.equal(sb.counters.requests('messages.getDialogs'), requests, 'searching a loaded list costs no request');
  });

  it('resolves @username, t.me links, -100 ids, t.me/c links and export ids to one chat', async () => {
    const news = sb.demoChats().find((c) => c.title === 'Sandbox News')!;
    const bare = -news.id - 1_000_000_000_000;
    for (const typed of ['@sandbox_news', 'https://t.me/sandbox_news', 't.me/sandbox_news/12', String(news.id), `https://t.me/c/${bare}/5`, String(bare)]) {
      const chat = await account.resolve(typed);
      assert.deepEqual([chat.id, chat.type, chat.title], [bare, 'channel', 'Sandbox News'], typed);
    }
    assert.equal(sourceOfChat(await account.resolve('@sandbox_news')).id, `telegram:${bare}`, 'the source id an import of this chat has');
    const alice = await account.resolve(String(sb.demo!.alice));
    assert.deepEqual([alice.id, alice.type], [sb.demo!.alice, 'user']);
    await assert.rejects(account.resolve('@nobody_here_at_all'), (e: unknown) => e instanceof UserError && /No Telegram chat or user is called @nobody_here_at_all/.test(e.message));
    await assert.rejects(account.resolve('-1009999999'), (e: unknown) => e instanceof UserError && /is among your Telegram chats\. Join it first/.test(e.message));
    await assert.rejects(account.resolve('https://t.me/+AbCdEf'), (e: unknown) => e instanceof UserError && /Invite links/.test(e.message));
  });

  it('asks the dialogs before contacts.resolveUsername, and says how long a username flood lasts', async () => {
    await account.chats('', undefined, 1000);
    await account.resolve('@alice_sbx');
    assert.equal(sb.counters.requests('contacts.resolveUsername'), 0, 'a chat of the account needs no lookup');
    const fresh = new TelegramAccount({ store: Object.assign(new MemoryStore(), { stored: sb.session, creds: credentialsOf(sb) }), endpoint: sandboxEndpoint(sb), signInHelp: 'Sign in.' });
    try {
      sb.flood.setLimit('contacts.resolveUsername', { requests: 1, perSeconds: 60, waitSeconds: 45 });
      assert.equal((await fresh.resolve('@bob_sbx')).id, sb.demo!.bob);
      await assert.rejects(fresh.resolve('@sandbox_forum'), (e: unknown) => e instanceof UserError && /try @sandbox_forum again in \d+ s/.test(e.message));
    } finally {
      sb.flood.clear();
      await fresh.close();
    }
  });

  it('gives the input peer of a chat known only by its id', async () => {
    const forum = sb.demoChats().find((c) => c.title === 'Sandbox Forum')!;
    const client = await account.access.client();
    const peer = await inputPeerOf(client, account.dialogs, { markedId: forum.id });
    assert.equal(peer.className, 'InputPeerChannel');
  });
});
