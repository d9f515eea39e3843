/**
 * Every entity type Telegram Desktop exports, rendered to Markdown (expected text written out).
 */
import { strict as assert } from 'node:assert';
import type { TextEntity, TextValue } from '../../../server/engine/telegram-notes/message';
import { plainText, renderTextLines, textParts } from '../../../server/engine/telegram-notes';

const e = (type: string, text: string, extra: Partial<TextEntity> = {}): TextEntity => ({ type, text, ...extra });
const md = (...parts: (string | TextEntity)[]): string => renderTextLines(parts as TextValue).join('\n');

describe('format: text entities', () => {
  it('plain string form and array form give the same Markdown', () => {
    assert.equal(renderTextLines('Hello world').join('\n'), 'Hello world');
    assert.equal(md('Hello ', 'world'), 'Hello world');
  });

  it('prefers text_entities over text when both are present', () => {
    assert.deepEqual(renderTextLines('ignored', [e('bold', 'used')]), ['**used**']);
    assert.deepEqual(renderTextLines('', []), []);
  });

  it('bold, italic, strikethrough use Markdown; underline and spoiler use HTML Obsidian renders', () => {
    assert.equal(md(e('bold', 'b')), '**b**');
    assert.equal(md(e('italic', 'i')), '*i*');
    assert.equal(md(e('strikethrough', 's')), '~~s~~');
    assert.equal(md(e('underline', 'u')), '<u>u</u>');
    assert.equal(md(e('spoiler', 'secret')), '<span class="tg-spoiler">secret</span>');
  });

  it('moves edge whitespace out of the delimiters so they still parse', () => {
    assert.equal(md('a', e('bold', ' b '), 'c'), 'a **b** c');
  });

  it('falls back to HTML where Markdown delimiters would not parse', () => {
    // "**x**" right before "*y*" would read as "***"
    assert.equal(md(e('bold', 'x'), e('italic', 'y')), '<b>x</b>*y*');
    // closing after punctuation, followed by a letter: not right-flanking
    assert.equal(md('a', e('bold', '"q"'), 'b'), 'a<b>"q"</b>b');
    assert.equal(md('word', e('italic', 'mid'), 'word'), 'word*mid*word');
  });

  it('formats each line of a multi-line run separately', () => {
    assert.equal(md(e('bold', 'one\ntwo')), '**one**\n**two**');
  });

  it('code: a code span whose fence is longer than any backtick run inside', () => {
    assert.equal(md(e('code', 'npm run build')), '`npm run build`');
    assert.equal(md(e('code', 'a ` b')), '``a ` b``');
    assert.equal(md(e('code', '`x`')), '`` `x` ``');
    // two code spans side by side would merge their fences: one becomes HTML
    assert.equal(md(e('code', 'a<'), e('code', 'b')), '<code>a\\<</code>`b`');
  });

  it('pre: a fenced block with its language, always closed, on its own lines', () => {
    assert.equal(md('See:', e('pre', 'let x = 1;', { language: 'javascript' }), 'after'), 'See:\n```javascript\nlet x = 1;\n```\nafter');
    assert.equal(md(e('pre', 'a\n```\nb', { language: '' })), '````\na\n```\nb\n````');
    assert.equal(md(e('pre', 'x', { language: 'js```\n<b>' })), '```jsb\nx\n```');
    assert.equal(md(e('pre', '\tindented')), '```\n    indented\n```');
  });

  it('blockquote: a nested quote, ended by a blank line; collapsed ones become a folded callout', () => {
    assert.equal(md(e('blockquote', 'q1\nq2'), '\nafter'), '> q1\n> q2\n\nafter');
    assert.equal(md(e('blockquote', 'q', { collapsed: true }), 'same line'), '> [!quote]-\n> q\n\nsame line');
    assert.equal(md(e('blockquote', '# h\n---')), '> \\# h\n> \\---');
  });

  it('text_link: a Markdown link with an encoded destination', () => {
    assert.equal(md(e('text_link', 'site', { href: 'https://example.com/a b(c)' })), '[site](https://example.com/a%20b%28c%29)');
    assert.equal(md(e('text_link', '[x]', { href: 'https://e.com' })), '[\\[x\\]](https://e.com)');
  });

  it('text_link with an unsafe scheme is text plus the target, not a link', () => {
    assert.equal(md(e('text_link', 'click', { href: 'javascript:alert(1)' })), 'click (javascript:alert(1))');
  });

  it('link: bare when Markdown-inert, a Markdown link otherwise', () => {
    assert.equal(md(e('link', 'https://example.com/a_b?x=1')), 'https://example.com/a_b?x=1');
    assert.equal(md(e('link', 'https://example.com/_x_')), '[https://example.com/\\_x\\_](https://example.com/_x_)');
    assert.equal(md(e('link', 'example.com')), '[example.com](https://example.com)');
    assert.equal(md(e('link', 'https://example.com/.')), '[https://example.com/.](https://example.com/.)');
  });

  it('email, phone, mention, mention_name: links', () => {
    assert.equal(md(e('email', 'a.b@example.com')), '[a.b@example.com](mailto:a.b@example.com)');
    assert.equal(md(e('phone', '+1 555 010')), '[+1 555 010](tel:+1555010)');
    assert.equal(md(e('mention', '@bob_stone')), '[@bob_stone](https://t.me/bob_stone)');
    assert.equal(md(e('mention_name', 'Chen Wei', { user_id: 100004 })), '[Chen Wei](tg://user?id=100004)');
    assert.equal(md(e('mention', '@x')), '@x');
  });

  it('hashtag: an Obsidian tag when Obsidian can read it as one, escaped text otherwise', () => {
    assert.equal(md('tags ', e('hashtag', '#roadtrip'), ' ', e('hashtag', '#ünïcode_2')), 'tags #roadtrip #ünïcode_2');
    assert.equal(md(e('hashtag', '#2024')), '\\#2024');
    assert.equal(md(e('hashtag', '#tag@bot')), '\\#tag@bot');
  });

  it('cashtag, bot_command, bank_card, custom_emoji, unknown, plain: their text, escaped', () => {
    assert.equal(md(e('cashtag', '$EUR')), '\\$EUR');
    assert.equal(md(e('bot_command', '/start@weather_bot')), '/start@weather_bot');
    assert.equal(md(e('bank_card', '4111 1111 1111 1111')), '4111 1111 1111 1111');
    assert.equal(md(e('custom_emoji', '🎒', { document_id: '5368324170671202286' })), '🎒');
    assert.equal(md(e('unknown', 'new *thing*')), 'new \\*thing\\*');
    assert.equal(md(e('some_future_type', 'still shown')), 'still shown');
    assert.equal(md(e('plain', 'p')), 'p');
  });

  it('keeps line structure: blank lines collapse to one paragraph break, edges trimmed', () => {
    assert.equal(md('\n\na\n\n\n\nb\n\n'), 'a\n\nb');
  });

  it('textParts and plainText accept every shape of `text`', () => {
    assert.deepEqual(textParts('x'), [{ type: 'plain', text: 'x' }]);
    assert.deepEqual(textParts(['a', e('bold', 'b')]), [{ type: 'plain', text: 'a' }, { type: 'bold', text: 'b' }]);
    assert.deepEqual(textParts(undefined), []);
    assert.equal(plainText(['a', e('bold', 'b')]), 'ab');
  });
});

