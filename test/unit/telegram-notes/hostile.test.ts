/**
 * Escaping guarantees against hostile content: no message can break the note's structure
 * (checked with a real CommonMark parser), and plain text always reads back as written.
 */
import { strict as assert } from 'node:assert';
import type { ExportMessage, TextEntity } from '../../../server/engine/telegram-notes/message';
import { renderBlock, renderFrontmatter, renderTextLines } from '../../../server/engine/telegram-notes';
import { Prng } from '../../../scripts/export-generator/prng';
import { ctx, msg } from './helpers';
import { type BlockExpectation, assertNoObsidianSyntax, assertNoteStructure, parseMarkdown, quoteText } from './structure';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(s: string): unknown };

const HOSTILE_LINES = [
  '---',
  '***',
  '___',
  '===',
  '^m1',
  '^m1 ',
  'text ^m2',
  '# heading',
  '###### deep',
  '#tag',
  '| a | b |',
  '|---|---|',
  '<div>',
  '<div onclick="x()">html</div>',
  '<script>alert(1)</script>',
  '<!-- comment',
  '```',
  '~~~',
  '```js',
  '    indented',
  '\tindented',
  '%% comment',
  '%%',
  '[[Wiki]]',
  '![[embed.png]]',
  '[md](url)',
  '[^1]: footnote',
  '[ref]: https://x',
  '^[inline footnote]',
  '$x$',
  '$$',
  '==mark==',
  '~~del~~',
  '> quote',
  '> [!note] callout',
  '- item',
  '- [ ] task',
  '* star',
  '+ plus',
  '1. one',
  '2) two',
  '&amp; &#35; &#x41;',
  '\\',
  '\\*',
  'a*b*c',
  '_a_',
  '**b**',
  '`c`',
  'trailing   ',
  'http://example.com/_x_',
  '',
];

function plainNote(texts: string[]): { note: string; expected: BlockExpectation[]; messages: ExportMessage[] } {
  const messages = texts.map((t, i) => msg({ id: i + 1, text: t, text_entities: [{ type: 'plain', text: t }] }));
  const note = renderFrontmatter({ source: 'telegram', chatId: 1, chatType: 'private_group', title: 'x', messageCount: texts.length }) + messages.map((m) => renderBlock([m], ctx())).join('');
  return { note, expected: messages.map((m) => ({ ids: [m.id] })), messages };
}

/** What a reader sees: line breaks kept, blank lines collapsed, indentation kept, edges trimmed. */
function expectedReading(s: string): string {
  const lines = s
    .replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0080-\u009f]/g, '')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, '').replace(/^[ \t]+/, (ws) => ws.replace(/\t/g, '    ')));
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').replace(/^\n+|\n+$/g, '');
}

/** The text of a message block as a CommonMark reader shows it (the header paragraph dropped). */
function readBack(block: string): string {
  const tokens = parseMarkdown(block);
  const text = quoteText(tokens.filter((t) => t.level >= 1));
  return text.split('\n\n').slice(1).join('\n\n').replace(/\u00a0/g, ' ').replace(/\n\n\^m\d+$/, '');
}

