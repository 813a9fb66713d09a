/**
 * The exact-phrasing rule: a message whose words are one of faq.yaml's own phrasings of exactly one entry gets that
 * entry, whatever the scores say (an admin's explicit decision, e.g. the inbox's one-click actions).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { buildMatcher } from '../../knowledge/build.ts';
import { detectFlowRequest } from '../../knowledge/flowIntent.ts';
import { parseKnowledge, parseTraining, TRAINING_FILE } from '../../knowledge/load.ts';
import { type Matcher, OTHER_COMPANY_ENTRY } from '../../knowledge/matcher.ts';
import { phrasingKey, toWords } from '../../knowledge/normalize.ts';
import type { KnowledgeEntry } from '../../knowledge/types.ts';
import { addAlternate } from '../../knowledge/yamlEdit.ts';
import { KNOWLEDGE_FILE } from '../support/buildBot.ts';

/** The example: scored `protect` first (0.92 against 0.50), however often it is added to offtopic-sales. */
const SOLD = 'data saya dijual gak sih sama kalian';
/** Words "berapa lama" are an off-topic cue (offtopic-retention); an admin says this one is `contact`'s question. */
const CUED = 'berapa lama proses hapus data saya kalau saya minta';
/** Names another company; an admin says `share` answers it. */
const OTHER = 'apakah shopee menjual data penggunanya';
/** No company the list knows: an admin marks it as about other companies. */
const APP = 'aplikasi ojek online suka jual data penumpang ga';
/** `promo` holds it already: adding it to offtopic-sales makes it a phrasing of two entries. */
const SHARED = 'saya mau unsubscribe';
/** Only an address asks nothing, even when a phrasing in the file is one (every address is the same word to it). */
const ADDRESS = 'budi@gmail.com';

/** As the inbox stores a question (masked like the logs) and its one-click action adds it. */
const MASKED = 'nomor hp saya [number] dipakai buat spam sama kalian, cek [email]';

const ADDITIONS: readonly (readonly [string, string])[] = [
  ['offtopic-sales', MASKED],
  ['offtopic-sales', SOLD],
  ['contact', CUED],
  ['share', OTHER],
  [OTHER_COMPANY_ENTRY, APP],
  ['offtopic-sales', SHARED],
  ['offtopic-sales', ADDRESS],
];

async function build(additions: readonly (readonly [string, string])[]): Promise<Matcher> {
  let source = await readFile(KNOWLEDGE_FILE, 'utf8');
  for (const [entry, text] of additions) source = addAlternate(source, entry, 'id', text);
  const knowledge = parseKnowledge(source, KNOWLEDGE_FILE);
  const trainingFile = join(KNOWLEDGE_FILE, '..', TRAINING_FILE);
  const training = parseTraining(await readFile(trainingFile, 'utf8'), trainingFile, knowledge);
  return buildMatcher({ ...knowledge, training });
}

const decided = (matcher: Matcher, text: string) => {
  const r = matcher.match(text);
  return { kind: r.kind, entry: r.kind === 'answer' || r.kind === 'offtopic' ? r.entry.id : undefined, rule: r.rule };
};

