import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { buildMatcher } from '../../knowledge/build.ts';
import { readLabelled, scoreLabelled } from '../../knowledge/labelled.ts';
import { loadKnowledgeFile } from '../../knowledge/load.ts';
import type { Matcher, MatchResult } from '../../knowledge/matcher.ts';
import type { Lang } from '../../knowledge/types.ts';
import { KNOWLEDGE_FILE } from '../support/buildBot.ts';

const LABELLED_FILE = fileURLToPath(new URL('../fixtures/questions.jsonl', import.meta.url));

/** Measured with the Sastrawi stemmer at commit 60ea20b: in-scope 145/161 (90.1%), out-of-scope 55/61 (90.2%). */
const MIN_IN_SCOPE = 0.85;
const MIN_OUT_OF_SCOPE = 0.88;

const describeResult = (r: MatchResult): string =>
  `${r.kind}${r.kind === 'answer' || r.kind === 'offtopic' ? `:${r.entry.id}` : ''} ${r.score.toFixed(2)} ` +
  `[${r.candidates.map((c) => `${c.entry.id}:${c.score.toFixed(2)}`).join(' ')}]`;

describe('Matcher on the real knowledge file', () => {
  let matcher: Matcher;

  before(async () => {
    matcher = buildMatcher(await loadKnowledgeFile(KNOWLEDGE_FILE));
  });

  /** Asserts that the question is answered with the entry, in the language. */
  function expectAnswer(question: string, entryId: string, lang?: Lang): void {
    const r = matcher.match(question);
    const what = `"${question}" → ${describeResult(r)}`;
    expect(r.kind, what).to.equal('answer');
    if (r.kind === 'answer') expect(r.entry.id, what).to.equal(entryId);
    if (lang) expect(r.lang, what).to.equal(lang);
    expect(r.score, what).to.be.within(0, 1);
  }

  describe('answers typical Indonesian questions with the right entry', () => {
    const cases: readonly [string, string][] = [
      ['Apakah Wowrack menjual data pribadi saya?', 'protect'],
      ['Data apa saja yang dikumpulkan Wowrack?', 'collect'],
      ['Data saya dipakai untuk apa?', 'analytics'],
      ['Apakah data saya dibagikan ke pihak ketiga?', 'share'],
      ['Apa itu cookie?', 'cookie'],
      ['Bagaimana cara berhenti menerima email promosi?', 'promo'],
      ['Apakah data saya dienkripsi?', 'security'],
      ['Siapa yang bisa mengakses data saya?', 'access'],
      ['Apakah cara penggunaan data saya bisa berubah?', 'change_use'],
      ['Apakah kebijakan ini berlaku selamanya?', 'validity'],
      ['Apakah ada batasan usia untuk jadi pelanggan?', 'age'],
      ['Saya masih punya pertanyaan soal privasi, harus hubungi siapa?', 'contact'],
    ];
    for (const [q, id] of cases) it(`${id}: ${q}`, () => expectAnswer(q, id, 'id'));
  });

  describe('understands informal Indonesian', () => {
    const cases: readonly [string, string][] = [
      ['wowrack jual data gw gak sih', 'protect'],
      ['data sy dikasih ke org lain ga min?', 'share'],
      ['kukis tuh apaan sih', 'cookie'],
      ['gmn cara stop email promo', 'promo'],
      ['siapa yg bisa akses data sy', 'access'],
      ['saya 15 tahun boleh daftar?', 'age'],
      ['aku umur 16 thn, boleh beli hosting gak', 'age'],
      ['data sy dipake buat apa aja', 'analytics'],
    ];
    for (const [q, id] of cases) it(`${id}: ${q}`, () => expectAnswer(q, id, 'id'));
  });

  describe('tolerates typos', () => {
    const cases: readonly [string, string][] = [
      ['apakah data sy dijul', 'protect'],
      ['apakah data saya dienkripsy', 'security'],
      ['kebijkan privasi berlaku selamanya?', 'validity'],
      ['apa itu cokie', 'cookie'],
    ];
    for (const [q, id] of cases) it(`${id}: ${q}`, () => expectAnswer(q, id));
  });

  describe('answers English questions and says they are English', () => {
    const cases: readonly [string, string][] = [
      ['Do you sell my personal data?', 'protect'],
      ['What information do you collect about me?', 'collect'],
      ['What do you do with my data?', 'analytics'],
      ['Do you share my data with third parties?', 'share'],
      ['What are cookies?', 'cookie'],
      ['How do I unsubscribe from marketing emails?', 'promo'],
      ['Is my data encrypted?', 'security'],
      ['Who can see my data?', 'access'],
      ['Is this policy permanent?', 'validity'],
      ['How old do I need to be to order?', 'age'],
      ['How do I contact support about privacy?', 'contact'],
    ];
    for (const [q, id] of cases) it(`${id}: ${q}`, () => expectAnswer(q, id, 'en'));
  });

  it('keeps the fallback language for a message without language markers', () => {
    expect(matcher.match('SSL?', { fallbackLang: 'en' }).lang).to.equal('en');
    expect(matcher.match('SSL?', { fallbackLang: 'id' }).lang).to.equal('id');
    expect(matcher.match('SSL?').lang).to.equal('id');
  });

  describe('does not answer questions outside the statement', () => {
    const cases: readonly string[] = [
      'berapa harga vps per bulan',
      'how much does a dedicated server cost',
      'website saya down, tolong',
      'cara setting email di outlook',
      'siapa CEO wowrack',
      'where is your office',
      'asdkjh qwelkj zxcmnb',
      'xyzzy plugh',
      'resep nasi goreng',
    ];
    for (const q of cases)
      it(q, () => {
        const r = matcher.match(q);
        expect(r.kind, `"${q}" → ${describeResult(r)}`).to.not.equal('answer');
      });

    it('recognises prices and technical help as off-topic', () => {
      const sales = matcher.match('berapa harga vps per bulan');
      expect(sales.kind === 'offtopic' && sales.entry.id).to.equal('offtopic-sales');
      const technical = matcher.match('website saya down, tolong');
      expect(technical.kind === 'offtopic' && technical.entry.id).to.equal('offtopic-technical');
    });

    it('finds nothing in gibberish', () => {
      const r = matcher.match('asdkjh qwelkj zxcmnb');
      expect(r.kind).to.equal('none');
      expect(r.candidates).to.deep.equal([]);
    });

    it('finds nothing in an empty or stop-word-only message', () => {
      expect(matcher.match('').kind).to.equal('none');
      expect(matcher.match('apakah yang dan di ke?').kind).to.equal('none');
    });
  });

  it('suggests up to three policy entries for an ambiguous question', () => {
    // Found by experiment: one word that several sections of the statement use equally. ("transaksi" was one too
    // until the learned ranker, trained on many security questions about transactions, made it the security answer.)
    for (const q of ['pelanggan', 'customer data']) {
      const r = matcher.match(q);
      const what = `"${q}" → ${describeResult(r)}`;
      expect(r.kind, what).to.equal('suggest');
      expect(r.candidates.length, what).to.be.within(2, 3);
      for (const c of r.candidates) expect(c.entry.kind, what).to.equal('policy');
      const ids = r.candidates.map((c) => c.entry.id);
      expect(new Set(ids).size).to.equal(ids.length);
    }
  });

  it('ranks every entry best first', () => {
    const ranked = matcher.rankAll('apakah data saya dibagikan ke pihak ketiga');
    expect(ranked[0]?.entry.id).to.equal('share');
    for (let i = 1; i < ranked.length; i += 1) expect(ranked[i - 1]?.score ?? 0).to.be.at.least(ranked[i]?.score ?? 0);
  });

  it('reaches the accuracy bar on the labelled questions', function () {
    this.timeout(10_000);
    const items = readLabelled(LABELLED_FILE);
    const { inOk, inAll, outOk, outAll } = scoreLabelled(matcher, items);
    const inRate = inOk / inAll;
    const outRate = outOk / outAll;
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    process.stdout.write(
      `      labelled accuracy: in-scope ${inOk}/${inAll} (${pct(inRate)}), out-of-scope ${outOk}/${outAll} (${pct(outRate)})\n`,
    );
    expect(inAll).to.be.greaterThan(100);
    expect(outAll).to.be.greaterThan(40);
    expect(inRate, 'in-scope accuracy').to.be.at.least(MIN_IN_SCOPE);
    expect(outRate, 'out-of-scope accuracy').to.be.at.least(MIN_OUT_OF_SCOPE);
  });
});
