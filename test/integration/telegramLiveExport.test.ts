/**
 * A chat imported from a Telegram Desktop export, then added for live sync, reads as one chat:
 * the live sync continues the imported notes (same folder, same block ids), adds only what the
 * export did not have, and ends with the vault a live-only sync makes.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Api, TelegramClient } from 'telegram';
import { TelegramExportConnector } from '../../server/engine/connectors/telegram-export/connector';
import { convertMessage } from '../../server/engine/connectors/telegram-live/sync/convert';
import { PeerNames } from '../../server/engine/connectors/telegram-live/sync/peers';
import { realImporter } from '../../server/engine/parts';
import { type TelegramSandbox, closeGramjsClient, gramjsClientOptions, startTelegramSandbox } from '../sandbox/telegram';
import { assertBlocksSane, cleanVault, liveRig, placeholderMedia, syncAll, telegramFiles } from '../support/telegramLive';

const utc = (s: number) => new Date(s * 1000).toISOString().slice(0, 19);

/**
 * Writes what Telegram Desktop would export of a chat's first `count` messages: result.json (the
 * messages converted to the export's shape) and each file at chats/chat_1/<path>, with the bytes
 * the test registry gives the same file live (so content dedup puts both at one vault path).
 */
async function writeExport(sb: TelegramSandbox, chat: { id: number; title: string; type: string; username: string }, count: number, out: string): Promise<void> {
  const o = gramjsClientOptions(sb);
  const client = new TelegramClient(o.session, o.apiId, o.apiHash, o.clientParams);
  client.setLogLevel('none' as never);
  await client.connect();
  try {
    const peer = await client.getInputEntity(chat.username);
    const res = (await client.invoke(new Api.messages.GetHistory({ peer, limit: 100 }))) as Api.messages.Messages;
    const names = new PeerNames();
    names.addAll(res.users, res.chats);
    const scratch = path.join(out, '..', 'export-scratch');
    const media = placeholderMedia(scratch);
    const messages = [...res.messages]
      .reverse()
      .slice(0, count)
      .map((m) => convertMessage(m, { chat: { kind: 'user', id: chat.id }, inputPeer: peer, selfId: sb.model.selfId, names, media, formatDate: utc })!);
    const exported = [];
    for (const m of messages) {
      const e: Record<string, unknown> = { ...m };
      for (const k of ['photo', 'file', 'thumbnail'] as const) {
        const ref = m[k];
        if (typeof ref !== 'string') continue;
        const located = await media.locate(ref);
        const rel = `chats/chat_1/${ref}`;
        await fs.mkdir(path.dirname(path.join(out, rel)), { recursive: true });
        await fs.copyFile((located as { source: string }).source, path.join(out, rel));
        e[k] = rel;
      }
      exported.push(e);
    }
    await fs.mkdir(out, { recursive: true });
    await fs.writeFile(path.join(out, 'result.json'), JSON.stringify({ name: chat.title, type: chat.type, id: chat.id, messages: exported }, null, 1));
  } finally {
    await closeGramjsClient(client);
  }
}

describe('an exported chat continued by live sync (sandbox DC)', function () {
  this.timeout(120_000);
  let sb: TelegramSandbox;
  let dir: string;

  before(async () => {
    sb = await startTelegramSandbox();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-tglive-x-'));
  });
  after(async () => {
    await sb.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('adds only what the export lacked, with no duplicate block, and ends as a live-only sync', async () => {
    const alice = sb.demoChats().find((c) => c.title === 'Alice Archer')!;
    const chat = { id: alice.id, title: alice.title, type: 'personal_chat', username: alice.username! };
    await writeExport(sb, chat, 15, path.join(dir, 'export'));
    const rig = await liveRig(sb, path.join(dir, 'v'), { connectors: (live) => [live, new TelegramExportConnector(realImporter)] });
    try {
      const imported = await rig.service.importExport(path.join(dir, 'export'));
      assert.equal(imported.messagesWritten, 15);
      const before = await telegramFiles(rig.root);
      assert.deepEqual(Object.keys(before).filter((f) => f.endsWith('.md')), ['Telegram/Alice Archer/Alice Archer.md']);
      assert.equal((await rig.service.listSources())[0].origin, 'telegram-export');

      const added = await rig.service.addSource('telegram', String(alice.id));
      assert.equal(added.id, `telegram:${alice.id}`);
      assert.equal(added.origin, 'telegram-live');
      const sources = await rig.service.listSources();
      assert.equal(sources.length, 1);
      assert.equal(sources[0].origin, 'telegram-live');
      assert.equal(sources[0].itemCount, 15);

      const summary = await syncAll(rig);
      assert.equal(summary.sources[0].itemsAdded, 23 - 15);
      assert.ok(!rig.logs.some((l) => /Alice Archer: \d+ new, \d+ updated/.test(l)), rig.logs.join("\n"));
      const after = await telegramFiles(rig.root);
      assertBlocksSane(after);
      // The imported blocks are untouched: the note only grew.
      const note = 'Telegram/Alice Archer/Alice Archer.md';
      const importedBody = before[note].slice(before[note].indexOf('\n---\n') + 5);
      assert.ok(after[note].includes(importedBody.trimEnd()), 'the imported blocks changed');
      assert.deepEqual(after, await cleanVault(sb, dir, 'clean', [String(alice.id)]));
    } finally {
      await rig.close();
    }
  });
});
