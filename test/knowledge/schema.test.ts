import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { loadKnowledgeFile, parseKnowledge } from '../../knowledge/load.ts';
import { KnowledgeValidationError } from '../../knowledge/schema.ts';
import type { KnowledgeBase } from '../../knowledge/types.ts';
import { KNOWLEDGE_FILE } from '../support/buildBot.ts';

const STATEMENT_FILE = fileURLToPath(new URL('../../knowledge/privacy-statement.txt', import.meta.url));

/** One policy entry with every field, as an admin would write it. */
const COOKIE_ENTRY = `
  - id: cookie
    section: Apakah Cookies itu?
    question:
      id: Apakah Cookies itu?
      en: What are cookies?
    alternates:
      id: [apa itu kukis]
      en: [what is a cookie]
    keywords: [cookie, browser]
    answer:
      id: Cookie ialah sebuah file data text kecil dari situs.
      en: A cookie is a small text data file from a site.
    related: []
`;

const PROMO_ENTRY = `
  - id: promo
    section: Promosi
    question:
      id: Akankah saya menerima e-mail promosi?
      en: Will I receive promotional e-mail?
    alternates:
      id: [cara berhenti berlangganan]
    answer:
      id: Anda akan menerima e-mail promosi HANYA JIKA Anda menginginkannya.
      en: You will receive promotional e-mail ONLY IF you want it.
    flow: unsubscribe
    related: [cookie]
`;

const HEADER = 'version: 1\nsynonyms:\n  cookie: [kukis, cookies]\nentries:';
const VALID = `${HEADER}${COOKIE_ENTRY}${PROMO_ENTRY}`;

/** The conversations the tests' entries may offer (the app passes its flow registry's names). */
const FLOWS = ['unsubscribe', 'support', 'parental-consent'];

/** Parses text that must be rejected and returns the error. */
function rejected(yamlText: string): KnowledgeValidationError {
  try {
    parseKnowledge(yamlText, 'test.yaml', { flows: FLOWS });
  } catch (err) {
    expect(err).to.be.instanceOf(KnowledgeValidationError);
    if (err instanceof KnowledgeValidationError) return err;
  }
  expect.fail('the knowledge text was accepted but should have been rejected');
}

/** Asserts the error names the file, and that one line of it names the entry (when given) and the field. */
function expectProblem(err: KnowledgeValidationError, entry: string | undefined, field: string, about?: RegExp): void {
  expect(err.message).to.match(/^test\.yaml: /);
  expect(err.file).to.equal('test.yaml');
  const lines = err.message.split('\n').slice(1);
  const line = lines.find(
    (l) => l.includes(`field "${field}"`) && (entry === undefined || l.includes(`entry ${entry}`)),
  );
  expect(line, `no line names entry ${entry ?? '(none)'} and field "${field}" in:\n${err.message}`).to.be.a('string');
  if (about) expect(line).to.match(about);
}

