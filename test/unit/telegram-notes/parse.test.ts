/**
 * Reading notes back: blocks (complete ones only), album ids, frontmatter round trips.
 */
import { strict as assert } from 'node:assert';
import {
  bodyStart,
  parseBlocks,
  parseFrontmatter,
  renderBlock,
  renderFrontmatter,
  type NoteMeta,
} from '../../../server/engine/telegram-notes';
import { ctx, msg, service } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(s: string): unknown };

const META: NoteMeta = {
  source: 'telegram',
  chatId: 1700000001,
  chatType: 'private_supergroup',
  title: 'Makers "Forum": #1',
  topic: '3D printing',
  topicId: 6,
  messageCount: 36,
  firstDate: '2024-03-01T15:11:20',
  lastDate: '2024-05-23T09:15:21',
  lastImportedId: 100,
};

function note(): { text: string; blocks: string[] } {
  const blocks = [
    renderBlock([service('topic_created', { id: 6, title: 'x' })], ctx()),
    renderBlock([msg({ id: 9, text: 'one\n\n^m77\n\n---' })], ctx()),
    renderBlock([msg({ id: 17, photo: 'photos/a.jpg' }), msg({ id: 18, photo: 'photos/b.jpg' })], ctx()),
    renderBlock([msg({ id: -999999, text: 'migrated from a basic group' })], ctx()),
  ];
  return { text: renderFrontmatter(META) + blocks.join(''), blocks };
}

describe('format: parseBlocks', () => {
  it('finds every block with its ids and exact offsets', () => {
    const { text, blocks } = note();
    const parsed = parseBlocks(text);
    assert.deepEqual(parsed.map((b) => b.ids), [[6], [9], [17, 18], [-999999]]);
    let at = renderFrontmatter(META).length;
    parsed.forEach((b, i) => {
      assert.equal(b.start, at);
      assert.equal(text.slice(b.start, b.end), blocks[i]);
      at = b.end;
    });
    assert.equal(at, text.length);
  });

  it('a block replaced by its new rendering keeps every other block in place', () => {
    const { text } = note();
    const [, second] = parseBlocks(text);
    const edited = renderBlock([msg({ id: 9, text: 'edited', edited: '2024-03-02T00:00:00' })], ctx());
    const next = text.slice(0, second.start) + edited + text.slice(second.end);
    assert.deepEqual(parseBlocks(next).map((b) => b.ids), [[6], [9], [17, 18], [-999999]]);
  });

  it('never counts a torn write as a complete block, at any cut point', () => {
    const { text } = note();
    const complete = parseBlocks(text);
    for (let cut = 0; cut <= text.length; cut++) {
      const prefix = text.slice(0, cut);
      const got = parseBlocks(prefix);
      const expected = complete.filter((b) => b.end <= cut);
      assert.deepEqual(got, expected, `cut at ${cut}`);
    }
  });

  it('leaves user text between blocks out of every block', () => {
    const a = renderBlock([msg({ id: 1, text: 'a' })], ctx());
    const b = renderBlock([msg({ id: 2, text: 'b' })], ctx());
    const text = a + '## My own heading\n\nmy notes\n\n' + b;
    const parsed = parseBlocks(text);
    assert.deepEqual(parsed.map((p) => p.ids), [[1], [2]]);
    assert.equal(text.slice(parsed[1].start, parsed[1].end), b);
  });

  it('works without frontmatter and on an empty note', () => {
    const a = renderBlock([msg({ id: 1, text: 'a' })], ctx());
    assert.deepEqual(parseBlocks(a), [{ ids: [1], start: 0, end: a.length }]);
    assert.deepEqual(parseBlocks(''), []);
    assert.deepEqual(parseBlocks(renderFrontmatter(META)), []);
  });

  it('bodyStart is right after the frontmatter and its blank line', () => {
    assert.equal(bodyStart(renderFrontmatter(META) + 'x'), renderFrontmatter(META).length);
    assert.equal(bodyStart('no frontmatter'), 0);
  });
});

describe('format: frontmatter', () => {
  it('renders the documented keys, in order, Dataview-friendly', () => {
    assert.equal(
      renderFrontmatter(META),
      [
        '---',
        'source: telegram',
        'chat_id: 1700000001',
        'type: private_supergroup',
        'title: "Makers \\"Forum\\": #1"',
        'topic: "3D printing"',
        'topic_id: 6',
        'message_count: 36',
        'first_date: 2024-03-01T15:11:20',
        'last_date: 2024-05-23T09:15:21',
        'last_imported_id: 100',
        'tags:',
        '  - telegram',
        '---',
        '',
        '',
      ].join('\n'),
    );
  });

  it('is valid YAML that a standard parser reads back to the same values', () => {
    const text = renderFrontmatter({ ...META, title: 'a\nb\t"c"\\ \u2028 \u0000 ---', topic: 'yes' });
    const data = yaml.load(text.split('---\n')[1]) as Record<string, unknown>;
    assert.equal(data.title, 'a\nb\t"c"\\ \u2028 \u0000 ---');
    assert.equal(data.topic, 'yes');
    assert.equal(data.chat_id, 1700000001);
    assert.deepEqual(data.tags, ['telegram']);
  });

  it('round-trips through parseFrontmatter, including hostile titles', () => {
    for (const title of ['plain', '"quoted"', 'line\nbreak', '---', 'x: y', '#tag', 'true', '\u2028\u2029\ufeff', 'emoji 🎲', "it's"]) {
      const meta: NoteMeta = { ...META, title };
      const text = renderFrontmatter(meta) + 'body';
      const parsed = parseFrontmatter(text);
      assert.ok(parsed, title);
      assert.deepEqual(parsed.meta, { ...meta, tags: ['telegram'] }, title);
      assert.equal(text.slice(parsed.end), 'body');
    }
  });

  it('quotes a chat type that YAML would read as something else', () => {
    assert.match(renderFrontmatter({ ...META, chatType: 'no' }), /^type: "no"$/m);
    assert.match(renderFrontmatter({ ...META, chatType: 'weird type: x' }), /^type: "weird type: x"$/m);
  });

  it('omits optional keys that are absent', () => {
    const text = renderFrontmatter({ source: 'telegram', chatId: 5, chatType: 'personal_chat', title: 'A', messageCount: 0 });
    assert.equal(text, '---\nsource: telegram\nchat_id: 5\ntype: personal_chat\ntitle: "A"\nmessage_count: 0\ntags:\n  - telegram\n---\n\n');
  });

  it('keeps properties and tags the user added in Obsidian through a rewrite', () => {
    const edited = renderFrontmatter(META).replace('tags:\n  - telegram\n', 'tags:\n  - telegram\n  - family\nstatus: reviewed\naliases:\n  - Forum printing\n');
    const parsed = parseFrontmatter(edited)!;
    assert.deepEqual(parsed.meta.tags, ['telegram', 'family']);
    assert.equal(parsed.meta.extraYaml, 'status: reviewed\naliases:\n  - Forum printing');
    const rewritten = renderFrontmatter({ ...parsed.meta, messageCount: 37 });
    assert.match(rewritten, /message_count: 37\n/);
    assert.match(rewritten, / {2}- family\nstatus: reviewed\naliases:\n {2}- Forum printing\n---\n\n$/);
  });

  it('refuses notes that are not ours', () => {
    assert.equal(parseFrontmatter('---\ntitle: x\n---\n'), undefined);
    assert.equal(parseFrontmatter('no frontmatter'), undefined);
    assert.equal(parseFrontmatter('---\nsource: telegram\nchat_id: 1\n'), undefined);
  });
});
