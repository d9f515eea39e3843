// The real GramJS client (telegram 2.26) against the sandbox, through gramjsClientOptions only.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import bigInt from 'big-integer';
import { Api, Logger, TelegramClient, errors } from 'telegram';
import { LogLevel } from 'telegram/extensions/Logger';
import { type TelegramSandbox, closeGramjsClient, gramjsClientOptions, markedPeerId, startTelegramSandbox } from './index';
import type { PeerRef, SandboxFile } from './model';
import { BIG_CHAT_MESSAGES, BIG_DOCUMENT_BYTES } from './seed';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms).unref())]);
}

async function connectClient(sb: TelegramSandbox, session?: string): Promise<TelegramClient> {
  const o = gramjsClientOptions(sb, session);
  const client = new TelegramClient(o.session, o.apiId, o.apiHash, { ...o.clientParams, baseLogger: new Logger(LogLevel.NONE) });
  await withTimeout(client.connect(), 10_000, 'connect');
  return client;
}

function inputPeer(sb: TelegramSandbox, p: PeerRef): Api.TypeInputPeer {
  if (p.kind === 'user') return new Api.InputPeerUser({ userId: bigInt(p.id), accessHash: bigInt(sb.model.users.get(p.id)!.accessHash.toString()) });
  if (p.kind === 'chat') return new Api.InputPeerChat({ chatId: bigInt(p.id) });
  return new Api.InputPeerChannel({ channelId: bigInt(p.id), accessHash: bigInt(sb.model.channels.get(p.id)!.accessHash.toString()) });
}

function inputChannel(sb: TelegramSandbox, p: PeerRef): Api.InputChannel {
  return new Api.InputChannel({ channelId: bigInt(p.id), accessHash: bigInt(sb.model.channels.get(p.id)!.accessHash.toString()) });
}

/** The message carrying a document, fetched fresh (its file reference is the current one). */
async function messageWithFile(client: TelegramClient, sb: TelegramSandbox, peer: PeerRef, file: SandboxFile): Promise<Api.Message> {
  const m = sb.model.historyOf(peer).find((x) => x.media && 'file' in x.media && x.media.file.id === file.id)!;
  const [msg] = await client.getMessages(markedPeerId(peer), { ids: [m.id] });
  return msg;
}