describe('parseKnowledge()', () => {
  it('parses a valid minimal file', () => {
    const kb: KnowledgeBase = parseKnowledge(VALID, 'test.yaml');
    expect(kb.version).to.equal(1);
    expect(kb.entries.map((e) => e.id)).to.deep.equal(['cookie', 'promo']);
    const [cookie, promo] = kb.entries;
    expect(cookie?.kind).to.equal('policy');
    expect(cookie?.question).to.deep.equal({ id: 'Apakah Cookies itu?', en: 'What are cookies?' });
    expect(cookie?.keywords).to.deep.equal(['cookie', 'browser']);
    expect(promo?.flow).to.equal('unsubscribe');
    expect(promo?.related).to.deep.equal(['cookie']);
    // Optional parts get their defaults.
    expect(promo?.keywords).to.deep.equal([]);
    expect(promo?.alternates.en).to.deep.equal([]);
    expect(kb.synonyms.get('cookie')).to.deep.equal(['kukis', 'cookies']);
  });

  it('accepts bare numbers as keywords', () => {
    const kb = parseKnowledge(VALID.replace('keywords: [cookie, browser]', 'keywords: [cookie, 18]'), 'test.yaml');
    expect(kb.entries[0]?.keywords).to.deep.equal(['cookie', '18']);
  });

  it('reports a YAML syntax error with the file and the position', () => {
    const err = rejected(`${VALID}  - id: [unclosed\n`);
    expectProblem(err, undefined, '(YAML syntax)', /line \d+/);
  });

  it('reports a key written twice as a YAML error', () => {
    const err = rejected(VALID.replace('    related: []\n', '    related: []\n    related: []\n'));
    expectProblem(err, undefined, '(YAML syntax)', /unique/i);
  });

  it('rejects a file without entries', () => {
    expectProblem(rejected('version: 1\n'), undefined, 'entries', /non-empty list/);
    expectProblem(rejected('version: 1\nentries: []\n'), undefined, 'entries', /non-empty list/);
    expectProblem(rejected('- just\n- a list\n'), undefined, '(document)');
  });

  it('rejects an unsupported version', () => {
    expectProblem(rejected(VALID.replace('version: 1', 'version: 2')), undefined, 'version', /2/);
  });

  it('rejects an entry without id, naming its position', () => {
    const err = rejected(VALID.replace('  - id: promo\n', '  - kind: policy\n'));
    expectProblem(err, '#2', 'id', /lowercase/);
  });

  it('rejects an id in the wrong format, naming its position', () => {
    const err = rejected(VALID.replace('id: promo\n', 'id: Promo Email\n'));
    expectProblem(err, '#2', 'id', /lowercase/);
  });

  it('rejects a duplicate id', () => {
    const err = rejected(`${VALID}${COOKIE_ENTRY}`);
    expectProblem(err, 'cookie', 'id', /more than one entry/);
  });

  it('rejects a question without its English text', () => {
    const err = rejected(VALID.replace('      en: Will I receive promotional e-mail?\n', ''));
    expectProblem(err, '"promo"', 'question.en', /non-empty/);
  });

  it('requires an answer on a policy entry', () => {
    const err = rejected(VALID.replace(/ {4}answer:\n.*\n.*ONLY IF you want it\.\n/, ''));
    expectProblem(err, '"promo"', 'answer');
  });

  it('allows an off-topic entry without an answer', () => {
    const offtopic = `
  - id: offtopic-sales
    kind: offtopic
    section: Harga
    question: { id: Harga hosting, en: Hosting prices }
    alternates: { id: [berapa harga vps], en: [how much is hosting] }
    keywords: [harga, price]
    cues: [harga]
`;
    const kb = parseKnowledge(`${VALID}${offtopic}`, 'test.yaml');
    const entry = kb.entries.find((e) => e.id === 'offtopic-sales');
    expect(entry?.kind).to.equal('offtopic');
    expect(entry?.answer).to.equal(undefined);
    expect(entry?.cues).to.deep.equal(['harga']);
  });

  it('rejects cues on a policy entry (only off-topic entries have them)', () => {
    const err = rejected(
      VALID.replace('    keywords: [cookie, browser]\n', '    keywords: [cookie, browser]\n    cues: [cookie]\n'),
    );
    expectProblem(err, '"cookie"', 'cues', /off-topic/);
  });

  it('rejects a file whose only entries are off-topic', () => {
    const err = rejected(
      `${HEADER}\n  - id: prices\n    kind: offtopic\n    section: Harga\n    question: { id: Harga, en: Prices }\n    alternates: {}\n`,
    );
    expectProblem(err, undefined, 'entries', /policy/);
  });

  it('rejects an unknown kind', () => {
    const err = rejected(VALID.replace('    flow: unsubscribe\n', '    kind: faq\n    flow: unsubscribe\n'));
    expectProblem(err, '"promo"', 'kind', /"faq"/);
  });

  it('rejects an unknown flow', () => {
    const err = rejected(VALID.replace('flow: unsubscribe', 'flow: teleport'));
    expectProblem(err, '"promo"', 'flow', /unsubscribe, support, parental-consent/);
  });

  it('without a list of conversations, accepts any conversation name but not a malformed one', () => {
    expect(parseKnowledge(VALID.replace('flow: unsubscribe', 'flow: teleport'), 'test.yaml').entries[1]?.flow).to.equal(
      'teleport',
    );
    const err = (() => {
      try {
        parseKnowledge(VALID.replace('flow: unsubscribe', 'flow: "Tele Port"'), 'test.yaml');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(err).to.be.instanceOf(KnowledgeValidationError);
  });

  it('rejects related naming an unknown entry', () => {
    const err = rejected(VALID.replace('related: [cookie]', 'related: [cookies]'));
    expectProblem(err, 'promo', 'related', /unknown entry "cookies"/);
  });

  it('rejects related naming the entry itself', () => {
    const err = rejected(VALID.replace('related: [cookie]', 'related: [promo]'));
    expectProblem(err, 'promo', 'related', /itself/);
  });

  it('rejects an unknown field such as a typo of "alternates"', () => {
    const err = rejected(VALID.replace('    alternates:\n      id: [cara', '    alternate:\n      id: [cara'));
    expectProblem(err, '"promo"', 'alternate', /not a known field/);
  });

  it('rejects alternates in an unknown language', () => {
    const err = rejected(VALID.replace('      id: [cara berhenti berlangganan]\n', '      fr: [se désabonner]\n'));
    expectProblem(err, '"promo"', 'alternates.fr', /unknown language/);
  });

  it('rejects keywords that are not a list', () => {
    const err = rejected(VALID.replace('keywords: [cookie, browser]', 'keywords: cookie browser'));
    expectProblem(err, '"cookie"', 'keywords', /must be a list/);
  });

  it('rejects synonyms without variants', () => {
    expectProblem(rejected(VALID.replace('cookie: [kukis, cookies]', 'cookie: []')), undefined, 'synonyms.cookie');
  });

  it('reports several problems at once', () => {
    const text = VALID.replace('keywords: [cookie, browser]', 'keywords: cookie')
      .replace('flow: unsubscribe', 'flow: teleport')
      .replace('      en: What are cookies?\n', '');
    const err = rejected(text);
    expect(err.issues).to.have.length(3);
    expect(err.message).to.match(/^test\.yaml: 3 problem\(s\)/);
    expectProblem(err, '"cookie"', 'keywords');
    expectProblem(err, '"cookie"', 'question.en');
    expectProblem(err, '"promo"', 'flow');
  });
});

describe('loadKnowledgeFile()', () => {
  it('names a missing file in the error', async () => {
    const missing = '/nonexistent/dir/faq.yaml';
    const err: unknown = await loadKnowledgeFile(missing).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(KnowledgeValidationError);
    expect((err as Error).message)
      .to.include(missing)
      .and.match(/cannot be read/);
  });

  it('names the file on a validation error', async () => {
    // The privacy statement is text, not a knowledge mapping.
    const err: unknown = await loadKnowledgeFile(STATEMENT_FILE).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(KnowledgeValidationError);
    expect((err as Error).message).to.include(STATEMENT_FILE);
  });
});

describe('the real knowledge file', () => {
  let kb: KnowledgeBase;
  before(async () => {
    kb = await loadKnowledgeFile(KNOWLEDGE_FILE);
  });

  it('loads, with policy and off-topic entries', () => {
    const policy = kb.entries.filter((e) => e.kind === 'policy');
    expect(policy.length).to.be.at.least(10);
    expect(kb.entries.some((e) => e.kind === 'offtopic')).to.equal(true);
    for (const e of policy) expect(e.answer, e.id).to.not.equal(undefined);
  });

  describe('answers quote the statement faithfully', () => {
    const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();
    const statement = collapse(readFileSync(STATEMENT_FILE, 'utf8'));
    /** Sentences of an answer that the statement does not contain word for word. */
    const unquoted = (answer: string): string[] =>
      collapse(answer)
        .split(/(?<=[.?!])\s+/)
        .filter((sentence) => !statement.includes(sentence));

    it('the check itself catches a paraphrase', () => {
      expect(
        unquoted('Kami tidak menjual, mendistribusikan, atau memberikan data pribadi pelanggan kami.'),
      ).to.deep.equal([]);
      expect(unquoted('Kami tidak pernah menjual data pribadi pelanggan kami.')).to.have.length(1);
      expect(unquoted('Cookie ialah sebuah file data teks kecil dari situs.')).to.have.length(1);
    });

    it('every sentence of every policy answer (id) appears verbatim in the privacy statement', () => {
      const policy = kb.entries.filter((e) => e.kind === 'policy');
      expect(policy).to.not.be.empty;
      const problems: string[] = [];
      for (const entry of policy) {
        const answer = entry.answer?.id ?? '';
        expect(answer, entry.id).to.not.equal('');
        for (const sentence of unquoted(answer)) problems.push(`${entry.id}: ${sentence}`);
      }
      expect(problems, `not in the statement:\n${problems.join('\n')}`).to.deep.equal([]);
    });
  });
});
