/**
 * Exports shaped the way Telegram Desktop wrote them over the years (test/fixtures/telegram-desktop):
 * each imports without a crash and without losing a message (every message id of the fixture is
 * one block id, exactly once), with the expected warnings (one per kind), and importing it again
 * changes nothing, with or without the engine's index.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { parseBlocks, parseFrontmatter } from '../../../server/engine/telegram-notes';
import { assertVaultConsistent, notesOf, readNote, runImport, snapshot, tempDir } from './helpers';

const FIXTURES = path.resolve(__dirname, '../../fixtures/telegram-desktop');

interface FixtureChat {
  id: number;
  name?: string;
  messages: { id: unknown }[];
}

async function chatsOf(fixture: string): Promise<FixtureChat[]> {
  const json = JSON.parse(await fsp.readFile(path.join(FIXTURES, fixture, 'result.json'), 'utf8'));
  return Array.isArray(json.messages) ? [json] : [...json.chats.list, ...(json.left_chats?.list ?? [])];
}

/** Notes of the vault by chat id: their paths, texts and block ids. */
async function notesByChat(vault: string): Promise<Map<number, { path: string; text: string; ids: number[] }[]>> {
  const out = new Map<number, { path: string; text: string; ids: number[] }[]>();
  for (const p of await notesOf(vault)) {
    const text = await readNote(vault, p);
    const fm = parseFrontmatter(text);
    assert.ok(fm, `${p}: frontmatter`);
    const list = out.get(fm.meta.chatId) ?? [];
    list.push({ path: p, text, ids: parseBlocks(text).flatMap((b) => b.ids) });
    out.set(fm.meta.chatId, list);
  }
  return out;
}

interface Case {
  readonly fixture: string;
  /** One pattern per warning the import must give, each matching exactly one warning. */
  readonly warnings: readonly RegExp[];
  /** Checks of the notes' text, by chat id. */
  check(notes: Map<number, { path: string; text: string; ids: number[] }[]>): void;
}

const only = (notes: Map<number, { text: string }[]>, chatId: number): string => {
  const list = notes.get(chatId);
  assert.equal(list?.length, 1, `one note for chat ${chatId}`);
  return list[0].text;
};

