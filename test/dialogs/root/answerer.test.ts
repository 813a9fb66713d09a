import { expect } from 'chai';
import { ReplyComposer } from '../../../dialogs/replies/composer.ts';
import { Answerer, type AnswerOutcome } from '../../../dialogs/root/answerer.ts';
import type { KnowledgeService } from '../../../knowledge/knowledgeService.ts';
import type { Bilingual, FlowName } from '../../../knowledge/types.ts';
import { loadRealKnowledge, SUPPORT_EMAIL } from '../../support/buildBot.ts';

const ALL_FLOWS = new Map<FlowName, Bilingual>([
  ['unsubscribe', { id: 'Berhenti terima e-mail promosi', en: 'Stop promotional e-mail' }],
  ['support', { id: 'Kirim pertanyaan ke tim support', en: 'Send my question to support' }],
  ['parental-consent', { id: 'Minta persetujuan orang tua/wali', en: 'Request parent/guardian consent' }],
]);

/** The entry and kind of a reply, or the flow started. */
function summary(outcome: AnswerOutcome): string {
  if (outcome.kind === 'flow') return `flow:${outcome.flow}`;
  if (outcome.kind === 'feedback') return `feedback:${outcome.vote}:${outcome.entryId}`;
  const { kind, entryId } = outcome.reply.meta;
  return entryId ? `${kind}:${entryId}` : kind;
}

