/**
 * Inline formatting next to every kind of neighbour parses as the intended formatting in a real
 * CommonMark parser: exactly the entity's text is formatted, and no character is lost or added.
 */
import { strict as assert } from 'node:assert';
import type { TextEntity } from '../../../server/engine/telegram-notes/message';
import { renderTextLines } from '../../../server/engine/telegram-notes';
import { parseMarkdown, type Token } from './structure';

const OPEN: Record<string, { md: string; html: string }> = {
  bold: { md: 'strong_open', html: '<b>' },
  italic: { md: 'em_open', html: '<i>' },
  strikethrough: { md: 's_open', html: '<s>' },
  underline: { md: '-', html: '<u>' },
  spoiler: { md: '-', html: '<span class="tg-spoiler">' },
};
const CLOSE: Record<string, string> = { strong_open: 'strong_close', em_open: 'em_close', s_open: 's_close' };

/** Text outside and inside the formatting, as a reader sees it. */
function read(children: Token[], type: string): { all: string; inside: string; spans: number } {
  let all = '';
  let inside = '';
  let depth = 0;
  let spans = 0;
  const { md, html } = OPEN[type];
  const htmlClose = html.startsWith('<span') ? '</span>' : html.replace('<', '</');
  for (const c of children) {
    if (c.type === md || (c.type === 'html_inline' && c.content === html)) {
      depth++;
      spans++;
      continue;
    }
    if (c.type === CLOSE[md] || (c.type === 'html_inline' && c.content === htmlClose)) {
      depth--;
      continue;
    }
    assert.notEqual(c.type, 'html_inline', `stray HTML ${c.content}`);
    assert.ok(!/_open|_close/.test(c.type), `unexpected ${c.type}`);
    const t = c.type === 'softbreak' ? '\n' : c.content;
    all += t;
    if (depth > 0) inside += t;
  }
  return { all, inside, spans };
}

describe('format: inline formatting parses as intended', () => {
  const neighbours = ['', 'a', ' ', '.', '*', '_', '"', '(', '1', 'é', '~'];
  const inners = ['x', '"q"', '*s*', 'a b', '_u_', '1', '.', 'ü!', '~t~', '`c`', 'x_y'];
  for (const type of Object.keys(OPEN)) {
    it(`${type} between any neighbours`, () => {
      for (const before of neighbours) {
        for (const inner of inners) {
          for (const after of neighbours) {
            const parts: TextEntity[] = [];
            if (before) parts.push({ type: 'plain', text: 'w' + before });
            parts.push({ type, text: inner });
            if (after) parts.push({ type: 'plain', text: after + 'w' });
            const lines = renderTextLines(parts as never);
            const tokens = parseMarkdown(lines.join('\n'));
            const inline = tokens.find((t) => t.type === 'inline');
            const label = JSON.stringify({ before, inner, after, md: lines.join('\n') });
            assert.ok(inline, label);
            const got = read(inline.children ?? [], type);
            assert.equal(got.spans, 1, `one formatted span: ${label}`);
            assert.equal(got.inside, inner, `formatted text: ${label}`);
            assert.equal(got.all, (before ? 'w' + before : '') + inner + (after ? after + 'w' : ''), `all text: ${label}`);
          }
        }
      }
    });
  }

  it('two formatted runs side by side both parse, whatever their kinds', () => {
    const kinds = ['bold', 'italic', 'strikethrough', 'underline', 'spoiler', 'code'];
    const texts = ['x', '.', '"q"', 'a b'];
    for (const a of kinds) {
      for (const b of kinds) {
        for (const ta of texts) {
          for (const tb of texts) {
            const md = renderTextLines([{ type: a, text: ta }, { type: b, text: tb }] as never).join('\n');
            const children = parseMarkdown(md).find((t) => t.type === 'inline')!.children!;
            const label = JSON.stringify({ a, b, ta, tb, md });
            const opens = children.filter((c) => /_open$/.test(c.type) || (c.type === 'html_inline' && !c.content.startsWith('</'))).length;
            const codes = children.filter((c) => c.type === 'code_inline').length;
            assert.equal(opens + codes, 2, `two spans: ${label}`);
            const text = children.filter((c) => c.type === 'text' || c.type === 'code_inline').map((c) => c.content).join('');
            assert.equal(text, ta + tb, `text: ${label}`);
          }
        }
      }
    }
  });

  it('links keep their text and target next to any neighbour', () => {
    for (const before of neighbours) {
      for (const after of neighbours) {
        const parts = [{ type: 'plain', text: 'w' + before + '!' }, { type: 'text_link', text: 'l_[x]', href: 'https://e.com/a b' }, { type: 'plain', text: after + 'w' }];
        const tokens = parseMarkdown(renderTextLines(parts as never).join('\n'));
        const children = tokens.find((t) => t.type === 'inline')!.children!;
        const open = children.filter((c) => c.type === 'link_open');
        assert.equal(open.length, 1, JSON.stringify({ before, after }));
        assert.ok(!children.some((c) => c.type === 'image'), 'not an image');
        const text = children.filter((c) => c.type === 'text').map((c) => c.content).join('');
        assert.equal(text, 'w' + before + '!' + 'l_[x]' + after + 'w');
      }
    }
  });

  it('code spans keep their content exactly', () => {
    for (const code of ['a', '`', '``', 'a`b', ' a ', '`a`', 'a  b', '\\*', '<b>']) {
      const tokens = parseMarkdown(renderTextLines([{ type: 'plain', text: 'x ' }, { type: 'code', text: code }, { type: 'plain', text: ' y' }] as never).join('\n'));
      const c = tokens.find((t) => t.type === 'inline')!.children!.find((t) => t.type === 'code_inline');
      assert.equal(c?.content, code, JSON.stringify(code));
    }
  });
});
