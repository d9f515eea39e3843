/**
 * Defects users found importing real Telegram Desktop exports (2016-2026 versions), one rule each:
 * negative ids, the epoch "edited" of ~2018-2020 exporters, albums without date_unixtime, dates
 * from date_unixtime alone, fields of the wrong type, unknown kinds (one warning per kind per
 * import), URLs glued to the following text, names with "|" and "[]", short chat titles.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { ExportMessage } from '../../../server/engine/telegram-notes/message';
import { AlbumGrouper, monthKeyOf, parseBlocks, renderBlock, renderTextLines, shortTitle } from '../../../server/engine/telegram-notes';
import { leftoverFields } from '../../../server/engine/telegram-notes/fields';
import { KNOWN_ACTIONS, serviceSentence } from '../../../server/engine/telegram-notes/service';
import { ExportMessageValidator } from '../../../server/engine/connectors/telegram-export/validate';
import { HEAD, block, ctx, msg, service } from './helpers';
import { chatsOf } from './sampleRender';
import { assertNoteStructure } from './structure';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (preset: string, options?: object) => { render(s: string): string; enable(r: string[]): unknown };
/** CommonMark plus bare-URL detection: how Obsidian (GFM autolinks) and most viewers read a note. */
const md = new MarkdownIt('commonmark', { linkify: true });
md.enable(['linkify']);