describe('format: hostile content', () => {
  it('every hostile line, alone or all together, stays inside its block', () => {
    const { note, expected } = plainNote([...HOSTILE_LINES, HOSTILE_LINES.join('\n')]);
    assertNoteStructure(note, expected);
  });

  it('plain text reads back exactly as written (CommonMark reading of the escaped Markdown)', () => {
    for (const t of HOSTILE_LINES.filter((l) => l.trim() !== '')) {
      const block = renderBlock([msg({ id: 1, text: t })], ctx());
      assert.equal(readBack(block), expectedReading(t), JSON.stringify(t));
    }
    const all = HOSTILE_LINES.join('\n');
    assert.equal(readBack(renderBlock([msg({ id: 1, text: all })], ctx())), expectedReading(all));
  });

  it('no Obsidian-only syntax survives unescaped in plain text', () => {
    for (const t of HOSTILE_LINES) {
      for (const line of renderTextLines(t)) assertNoObsidianSyntax(line, JSON.stringify(t));
    }
  });

  it('hostile names, titles, file names and poll texts stay inside the block too', () => {
    const evil = '---\n# x [[y]] | %% ^m9 <div> ```';
    const m = msg({
      id: 7,
      from: evil,
      author: evil,
      forwarded_from: evil,
      via_bot: evil,
      text: [{ type: 'pre', text: '```\n---\n^m1', language: '```' }, { type: 'blockquote', text: evil }, { type: 'text_link', text: evil, href: 'https://e.com/' + evil }] as never,
      file: 'files/x.bin',
      file_name: evil,
      contact_information: { first_name: evil, last_name: evil, phone_number: evil },
      place_name: evil,
      address: evil,
      location_information: { latitude: 1, longitude: 2 },
      poll: { question: evil, closed: false, total_voters: 0, answers: [{ text: evil, voters: 0, chosen: true }] },
      reactions: [{ type: 'emoji', count: 1, emoji: evil }],
      inline_bot_buttons: [[{ type: 'url', text: evil, data: 'https://e.com/' + evil }]],
    });
    const block = renderBlock([m], ctx({ files: { 'files/x.bin': 'Telegram/a [b] | #c/x.bin' } }));
    assertNoteStructure(block, [{ ids: [7], fences: 1, lists: 1 }]);
    const service = msg({ id: 8, type: 'service', actor: evil, action: 'topic_created', title: evil, from: undefined });
    assertNoteStructure(renderBlock([service], ctx()), [{ ids: [8] }]);
  });

  it('a hostile chat title and topic cannot break the frontmatter', () => {
    const evil = '"\n---\nsource: evil\n\u2028\\';
    const fm = renderFrontmatter({ source: 'telegram', chatId: 1, chatType: evil, title: evil, topic: evil, messageCount: 1 });
    assert.equal(fm.split('\n').filter((l) => l === '---').length, 2);
    const data = yaml.load(fm.split('\n---\n')[0].slice(4)) as Record<string, unknown>;
    assert.equal(data.title, evil);
    assert.equal(data.topic, evil);
    assert.equal(data.type, evil);
    assert.equal(data.source, 'telegram');
  });

  it('seeded fuzz: random hostile texts with random entities never break the structure', () => {
    const prng = new Prng(7);
    const atoms = ['#', '>', '-', '+', '*', '_', '`', '```', '~', '=', '|', '[', ']', '(', ')', '!', '<', '&', '%', '$', '^', '\\', '\n', '\n\n', ' ', '    ', '\t', '1.', '---', 'm1', 'a', 'é', '🎲', '\r', '\u2028', '<div>', '[[', '%%', '==', '^m', 'http://x.y/_z_', 'word'];
    const types = ['plain', 'bold', 'italic', 'underline', 'strikethrough', 'spoiler', 'code', 'pre', 'text_link', 'link', 'mention', 'hashtag', 'cashtag', 'bot_command', 'email', 'phone', 'bank_card', 'blockquote', 'custom_emoji', 'mention_name', 'unknown'];
    const messages: ExportMessage[] = [];
    const expected: BlockExpectation[] = [];
    for (let id = 1; id <= 400; id++) {
      const parts: TextEntity[] = [];
      let fences = 0;
      for (let p = prng.int(1, 6); p > 0; p--) {
        let text = '';
        for (let k = prng.int(1, 8); k > 0; k--) text += prng.pick(atoms);
        const type = prng.pick(types);
        if (type === 'pre' && text.replace(/\n+$/, '') !== '') fences++;
        parts.push({ type, text, href: 'https://e.com/' + text, language: prng.pick(['', 'js', '```', 'a b']), user_id: 5, collapsed: prng.chance(0.5) });
      }
      messages.push(msg({ id, text: parts as never, text_entities: parts }));
      expected.push({ ids: [id], fences });
    }
    const note = messages.map((m) => renderBlock([m], ctx())).join('');
    assertNoteStructure(note, expected);
  });

  it('seeded fuzz: random plain texts read back exactly', () => {
    const prng = new Prng(11);
    const atoms = ['#', '>', '-', '+', '*', '_', '`', '~', '=', '|', '[', ']', '!', '<', '&', '%', '$', '^', '\\', '\n', ' ', '1.', 'a', 'b', '9', 'é', ':', '(', ')', '&amp;', '.', 'x_y'];
    for (let n = 0; n < 300; n++) {
      let t = '';
      for (let k = prng.int(1, 20); k > 0; k--) t += prng.pick(atoms);
      if (expectedReading(t) === '') continue;
      const block = renderBlock([msg({ id: 1, text: t })], ctx());
      assertNoteStructure(block, [{ ids: [1] }]);
      assert.equal(readBack(block), expectedReading(t), JSON.stringify(t));
      for (const line of renderTextLines(t)) assertNoObsidianSyntax(line, JSON.stringify(t));
    }
  });
});