describe('telegram sandbox: real GramJS client', function () {
  this.timeout(30_000);
  let sb: TelegramSandbox;
  let client: TelegramClient;

  before(async () => {
    sb = await startTelegramSandbox();
    client = await connectClient(sb);
  });
  afterEach(() => {
    sb.faults.clear();
    sb.flood.clear(); // a scripted FLOOD_WAIT holds for its X seconds, like Telegram's
  });
  after(async () => {
    if (client) await closeGramjsClient(client);
    await sb?.close();
  });

  it('connects with the StringSession and answers getMe', async () => {
    const me = (await client.getMe()) as Api.User;
    assert.equal(me.self, true);
    assert.equal(Number(me.id), sb.model.selfId);
    assert.equal(me.username, 'sandbox_me');
    assert.ok(sb.counters.requests('users.getUsers') >= 1);
    assert.ok(sb.counters.requests('help.getConfig') >= 1, 'initConnection(help.getConfig) on connect');
    assert.deepEqual(sb.layersSeen(), [198]);
  });

  it('lists dialogs newest first, and pages them with offsets without repeats', async () => {
    const dialogs = await client.getDialogs({});
    const expected = sb.demoChats().map((c) => c.id);
    assert.deepEqual(new Set(dialogs.map((d) => Number(d.id))), new Set(expected));
    assert.equal(dialogs[0].title, 'Sandbox Forum', 'the most recent chat first');
    // Page two at a time the way Telegram documents: offset = the last dialog's top message.
    const seen: number[] = [];
    let offset = { offsetDate: 0, offsetId: 0, offsetPeer: new Api.InputPeerEmpty() as Api.TypeInputPeer };
    for (let page = 0; page < 10; page++) {
      const r = await client.invoke(new Api.messages.GetDialogs({ ...offset, limit: 2, hash: bigInt(0) }));
      assert.ok(r instanceof Api.messages.DialogsSlice);
      assert.equal(r.count, expected.length);
      if (!r.dialogs.length) break;
      for (const d of r.dialogs) seen.push(Number((d as Api.Dialog).topMessage));
      const last = r.dialogs[r.dialogs.length - 1] as Api.Dialog;
      const top = r.messages.find((m) => m.id === last.topMessage) as Api.Message;
      const peer = last.peer;
      const p: PeerRef = peer instanceof Api.PeerUser ? { kind: 'user', id: Number(peer.userId) } : peer instanceof Api.PeerChat ? { kind: 'chat', id: Number(peer.chatId) } : { kind: 'channel', id: Number((peer as Api.PeerChannel).channelId) };
      offset = { offsetDate: top.date, offsetId: top.id, offsetPeer: inputPeer(sb, p) };
    }
    assert.equal(seen.length, expected.length, 'every dialog exactly once');
  });

  it('reads a 10k-message history page by page with no gaps or repeats while new messages arrive', async () => {
    const peer = sb.demo!.bigChat;
    const input = inputPeer(sb, peer);
    const before = sb.model.historyOf(peer).length;
    assert.equal(before, BIG_CHAT_MESSAGES);
    const newestAtStart = sb.model.historyOf(peer)[before - 1].id;
    const ids: number[] = [];
    let offsetId = 0;
    let arrived = 0;
    for (;;) {
      const r = (await client.invoke(new Api.messages.GetHistory({ peer: input, offsetId, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: 0, hash: bigInt(0) }))) as Api.messages.ChannelMessages;
      if (!r.messages.length) break;
      for (const m of r.messages) ids.push(m.id);
      offsetId = r.messages[r.messages.length - 1].id;
      if (ids.length === 100 || ids.length % 2000 === 0) {
        sb.model.addMessage(peer, { text: `arrived while paging ${++arrived}` });
        sb.model.addMessage(peer, { text: `arrived while paging ${++arrived}` });
      }
    }
    assert.equal(ids.length, BIG_CHAT_MESSAGES);
    assert.equal(new Set(ids).size, ids.length, 'no repeats');
    ids.forEach((id, i) => assert.equal(id, newestAtStart - i, 'no gaps, newest first'));
    assert.ok(arrived >= 8);
    // The messages that arrived meanwhile are exactly those above the old top (min_id is exclusive).
    const fresh = (await client.invoke(new Api.messages.GetHistory({ peer: input, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: newestAtStart, hash: bigInt(0) }))) as Api.messages.ChannelMessages;
    assert.deepEqual(fresh.messages.map((m) => m.id), Array.from({ length: arrived }, (_, i) => newestAtStart + arrived - i));
    assert.ok(sb.counters.requests('messages.getHistory') >= 100);
  });

  it('iterates oldest-first with GramJS (negative add_offset) and picks up messages that arrive meanwhile', async () => {
    const peer = sb.demo!.bigChat;
    const h = sb.model.historyOf(peer);
    const minId = h[h.length - 1].id - 350;
    const got: number[] = [];
    let added = 0;
    for await (const m of client.iterMessages(markedPeerId(peer), { reverse: true, minId, limit: undefined })) {
      got.push(m.id);
      if (got.length === 50 && added === 0) {
        // Arrives after the first page was loaded: a later page must still bring it, in order.
        for (let i = 0; i < 3; i++) sb.model.addMessage(peer, { text: `late ${i}`, out: true });
        added = 3;
      }
    }
    const expected = sb.model.historyOf(peer).filter((m) => m.id > minId).map((m) => m.id);
    assert.equal(added, 3);
    assert.equal(expected.length, 353);
    assert.deepEqual(got, expected);
  });

  it('decodes every demo message kind through GramJS', async () => {
    const msgs = await client.getMessages(markedPeerId(sb.demo!.privateChat), { limit: 100 });
    const kinds = new Set<string>(Array.from(msgs, (m) => (m.media ? m.media.className : m.action ? m.action.className : 'text')));
    for (const k of ['MessageMediaPhoto', 'MessageMediaDocument', 'MessageMediaPoll', 'MessageMediaGeo', 'MessageMediaVenue', 'MessageMediaContact', 'MessageActionPhoneCall', 'text']) assert.ok(kinds.has(k), k);
    assert.ok(msgs.some((m) => m.voice) && msgs.some((m) => m.videoNote) && msgs.some((m) => m.sticker) && msgs.some((m) => m.gif) && msgs.some((m) => m.audio));
    assert.ok(msgs.some((m) => m.fwdFrom) && msgs.some((m) => m.groupedId) && msgs.some((m) => m.reactions) && msgs.some((m) => m.editDate) && msgs.some((m) => m.replyTo));
    assert.ok(msgs.some((m) => m.entities?.some((e) => e instanceof Api.MessageEntityTextUrl)));
    const group = await client.getMessages(markedPeerId(sb.demo!.family), { limit: 10 });
    assert.ok(group.some((m) => m.action instanceof Api.MessageActionChatAddUser) && group.some((m) => m.action instanceof Api.MessageActionPinMessage));
  });

  it('lists forum topics page by page (offset_date, offset_id, offset_topic) and reads a topic with getReplies', async () => {
    const forum = sb.demo!.forum;
    const channel = inputChannel(sb, forum);
    const topics: Api.ForumTopic[] = [];
    let offset = { offsetDate: 0, offsetId: 0, offsetTopic: 0 };
    for (let page = 0; page < 10; page++) {
      const r = await client.invoke(new Api.channels.GetForumTopics({ channel, ...offset, limit: 2 }));
      assert.equal(r.count, 6);
      if (!r.topics.length) break;
      topics.push(...(r.topics as Api.ForumTopic[]));
      const last = r.topics[r.topics.length - 1] as Api.ForumTopic;
      const top = r.messages.find((m) => m.id === last.topMessage)!;
      offset = { offsetDate: (top as Api.Message).date, offsetId: top.id, offsetTopic: last.id };
    }
    assert.equal(topics.length, 6);
    assert.equal(new Set(topics.map((t) => t.id)).size, 6);
    assert.ok(topics.some((t) => t.title === 'Help & Support'));
    assert.ok(topics.some((t) => t.id === 1 && t.title === 'General'));
    const help = topics.find((t) => t.title === 'Help & Support')!;
    const replies = await client.getMessages(markedPeerId(forum), { replyTo: help.id, limit: 100 });
    const expected = sb.model.historyOf(forum).filter((m) => (m.action?.type === 'topicCreate' && m.id === help.id) || (m.replyTo?.forumTopic && (m.replyTo.topId ?? m.replyTo.msgId) === help.id));
    assert.deepEqual(Array.from(replies, (m) => m.id), expected.map((m) => m.id).reverse());
    assert.ok(sb.counters.requests('messages.getReplies') >= 1);
  });

  it('resolves usernames and reads full channel info and single messages', async () => {
    const news = (await client.getEntity('sandbox_news')) as Api.Channel;
    assert.equal(news.title, 'Sandbox News');
    assert.equal(news.broadcast, true);
    const full = await client.invoke(new Api.channels.GetFullChannel({ channel: inputChannel(sb, sb.demo!.news) }));
    assert.equal((full.fullChat as Api.ChannelFull).about, 'Announcements from the sandbox.');
    const r = (await client.invoke(new Api.channels.GetMessages({ channel: inputChannel(sb, sb.demo!.news), id: [new Api.InputMessageID({ id: 2 }), new Api.InputMessageID({ id: 99999 })] }))) as Api.messages.ChannelMessages;
    assert.equal((r.messages[0] as Api.Message).message, 'News item 1');
    assert.ok(r.messages[1] instanceof Api.MessageEmpty);
    await assert.rejects(client.invoke(new Api.contacts.ResolveUsername({ username: 'nobody_here_sbx' })), (e: errors.RPCError) => e.errorMessage === 'USERNAME_NOT_OCCUPIED');
  });

  it('downloads a 20 MB document byte-exact with several parts in flight', async () => {
    const doc = sb.demo!.bigDocument;
    const msg = await messageWithFile(client, sb, sb.demo!.news, doc);
    const media = (msg.media as Api.MessageMediaDocument).document as Api.Document;
    assert.equal(Number(media.size), BIG_DOCUMENT_BYTES);
    const location = new Api.InputDocumentFileLocation({ id: media.id, accessHash: media.accessHash, fileReference: media.fileReference, thumbSize: '' });
    const part = 512 * 1024;
    const lanes = 4;
    sb.faults.latency(15, { method: 'upload.getFile', times: Infinity });
    const out = Buffer.alloc(BIG_DOCUMENT_BYTES);
    let written = 0;
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        let offset = lane * part;
        for await (const chunk of client.iterDownload({ file: location, offset: bigInt(offset), stride: lanes * part, requestSize: part, chunkSize: part, fileSize: bigInt(BIG_DOCUMENT_BYTES), dcId: media.dcId })) {
          chunk.copy(out, offset);
          written += chunk.length;
          offset += lanes * part;
        }
      }),
    );
    assert.equal(written, BIG_DOCUMENT_BYTES);
    assert.equal(sha(out), sha(sb.model.fileBytes(doc)));
    assert.ok(sb.counters.inFlightPeak('upload.getFile') >= 2, `peak ${sb.counters.inFlightPeak('upload.getFile')}`);
    const hashes = await client.invoke(new Api.upload.GetFileHashes({ location, offset: bigInt(0) }));
    assert.equal(hashes.length, 8);
    assert.equal(Buffer.from(hashes[1].hash).toString('hex'), sha(out.subarray(128 * 1024, 256 * 1024)));
  });

  it('downloads media with downloadMedia (exported sender) byte-exact, also through slow bytes and latency', async () => {
    const pc = sb.demo!.privateChat;
    const video = sb.model.historyOf(pc).find((m) => m.media?.type === 'document' && m.media.file.documentKind === 'video')!;
    const [msg] = await client.getMessages(markedPeerId(pc), { ids: [video.id] });
    sb.faults.slowBytes(4 * 1024 * 1024, { method: 'upload.getFile', times: Infinity }).latency(5, { method: 'upload.getFile', times: Infinity });
    const bytes = (await client.downloadMedia(msg)) as Buffer;
    assert.equal(sha(bytes), sha(sb.model.fileBytes((video.media as { file: SandboxFile }).file)));
    const photoMsg = sb.model.historyOf(pc).find((m) => m.media?.type === 'photo')!;
    const [pm] = await client.getMessages(markedPeerId(pc), { ids: [photoMsg.id] });
    const photo = (await client.downloadMedia(pm)) as Buffer;
    assert.equal(sha(photo), sha(sb.model.fileBytes((photoMsg.media as { file: SandboxFile }).file)));
  });

  describe('faults, as Telegram would produce them', () => {
    const history = () => new Api.messages.GetHistory({ peer: inputPeer(sb, sb.demo!.news), offsetId: 0, offsetDate: 0, addOffset: 0, limit: 5, maxId: 0, minId: 0, hash: bigInt(0) });

    it('FLOOD_WAIT_X above floodSleepThreshold reaches the caller as FloodWaitError with .seconds', async () => {
      sb.faults.floodWait(3600, { method: 'messages.getHistory' });
      await assert.rejects(client.invoke(history()), (e: unknown) => e instanceof errors.FloodWaitError && e.seconds === 3600);
    });

    it('a short FLOOD_WAIT_X is slept through and the request repeated', async () => {
      const before = sb.counters.requests('messages.getHistory');
      sb.faults.floodWait(1, { method: 'messages.getHistory' });
      const r = (await client.invoke(history())) as Api.messages.ChannelMessages;
      assert.equal(r.messages.length, 5);
      assert.equal(sb.counters.requests('messages.getHistory') - before, 2);
    });

    it('FLOOD_PREMIUM_WAIT_X on upload.getFile surfaces as FloodWaitError', async () => {
      const doc = sb.demo!.bigDocument;
      const msg = await messageWithFile(client, sb, sb.demo!.news, doc);
      sb.faults.floodPremiumWait(900);
      const d = (msg.media as Api.MessageMediaDocument).document as Api.Document;
      const location = new Api.InputDocumentFileLocation({ id: d.id, accessHash: d.accessHash, fileReference: d.fileReference, thumbSize: '' });
      await assert.rejects(client.invoke(new Api.upload.GetFile({ location, offset: bigInt(0), limit: 4096 })), (e: unknown) => e instanceof errors.FloodWaitError && e.seconds === 900);
    });

    it('FILE_REFERENCE_EXPIRED after the reference changes; a refetched message downloads', async () => {
      const pc = sb.demo!.privateChat;
      const note = sb.model.historyOf(pc).find((m) => m.media?.type === 'document' && m.media.file.fileName === 'notes.pdf')!;
      const file = (note.media as { file: SandboxFile }).file;
      const [stale] = await client.getMessages(markedPeerId(pc), { ids: [note.id] });
      sb.model.expireFileReference(file.id);
      await assert.rejects(client.downloadMedia(stale), (e: errors.RPCError) => e.errorMessage === 'FILE_REFERENCE_EXPIRED' && e.code === 400);
      const [fresh] = await client.getMessages(markedPeerId(pc), { ids: [note.id] });
      const bytes = (await client.downloadMedia(fresh)) as Buffer;
      assert.equal(sha(bytes), sha(sb.model.fileBytes(file)));
    });

    it('FILE_MIGRATE_X sends GramJS to DC X, which serves the file', async () => {
      const pc = sb.demo!.privateChat;
      const audio = sb.model.historyOf(pc).find((m) => m.media?.type === 'document' && m.media.file.documentKind === 'audio')!;
      const file = (audio.media as { file: SandboxFile }).file;
      const [msg] = await client.getMessages(markedPeerId(pc), { ids: [audio.id] });
      const onDc4 = sb.counters.requestsOnDc(4, 'upload.getFile');
      sb.faults.fileMigrate(4);
      const bytes = (await client.downloadMedia(msg)) as Buffer;
      assert.equal(sha(bytes), sha(sb.model.fileBytes(file)));
      assert.equal(file.dcId, 4, 'the file now lives on DC 4');
      assert.ok(sb.counters.requestsOnDc(4, 'upload.getFile') > onDc4, 'parts came from DC 4');
      assert.ok(sb.counters.requestsOnDc(4, 'auth.importAuthorization') >= 1, 'DC 4 needed its own key and the imported authorization');
      assert.equal(sb.faults.pending(), 0, 'the fault fired');
    });

    it('a connection dropped mid-request is re-established and the request answered', async () => {
      const before = sb.counters.requests('messages.getHistory');
      sb.faults.dropConnection({ method: 'messages.getHistory', when: 'before-response' });
      const r = (await withTimeout(client.invoke(history()), 15_000, 'request after drop')) as Api.messages.ChannelMessages;
      assert.equal(r.messages.length, 5);
      assert.equal(sb.counters.requests('messages.getHistory') - before, 2);
    });

    it('a connection dropped mid-file (half a part written) still yields the exact file', async () => {
      const pc = sb.demo!.privateChat;
      const round = sb.model.historyOf(pc).find((m) => m.media?.type === 'document' && m.media.file.documentKind === 'round')!;
      const [msg] = await client.getMessages(markedPeerId(pc), { ids: [round.id] });
      sb.faults.dropConnection({ method: 'upload.getFile', when: 'mid-response' });
      const bytes = (await withTimeout(client.downloadMedia(msg) as Promise<Buffer>, 15_000, 'download after drop')) as Buffer;
      assert.equal(sha(bytes), sha(sb.model.fileBytes((round.media as { file: SandboxFile }).file)));
      assert.equal(sb.faults.pending(), 0, 'the drop happened');
    });
  });
});

