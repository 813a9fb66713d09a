/**
 * Retraining is stable: a new alternate moves only labelled questions related to it (an admin's one-click addition
 * from the inbox must not re-roll unrelated borderline answers and ask for a drop confirmation every time). That the
 * ranker does not depend on where an example sits is tested in ranker.test.ts; bench/retrainStability.ts measures it.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { buildMatcher } from '../../knowledge/build.ts';
import { isRightAnswer, type LabelledQuestion, readLabelled } from '../../knowledge/labelled.ts';
import { parseKnowledge, parseTraining } from '../../knowledge/load.ts';
import type { Matcher } from '../../knowledge/matcher.ts';
import { addAlternate } from '../../knowledge/yamlEdit.ts';

describe('Retraining stability on the real knowledge and labelled questions', () => {
  describe('a new alternate', function () {
    this.timeout(120_000);
    const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
    const SETS = ['questions.jsonl', 'messy-dev.jsonl', 'messy-dev-2.jsonl', 'blind.jsonl'];
    let faq: string;
    let training: string;
    let labelled: LabelledQuestion[];
    let base: Matcher;
    let original: boolean[];

    const build = (text: string): Matcher => {
      const parsed = parseKnowledge(text, 'faq.yaml');
      return buildMatcher({ ...parsed, training: parseTraining(training, 'training.yaml', parsed) });
    };
    const verdicts = (m: Matcher) => labelled.map((item) => isRightAnswer(item, m.match(item.q)));

    before(async () => {
      faq = await readFile(here('../../knowledge/faq.yaml'), 'utf8');
      training = await readFile(here('../../knowledge/training.yaml'), 'utf8');
      labelled = SETS.flatMap((name) => readLabelled(here(`../fixtures/${name}`)));
      base = build(faq);
      original = verdicts(base);
    });

    // What admins add from the inbox: customers' own wordings, to the entry that answers them.
    const ADDITIONS = [
      { entry: 'cookie', lang: 'id', q: 'cookie nu aya di situs wowrack teh keur naon?' },
      { entry: 'access', lang: 'en', q: 'is my data visible to every employee at your company?' },
      { entry: 'age', lang: 'id', q: 'syarat umur buat beli di wowrack berapa?' },
    ] as const;

    for (const addition of ADDITIONS)
      it(`adding “${addition.q}” to ${addition.entry} moves only labelled questions related to it`, () => {
        const after = verdicts(build(addAlternate(faq, addition.entry, addition.lang, addition.q)));
        const own = base.tokensOf(addition.q);
        // Sharing a word: the same normalised token, or one the start of the other ("data", "database": the ranker
        // sees words by their letters too).
        const shares = (q: string) =>
          base
            .tokensOf(q)
            .some((t) =>
              own.some((o) => t === o || (Math.min(t.length, o.length) >= 4 && (t.startsWith(o) || o.startsWith(t)))),
            );
        // About the same entry, or sharing a word with the addition: related; anything else moving is not.
        const related = (item: LabelledQuestion) =>
          (item.expect !== 'out_of_scope' && item.expect.includes(addition.entry)) || shares(item.q);
        const unrelatedMoved = labelled.filter((item, i) => after[i] !== original[i] && !related(item));
        expect(unrelatedMoved.map((item) => item.q)).to.deep.equal([]);
      });
  });
});
