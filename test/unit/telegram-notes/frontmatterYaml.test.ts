/**
 * Frontmatter a person (or Obsidian) edited: their keys, values, comments and tags survive every
 * rewrite byte for byte; any valid YAML is read; invalid YAML never throws and is never lost;
 * nothing in a value or in kept text can end the frontmatter early.
 */
import { strict as assert } from 'node:assert';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { type NoteMeta, bodyStart, parseFrontmatter, renderFrontmatter } from '../../../server/engine/telegram-notes';
import { INVALID_YAML_NOTE } from '../../../server/engine/telegram-notes/frontmatterYaml';
import { Prng } from '../../../scripts/export-generator/prng';
import { assertVaultConsistent, msg, notesOf, readNote, runImport, tempDir, writeExport } from '../../integration/import/helpers';

const META: NoteMeta = {
  source: 'telegram',
  chatId: 1700000001,
  chatType: 'private_supergroup',
  title: 'Makers Forum',
  messageCount: 36,
  firstDate: '2024-03-01T15:11:20',
  lastDate: '2024-05-23T09:15:21',
  lastImportedId: 100,
};
const OURS = renderFrontmatter(META);

/** What an import does to a note's header: read it, render it with new counts, put it back. */
function rewrite(note: string, change: Partial<NoteMeta> = {}): string {
  const parsed = parseFrontmatter(note);
  assert.ok(parsed, `not recognised:\n${note}`);
  const meta = parsed.meta;
  return renderFrontmatter({ ...meta, messageCount: meta.messageCount + 1, lastImportedId: (meta.lastImportedId ?? 0) + 1, ...change }) + note.slice(parsed.end);
}

/** The YAML between the fences, checked to be exactly one valid document that the fences close where expected. */
function yamlOf(note: string): string {
  const end = bodyStart(note);
  assert.ok(end > 0, 'has a frontmatter');
  const head = note.slice(0, end);
  assert.equal(head.split('\n').filter((l) => l === '---').length, 2, head);
  const body = head.slice(4, head.lastIndexOf('---\n'));
  const doc = parseDocument(body, { uniqueKeys: false });
  assert.deepEqual(doc.errors, [], body);
  return body;
}

function valuesOf(note: string): Record<string, unknown> {
  return parseDocument(yamlOf(note), { uniqueKeys: false }).toJS() as Record<string, unknown>;
}

/** The note with `user` (whole lines) put just before the closing fence. */
const withUserLines = (user: string, head = OURS) => head.replace(/---\n\n$/, `${user}---\n\n`) + 'body\n';

