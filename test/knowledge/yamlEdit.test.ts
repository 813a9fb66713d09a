import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { diffHunks, diffLines } from '../../knowledge/lineDiff.ts';
import { parseKnowledge } from '../../knowledge/load.ts';
import { addAlternate, editEntries, KnowledgeEditError, moveAlternate } from '../../knowledge/yamlEdit.ts';
import { KNOWLEDGE_FILE } from '../support/buildBot.ts';

const FAQ = readFileSync(KNOWLEDGE_FILE, 'utf8');
const changed = (before: string, after: string) =>
  diffLines(before, after)
    .filter((l) => l.op !== 'same')
    .map((l) => `${l.op === 'add' ? '+' : '-'}${l.text}`);
const entry = (text: string, id: string) => parseKnowledge(text, 'faq.yaml').entries.find((e) => e.id === id);

describe('yamlEdit: faq.yaml changed through the Document API, the rest kept as written', () => {
  it('adds an alternate as one new line; comments, order and every other line stay', () => {
    const out = addAlternate(FAQ, 'protect', 'id', 'apakah zebra belang aman');
    expect(changed(FAQ, out)).to.deep.equal(['+        - apakah zebra belang aman']);
    expect(out.startsWith('# Knowledge file of the Wowrack Indonesia privacy assistant.\n#')).to.equal(true);
    expect(entry(out, 'protect')?.alternates.id.at(-1)).to.equal('apakah zebra belang aman');
    expect(addAlternate(out, 'protect', 'id', 'apakah zebra belang aman')).to.equal(out);
  });

  it('quotes a phrasing YAML would misread, and reads it back exactly', () => {
    const tricky = 'data saya: aman? #tanya - "kok" gitu';
    const out = addAlternate(FAQ, 'protect', 'en', tricky);
    expect(changed(FAQ, out)).to.have.length(1);
    expect(entry(out, 'protect')?.alternates.en).to.include(tricky);
  });

  it('replaces a flow-style list on its own line, and a folded answer in its own lines', () => {
    const out = editEntries(
      FAQ,
      new Map([['protect', { keywords: ['jual', 'privasi'], answer: { en: 'Wowrack Indonesia is committed.' } }]]),
    );
    const lines = changed(FAQ, out);
    expect(lines).to.include('+    keywords: [jual, privasi]');
    expect(lines.filter((l) => l.startsWith('+'))).to.deep.equal([
      '+    keywords: [jual, privasi]',
      '+        Wowrack Indonesia is committed.',
    ]);
    const protect = entry(out, 'protect');
    expect(protect?.keywords).to.deep.equal(['jual', 'privasi']);
    expect(protect?.answer?.en).to.equal('Wowrack Indonesia is committed.');
    expect(protect?.answer?.id).to.equal(entry(FAQ, 'protect')?.answer?.id);
  });

  it('adds or removes a field by rewriting that entry only', () => {
    const out = editEntries(FAQ, new Map([['protect', { flow: 'support' }]]));
    expect(entry(out, 'protect')?.flow).to.equal('support');
    const promoFlow = entry(FAQ, 'promo')?.flow;
    expect(promoFlow).to.equal('unsubscribe');
    const removed = editEntries(FAQ, new Map([['promo', { flow: null }]]));
    expect(entry(removed, 'promo')?.flow).to.equal(undefined);
    // Everything before the promo entry is byte for byte the same.
    const promoAt = FAQ.indexOf('  - id: promo\n');
    expect(removed.slice(0, promoAt)).to.equal(FAQ.slice(0, promoAt));
    expect(parse(removed).entries.length).to.equal(parse(FAQ).entries.length);
  });

  it('keeps comments inside an edited entry', () => {
    const text = [
      'version: 1',
      'entries:',
      '  # the first entry',
      '  - id: a',
      '    section: S # where',
      '    question: {id: Q?, en: Q?}',
      '    alternates:',
      '      # real customer messages',
      '      id: [x]',
      '    answer: {id: A., en: A.}',
      '',
    ].join('\n');
    const out = editEntries(text, new Map([['a', { alternates: { en: ['y'] }, keywords: ['k'] }]]));
    expect(out).to.include('# the first entry').and.include('# where').and.include('# real customer messages');
    expect(parse(out).entries[0]).to.deep.include({ keywords: ['k'], alternates: { id: ['x'], en: ['y'] } });
  });

  it('refuses an unknown entry and a file that is not YAML', () => {
    expect(() => editEntries(FAQ, new Map([['nope', { keywords: [] }]]))).to.throw(
      KnowledgeEditError,
      /no entry "nope"/,
    );
    expect(() => addAlternate('entries: [a\n', 'a', 'id', 'x')).to.throw(KnowledgeEditError);
  });

  it('moves a phrasing: added to one entry, the same words taken out of every other; nothing else changes', () => {
    // "saya mau unsubscribe" is promo's; typed another way, it is the same words (case, punctuation, slang).
    const out = moveAlternate(FAQ, 'offtopic-sales', 'id', 'Saya MAU unsubscribe!!');
    expect(changed(FAQ, out)).to.deep.equal(['-        - saya mau unsubscribe', '+        - Saya MAU unsubscribe!!']);
    expect(entry(out, 'promo')?.alternates.id).to.not.include('saya mau unsubscribe');
    expect(entry(out, 'offtopic-sales')?.alternates.id.at(-1)).to.equal('Saya MAU unsubscribe!!');
    // Back again, and to an entry that says it already: nothing to do.
    expect(
      entry(moveAlternate(out, 'promo', 'en', 'saya mau unsubscribe'), 'offtopic-sales')?.alternates.id,
    ).to.not.include('Saya MAU unsubscribe!!');
    expect(moveAlternate(FAQ, 'promo', 'en', 'saya mau unsubscribe ?')).to.equal(FAQ);
    // A new phrasing is only added, like addAlternate.
    expect(moveAlternate(FAQ, 'protect', 'id', 'apakah zebra belang aman')).to.equal(
      addAlternate(FAQ, 'protect', 'id', 'apakah zebra belang aman'),
    );
  });

  it('refuses to move a phrasing that is another entry’s question, or to an unknown entry', () => {
    const question = parseKnowledge(FAQ, 'faq.yaml').entries.find((e) => e.id === 'age')?.question.id ?? '';
    expect(() => moveAlternate(FAQ, 'offtopic-sales', 'id', question)).to.throw(
      KnowledgeEditError,
      /question of entry "age"/,
    );
    expect(moveAlternate(FAQ, 'age', 'id', question)).to.equal(FAQ);
    expect(() => moveAlternate(FAQ, 'no-such-entry', 'id', 'x')).to.throw(KnowledgeEditError);
  });
});

describe('diffLines()', () => {
  it('finds added, removed and kept lines, with line numbers', () => {
    const d = diffLines('a\nb\nc\nd', 'a\nc\nx\nd');
    expect(d.map((l) => `${l.op}:${l.text}`)).to.deep.equal(['same:a', 'del:b', 'same:c', 'add:x', 'same:d']);
    expect(d[3]).to.deep.equal({ op: 'add', text: 'x', newLine: 3 });
    expect(diffLines('same', 'same').every((l) => l.op === 'same')).to.equal(true);
  });

  it('shows hunks with context, skipped runs as one gap', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const after = before.replace('l10', 'L10');
    const hunks = diffHunks(diffLines(before, after), 2);
    expect(hunks[0]).to.equal(null);
    expect(hunks.filter((h) => h !== null).map((h) => h?.text)).to.deep.equal(['l8', 'l9', 'l10', 'L10', 'l11', 'l12']);
  });
});
