import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatIndexFiles, MessageTable, blockHash } from '../../../server/engine/chat-archive/chatIndex';
import { lastBlockEnd } from '../../../server/engine/chat-archive/noteScan';
import { attachmentVaultPath } from '../../../server/engine/connectors/telegram-export/exportFiles';
import { nodeVaultFs } from '../../../server/engine/vault/vaultFs';

describe('MessageTable (per-chat dedup index)', () => {
  it('finds ids appended in order and out of order, and keeps block membership', () => {
    const t = new MessageTable();
    for (let id = 1; id <= 3000; id++) t.add(id * 2, 0, id * 2, id, id); // grows past the initial capacity
    t.add(5, 1, 5, 7, 7); // out of order
    t.add(7, 1, 5, 0, 0); // same block as 5
    assert.equal(t.size, 3002);
    assert.equal(t.ids[t.find(2000)], 2000);
    assert.equal(t.find(2001), -1);
    assert.equal(t.note[t.find(5)], 1);
    assert.deepEqual(t.blockRows(5).map((r) => t.ids[r]).sort((a, b) => a - b), [5, 7]);
    t.remove(t.find(7));
    assert.equal(t.find(7), -1);
    assert.equal(t.size, 3001);
    t.compact();
    assert.equal(t.ids[t.find(5)], 5);
    assert.ok(t.find(6) >= 0);
  });

  it('an id removed and added again is found again (note rebuilt from its text)', () => {
    const t = new MessageTable();
    t.add(1, 0, 1, 5, 5);
    t.add(2, 0, 2, 6, 6);
    t.removeNote(0);
    assert.equal(t.find(1), -1);
    const row = t.add(1, 0, 1, 7, 7);
    assert.equal(t.find(1), row);
    assert.equal(t.h1[t.find(1)], 7);
    assert.equal(t.size, 1);
    t.compact();
    assert.equal(t.h1[t.find(1)], 7);
    assert.equal(t.find(2), -1);
  });

  it('album members follow their first id in the sorted part', () => {
    const t = new MessageTable();
    t.add(10, 0, 10, 1, 1);
    t.add(11, 0, 11, 2, 2);
    t.add(12, 0, 11, 0, 0);
    t.add(13, 0, 11, 0, 0);
    t.add(14, 0, 14, 3, 3);
    assert.deepEqual(t.blockRows(11).map((r) => t.ids[r]), [11, 12, 13]);
    assert.deepEqual(t.blockRows(10).map((r) => t.ids[r]), [10]);
    assert.deepEqual(t.blockRows(99), []);
  });

  it('per-note stats, and removing a note', () => {
    const t = new MessageTable();
    t.add(1, 0, 1, 0, 0);
    t.add(2, 1, 2, 0, 0);
    t.add(3, 0, 3, 0, 0);
    assert.deepEqual(t.noteStats(2), [
      { count: 2, maxId: 3 },
      { count: 1, maxId: 2 },
    ]);
    t.removeNote(0);
    assert.deepEqual(t.noteStats(2), [
      { count: 0, maxId: Number.NEGATIVE_INFINITY },
      { count: 1, maxId: 2 },
    ]);
  });

  it('negative ids (a group before its supergroup upgrade) sort before positive ones, in memory and on disk', async () => {
    const t = new MessageTable();
    t.add(-999678449, 0, -999678449, 1, 1);
    t.add(-999678446, 0, -999678446, 2, 2);
    t.add(-999678445, 0, -999678446, 0, 0); // album member
    t.add(1, 0, 1, 3, 3);
    t.add(-999678447, 1, -999678447, 4, 4); // out of order
    t.add(-2147483647, 1, -2147483647, 5, 5); // the smallest id the int32 column holds
    assert.equal(t.note[t.find(-999678447)], 1);
    assert.deepEqual(t.blockRows(-999678446).map((r) => t.ids[r]), [-999678446, -999678445]);
    assert.deepEqual(t.noteStats(3), [
      { count: 4, maxId: 1 },
      { count: 2, maxId: -999678447 },
      { count: 0, maxId: Number.NEGATIVE_INFINITY },
    ]);
    t.compact();
    assert.deepEqual(Array.from(t.ids.subarray(0, t.length)), [-2147483647, -999678449, -999678447, -999678446, -999678445, 1]);
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-index-'));
    try {
      const files = new ChatIndexFiles(dir, 78);
      await files.writeRows(nodeVaultFs, t, []);
      const back = await files.readRows(nodeVaultFs);
      assert.ok(back, 'a sorted table with negative ids is valid on disk');
      assert.equal(back.table.first[back.table.find(-999678445)], -999678446);
      assert.equal(back.table.h1[back.table.find(-2147483647)], 5);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('saves and loads rows and header files; a corrupt rows file counts as lost', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-index-'));
    try {
      const files = new ChatIndexFiles(dir, 77);
      const t = new MessageTable();
      t.add(3, 0, 3, 11, 12);
      t.add(1, 0, 1, 13, 14);
      await files.writeRows(nodeVaultFs, t, [{ path: 'Telegram/X/X.md', size: 10, mtimeMs: 5, header: '---\n---\n' }]);
      const back = await files.readRows(nodeVaultFs);
      assert.ok(back);
      assert.equal(back.table.size, 2);
      assert.equal(back.table.h2[back.table.find(1)], 14);
      assert.equal(back.notes[0].header, '---\n---\n');
      const raw = await fsp.readFile(files.rowsFile);
      await fsp.writeFile(files.rowsFile, raw.subarray(0, raw.length - 3));
      assert.equal(await files.readRows(nodeVaultFs), undefined);
      assert.equal(await files.readHeader(nodeVaultFs), undefined);
      await fsp.writeFile(files.jsonFile, '{"version":1,"chatId":78}');
      assert.equal(await files.readHeader(nodeVaultFs), undefined, 'another chat’s header is not ours');
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('blockHash ignores trailing newlines only, and tells near-identical blocks apart', () => {
    assert.deepEqual(blockHash('a\n^m1\n\n'), blockHash('a\n^m1'));
    assert.notDeepEqual(blockHash('a\n^m1'), blockHash('b\n^m1'));
    assert.notDeepEqual(blockHash('\na'), blockHash('a'), 'leading newlines count');
    const seen = new Set<string>();
    const base = '> **Ann** · 2024-01-01 10:00:00\n>\n> message ';
    for (let i = 0; i < 50_000; i++) seen.add(blockHash(`${base}${i}\n\n^m${i}\n\n`).join(':'));
    for (let i = 0; i < 200; i++) seen.add(blockHash(base + 'x'.repeat(i)).join(':'));
    assert.equal(seen.size, 50_200, 'no collision among similar blocks');
  });
});

describe('note scanning helpers', () => {
  it('lastBlockEnd finds the end of the last complete block only', () => {
    const b = (s: string) => Buffer.from(s);
    assert.equal(lastBlockEnd(b('text\n^m12\n\nmore\n^m13\n\n')), 22);
    assert.equal(lastBlockEnd(b('text\n^m12\n\nmore\n^m1')), 11, 'torn id line is not a block end');
    assert.equal(lastBlockEnd(b('para\n\nno id here\n\n')), -1);
    assert.equal(lastBlockEnd(b('x ^m5\n\n')), -1, 'the id line stands alone');
    assert.equal(lastBlockEnd(b('> q\n\n^m5\n\n> r\n\n')), 10);
    assert.equal(lastBlockEnd(b('> q\n\n^m-999678449\n\n> r\n\n')), 19, 'negative ids too');
    assert.equal(lastBlockEnd(b('> q\n\n^m-\n\n')), -1, 'a dash alone is no id');
    assert.equal(lastBlockEnd(b('> q\n\n^m--5\n\n')), -1);
  });

  it('attachment paths drop the chats/chat_NNN prefix and sanitise every segment', () => {
    assert.equal(attachmentVaultPath('Telegram/Alice', 'attachments', 'chats/chat_001/photos/photo_1@01-02-2024.jpg'), 'Telegram/Alice/attachments/photos/photo_1@01-02-2024.jpg');
    assert.equal(attachmentVaultPath('Telegram/Alice', 'attachments', 'files/a:b?.pdf'), 'Telegram/Alice/attachments/files/a_b_.pdf');
    assert.equal(attachmentVaultPath('Telegram/A', 'att', 'files\\CON.txt'), 'Telegram/A/att/files/CON_.txt');
    // Folders are sanitised once and remembered: the same answers the second time, and per chat.
    for (let i = 0; i < 2; i++) {
      assert.equal(attachmentVaultPath('Telegram/A', 'my files/..', 'ph|otos/./x.JPG'), 'Telegram/A/my files_/ph_otos/x.jpg');
      assert.equal(attachmentVaultPath('Telegram/B', 'my files/..', 'ph|otos/./x.JPG'), 'Telegram/B/my files_/ph_otos/x.jpg');
      assert.equal(attachmentVaultPath('Telegram/A', '', '/'), 'Telegram/A/attachments');
      assert.equal(attachmentVaultPath('Telegram/A', 'att', 'left_chats/chat_9/files/..hidden'), 'Telegram/A/att/files/hidden');
    }
  });
});