describe('frontmatter: what a person added survives rewrites', () => {
  const USER = ['# my own properties', 'rating: 5 # out of 5', "status: 'reviewed'", 'aliases: [Forum, "Makers"]', 'summary: |', '  Two lines', '  of text.', '# the end', ''].join('\n');

  it('user keys with their comments survive 3 rewrites unchanged, while our values change', () => {
    let note = withUserLines(USER);
    for (let round = 1; round <= 3; round++) {
      note = rewrite(note);
      assert.ok(note.includes(`  - telegram\n${USER}---\n\nbody\n`), note);
      assert.match(note, new RegExp(`^message_count: ${36 + round}$`, 'm'));
      assert.equal(valuesOf(note).rating, 5);
    }
    assert.equal(rewrite(note, { messageCount: 39, lastImportedId: 103 }), note, 'rendering the same values again gives the same bytes');
  });

  it('a comment line between our keys stays right above the key that follows it (a comment belongs to the key below)', () => {
    const note = OURS.replace('title:', '# keep this title short\ntitle:') + 'body';
    const once = rewrite(note, { title: 'Renamed' });
    assert.match(once, /^type: private_supergroup\n# keep this title short\ntitle: "Renamed"\nmessage_count: 37\n/m);
    assert.equal(rewrite(once, { title: 'Renamed', messageCount: 37, lastImportedId: 101 }), once, 'and stays there');
  });

  it('a user key put between ours moves after ours, with the comment above it; ours keep our order', () => {
    const note = OURS.replace('title:', '# mine\nrating: 5\ntitle:').replace('first_date', 'zzz: 1\nfirst_date') + 'body';
    const once = rewrite(note);
    assert.ok(once.startsWith(OURS.replace('message_count: 36', 'message_count: 37').replace('last_imported_id: 100', 'last_imported_id: 101').replace(/---\n\n$/, '# mine\nrating: 5\nzzz: 1\n---\n\n')), once);
  });

  it('comments at the top, on our values and under them are kept where they were', () => {
    const note = OURS.replace('---\nsource', '---\n# Archived by Vault Archiver\n\nsource')
      .replace('chat_id: 1700000001', 'chat_id: 1700000001 # the forum')
      .replace('  - telegram\n', '  - telegram # ours\n  # more later\n') + 'body';
    const once = rewrite(note);
    assert.ok(once.startsWith('---\n# Archived by Vault Archiver\n\nsource: telegram\nchat_id: 1700000001 # the forum\n'), once);
    assert.match(once, /tags:\n {2}- telegram # ours\n {2}# more later\n---\n/);
    assert.equal(rewrite(rewrite(once)), rewrite(rewrite(rewrite(note))));
  });

  it('Obsidian rewrote the properties (plain strings, block lists, a new list): ours become ours again, theirs stay', () => {
    const obsidian = [
      '---',
      'source: telegram',
      'chat_id: 1700000001',
      'type: private_supergroup',
      'title: Makers Forum',
      'message_count: 36',
      'first_date: 2024-03-01T15:11:20',
      'last_date: 2024-05-23T09:15:21',
      'last_imported_id: 100',
      'tags:',
      '  - telegram',
      '  - family',
      'aliases:',
      '  - Forum printing',
      'reviewed: true',
      '---',
      '',
      'body',
    ].join('\n');
    const parsed = parseFrontmatter(obsidian)!;
    assert.deepEqual({ ...parsed.meta, extraYaml: undefined }, { ...META, tags: ['telegram', 'family'], extraYaml: undefined });
    const once = rewrite(obsidian);
    assert.match(once, /^title: "Makers Forum"\n/m);
    assert.match(once, /tags:\n {2}- telegram\n {2}- family\naliases:\n {2}- Forum printing\nreviewed: true\n---\n\nbody$/);
    assert.equal(rewrite(rewrite(once)), rewrite(rewrite(rewrite(obsidian))));
  });
});

describe('frontmatter: any valid YAML is read and kept as written', () => {
  const SHAPES: Record<string, string> = {
    'flow lists and maps': 'cats: [a, "b c", \'d\']\nplace: {lat: 1.5, lon: -2}\n',
    'quoted and plain strings': "one: 'it''s'\ntwo: \"tab\\there\"\nthree: plain: no\n".replace('plain: no', 'plain text'),
    'literal and folded blocks': 'lit: |\n  line 1\n\n  line 3\nfold: >-\n  folded\n  text\nkeep: |+\n  kept\n\n',
    'multi-line quoted and plain scalars': 'q: "first\n  second"\np: first\n  second\n',
    'anchors and aliases among the user keys': 'base: &b\n  x: 1\ncopy: *b\nmerged: &m [1, 2]\nagain: *m\n',
    'explicit, quoted and tagged keys': '? complex key\n: 1\n"quoted key": 2\n!!str 3: three\n',
    'nested maps with comments inside': 'project:\n  name: x # inline\n  # inside\n  parts:\n    - a\n',
    'empty values and nulls': 'empty:\nnull_value: null\ntilde: ~\nlist: []\n',
    'a repeated user key': 'dup: 1\ndup: 2\n',
  };
  for (const [name, user] of Object.entries(SHAPES)) {
    it(name, () => {
      const note = withUserLines(user);
      const parsed = parseFrontmatter(note);
      assert.ok(parsed, 'recognised');
      assert.equal(parsed.warnings, undefined);
      assert.equal(parsed.meta.title, 'Makers Forum');
      const once = rewrite(note);
      assert.ok(once.includes(`  - telegram\n${user}---\n\nbody\n`), once);
      const before = valuesOf(note);
      const after = valuesOf(once);
      for (const key of Object.keys(before)) if (!/^(message_count|last_imported_id)$/.test(key)) assert.deepEqual(after[key], before[key], key);
      assert.equal(rewrite(rewrite(once)), rewrite(rewrite(rewrite(note))));
    });
  }

  it('a header exactly as we write it has no user part (the cheap path), and renders back to the same bytes', () => {
    for (const meta of [META, { ...META, topic: '3D printing', topicId: 6, title: 'a\n"b"\\ ---' }, { ...META, tags: ['x', 'yes', '2024', 'a b'] }]) {
      const text = renderFrontmatter(meta);
      const parsed = parseFrontmatter(text + 'body')!;
      assert.equal(parsed.meta.extraYaml, undefined);
      assert.equal(renderFrontmatter(parsed.meta), text);
    }
  });
});

describe('frontmatter: tags as the user left them', () => {
  const withTags = (tags: string) => OURS.replace('tags:\n  - telegram\n', tags) + 'body';

  it('keeps tags in the shape the user wrote them (flow list, one word, comments)', () => {
    for (const tags of ['tags: [telegram, family]\n', 'tags: family\n', 'tags:\n  # the chats I read\n  - telegram\n  - "to read"\n', 'tags:\n- telegram\n- family\n']) {
      const once = rewrite(withTags(tags));
      assert.ok(once.includes(`last_imported_id: 101\n${tags}---`), once);
    }
  });

  it('an emptied or deleted tags property is not filled again', () => {
    assert.deepEqual(parseFrontmatter(withTags('tags: []\n'))!.meta.tags, []);
    assert.match(rewrite(rewrite(withTags('tags: []\n'))), /last_imported_id: 102\ntags: \[\]\n---/);
    assert.deepEqual(parseFrontmatter(withTags(''))!.meta.tags, []);
    assert.doesNotMatch(rewrite(rewrite(withTags(''))), /tags/);
  });

  it('a tag YAML would read as something else is quoted, and reads back as itself', () => {
    const tags = ['-', '-1', 'yes', 'No', '2024', '0x1F', '1e3', '2024-01-01', '', ' ', 'a b', '#x', '[[x]]', 'ok/sub-tag_1', 'été'];
    const note = renderFrontmatter({ ...META, tags }) + 'body';
    assert.deepEqual(valuesOf(note).tags, tags);
    assert.deepEqual(parseFrontmatter(note)!.meta.tags, tags.filter((t) => t !== ''), 'an empty tag is no tag');
    assert.match(note, /\n {2}- ok\/sub-tag_1\n {2}- été\n---/, 'plain words stay plain');
  });

  it('tags the caller changed are written in our format, under the comment the user put above them', () => {
    const once = rewrite(withTags('# mine\ntags: [a, b]\n'), { tags: ['a', 'b', 'c'] });
    assert.match(once, /# mine\ntags:\n {2}- a\n {2}- b\n {2}- c\n---/);
  });
});

describe('frontmatter: invalid YAML never throws and is never lost', () => {
  const BROKEN: Record<string, string> = {
    'a tab as indentation': 'aliases:\n\t- Forum\n',
    'an unclosed quote': 'note: "unclosed\n',
    'an Obsidian comment': '%% hidden %%\n',
    'a document marker with text': '--- x\n',
    'a key at the wrong indentation': 'a: 1\n  b: 2\n',
    'an unresolved alias': 'copy: *nowhere\n',
  };
  for (const [name, bad] of Object.entries(BROKEN)) {
    it(`${name}: the note is still ours, the bad lines become comments, the rest stays YAML`, () => {
      const note = withUserLines(`rating: 5\n${bad}status: ok\n`);
      const parsed = parseFrontmatter(note);
      assert.ok(parsed, 'still recognised');
      assert.equal(parsed.meta.chatId, 1700000001);
      assert.equal(note.slice(parsed.end), 'body\n');
      assert.equal(parsed.warnings?.length, 1);
      let out = note;
      for (let i = 0; i < 3; i++) out = rewrite(out);
      const values = valuesOf(out);
      assert.equal(values.rating, 5);
      assert.equal(values.status, 'ok');
      assert.equal(values.message_count, 39);
      for (const line of bad.split('\n').filter(Boolean)) assert.ok(out.includes(`\n# ${line}\n`), `${JSON.stringify(line)} kept as a comment:\n${out}`);
      assert.equal(out.split(INVALID_YAML_NOTE).length, 2, 'one note above the commented lines');
      assert.equal(parseFrontmatter(out)!.warnings, undefined, 'valid from the first rewrite on');
    });
  }

  it('broken tags are not a deletion: our default is written, the user\'s lines are kept as comments', () => {
    const note = OURS.replace('tags:\n  - telegram\n', 'tags:\n\t- family\n') + 'body';
    const once = rewrite(note);
    assert.match(once, /tags:\n {2}- telegram\n# Vault Archiver[^\n]*\n# tags:\n# \t- family\n---/);
  });

  it('when source or chat_id is what is broken the note is not ours (callers keep its text below a new header)', () => {
    assert.equal(parseFrontmatter(OURS.replace('chat_id: 1700000001', 'chat_id: "1700000001') + 'body'), undefined);
    assert.equal(parseFrontmatter('---\n\tsource: telegram\n---\n'), undefined);
  });

  it('seeded fuzz: random damage never throws; what is recognised renders to valid YAML that stays put', () => {
    const prng = new Prng(11);
    const atoms = ['\t', ' ', '  ', '\n', '\n  ', '"', "'", ':', ': ', '- ', '#', ' #', '[', ']', '{', '}', ',', '&a ', '*a', '*b', '!', '!!int ', '|', '>', '?', '%', '%%', '---', '...', '\r', '\u2028', 'é', 'x', 'tags', 'title', 'source', '\\', '@', '`'];
    const base = withUserLines('rating: 5\naliases:\n  - one\n# end\n');
    let recognised = 0;
    for (let i = 0; i < 150; i++) {
      let note = base;
      for (let k = prng.int(1, 4); k > 0; k--) {
        const at = prng.int(4, bodyStart(note) - 6);
        note = note.slice(0, at) + atoms[prng.int(0, atoms.length - 1)] + note.slice(at + prng.int(0, 2));
      }
      const parsed = parseFrontmatter(note);
      if (!parsed) continue;
      recognised++;
      const once = rewrite(note);
      yamlOf(once);
      assert.equal(bodyStart(once), once.length - note.length + parsed.end, 'the body starts where it did');
      const same = { messageCount: 1, lastImportedId: 1 };
      const settled = rewrite(once, same);
      assert.equal(rewrite(settled, same), settled, JSON.stringify(note));
    }
    assert.ok(recognised > 60, `only ${recognised} of 150 recognised`);
  });
});

describe('frontmatter: hostile values cannot break out', () => {
  const EVIL = ['---', '...', '%%', '%YAML 1.2', '\n---\n', '"\n---\nsource: evil', 'a\r\nb', '\u2028---', '# not a comment', '*alias', '&anchor x'];

  it('in our values (title, topic, type, tags)', () => {
    for (const evil of EVIL) {
      const note = renderFrontmatter({ ...META, title: evil, topic: evil, chatType: evil, tags: [evil, 'ok'] }) + 'body';
      const values = valuesOf(note);
      assert.equal(values.title, evil);
      assert.equal(values.topic, evil);
      assert.equal(values.type, evil);
      assert.deepEqual(values.tags, [evil, 'ok']);
      assert.equal(values.source, 'telegram');
      assert.deepEqual(parseFrontmatter(note)!.meta.tags, [evil, 'ok']);
    }
  });

  it('in kept text handed to renderFrontmatter (document markers, directives, block scalars)', () => {
    const kept = ['a: 1\n---\nsource: evil', '---\n# c\nsource: evil', '--- # c\nx: 1', '%YAML 1.2\n---\nx: 1', 'x: |\n  a\n---\n  b', 'x: "a\n---\nb"', '...\nx: 1', 'x: 1\n...\n# after', '---', 'source: evil\nchat_id: 666', '- a list\n- not a map', 'just a scalar'];
    for (const extraYaml of kept) {
      const note = renderFrontmatter({ ...META, extraYaml }) + 'body';
      const values = valuesOf(note);
      assert.equal(values.source, 'telegram', extraYaml);
      assert.equal(values.chat_id, 1700000001, extraYaml);
      assert.equal(note.slice(bodyStart(note)), 'body', extraYaml);
      for (const line of extraYaml.split('\n')) if (!/^(source|chat_id):/.test(line)) assert.ok(note.includes(line), `${JSON.stringify(line)} kept`);
    }
  });
});

describe('frontmatter: through a real import', function () {
  this.timeout(30_000);
  const NOTE = 'Telegram/Alice/Alice.md';
  const chat = (messages: unknown[]) => [{ id: 501, name: 'Alice', messages }];
  let work: string;
  beforeEach(async () => {
    work = await tempDir('frontmatter');
  });
  afterEach(async () => {
    await fsp.rm(work, { recursive: true, force: true });
  });

  it('a note whose frontmatter a person edited, comments and broken lines included, is updated and keeps all of it', async () => {
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(1)]), { single: true });
    const v2 = await writeExport(path.join(work, 'v2'), chat([msg(1), msg(2)]), { single: true });
    const v3 = await writeExport(path.join(work, 'v3'), chat([msg(1), msg(2), msg(3)]), { single: true });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    const user = '# my notes\nrating: 5 # of 5\nsee_also:\n  - "[[Bob]]"\n';
    const edited = (await readNote(vault, NOTE)).replace('title:', '# Alice from work\ntitle:').replace('tags:\n  - telegram\n', `tags:\n  - telegram\n  - work\n${user}note:\t"unclosed\n`);
    await fsp.writeFile(path.join(vault, NOTE), edited);
    const s2 = await runImport(v2, vault);
    assert.equal(s2.messagesWritten, 1);
    const after = await readNote(vault, NOTE);
    assert.match(after, /\n# Alice from work\ntitle: "Alice"\nmessage_count: 2\n/);
    assert.ok(after.includes(`tags:\n  - telegram\n  - work\n${user}${INVALID_YAML_NOTE}\n# note:\t"unclosed\n---\n\n`), after);
    await assertVaultConsistent(vault);
    // The index lost: the note is found again by its frontmatter, nothing is duplicated, the header settles.
    await fsp.rm(path.join(vault, '.vault-archiver'), { recursive: true });
    const s3 = await runImport(v3, vault);
    assert.equal(s3.messagesWritten, 1);
    assert.deepEqual(await notesOf(vault), [NOTE]);
    const last = await readNote(vault, NOTE);
    const counts = (note: string) => note.slice(0, bodyStart(note)).replace(/^(message_count|last_date|last_imported_id): .*$/gm, '$1');
    assert.equal(counts(last), counts(after));
    assert.equal(parseFrontmatter(last)!.meta.messageCount, 3);
    await assertVaultConsistent(vault);
  });

  it('a frontmatter broken where our own keys are: the old text is kept below a new header', async () => {
    const v1 = await writeExport(path.join(work, 'v1'), chat([msg(1)]), { single: true });
    const v2 = await writeExport(path.join(work, 'v2'), chat([msg(1), msg(2)]), { single: true });
    const vault = path.join(work, 'vault');
    await runImport(v1, vault);
    const original = await readNote(vault, NOTE);
    const broken = original.replace('chat_id: 501', 'chat_id: "501').replace('tags:', 'mine: kept\ntags:');
    await fsp.writeFile(path.join(vault, NOTE), broken);
    await runImport(v2, vault);
    const after = await readNote(vault, NOTE);
    assert.equal(parseFrontmatter(after)!.meta.messageCount, 2);
    assert.equal(after.indexOf(broken.slice(0, bodyStart(broken))), bodyStart(after), 'the broken header follows the new one, as text');
    assert.deepEqual(await notesOf(vault), [NOTE]);
  });
});
