/** The search language and folding: what a query means, and that mistakes say how to fix them. */
import assert from 'node:assert/strict';
import { foldText, indexTerms, positionedTerms, terms } from '../../../server/engine/search/fold';
import { QuerySyntaxError, parseQuery } from '../../../server/engine/search/query';
import { matchTiers, tierExpressions } from '../../../server/engine/search/searcher';
import { makeSnippet } from '../../../server/engine/search/snippet';
import { HAS_BITS, HAS_TERMS, hasTerms, readBlock } from '../../../server/engine/search/blockText';

describe('search: folding and terms', () => {
  it('folds case and diacritics in Latin and Cyrillic, keeping й', () => {
    assert.equal(foldText('Café CRÈME Ångström naïve'), 'cafe creme angstrom naive');
    assert.equal(foldText('ЁЛКА ёжик Привет'), 'елка ежик привет');
    assert.equal(foldText('Йошкар-Ола йогурт'), 'йошкар-ола йогурт');
    assert.deepEqual(terms('Straße, ÉCOLE! 42x'), ['straße', 'ecole', '42x']);
  });

  it('splits Chinese and Japanese into one term per character, other scripts into words', () => {
    assert.deepEqual(terms('東京タワーへ行く'), ['東', '京', 'タ', 'ワ', 'ー', 'へ', '行', 'く']);
    assert.deepEqual(terms('Tokyo東京 2024'), ['tokyo', '東', '京', '2024']);
    assert.deepEqual(terms('안녕하세요 세계'), ['안녕하세요', '세계']);
    assert.deepEqual(terms('नमस्ते दुनिया'), ['नमस्ते', 'दुनिया']);
    assert.equal(indexTerms('a—b «c» 👍').trim().split(/\s+/).join(' '), 'a b c');
  });

  it('gives the same terms on the fast path for text whose only non-ASCII characters are separators', () => {
    const CHAR = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])/gu;
    const general = (t: string): string => foldText(t.toLowerCase()).replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ').replace(CHAR, ' $1 ');
    const samples = ['Great, thanks!\n❤ 4 👍 2', 'a≠b ≮ c', 'x ① y ⑴ ²', '¨΅῭ word', 'Tokyo — 東京', 'Café ❤', 'ok 👍🏽 ok', 'ℓ ™ Ω K', 'İstanbul', 'lone \ud83d x', '·photo — «quoted» …', 'ﬁle ﬂow'];
    for (const t of samples) assert.equal(indexTerms(t), general(t), JSON.stringify(t));
  });

  it('maps each term back to where it stands in the original text', () => {
    const t = positionedTerms('Hé, Ёжик東京!');
    assert.deepEqual(t.map((x) => [x.term, x.start, x.end]), [['he', 0, 2], ['ежик', 4, 8], ['東', 8, 9], ['京', 9, 10]]);
  });
});

describe('search: query language', () => {
  it('reads words, phrases, prefixes and every filter', () => {
    const q = parseQuery('Café "good morning" phot* in:"Makers Forum" from:alice before:2024-04-01 after:2024-03-01 has:photo HAS:Link');
    assert.deepEqual(q.text, [
      { kind: 'word', terms: ['cafe'] },
      { kind: 'phrase', terms: ['good', 'morning'] },
      { kind: 'prefix', terms: ['phot'] },
    ]);
    assert.deepEqual(q.inChats, ['makers forum']);
    assert.deepEqual(q.fromNames, ['alice']);
    assert.equal(q.before, '2024-04-01');
    assert.equal(q.after, '2024-03-01');
    assert.deepEqual(q.has, ['photo', 'link']);
  });

  it('treats other colons as text and several terms in one word as a phrase', () => {
    assert.deepEqual(parseQuery('https://example.org 10:30').text, [
      { kind: 'phrase', terms: ['https', 'example', 'org'] },
      { kind: 'phrase', terms: ['10', '30'] },
    ]);
    assert.deepEqual(parseQuery('東京').text, [{ kind: 'phrase', terms: ['東', '京'] }]);
    assert.deepEqual(parseQuery('from:alice').text, []);
  });

  it('says what to write instead of a query it cannot read', () => {
    const cases: [string, RegExp][] = [
      ['"unclosed phrase', /not closed/],
      ['a*', /at least 2 letters/],
      ['before:2024-13-01', /YYYY-MM-DD/],
      ['after:yesterday', /YYYY-MM-DD/],
      ['has:video', /photo, file, link, poll/],
      ['in:', /needs a value/],
      ['   ', /Nothing to search for/],
      ['after:2024-05-01 before:2024-04-01', /No day/],
    ];
    for (const [query, message] of cases) assert.throws(() => parseQuery(query), (e: unknown) => e instanceof QuerySyntaxError && message.test(e.message), query);
  });

  it('ranks in tiers: the words together as typed, then whole words, then prefixes', () => {
    assert.deepEqual(tierExpressions(parseQuery('hello world').text), ['"hello world"', '"hello" AND "world"']);
    assert.deepEqual(tierExpressions(parseQuery('hello wor*').text), ['"hello" AND "wor"', '"hello" AND "wor" *']);
    assert.deepEqual(tierExpressions(parseQuery('hello').text), ['"hello"']);
  });

  it('puts has: filters into the MATCH as terms no text or query folds to', () => {
    assert.deepEqual(matchTiers(parseQuery('hello wor* has:photo')), ['("hello" AND "wor") AND "·photo"', '("hello" AND "wor" *) AND "·photo"']);
    assert.deepEqual(matchTiers(parseQuery('has:link has:poll from:ann')), ['"·link" AND "·poll"']);
    assert.equal(hasTerms(HAS_BITS.photo | HAS_BITS.poll), ' ·photo ·poll');
    for (const t of Object.values(HAS_TERMS)) {
      assert.deepEqual(terms(t), [t.slice(1)], 'folding makes the marker a separator');
      assert.ok(!indexTerms(`x${t} ${t}y`).includes('·'));
    }
  });
});

describe('search: blocks and snippets', () => {
  it('reads author, date, text and media of a block as the importer writes it', () => {
    const block = [
      '> **Alice \\[team\\]** · 2024-03-01 11:44:35 · edited 11:49:35',
      '> ↩ Reply to [[#^m3|message 3]]',
      '>',
      '> ![[Telegram/Alice/attachments/photos/photo_2@01-03-2024_18-41-04.jpg]]',
      '>',
      '> Great. **Bold** and [the site](https://example.org/x) \\*not bold\\*',
      '',
      '^m4',
      '',
      '',
    ].join('\n');
    const b = readBlock(block);
    assert.equal(b.author, 'Alice [team]');
    assert.equal(b.date, '2024-03-01T11:44:35');
    assert.equal(b.has, 1 | 4);
    assert.match(b.text, /Great\. Bold and the site example\.org\/x \*not bold\*/);
    assert.doesNotMatch(b.text, /photo_2|message 3|edited/);
  });

  it('highlights folded matches and prefixes inside an excerpt', () => {
    const s = makeSnippet('Nous avons bu un CAFÉ au lait, puis des cafés.', parseQuery('cafe caf*').text);
    assert.deepEqual(s.highlights.map(([a, b]) => s.snippet.slice(a, b)), ['CAFÉ', 'cafés']);
    const long = makeSnippet(`${'word '.repeat(100)}needle ${'tail '.repeat(100)}`, parseQuery('needle').text);
    assert.ok(long.snippet.startsWith('…') && long.snippet.endsWith('…') && long.snippet.length < 200);
    assert.equal(long.snippet.slice(...long.highlights[0]!), 'needle');
  });
});