describe('the exact-phrasing rule (faq.yaml phrasings decide)', function () {
  this.timeout(20_000);
  let real: Matcher;
  let edited: Matcher;
  before(async () => {
    [real, edited] = await Promise.all([build([]), build(ADDITIONS)]);
  });

  it('answers every phrasing of the real file with its own entry (policy: the answer; off-topic: the decline)', () => {
    const entries: readonly KnowledgeEntry[] = real.knowledge.entries;
    let checked = 0;
    for (const entry of entries)
      for (const text of [entry.question.id, entry.question.en, ...entry.alternates.id, ...entry.alternates.en]) {
        const holders = entries.filter((e) =>
          [e.question.id, e.question.en, ...e.alternates.id, ...e.alternates.en].some(
            (t) => toWords(t).join(' ') === toWords(text).join(' '),
          ),
        );
        if (holders.length > 1) continue; // not decisive (lint lists them)
        const kind = entry.kind === 'policy' ? 'answer' : 'offtopic';
        expect(decided(real, text), `${entry.id}: ${text}`).to.deep.equal({ kind, entry: entry.id, rule: 'phrasing' });
        checked += 1;
      }
    expect(checked).to.be.greaterThan(300);
  });

  it('gives an off-topic phrasing its decline whatever the learned ranker says, with no second entry', () => {
    expect(decided(edited, SOLD)).to.deep.equal({ kind: 'offtopic', entry: 'offtopic-sales', rule: 'phrasing' });
    const result = edited.match(SOLD);
    expect(result.score).to.equal(1);
    expect(result.candidates.map((c) => c.entry.id)).to.deep.equal(['offtopic-sales']);
    // The same words, however typed: case, punctuation, spacing and slang spellings are the words toWords gives.
    for (const typed of ['Data saya DIJUAL gak sih sama kalian??', '  data saya dijual ga sih, sama kalian!', SOLD])
      expect(decided(edited, typed), typed).to.deep.equal({
        kind: 'offtopic',
        entry: 'offtopic-sales',
        rule: 'phrasing',
      });
  });

  it('wants the same words, not the same stems or a part of them', () => {
    for (const near of [
      'data saya dijual gak sih sama kalian semua', // one more word
      'data saya dijual gak sih', // fewer
      'data saya menjual gak sih sama kalian', // same stem, other word
      'saya data dijual gak sih sama kalian', // other order
    ])
      expect(edited.match(near).rule, near).to.not.equal('phrasing');
  });

  it('wins over the off-topic cues and the other-company rule: the admin named the entry', () => {
    expect(decided(edited, CUED)).to.deep.equal({ kind: 'answer', entry: 'contact', rule: 'phrasing' });
    expect(decided(edited, `${CUED} atau tidak`).rule).to.not.equal('phrasing');
    expect(decided(edited, OTHER)).to.deep.equal({ kind: 'answer', entry: 'share', rule: 'phrasing' });
    expect(decided(real, OTHER)).to.deep.include({ kind: 'offtopic', entry: OTHER_COMPANY_ENTRY });
  });

  it('reaches the other-company entry too (its phrasings are not scored)', () => {
    const result = edited.match(APP);
    expect(decided(edited, APP)).to.deep.equal({ kind: 'offtopic', entry: OTHER_COMPANY_ENTRY, rule: 'phrasing' });
    expect(result.kind === 'offtopic' && result.about).to.equal(undefined);
    const named = edited.match('kebijakan privasi tokopedia gimana');
    expect(named.kind === 'offtopic' && named.about).to.equal('tokopedia');
  });

  it('reads a phrasing saved masked as the message it came from, whatever the number and the address', () => {
    for (const asked of [
      'nomor hp saya 081234567890 dipakai buat spam sama kalian, cek budi@gmail.com',
      'Nomor HP saya +62 812-3456-7890 dipakai buat spam sama kalian. Cek siti.aminah@yahoo.co.id',
      'nomor hp saya 0812 3456 7890 dipakai buat spam sama kalian cek rina@example.com',
    ])
      expect(decided(edited, asked), asked).to.deep.equal({
        kind: 'offtopic',
        entry: 'offtopic-sales',
        rule: 'phrasing',
      });
    expect(
      decided(edited, 'nomor hp saya 0812 dipakai buat spam sama kalian, cek budi@gmail.com').rule,
      'a short number is a number, not a phone number',
    ).to.not.equal('phrasing');
    expect(phrasingKey('kirim ke [EMAIL] atau [number]')).to.equal(phrasingKey('kirim ke a@b.id atau 0812-3456-7890'));
    expect(phrasingKey('port 8080 dan 128-bit tahun 2024')).to.equal('port 8080 dan 128-bit tahun 2024');
  });

  it('decides nothing for a phrasing two entries hold, nor for contact data', () => {
    expect(edited.match(SHARED).rule).to.not.equal('phrasing');
    expect(edited.phrasingOf(toWords(SHARED))).to.equal(undefined);
    expect(real.phrasingOf(toWords(SHARED))?.entry.id).to.equal('promo');
    expect(edited.phrasingOf(toWords('rina@example.com'))?.entry.id).to.equal('offtopic-sales');
    expect(decided(edited, 'rina@example.com')).to.deep.equal({ kind: 'none', entry: undefined, rule: 'contact-data' });
  });

  it("leaves the conversation to the flow rule: a phrasing that asks for the entry's conversation starts it", () => {
    const request = real.match(SHARED);
    expect(request).to.deep.include({ kind: 'answer', rule: 'phrasing' });
    expect(detectFlowRequest(SHARED, request)).to.equal('unsubscribe');
    const how = real.match('gimana cara unsubscribe');
    expect(how.rule).to.equal('phrasing');
    expect(detectFlowRequest('gimana cara unsubscribe', how)).to.equal(undefined);
    // The age in a phrasing is read as ever ("16 tahun" is a minor): the consent conversation starts.
    const minor = 'saya masih 16 tahun boleh daftar?';
    const age = real.match(minor);
    expect(age).to.deep.include({ kind: 'answer', rule: 'phrasing' });
    expect(age.tokens).to.include('anak');
    expect(detectFlowRequest(minor, age)).to.equal('parental-consent');
  });

  it('explain() names the rule and the phrasing, with the scores that did not decide', () => {
    const e = edited.explain(SOLD);
    expect(e.result.rule).to.equal('phrasing');
    expect(e.phrasing?.entry.id).to.equal('offtopic-sales');
    expect(e.phrasing?.text).to.equal(SOLD);
    expect(e.top).to.have.length(3);
    const scored = edited.explain('apakah data sy dijual ke pihak ketiga?');
    expect(scored.result.rule).to.equal('score');
    expect(scored.phrasing).to.equal(undefined);
    expect(edited.explain('budi@gmail.com').result.rule).to.equal('contact-data');
  });
});