describe('dialogs/root/answerer', () => {
  let knowledge: KnowledgeService;

  before(async () => {
    knowledge = await loadRealKnowledge();
  });

  /** An answerer offering `flows` (all by default), taking votes when `feedback`. */
  function answerer(flows: readonly FlowName[] = [...ALL_FLOWS.keys()], feedback = false): Answerer {
    const offered = new Map([...ALL_FLOWS].filter(([name]) => flows.includes(name)));
    const composer = new ReplyComposer(() => knowledge.knowledge, {
      supportEmail: SUPPORT_EMAIL,
      flows: offered,
      feedback,
    });
    return new Answerer(knowledge, composer, new Set(flows), feedback);
  }

  const ask = (a: Answerer, text: string, value?: unknown) =>
    a.handle({ text, lang: 'id', ...(value === undefined ? {} : { value }) });

  it('answers a policy question with its entry', () => {
    const outcome = ask(answerer(), 'bagaimana wowrack melindungi data pribadi saya?');
    expect(summary(outcome)).to.equal('answer:protect');
    expect(outcome.kind === 'reply' && outcome.reply.text).to.include('**');
    expect(outcome.lang).to.equal('id');
  });

  it('quotes a second entry that reads a two-sided question from the other side, after the answer', () => {
    const outcome = ask(answerer(), 'apakah data saya dijual atau dienkripsi?');
    expect(summary(outcome)).to.equal('answer:protect');
    const text = outcome.kind === 'reply' ? outcome.reply.text : '';
    const security = knowledge.knowledge.entries.find((e) => e.id === 'security');
    expect(text).to.include('Mungkin juga relevan:');
    expect(text).to.include(security?.answer?.id.slice(0, 60));
    expect(text.indexOf('berkomitmen')).to.be.lessThan(text.indexOf('Mungkin juga relevan:'));
    const buttons = outcome.kind === 'reply' ? outcome.reply.suggestions.map((s) => s.title) : [];
    expect(buttons).to.not.include(security?.question.id);
  });

  it('starts a requested flow when it is offered', () => {
    const outcome = ask(answerer(), 'saya mau unsubscribe');
    expect(summary(outcome)).to.equal('flow:unsubscribe');
    expect(outcome.kind === 'flow' && outcome.question).to.equal('saya mau unsubscribe');
  });

  it("answers a question about a flow's topic and starts the flow on a request or a stated age", () => {
    expect(summary(ask(answerer(), 'saya mau tau aturan kalian soal kirim email promosi'))).to.equal('answer:promo');
    expect(summary(ask(answerer(), 'stop kirim promo ke saya'))).to.equal('flow:unsubscribe');
    expect(summary(ask(answerer(), 'saya mau tau aturan soal anak di bawah umur'))).to.equal('answer:age');
    expect(summary(ask(answerer(), 'anak saya 12 tahun mau bikin website'))).to.equal('flow:parental-consent');
  });

  it('does not start a flow that is not offered (answers instead)', () => {
    const outcome = ask(answerer(['support']), 'saya mau unsubscribe');
    expect(outcome.kind).to.equal('reply');
    expect(summary(outcome)).to.equal('answer:promo');
  });

  it('starts a flow from its suggested action, only when offered', () => {
    expect(summary(ask(answerer(), '', { action: 'flow', flow: 'support' }))).to.equal('flow:support');
    expect(ask(answerer(['unsubscribe']), '', { action: 'flow', flow: 'support' }).kind).to.not.equal('flow');
  });

  it('answers the entry of a faq suggested action', () => {
    expect(summary(ask(answerer(), 'whatever was typed', { action: 'faq', id: 'cookie' }))).to.equal('answer:cookie');
  });

  describe('feedback values', () => {
    const up = { action: 'feedback', vote: 'up', id: 'cookie' };

    it('are feedback when votes are taken', () => {
      const outcome = ask(answerer(undefined, true), '', up);
      expect(summary(outcome)).to.equal('feedback:up:cookie');
      expect(outcome.kind === 'feedback' && outcome.reply.meta.kind).to.equal('feedback');
    });

    it('are not feedback when votes are off', () => {
      expect(ask(answerer(undefined, false), '', up).kind).to.not.equal('feedback');
    });

    it('are not feedback for an entry that is not a policy answer', () => {
      const outcome = ask(answerer(undefined, true), '', { ...up, id: 'no-such-entry' });
      expect(outcome.kind).to.not.equal('feedback');
    });
  });

  it('replies to small talk', () => {
    expect(summary(ask(answerer(), 'halo'))).to.equal('smalltalk');
    expect(summary(ask(answerer(), 'terima kasih'))).to.equal('smalltalk');
  });

  it('has no answer for gibberish', () => {
    expect(summary(ask(answerer(), 'xqzv blorp frumble'))).to.equal('none');
  });

  it('answers an English question in English', () => {
    const outcome = ask(answerer(), 'Do you use cookies on your website?');
    expect(summary(outcome)).to.equal('answer:cookie');
    expect(outcome.lang).to.equal('en');
    expect(outcome.kind === 'reply' && outcome.reply.meta.lang).to.equal('en');
  });

  it('a message that is only an e-mail, a phone number or a name asks what to do with it, offering the flows', () => {
    for (const [text, what] of [
      ['budi.santoso@example.com', 'alamat e-mail'],
      ['0812-3456-7890', 'nomor ini'],
      ['nama saya Rina Wijaya', 'nama'],
    ] as const) {
      const outcome = ask(answerer(), text);
      if (outcome.kind !== 'reply') expect.fail(`${text}: not a reply`);
      expect(outcome.reply.meta.kind, text).to.equal('contact');
      expect(outcome.reply.text, text).to.include(what);
      expect(outcome.reply.suggestions.map((s) => s.value)).to.deep.equal([
        { action: 'flow', flow: 'unsubscribe' },
        { action: 'flow', flow: 'support' },
        { action: 'flow', flow: 'parental-consent' },
      ]);
    }
  });

  it("a question about another company: only Wowrack's statement, naming the company, never a Wowrack quote", () => {
    const outcome = ask(answerer(), 'apakah shopee menjual data penggunanya?');
    if (outcome.kind !== 'reply') expect.fail('not a reply');
    expect(outcome.reply.meta.kind).to.equal('offtopic');
    expect(outcome.reply.text).to.include('hanya dapat menjelaskan Pernyataan Privasi Wowrack Indonesia');
    expect(outcome.reply.text).to.include('Shopee');
    expect(outcome.reply.text).to.not.include('tidak menjual');
  });

  describe('policyAnswer', () => {
    it('answers a clear policy question, in the language asked for', () => {
      const reply = answerer().policyAnswer('Apakah Wowrack menggunakan cookie?', 'en');
      expect(reply?.meta).to.include({ kind: 'answer', entryId: 'cookie', lang: 'en' });
    });

    it('gives nothing for small talk, gibberish or an off-topic question', () => {
      const a = answerer();
      expect(a.policyAnswer('halo', 'id')).to.equal(undefined);
      expect(a.policyAnswer('xqzv blorp frumble', 'id')).to.equal(undefined);
      expect(a.policyAnswer('berapa harga dedicated server?', 'id')).to.equal(undefined);
      expect(a.policyAnswer('budi@example.com', 'id')).to.equal(undefined);
    });
  });
});