/** The text a reader sees: rendered HTML without tags, entities decoded. */
function shown(markdown: string): string {
  return md
    .render(markdown)
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

/** A validator run over raw entries, collecting warnings; `warned` may be shared between runs. */
function validate(entries: Record<string, unknown>[], warned?: Set<string>) {
  const v = new ExportMessageValidator(warned);
  const warnings: { item: string | number; message: string }[] = [];
  const out = entries.map((e, i) => v.check(structuredClone(e), i, (item, message) => warnings.push({ item, message })));
  return { out, warnings };
}

const raw = (fields: Record<string, unknown>) => ({ id: 1, type: 'message', date: '2024-03-01T18:41:04', date_unixtime: '1709311264', from: 'Alice Martin', from_id: 'user2', text: 'x', ...fields });

describe('real exports: negative message ids (a group before its upgrade to a supergroup)', () => {
  it('renders ^m-999678449, a block id Obsidian accepts (letters, digits, dashes), and reads it back', () => {
    const text = renderBlock([msg({ id: -999678449, text: 'old group' })], ctx());
    assert.equal(text, block(-999678449, HEAD, '', 'old group'));
    assert.match('m-999678449', /^[A-Za-z0-9-]+$/);
    assert.deepEqual(parseBlocks(text).map((b) => b.ids), [[-999678449]]);
  });

  it('albums of negative ids list their members and parse back whole', () => {
    const photos = [-999678446, -999678445].map((id) => msg({ id, photo: `photos/p${id}.jpg` }));
    const groups = [...photos.flatMap((p) => new AlbumGrouper().push(p)), ...[]];
    assert.equal(groups.length, 0, 'a photo waits for the rest of its album');
    const grouper = new AlbumGrouper();
    for (const p of photos) grouper.push(p);
    const [album] = grouper.flush();
    assert.deepEqual(album.map((m) => m.id), [-999678446, -999678445]);
    const text = renderBlock(album, ctx());
    assert.match(text, /%%album: m-999678446 m-999678445%%/);
    assert.deepEqual(parseBlocks(text).map((b) => b.ids), [[-999678446, -999678445]]);
  });

  it('replies and pins link to negative ids', () => {
    const c = ctx({ notes: { [-999678448]: 'Telegram/School/School' }, currentNote: 'Telegram/School/School' });
    assert.match(renderBlock([msg({ id: 3, text: 'x', reply_to_message_id: -999678448 })], c), /↩ Reply to \[\[#\^m-999678448\|message -999678448\]\]/);
    assert.match(renderBlock([service('pin_message', { id: 4, message_id: -999678448 })], c), /pinned \[\[#\^m-999678448\|message -999678448\]\]/);
  });

  it('the validator keeps negative ids, still skips a repeated one and ids outside int32', () => {
    const { out, warnings } = validate([raw({ id: -999678449 }), raw({ id: -999678449 }), raw({ id: -5 }), raw({ id: -(2 ** 31) }), raw({ id: 2 ** 31 })]);
    assert.deepEqual(out.map((m) => m?.id), [-999678449, undefined, -5, undefined, undefined]);
    assert.equal(warnings.filter((w) => /same id/.test(w.message)).length, 1);
    assert.equal(warnings.filter((w) => /valid id/.test(w.message)).length, 2);
  });
});

describe('real exports: "edited" of ~2018-2020 exporters (the epoch for never-edited messages)', () => {
  for (const edited of ['1969-12-31T10:00:00', '1969-12-31T19:00:00', '1970-01-01T00:00:00', '1970-01-01T03:00:00', '1970-01-01T05:00:00', '1970-01-01T14:00:00']) {
    it(`${edited} (the epoch at UTC${edited.startsWith('1969') ? '-' : '+'}${edited.startsWith('1969') ? 24 - Number(edited.slice(11, 13)) : Number(edited.slice(11, 13))}) is "not edited"`, () => {
      assert.equal(renderBlock([msg({ id: 6, text: 'x', edited })], ctx()), block(6, HEAD, '', 'x'));
    });
  }

  it('edited_unixtime "0" is "not edited"; a real edit still shows, from edited_unixtime alone too (UTC)', () => {
    assert.equal(renderBlock([msg({ id: 6, text: 'x', edited: '1970-01-01T03:00:00', edited_unixtime: '0' })], ctx()), block(6, HEAD, '', 'x'));
    assert.equal(renderBlock([msg({ id: 7, text: 'x', edited: '2024-03-01T18:46:04', edited_unixtime: '1709311564' })], ctx()), block(7, `${HEAD} · edited 18:46:04`, '', 'x'));
    assert.equal(renderBlock([msg({ id: 8, text: 'x', date: '2024-03-01T16:41:04', edited_unixtime: '1709311564' })], ctx()), block(8, '**Alice Martin** · 2024-03-01 16:41:04 · edited 16:46:04', '', 'x'));
    assert.equal(renderBlock([msg({ id: 9, text: 'x', edited: '1970-01-03T00:00:00' })], ctx()), block(9, `${HEAD} · edited 1970-01-03 00:00:00`, '', 'x'));
  });

  it('in an album, a member with the epoch does not hide a real edit of another', () => {
    const photos = [msg({ id: 20, photo: 'a.jpg', edited: '1970-01-01T05:00:00' }), msg({ id: 21, photo: 'b.jpg', edited: '2024-03-01T19:00:00' })];
    assert.match(renderBlock(photos, ctx()), /· edited 19:00:00 %%album/);
  });
});

describe('real exports: albums in exports without date_unixtime (before 2021)', () => {
  const photo = (id: number, date: string | undefined, extra: Record<string, unknown> = {}) => {
    const m = msg({ id, photo: `p${id}.jpg`, date, from_id: 4400001, ...extra }) as Record<string, unknown>;
    delete m.date_unixtime;
    if (date === undefined) delete m.date;
    return m as unknown as ExportMessage;
  };
  const groupsOf = (msgs: ExportMessage[]) => {
    const g = new AlbumGrouper();
    return [...msgs.flatMap((m) => g.push(m)), ...g.flush()].map((x) => x.map((m) => m.id));
  };

  it('photos of one sender minutes apart are separate messages, photos of the same second one album', () => {
    assert.deepEqual(groupsOf([photo(102, '2016-05-03T10:16:40'), photo(103, '2016-05-03T10:19:55'), photo(104, '2016-05-03T10:21:07'), photo(105, '2016-05-03T10:21:07')]), [[102], [103], [104, 105]]);
  });

  it('two messages without any date are never taken for one album', () => {
    assert.deepEqual(groupsOf([photo(1, undefined), photo(2, undefined)]), [[1], [2]]);
  });

  it('with date_unixtime on both, the unixtime decides (as before)', () => {
    assert.deepEqual(groupsOf([msg({ id: 1, photo: 'a.jpg' }), msg({ id: 2, photo: 'b.jpg' }), msg({ id: 3, photo: 'c.jpg', date_unixtime: '1709311265' })]).length, 2);
  });
});

describe('real exports: a message with date_unixtime and no date', () => {
  it('is dated from date_unixtime, in UTC, by the renderer', () => {
    const m = msg({ id: 5, text: 'x' }) as Record<string, unknown>;
    delete m.date;
    assert.equal(renderBlock([m as unknown as ExportMessage], ctx()), block(5, '**Alice Martin** · 2024-03-01 16:41:04', '', 'x'));
    assert.match(renderBlock([{ ...service('pin_message', { id: 6, message_id: 5 }), date: undefined } as unknown as ExportMessage], ctx()), /· 2024-03-01 16:41:04$/m);
  });

  it('gets a date from the validator (so properties and months have it), with one warning per run', () => {
    const noDate = (id: number) => {
      const m = raw({ id });
      delete (m as Record<string, unknown>).date;
      return m;
    };
    const { out, warnings } = validate([noDate(1), noDate(2)]);
    assert.deepEqual(out.map((m) => m?.date), ['2024-03-01T16:41:04', '2024-03-01T16:41:04']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /date_unixtime.*UTC/);
  });
});

describe('real exports: fields of the wrong type', () => {
  it('"text": 12345 is the text "12345"; one warning per kind (a number, true/false), not per message', () => {
    const { out, warnings } = validate([raw({ id: 1, text: 12345 }), raw({ id: 2, text: 67890 }), raw({ id: 3, text: true })]);
    assert.deepEqual(out.map((m) => m?.text), ['12345', '67890', 'true']);
    assert.equal(warnings.length, 2, JSON.stringify(warnings));
    assert.match(renderBlock([out[0]!], ctx()), /\n> 12345\n/);
  });

  it('without validation a number text is still not lost: it shows as a field', () => {
    assert.match(renderBlock([msg({ id: 1, text: 12345 as never })], ctx()), /🧩 `text`: 12345/);
  });

  it('"date": "yesterday" stays out of the date fields, shows as written (escaped), one warning per run', () => {
    const { out, warnings } = validate([raw({ id: 1, date: 'yesterday | [x]' }), raw({ id: 2, date: 'tomorrow' }), raw({ id: 3, date: 20240301 })]);
    assert.deepEqual(out.map((m) => m?.date), [undefined, undefined, undefined]);
    assert.deepEqual(out.map((m) => m?.invalid_date), ['yesterday | [x]', 'tomorrow', '20240301']);
    assert.equal(warnings.length, 1);
    assert.equal(renderBlock([out[0]!], ctx()), block(1, '**Alice Martin** · yesterday \\| \\[x\\]', '', 'x'));
    assert.equal(monthKeyOf('2024-03-garbage'), undefined);
  });

  it('ids and reply ids written as text are read as numbers; a sender that is a number is its text', () => {
    const { out, warnings } = validate([raw({ id: '12', reply_to_message_id: '3', from: 42 })]);
    assert.equal(out[0]?.id, 12);
    assert.equal(out[0]?.reply_to_message_id, 3);
    assert.equal(out[0]?.from, '42');
    assert.equal(warnings.length, 3, JSON.stringify(warnings));
  });

  it('a known field in a form nothing can read is shown as text instead of a broken rendering', () => {
    const { out } = validate([raw({ poll: 'not a poll', contact_information: [1], location_information: 7 })]);
    const text = renderBlock([out[0]!], ctx());
    assert.doesNotMatch(text, /Poll:|👤|📍/);
    assert.match(text, /🧩 `poll`: not a poll\n> 🧩 `contact_information`: \\\[1\\\]\n> 🧩 `location_information`: 7/);
  });
});

describe('real exports: kinds this version does not know (kept as text, one warning per kind per import)', () => {
  it('an unknown field is shown as text; strings keep their lines, text parts their formatting, anything else is JSON', () => {
    const text = renderBlock([msg({ id: 1, text: 'x', story_link: { peer: 'user5', story_id: 9 }, note: 'line 1\nline 2', caption: [{ type: 'bold', text: 'b' }] })], ctx());
    assert.equal(text, block(1, HEAD, '', 'x', '', '🧩 `story_link`: {"peer":"user5","story_id":9}', '🧩 `note`:', 'line 1', 'line 2', '🧩 `caption`: **b**'));
  });

  it('whatever a field name or value holds, the block keeps its structure', () => {
    const text = renderBlock([msg({ id: 1, text: 'x', '`a`\n^m2': '```\n---\n^m3\n\n> # h', '': null })], ctx());
    assertNoteStructure(text, [{ ids: [1] }]);
  });

  it('an unknown action shows its name and its own fields; an unknown media type is named', () => {
    const text = renderBlock([service('future_thing', { id: 7, detail: 'something new', count: 3, title: 'T' })], ctx());
    assert.equal(text, block(7, `⚙️ Sam Carter: future thing · 2024-03-01 18:41:04`, '', '🧩 `detail`: something new', '🧩 `count`: 3', '🧩 `title`: T'));
    assert.match(renderBlock([msg({ id: 8, file: 'files/holo.bin', media_type: 'hologram' })], ctx()), /holo\.bin\|holo\.bin\]\] \*\(media type hologram\)\*/);
    assert.match(renderBlock([msg({ id: 9, media_type: 'story' })], ctx()), /📎 File \*\(media type story\)\* — \*no file in the export\*/);
  });

  it('one warning per kind in a run, also across chats when the chats share the set of reported kinds', () => {
    const odd = [raw({ id: 1, story_link: 1 }), raw({ id: 2, story_link: 2 }), raw({ id: 3, type: 'story_mention' }), raw({ id: 4, type: 'service', action: 'future_thing', detail: 'x' }), raw({ id: 5, file: 'f.bin', media_type: 'hologram' }), raw({ id: 6, text: [{ type: 'holo', text: 'h' }] })];
    const shared = new Set<string>();
    const first = validate(odd, shared);
    const second = validate(odd, shared);
    assert.equal(first.warnings.length, 5, JSON.stringify(first.warnings));
    assert.deepEqual(first.warnings.map((w) => w.item), [1, 3, 4, 5, 6]);
    assert.equal(second.warnings.length, 0, 'a second chat of the same run repeats nothing');
    assert.equal(validate(odd).warnings.length, 5, 'without a shared set each chat reports its own');
  });

  it('every field and action of the bundled sample is known, except its deliberately future action', () => {
    const messages = chatsOf(path.resolve(__dirname, '../../../sample/telegram-export')).flatMap((c) => c.messages);
    const odd = messages.filter((m) => leftoverFields(m).length > 0).map((m) => m.action);
    assert.deepEqual(odd, ['some_future_action']);
  });

  it('every known action has a sentence of its own (the list and the renderer agree)', () => {
    for (const action of KNOWN_ACTIONS) {
      const { text } = serviceSentence(service(action), ctx(), (id, label) => label);
      assert.ok(!text.startsWith('Sam Carter: '), `${action}: ${text}`);
    }
  });
});

describe('real exports: a bare URL followed directly by text', () => {
  const url = 'https://x.example/a.jpg';
  const linkText = (parts: { type: string; text: string }[]) => renderTextLines(undefined, parts).join('\n');

  it('is written <url> so the text after it stays out of the link (CommonMark and GFM/linkify agree)', () => {
    const out = linkText([{ type: 'link', text: url }, { type: 'plain', text: 'гыгы' }]);
    assert.equal(out, `<${url}>гыгы`);
    const html = md.render(out);
    assert.match(html, new RegExp(`<a href="${url}">${url}</a>гыгы`), html);
  });

  it('the bare form would have swallowed the text (what the test guards against)', () => {
    assert.match(md.render(`${url}гыгы`), />https:\/\/x\.example\/a\.jpgгыгы<\/a>/);
  });

  it('stays bare where it stands alone: spaces or end-of-sentence punctuation around it', () => {
    assert.equal(linkText([{ type: 'plain', text: 'see ' }, { type: 'link', text: url }, { type: 'plain', text: ', then' }]), `see ${url}, then`);
    assert.equal(linkText([{ type: 'link', text: url }, { type: 'plain', text: '\nnext' }]), `${url}\nnext`);
    assert.equal(linkText([{ type: 'plain', text: 'смотри:' }, { type: 'link', text: url }]), `смотри:<${url}>`);
    assert.match(md.render(`see ${url}, then`), new RegExp(`<a href="${url}">${url}</a>, then`));
  });
});

describe('real exports: names with "|" and "[]" read as written', () => {
  const name = 'Маша || [работа]';
  it('sender, signature, forward, saved-from and via bot are escaped, not changed', () => {
    const text = renderBlock([msg({ id: 1, text: 'x', from: name, author: 'Ed | [sig]', forwarded_from: 'Канал | Новости [18+]', saved_from: 'Group [x]', via_bot: 'My | Bot' })], ctx());
    const lines = text.split('\n');
    assert.equal(shown(lines[0].slice(2)), `${name} (Ed | [sig]) via My | Bot · 2024-03-01 18:41:04`);
    assert.equal(shown(lines[1].slice(2)), '↪ Forwarded from Канал | Новости [18+] (saved from Group [x])');
  });

  it('service lines: actors, members and chat titles', () => {
    const text = renderBlock([service('create_group', { id: 2, actor: name, title: 'Дача | [2016]', members: ['a||b', '[c]'] })], ctx());
    assert.equal(shown(text.split('\n')[0].slice(2)), `✨ ${name} created the group «Дача | [2016]» with a||b and [c] · 2024-03-01 18:41:04`);
    const channel = renderBlock([service('pin_message', { id: 3, actor: undefined, message_id: 2 })], ctx({ chatType: 'public_channel', chatTitle: 'News | [daily]' }));
    assert.match(shown(channel.split('\n')[0].slice(2)), /^📌 News \| \[daily\] pinned message 2/);
  });

  it('a channel post without a sender shows the channel title as written', () => {
    const text = renderBlock([msg({ id: 4, text: 'x', from: undefined })], ctx({ chatType: 'public_channel', chatTitle: 'a||b' }));
    assert.equal(shown(text.split('\n')[0].slice(2)), 'a||b · 2024-03-01 18:41:04');
  });
});

describe('real exports: chat titles in warnings', () => {
  it('shortTitle keeps short titles, cuts long ones to 60 characters with an ellipsis, never inside a code point', () => {
    assert.equal(shortTitle('Book Club'), 'Book Club');
    const long = '🎉'.repeat(300);
    const short = shortTitle(long);
    assert.equal(Array.from(short).length, 60);
    assert.ok(short.endsWith('…'));
    assert.equal(Array.from(short).slice(0, -1).join(''), '🎉'.repeat(59));
    assert.equal(shortTitle('a\nb\t  c'), 'a b c');
    assert.equal(shortTitle('x'.repeat(60)), 'x'.repeat(60));
  });
});