const CASES: Case[] = [
  {
    fixture: '2016-personal-chats',
    warnings: [],
    check(notes) {
      const masha = only(notes, 4400001);
      assert.match(masha, /%%album: m104 m105%%/, 'photos of the same second are one album');
      assert.deepEqual(parseBlocks(masha).map((b) => b.ids), [[101], [102], [103], [104, 105], [106], [107], [108], [109], [110], [111], [112]], 'photos minutes apart stay apart');
      assert.equal(masha.match(/edited/g)?.length, 1, 'only the message really edited says so');
      assert.match(masha, /· 2016-05-05 09:12:00 · edited 09:30:00/);
      assert.match(masha, /\n> <https:\/\/example\.com\/pics\/a\.jpg>гыгы\n/);
      assert.match(masha, /\n> \*\*Маша \\\|\\\| \\\[работа\\\]\*\* · 2016-05-03 10:15:02\n/);
      assert.match(masha, /↪ Forwarded from \*\*Канал \\\| Новости \\\[18\+\\\]\*\*/);
      assert.match(masha, /\ntitle: "Маша \|\| \[работа\]"\n/);
      const dacha = only(notes, 4400002);
      assert.match(dacha, /✨ Ivan Petrov created the group «Дача \\\[2016\\\]» with Маша \\\|\\\| \\\[работа\\\] and Пётр/);
      assert.match(dacha, /changed the title to «Дача \\\| 2016»/);
    },
  },
  {
    fixture: '2019-epoch-edited',
    warnings: [],
    check(notes) {
      const club = only(notes, 9700001);
      assert.doesNotMatch(club, /edited 19(69|70)/);
      assert.equal(club.match(/edited/g)?.length, 1);
      assert.match(club, /· 2019-07-14 17:59:00 · edited 18:05:00/);
      assert.match(club, /\*\*Bob \\\[mod\\\]\*\* · 2019-07-02 18:30:12 %%album: m3 m4%%/);
      assert.deepEqual(parseBlocks(club).map((b) => b.ids[0]), [1, 2, 3, 5, 6, 7, 8, 9, 10], 'another sender in the same second is not in the album');
    },
  },
  {
    fixture: '2022-supergroup-upgrade',
    warnings: [],
    check(notes) {
      const school = only(notes, 1500000001);
      assert.deepEqual(parseBlocks(school).map((b) => b.ids[0]), [-999678449, -999678448, -999678447, -999678446, -999678444, -999678443, 1, 2, 3, 4, 5], 'the old group first, oldest first');
      assert.match(school, /%%album: m-999678446 m-999678445%%\n/);
      assert.match(school, /↩ Reply to \[\[#\^m-999678448\|message -999678448\]\]\n>\n> Буду!/);
      assert.match(school, /📌 Анна Смирнова pinned \[\[#\^m-999678448\|message -999678448\]\]/);
      assert.match(school, /↩ Reply to \[\[#\^m-999678448\|message -999678448\]\]\n>\n> Помните эту встречу\?/);
      const fm = parseFrontmatter(school)!.meta;
      assert.equal(fm.firstDate, '2015-09-01T08:00:00');
      assert.equal(fm.lastImportedId, 5);
      assert.equal(fm.messageCount, 12);
    },
  },
  {
    fixture: '2024-forum-reactions',
    warnings: [],
    check(notes) {
      const forum = notes.get(1700000042)!;
      assert.deepEqual(forum.map((n) => path.basename(n.path)).sort(), ['Makers ‖ Lab _beta_.md', 'Off-topic.md', 'Printers _ FDM.md']);
      const printers = forum.find((n) => n.path.endsWith('Printers _ FDM.md'))!.text;
      assert.match(printers, /\n> <https:\/\/files\.example\.net\/model\.stl>— скачать\n/);
      assert.match(printers, /👍 3 · \(custom emoji\) 1 · ⭐ 10/);
      assert.match(printers, /· 2024-05-02 11:00:00 · edited 11:20:00/);
      assert.match(printers, /\*\*Tom \\\|\\\| Builder\*\*/);
      const offTopic = forum.find((n) => n.path.endsWith('Off-topic.md'))!.text;
      assert.match(offTopic, /↪ Forwarded from \*\*Dev \\\[news\\\] \\\| daily\*\*/);
      assert.match(only(notes, 1000701), /↪ Forwarded from \*\*Cooking \\\| Daily \\\[RU\\\]\*\*\n/);
    },
  },
  {
    fixture: 'wrong-types',
    warnings: [
      /^Strange \| Things\|1\|field "text" held 12345 where text belongs/,
      /^Strange \| Things\|2\|a date that is not a date-time \("yesterday"\)/,
      /^Strange \| Things\|3\|messages without "date" are dated from "date_unixtime", in UTC/,
      /^Strange \| Things\|4\|field "text" held true/,
      /^Strange \| Things\|5\|field "story_link" is not one this version knows/,
      /^Strange \| Things\|5\|field "quick_reply_shortcut" is not one this version knows/,
      /^Strange \| Things\|6\|message type "story_mention"/,
      /^Strange \| Things\|7\|service action "future_thing"/,
      /^Strange \| Things\|8\|media type "hologram"/,
      /^Strange \| Things\|9\|text entity type "hologram_text"/,
      /^Strange \| Things\|10\|field "reply_to_message_id" held "1"/,
      /^Strange \| Things\|11\|field "from" held 42/,
      /^Strange \| Things\|12\|message ids written as text/,
      /^Strange \| Things\|16\|field "poll" held text where an object belongs/,
      /^Очень длинное название чата выпускников, которое кто-то одн…\|1\|field "ttl_badge"/,
    ],
    check(notes) {
      const odd = only(notes, 777);
      const fm = parseFrontmatter(odd)!.meta;
      assert.equal(fm.firstDate, '2024-02-01T10:00:00');
      assert.equal(fm.lastDate, '2024-02-04T21:00:00', 'neither "yesterday" nor "tomorrow" reaches the properties');
      assert.match(odd, /\*\*Odd Sender\*\* · yesterday\n>\n> date \\\| \\\[is\\\] \\\*odd\\\*\n/);
      assert.match(odd, /· 2024-02-02 12:00:00\n>\n> no "date" field, only date_unixtime/);
      assert.match(odd, /\n> 12345\n/);
      assert.match(odd, /\n> 67890\n/);
      assert.match(odd, /🧩 `story_link`: \{"peer":"user5","story_id":9\}/);
      assert.match(odd, /⚙️ Odd Sender: future thing · 2024-02-03 13:00:00\n>\n> 🧩 `detail`: something new\n> 🧩 `count`: 3\n/);
      assert.match(odd, /holo\.bin\]\] \*\(media type hologram\)\*/);
      assert.match(odd, /↩ Reply to \[\[#\^m1\|message 1\]\]/);
      assert.match(odd, /\n> \*\*42\*\* · /);
    },
  },
];

describe('import: real Telegram Desktop exports of 2016-2026', function () {
  this.timeout(60_000);
  let work: string;
  beforeEach(async () => {
    work = await tempDir('realworld');
  });
  afterEach(async () => {
    await fsp.rm(work, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.fixture}: no crash, no lost message, one warning per kind, and a re-import changes nothing`, async () => {
      const exportDir = path.join(FIXTURES, c.fixture);
      const vault = path.join(work, 'vault');
      const s = await runImport(exportDir, vault);
      assert.equal(s.cancelled, false);

      const lines = s.warnings.map((w) => `${w.source}|${w.item}|${w.message}`);
      for (const pattern of c.warnings) assert.equal(lines.filter((l) => pattern.test(l)).length, 1, `${pattern}\n${lines.join('\n')}`);
      assert.equal(lines.length, c.warnings.length, lines.join('\n'));
      assert.ok(s.warnings.every((w) => (w.source ?? '').length <= 60), 'warnings name chats by a short title');

      const notes = await notesByChat(vault);
      for (const chat of await chatsOf(c.fixture)) {
        const expected = chat.messages.map((m) => Number(m.id)).sort((a, b) => a - b);
        const found = (notes.get(chat.id) ?? []).flatMap((n) => n.ids).sort((a, b) => a - b);
        assert.deepEqual(found, expected, `chat ${chat.id}: every message of the export is one block id, exactly once`);
      }
      await assertVaultConsistent(vault);
      c.check(notes);

      const before = await snapshot(vault);
      const again = await runImport(exportDir, vault);
      assert.equal(again.messagesWritten, 0);
      assert.equal(again.messagesUpdated, 0);
      assert.deepEqual(await snapshot(vault), before, 'a re-import is byte-identical');

      // The index lost: every note is read back (negative block ids included) and nothing changes.
      await fsp.rm(path.join(vault, '.vault-archiver'), { recursive: true, force: true });
      const rebuilt = await runImport(exportDir, vault);
      assert.equal(rebuilt.messagesWritten, 0, JSON.stringify(rebuilt.warnings));
      assert.equal(rebuilt.messagesUpdated, 0);
      assert.deepEqual(await snapshot(vault), before, 'a re-import without the index is byte-identical');
    });
  }

  it('a vault made before negative ids were kept gets them inserted before the rest, as a fresh import would', async () => {
    const source = path.join(FIXTURES, '2022-supergroup-upgrade');
    const older = path.join(work, 'older');
    await fsp.cp(source, older, { recursive: true });
    const json = JSON.parse(await fsp.readFile(path.join(source, 'result.json'), 'utf8'));
    json.chats.list[0].messages = json.chats.list[0].messages.filter((m: { id: number }) => m.id > 0);
    await fsp.writeFile(path.join(older, 'result.json'), JSON.stringify(json, null, 1));
    const vault = path.join(work, 'vault');
    await runImport(older, vault);
    const s = await runImport(source, vault);
    assert.equal(s.messagesWritten, 7);
    const fresh = path.join(work, 'fresh');
    await runImport(source, fresh);
    const notes = (await notesOf(fresh)).filter((p) => p.startsWith('Telegram/'));
    for (const p of notes) assert.equal(await readNote(vault, p), await readNote(fresh, p), p);
    await assertVaultConsistent(vault);
  });

  it('a first import of negative-then-positive ids appends in order (no rewrite of the new note)', async () => {
    // The same chat with every id moved above zero: both must take as many write calls.
    const source = path.join(FIXTURES, '2022-supergroup-upgrade');
    const shifted = path.join(work, 'shifted');
    await fsp.cp(source, shifted, { recursive: true });
    const json = JSON.parse(await fsp.readFile(path.join(source, 'result.json'), 'utf8'));
    const shift = (id: unknown) => (typeof id === 'number' ? id + 1_000_000_000 : id);
    for (const m of json.chats.list[0].messages) {
      m.id = shift(m.id);
      if ('reply_to_message_id' in m) m.reply_to_message_id = shift(m.reply_to_message_id);
      if ('message_id' in m) m.message_id = shift(m.message_id);
    }
    await fsp.writeFile(path.join(shifted, 'result.json'), JSON.stringify(json, null, 1));
    const negative = await runImport(source, path.join(work, 'a'));
    const positive = await runImport(shifted, path.join(work, 'b'));
    assert.equal(negative.writeCalls, positive.writeCalls);
    assert.equal(negative.notesWritten, positive.notesWritten);
  });
});