describe('format: escaping plain text', () => {
  const plain = (s: string) => renderTextLines(s).join('\n');

  it('leaves ordinary prose alone', () => {
    assert.equal(plain('Meet at 9:30, bring snake_case notes (and C# books) — 50% off!'), 'Meet at 9:30, bring snake_case notes (and C# books) — 50% off!');
  });

  it('escapes what would start a block at the start of a line', () => {
    assert.equal(plain('# h\n> q\n- li\n+ li\n1. li\n2) li\n---\n==='), '\\# h\n\\> q\n\\- li\n\\+ li\n1\\. li\n2\\) li\n\\---\n\\=\\=\\=');
  });

  it('escapes Obsidian syntax anywhere: links, embeds, tags, comments, math, highlights, block ids', () => {
    assert.equal(plain('[[x]] ![[y]] #tag %%c%% $m$ ==h== ^m1 ~~s~~ `c` *e* _e_ a|b <b> &amp;'), '\\[\\[x\\]\\] \\!\\[\\[y\\]\\] \\#tag %&#37;c%&#37; \\$m\\$ \\=\\=h\\=\\= \\^m1 \\~\\~s\\~\\~ \\`c\\` \\*e\\* \\_e\\_ a\\|b \\<b> \\&amp;');
  });

  it('escapes a backslash only where it would escape the next character', () => {
    assert.equal(plain('C:\\Users\\x and \\* and end\\'), 'C:\\Users\\x and \\\\\\* and end\\\\');
  });

  it('keeps leading indentation as non-breaking spaces (no accidental code blocks), drops trailing blanks', () => {
    assert.equal(plain('    four\n\ttab\nend   '), '\u00a0\u00a0\u00a0\u00a0four\n\u00a0\u00a0\u00a0\u00a0tab\nend');
  });

  it('normalises line breaks and removes control characters', () => {
    assert.equal(plain('a\r\nb\rc\u2028d\u0085e\u0000f\u0007g'), 'a\nb\nc\nd\nefg');
  });

  it('"!" before a link is escaped so the link is not an embed', () => {
    assert.equal(md('Look!', e('text_link', 'here', { href: 'https://e.com' })), 'Look\\![here](https://e.com)');
  });
});
