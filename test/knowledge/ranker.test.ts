import { expect } from 'chai';
import { parseKnowledge, parseTraining } from '../../knowledge/load.ts';
import { NONE_CLASS, Ranker, type RankerExample } from '../../knowledge/ranker.ts';
import { KnowledgeValidationError } from '../../knowledge/schema.ts';

const ex = (label: number, text: string): RankerExample => {
  const words = text.toLowerCase().split(/\s+/);
  return { label, tokens: words, words };
};

const EXAMPLES: readonly RankerExample[] = [
  ex(NONE_CLASS, 'halo'),
  ex(NONE_CLASS, 'terima kasih'),
  ex(1, 'apa itu cookie'),
  ex(1, 'cookie dipakai buat apa'),
  ex(1, 'cookies di situs kalian'),
  ex(2, 'data saya dijual'),
  ex(2, 'apakah kalian menjual data'),
  ex(2, 'jual data pelanggan'),
];

const best = (probs: Map<number, number>): number => [...probs].sort((a, b) => b[1] - a[1])[0]?.[0] ?? -1;

describe('Ranker (learned, trained at load time)', () => {
  it('learns the classes of its examples, and recognises a misspelt word by its character n-grams', () => {
    const ranker = new Ranker(3, EXAMPLES);
    expect(best(ranker.predict(['cookie', 'itu', 'apa'], ['cookie', 'itu', 'apa']))).to.equal(1);
    expect(best(ranker.predict(['menjual', 'data'], ['menjual', 'data']))).to.equal(2);
    expect(best(ranker.predict(['cookiess'], ['cookiess']))).to.equal(1);
    const probs = ranker.predict(['halo'], ['halo']);
    expect(best(probs)).to.equal(NONE_CLASS);
    expect([...probs.values()].reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-9);
  });

  it('is deterministic for the same examples and seed', () => {
    const a = new Ranker(3, EXAMPLES).predict(['data', 'cookie'], ['data', 'cookie']);
    const b = new Ranker(3, EXAMPLES).predict(['data', 'cookie'], ['data', 'cookie']);
    expect([...a]).to.deep.equal([...b]);
  });

  it('predicts the same whatever was asked before, also when its feature cache starts over', () => {
    // Repeated words, n-grams shared between words, and words training never saw (their n-grams count in the norm).
    const texts = [
      'cookie cookie itu apa',
      'data dataku dijual ke pihak lain',
      'xyzzy qwrtp cookiess',
      'menjual data cookie',
      'halo',
      'x',
      // Longer than the cache keeps: worked out again each time, the same.
      `cookie${'s'.repeat(40)} data cookie${'s'.repeat(40)}`,
    ].map((t) => t.split(' '));
    const fresh = texts.map((words) => [...new Ranker(3, EXAMPLES).predict(words, words)]);
    const ranker = new Ranker(3, EXAMPLES, { cacheSize: 3 });
    for (let round = 0; round < 3; round += 1)
      texts.forEach((words, i) => {
        expect([...ranker.predict(words, words)]).to.deep.equal(fresh[i]);
      });
  });

  it('trains the same model from the same examples in any order (the order comes from their words: stable edits)', () => {
    // The same text under two classes too: ties go by label, never by position.
    const examples = [...EXAMPLES, ex(3, 'data saya dijual'), ex(3, 'hapus data saya')];
    const probes = ['cookie data', 'menjual cookie', 'hapus', 'data saya', 'halo kalian'].map((p) => p.split(' '));
    const predictions = (ranker: Ranker) => probes.map((p) => [...ranker.predict(p, p)]);
    const reference = predictions(new Ranker(4, examples));
    expect(predictions(new Ranker(4, [...examples].reverse()))).to.deep.equal(reference);
    const odd = examples.filter((_, i) => i % 2);
    const even = examples.filter((_, i) => !(i % 2));
    expect(predictions(new Ranker(4, [...odd, ...even]))).to.deep.equal(reference);
  });

  it('with a sampled softmax too (its random classes come from the example, not from a shared stream)', () => {
    const many = Array.from({ length: 40 }, (_, c) => ex(c, `kata${c} topik${c} data`));
    const options = { fullSoftmaxMaxClasses: 10 };
    const probe = (r: Ranker) => [...r.predict(['kata7', 'data'], ['kata7', 'data'], [7, 8, 9])];
    expect(probe(new Ranker(40, [...many].reverse(), options))).to.deep.equal(probe(new Ranker(40, many, options)));
  });

  it('with many classes, scores only the classes asked for (sampled softmax)', () => {
    const many = Array.from({ length: 120 }, (_, c) => ex(c, `kata${c} topik${c}`));
    const ranker = new Ranker(120, many, { fullSoftmaxMaxClasses: 10 });
    const probs = ranker.predict(['kata7', 'topik7'], ['kata7', 'topik7'], [7, 8, 9]);
    expect([...probs.keys()].sort((x, y) => x - y)).to.deep.equal([NONE_CLASS, 7, 8, 9]);
    expect(best(probs)).to.equal(7);
  });
});

describe('training.yaml', () => {
  const knowledge = parseKnowledge(
    `entries:
  - id: cookie
    section: Cookies
    question: { id: Apa itu cookie?, en: What are cookies? }
    alternates: { id: [], en: [] }
    keywords: [cookie]
    answer: { id: Cookie ialah file., en: A cookie is a file. }
`,
    'faq.yaml',
  );

  it('reads messages per entry id and for "none"', () => {
    const training = parseTraining('cookie:\n  - "kuki iku opo"\nnone:\n  - halo\n', 'training.yaml', knowledge);
    expect(training.get('cookie')).to.deep.equal(['kuki iku opo']);
    expect(training.get('none')).to.deep.equal(['halo']);
  });

  it('refuses an id that names no entry, naming it', () => {
    expect(() => parseTraining('cokie:\n  - apa itu\n', 'training.yaml', knowledge))
      .to.throw(KnowledgeValidationError)
      .with.property('message')
      .that.contains('cokie');
  });
});
