// Flood waits that hold, through the real GramJS client: asking again before X seconds have passed gets
// FLOOD_WAIT with the time left, so only a client that waits gets through. The sandbox clock stands in for
// the wait where GramJS would otherwise have to sleep.
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api, Logger, TelegramClient, errors } from 'telegram';
import { LogLevel } from 'telegram/extensions/Logger';
import { type TelegramSandbox, closeGramjsClient, gramjsClientOptions, startTelegramSandbox } from './index';

describe('telegram sandbox: flood waits with GramJS', function () {
  this.timeout(20_000);
  let sb: TelegramSandbox;
  let client: TelegramClient;
  const me = () => `user:${sb.model.selfId}`;
  const resolve = (username = 'sandbox_news') => client.invoke(new Api.contacts.ResolveUsername({ username }));
  const floodSeconds = async (p: Promise<unknown>): Promise<number> => {
    try {
      await p;
    } catch (e) {
      if (e instanceof errors.FloodWaitError) return e.seconds;
      throw e;
    }
    return 0;
  };

  before(async () => {
    sb = await startTelegramSandbox();
    const o = gramjsClientOptions(sb);
    client = new TelegramClient(o.session, o.apiId, o.apiHash, { ...o.clientParams, baseLogger: new Logger(LogLevel.NONE) });
    await client.connect();
  });
  beforeEach(() => {
    client.floodSleepThreshold = 0; // every FLOOD_WAIT reaches the test instead of being slept through
  });
  afterEach(() => {
    sb.flood.clear();
    sb.faults.clear();
  });
  after(async () => {
    if (client) await closeGramjsClient(client);
    await sb?.close();
  });

  it('a scripted FLOOD_WAIT_X holds: retries before X seconds get the time left, after X the call goes through', async () => {
    sb.faults.floodWait(600, { method: 'contacts.resolveUsername' });
    assert.equal(await floodSeconds(resolve()), 600);
    assert.equal(sb.faults.pending(), 0, 'the fault fired once');
    assert.equal(await floodSeconds(resolve()), 600, 'an immediate retry gets the wait again');
    sb.clock.advance(420);
    assert.equal(await floodSeconds(resolve()), 180, 'with the time left');
    assert.equal(await floodSeconds(client.invoke(new Api.help.GetConfig())), 0, 'other methods are not held');
    sb.clock.advance(180);
    const r = await resolve();
    assert.ok(r.peer instanceof Api.PeerChannel);
  });

  it('resolving usernames above the configured rate floods, and a client that ignores X never gets through', async () => {
    sb.flood.setLimit('contacts.resolveUsername', { requests: 3, perSeconds: 60 });
    for (let i = 0; i < 3; i++) assert.equal(await floodSeconds(resolve()), 0, `call ${i + 1} is within the rate`);
    const x = await floodSeconds(resolve());
    assert.ok(x > 0 && x <= 60, `the fourth call waits until the window has room (${x} s)`);
    const before = sb.counters.requests('contacts.resolveUsername');
    for (let i = 0; i < 5; i++) assert.ok((await floodSeconds(resolve('alice_sbx'))) > 0, 'ignoring X keeps failing');
    assert.equal(sb.counters.requests('contacts.resolveUsername') - before, 5, 'each retry reached the server');
    assert.equal(sb.flood.secondsLeft(me(), 'contacts.resolveUsername'), x);
    sb.clock.advance(x);
    assert.equal(await floodSeconds(resolve()), 0, 'after X seconds the call goes through');
  });

  it('a burst of messages.getHistory floods with a fixed X; GramJS sleeps through a short one by itself', async () => {
    const news = sb.demo!.news;
    const peer = new Api.InputPeerChannel({ channelId: bigInt(news.id), accessHash: bigInt(sb.model.channels.get(news.id)!.accessHash.toString()) });
    const history = () => client.invoke(new Api.messages.GetHistory({ peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: bigInt(0) }));
    sb.flood.setLimit('messages.GetHistory', { requests: 2, perSeconds: 30, waitSeconds: 1 });
    await history();
    await history();
    assert.equal(await floodSeconds(history()), 1);
    client.floodSleepThreshold = 60;
    const before = sb.counters.requests('messages.getHistory');
    const t0 = Date.now();
    const r = (await history()) as Api.messages.ChannelMessages;
    assert.equal(r.messages.length, 10);
    assert.ok(Date.now() - t0 >= 900, 'GramJS slept about X seconds');
    assert.equal(sb.counters.requests('messages.getHistory') - before, 2, 'one refused call, one after the wait');
  });

  it('upload.getFile above the rate answers FLOOD_WAIT to a downloader that does not wait', async () => {
    const doc = sb.demo!.bigDocument;
    const location = new Api.InputDocumentFileLocation({ id: bigInt(doc.id.toString()), accessHash: bigInt(doc.accessHash.toString()), fileReference: doc.fileReference, thumbSize: '' });
    sb.flood.setLimit('upload.getFile', { requests: 4, perSeconds: 10 });
    const part = (i: number) => client.invoke(new Api.upload.GetFile({ location, offset: bigInt(i * 128 * 1024), limit: 128 * 1024 }));
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push(await floodSeconds(part(i)));
    assert.deepEqual(waits.slice(0, 4), [0, 0, 0, 0]);
    assert.ok(waits[4] > 0 && waits[5] > 0 && waits[5] <= waits[4], `parts 5 and 6 wait (${waits})`);
  });
});