describe('telegram sandbox: login flow with GramJS', function () {
  this.timeout(20_000);
  let sb: TelegramSandbox;
  let client: TelegramClient | undefined;
  before(async () => {
    sb = await startTelegramSandbox({ seed: 'empty' });
  });
  after(async () => {
    if (client) await closeGramjsClient(client);
    await sb.close();
  });

  it('signs in with auth.sendCode and auth.signIn after a wrong code', async () => {
    client = await connectClient(sb, sb.createLoginSession());
    assert.equal(await client.checkAuthorization(), false, 'a fresh key is not signed in');
    const codes = ['00000', sb.model.loginCode];
    const seenErrors: string[] = [];
    await client.start({
      phoneNumber: async () => sb.model.self.phone!,
      phoneCode: async () => codes.shift()!,
      onError: async (e: Error) => {
        seenErrors.push((e as errors.RPCError).errorMessage ?? e.message);
        return false;
      },
    });
    assert.deepEqual(seenErrors, ['PHONE_CODE_INVALID']);
    const me = (await client.getMe()) as Api.User;
    assert.equal(Number(me.id), sb.model.selfId);
    assert.equal(sb.counters.requests('auth.sendCode'), 1);
    assert.equal(sb.counters.requests('auth.signIn'), 2);
  });

  it('completes two-step verification over SRP (account.getPassword / auth.checkPassword)', async () => {
    sb.model.setPassword('correct horse', 'a horse');
    const c = await connectClient(sb, sb.createLoginSession());
    try {
      const passwords = ['wrong horse', 'correct horse'];
      const hints: string[] = [];
      const seenErrors: string[] = [];
      await c.start({
        phoneNumber: async () => sb.model.self.phone!,
        phoneCode: async () => sb.model.loginCode,
        password: async (hint?: string) => {
          hints.push(hint ?? '');
          return passwords.shift()!;
        },
        onError: async (e: Error) => {
          seenErrors.push((e as errors.RPCError).errorMessage ?? e.message);
          return false;
        },
      });
      assert.deepEqual(seenErrors, ['PASSWORD_HASH_INVALID']);
      assert.deepEqual(hints, ['a horse', 'a horse']);
      assert.equal(Number(((await c.getMe()) as Api.User).id), sb.model.selfId);
      assert.equal(sb.counters.requests('auth.checkPassword'), 2);
    } finally {
      await closeGramjsClient(c);
      sb.model.passwords.clear();
    }
  });
});
