import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { say } from '../../../dialogs/replies/texts.ts';
import { consentText } from '../../../domain/consentText.ts';
import type { ConsentRecord } from '../../../domain/records.ts';
import {
  actionsOf,
  type Chat,
  DAY_MS,
  type FlowHarness,
  MAIL_FROM,
  metaOf,
  PUBLIC_URL,
  START_TIME,
  textsOf,
  UUID,
  useFlowHarness,
} from '../../support/flowHarness.ts';
import { parentalConsent } from '../../support/flowScripts.ts';

const CHILD = 'siti@contoh.co.id';
const PARENT = 'ani@contoh.co.id';
const CONSENT_ID = /^CNS-\d{8}-\d{4,}$/;
const EXPIRES = new Date(Date.parse(START_TIME) + 7 * DAY_MS).toISOString();
const LINK = new RegExp(
  `${PUBLIC_URL.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/consent/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])`,
);
const intro = say('consentIntro', 'id');
const askAge = say('consentAskAge', 'id');
const askChildName = say('consentAskChildName', 'id');
const askChildEmail = say('consentAskChildEmail', 'id');
const askParentName = say('consentAskParentName', 'id');
const askParentEmail = say('consentAskParentEmail', 'id');
const sameEmailRetry = say('consentSameEmail', 'id');
const START_ACTION = { title: 'Minta persetujuan orang tua/wali', value: { action: 'flow', flow: 'parental-consent' } };

function expectNothingRecorded(h: FlowHarness): void {
  const data = h.snapshot();
  expect(data.consents, 'consents').to.deep.equal([]);
  expect(data.tickets, 'tickets').to.deep.equal([]);
  expect(data.unsubscribes, 'unsubscribes').to.deep.equal([]);
  expect(data.outbox, 'outbox').to.deep.equal([]);
  expect(h.transport.attempts, 'mail attempts').to.deep.equal([]);
}

function onlyConsent(h: FlowHarness): ConsentRecord {
  const consents = h.snapshot().consents;
  expect(consents).to.have.length(1);
  const [consent] = consents;
  if (!consent) throw new Error('no consent');
  return consent;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

type Step = 'age' | 'childName' | 'childEmail' | 'parentName' | 'parentEmail' | 'confirm';
const STEPS: readonly Step[] = ['age', 'childName', 'childEmail', 'parentName', 'parentEmail', 'confirm'];

/** Starts by the suggested action (so the age is asked) and answers validly up to the prompt of `step`. */
async function consentStepsTo(chat: Chat, step: Step): Promise<Partial<Activity>[]> {
  const answers = ['16', 'Siti Aminah', CHILD, 'Ani Suryani', PARENT];
  let prompt = (await chat.click(START_ACTION)).slice(1);
  for (const answer of answers.slice(0, STEPS.indexOf(step))) prompt = await chat.send(answer);
  return prompt;
}

describe('flows: parental consent', () => {
  const env = useFlowHarness();
  const h = () => env.current();

  describe('starting', () => {
    for (const text of ['saya masih 16 tahun', 'anak saya 15 tahun']) {
      it(`"${text}" starts it with the age already known, asking the name`, async () => {
        const replies = await h().chat().send(text);
        expect(textsOf(replies)).to.deep.equal([intro, askChildName]);
        expect(h().flowsStarted).to.deep.equal([{ flow: 'parental-consent', lang: 'id' }]);
        expectNothingRecorded(h());
      });
    }

    it('"I am 16 years old" starts it in English', async () => {
      const replies = await h().chat().send('I am 16 years old');
      expect(textsOf(replies)).to.deep.equal([say('consentIntro', 'en'), say('consentAskChildName', 'en')]);
      expect(h().flowsStarted).to.deep.equal([{ flow: 'parental-consent', lang: 'en' }]);
    });

    it('the suggested action {action: "flow", flow: "parental-consent"} starts it and asks the age', async () => {
      expect(textsOf(await h().chat().click(START_ACTION))).to.deep.equal([intro, askAge]);
    });

    for (const text of ['berapa usia minimal pelanggan?', 'bagaimana cara minta izin orang tua?']) {
      it(`"${text}" is answered with the age rule, the flow offered, not started`, async () => {
        const chat = h().chat();
        const replies = await chat.send(text);
        expect(replies).to.have.length(1);
        expect(metaOf(replies[0])).to.include({ kind: 'answer', entryId: 'age', lang: 'id' });
        expect(replies[0]?.text).to.include('minimal usia pelanggan adalah 18 tahun');
        const offer = actionsOf(replies[0]).find((a) => a.title === START_ACTION.title);
        expect(offer?.value).to.deep.equal(START_ACTION.value);
        expect(h().flowsStarted).to.deep.equal([]);
        expect(textsOf(await chat.click(offer ?? {}))).to.deep.equal([intro, askAge]);
      });
    }
  });

  describe('to the end', () => {
    it('records the request (hashed token, 7 days), mails the parent a single-use link, and says so', async () => {
      const chat = h().chat();
      await chat.say('saya masih 16 tahun');
      expect(await chat.say('Siti Aminah')).to.deep.equal([askChildEmail]);
      expect(await chat.say(CHILD)).to.deep.equal([askParentName]);
      expect(await chat.say('Ani Suryani')).to.deep.equal([askParentEmail]);
      const summary = await chat.send(PARENT);
      expect(textsOf(summary)).to.deep.equal([
        `Mohon periksa:\n\n- **Calon pelanggan:** Siti Aminah (16 tahun), ${CHILD}\n` +
          `- **Orang tua/wali:** Ani Suryani, ${PARENT}\n\nKirim permintaan persetujuan ke orang tua/wali?`,
      ]);
      expect(actionsOf(summary[0]).map((a) => a.title)).to.deep.equal(['Ya', 'Tidak']);
      expectNothingRecorded(h());

      const [done, ...rest] = await chat.say('ya');
      expect(rest).to.deep.equal([]);
      const consent = onlyConsent(h());
      expect(consent.id).to.match(CONSENT_ID);
      expect(consent.id.slice(4, 12)).to.equal('20261127');
      expect(done).to.equal(
        `Permintaan persetujuan tercatat (**${consent.id}**); tautannya berlaku sampai 4 Desember 2026 pukul 10.00 WIB. ` +
          'Kami akan mengabari Anda di sini dan lewat e-mail setelah orang tua/wali memutuskan. ' +
          `Tautan persetujuan telah dikirim ke ${PARENT}.`,
      );

      const { conversationReference, tokenHash, requestKey, ...fields } = consent;
      expect(requestKey).to.match(UUID);
      expect(fields).to.deep.equal({
        id: consent.id,
        createdAt: START_TIME,
        expiresAt: EXPIRES,
        lang: 'id',
        childName: 'Siti Aminah',
        childEmail: CHILD,
        childAge: 16,
        parentName: 'Ani Suryani',
        parentEmail: PARENT,
        conversationId: 'conv-1',
        textHash: consentText('id').hash,
      });
      expect(tokenHash).to.match(/^[0-9a-f]{64}$/);
      expect(conversationReference).to.deep.include({ channelId: 'test' });
      expect(conversationReference?.conversation).to.deep.include({ id: 'conv-1' });

      const outbox = h().snapshot().outbox;
      expect(outbox.map((m) => [m.to, m.replyTo, m.purpose, m.status, m.conversationId])).to.deep.equal([
        [PARENT, undefined, 'consent-request', 'sent', 'conv-1'],
      ]);
      const [mail, ...more] = h().transport.sent;
      expect(more, 'only the parent is mailed').to.deep.equal([]);
      expect(mail).to.include({
        from: MAIL_FROM,
        to: PARENT,
        subject: 'Permintaan persetujuan orang tua/wali - Wowrack Indonesia',
      });
      expect(mail).not.to.have.property('replyTo');
      expect(mail?.text).to.include('Yth. Ani Suryani,');
      expect(mail?.text).to.include(`Siti Aminah (16 tahun, ${CHILD})`);
      expect(mail?.text).to.include('berlaku sampai 4 Desember 2026 pukul 10.00 WIB');
      expect(mail?.text).to.include(`Nomor permintaan: ${consent.id}`);

      const token = LINK.exec(mail?.text ?? '')?.[1];
      expect(token, 'a link with a 43-character token').to.be.a('string');
      expect(mail?.text).to.include(`${PUBLIC_URL}/consent/${token}`);
      expect(sha256(token ?? '')).to.equal(tokenHash);
      const lookup = await h().services.consents.lookup(token ?? '');
      expect(lookup.status).to.equal('open');

      const next = await chat.send('apakah data saya dijual?');
      expect(metaOf(next[0])?.kind, 'the flow is over').to.equal('answer');
    });

    it('runs in English and mails the parent in English', async () => {
      const chat = h().chat();
      await chat.say('I am 16 years old');
      expect(await chat.say('Sam Lee')).to.deep.equal([say('consentAskChildEmail', 'en')]);
      expect(await chat.say('sam@example.com')).to.deep.equal([say('consentAskParentName', 'en')]);
      expect(await chat.say('Jane Lee')).to.deep.equal([say('consentAskParentEmail', 'en')]);
      expect(await chat.say('jane@example.com')).to.deep.equal([
        'Please check:\n\n- **Customer:** Sam Lee (age 16), sam@example.com\n' +
          '- **Parent/guardian:** Jane Lee, jane@example.com\n\nSend the consent request to the parent/guardian?',
      ]);
      const [done] = await chat.say('yes');
      const consent = onlyConsent(h());
      expect(consent).to.deep.include({ lang: 'en', childAge: 16, parentEmail: 'jane@example.com' });
      expect(done).to.equal(
        `The consent request is recorded (**${consent.id}**); its link is valid until 4 December 2026 at 10:00 WIB. ` +
          'We will let you know here and by e-mail once the parent or guardian decides. ' +
          'The consent link has been sent to jane@example.com.',
      );
      const [mail] = h().transport.sent;
      expect(mail).to.include({
        to: 'jane@example.com',
        subject: 'Parent/guardian consent request - Wowrack Indonesia',
      });
      expect(mail?.text).to.include('Dear Jane Lee,');
      expect(sha256(LINK.exec(mail?.text ?? '')?.[1] ?? '')).to.equal(consent.tokenHash);
    });

    it('each request gets its own token', async () => {
      await parentalConsent(h().chat('conv-a'), { childEmail: CHILD, parentEmail: PARENT });
      await parentalConsent(h().chat('conv-b'), { childEmail: 'rudi@contoh.co.id', parentEmail: 'joko@contoh.co.id' });
      const [first, second] = h().snapshot().consents;
      expect(first?.tokenHash).not.to.equal(second?.tokenHash);
      expect(first?.id).not.to.equal(second?.id);
      const tokens = h().transport.sent.map((m) => LINK.exec(m.text)?.[1]);
      expect(tokens.map((t) => sha256(t ?? ''))).to.deep.equal([first?.tokenHash, second?.tokenHash]);
    });

    it('the token itself never stays in the database file once the mail is sent', async () => {
      await parentalConsent(h().chat(), { childEmail: CHILD, parentEmail: PARENT });
      await h().settle();
      const token = LINK.exec(h().transport.sent[0]?.text ?? '')?.[1] ?? '';
      expect(token).to.have.length(43);
      await h().close();
      const raw = await readFile(h().db.path, 'utf8');
      expect(raw.includes(token), 'token in assistant-db.json').to.equal(false);
    });

    it('"tidak" at the summary records and sends nothing', async () => {
      const chat = h().chat();
      await consentStepsTo(chat, 'confirm');
      expect(await chat.say('tidak')).to.deep.equal([say('notConfirmed', 'id')]);
      expectNothingRecorded(h());
    });
  });

  describe('18 or older', () => {
    for (const age of ['18', '20 tahun', 'umur saya 45']) {
      it(`"${age}" is told no consent is needed; nothing recorded`, async () => {
        const chat = h().chat();
        await chat.click(START_ACTION);
        const n = /\d+/.exec(age)?.[0] ?? '';
        expect(await chat.say(age)).to.deep.equal([say('consentAdult', 'id', { age: n })]);
        expectNothingRecorded(h());
        expect(metaOf((await chat.send('apakah data saya dijual?'))[0])?.kind, 'the flow is over').to.equal('answer');
      });
    }

    it('an age of 18 or more in the first message ends the flow at once', async () => {
      expect(await h().chat().say('anak saya 19 tahun')).to.deep.equal([
        intro,
        say('consentAdult', 'id', { age: '19' }),
      ]);
      expectNothingRecorded(h());
    });

    it('in English', async () => {
      const chat = h().chat();
      await chat.click({ title: 'Request parent/guardian consent', value: START_ACTION.value });
      expect(await chat.say('25')).to.deep.equal([say('consentAdult', 'en', { age: '25' })]);
      expectNothingRecorded(h());
    });
  });

  describe('validation', () => {
    for (const [what, text] of [
      ['a word instead of a number', 'enam belas'],
      ['two numbers', '16 atau 17'],
      ['zero', '0'],
      ['over 120', '150'],
    ] as const) {
      it(`an age that is ${what} gets the age retry prompt`, async () => {
        const chat = h().chat();
        await chat.click(START_ACTION);
        expect(await chat.say(text)).to.deep.equal([say('consentAgeRetry', 'id')]);
        expect(await chat.say('16')).to.deep.equal([askChildName]);
      });
    }

    for (const [step, text] of [
      ['childName', 'Siti99'],
      ['childName', 'siti@contoh.co.id'],
      ['parentName', 'Ani 2'],
      ['parentName', 'ani@contoh.co.id'],
    ] as const) {
      it(`a ${step === 'childName' ? "customer's" : "parent's"} name "${text}" gets the name retry prompt`, async () => {
        const chat = h().chat();
        await consentStepsTo(chat, step);
        expect(await chat.say(text)).to.deep.equal([say('nameRetry', 'id')]);
        expect(await chat.say('Ani Suryani')).to.deep.equal([step === 'childName' ? askChildEmail : askParentEmail]);
      });
    }

    it("a bad customer's address gets the e-mail retry prompt", async () => {
      const chat = h().chat();
      await consentStepsTo(chat, 'childEmail');
      expect(await chat.say('siti di contoh.co.id')).to.deep.equal([say('emailRetry', 'id')]);
      expect(await chat.say(`${CHILD} ${PARENT}`)).to.deep.equal([say('emailRetry', 'id')]);
      expect(await chat.say(CHILD)).to.deep.equal([askParentName]);
    });

    it("the parent's address equal to the customer's (in any case) is refused with its own retry", async () => {
      const chat = h().chat();
      await consentStepsTo(chat, 'parentEmail');
      const [retry] = await chat.say(CHILD);
      expect(retry).to.include(say('consentSameEmail', 'id'));
      expect(await chat.say('SITI@Contoh.co.id')).to.deep.equal([retry]);
      expect(await chat.say('ani at contoh'), 'an invalid address gets the invalid-address retry').to.deep.equal([
        say('emailRetry', 'id'),
      ]);
      expectNothingRecorded(h());
      const summary = await chat.say(PARENT);
      expect(summary[0]).to.include(`- **Orang tua/wali:** Ani Suryani, ${PARENT}`);
    });

    it('the same-address retry does not call a valid address invalid', async () => {
      const chat = h().chat();
      await consentStepsTo(chat, 'parentEmail');
      const [retry] = await chat.say(CHILD);
      expect(retry).to.include(say('consentSameEmail', 'id'));
      expect(retry).not.to.include(say('emailRetry', 'id'));
    });

    it('"ya kirim sekarang" at the summary sends the request', async () => {
      const chat = h().chat();
      await consentStepsTo(chat, 'confirm');
      const replies = await chat.send('ya kirim sekarang');
      expect(metaOf(replies[0])?.kind, 'answered as a policy question').to.equal(undefined);
      expect(replies[0]?.text).to.include('Permintaan persetujuan tercatat');
    });

    it('an answer that is neither yes nor no at the summary gets the yes/no retry', async () => {
      const chat = h().chat();
      await consentStepsTo(chat, 'confirm');
      const retry = await chat.send('entahlah');
      expect(textsOf(retry)).to.deep.equal([say('confirmRetry', 'id')]);
      expect(actionsOf(retry[0]).map((a) => a.title)).to.deep.equal(['Ya', 'Tidak']);
      expectNothingRecorded(h());
    });

    it('English retry prompts are English', async () => {
      const chat = h().chat();
      await chat.click({ title: 'Request parent/guardian consent', value: START_ACTION.value });
      expect(await chat.say('sixteen')).to.deep.equal([say('consentAgeRetry', 'en')]);
      await chat.say('16');
      expect(await chat.say('Sam 1')).to.deep.equal([say('nameRetry', 'en')]);
      await chat.say('Sam Lee');
      await chat.say('sam@example.com');
      await chat.say('Jane Lee');
      expect(await chat.say('sam@example.com')).to.deep.equal([say('consentSameEmail', 'en')]);
    });
  });

  describe('cancel and help', () => {
    const help: Record<Step, 'consentHelpAge' | 'consentHelpPeople' | 'consentHelpConfirm'> = {
      age: 'consentHelpAge',
      childName: 'consentHelpPeople',
      childEmail: 'consentHelpPeople',
      parentName: 'consentHelpPeople',
      parentEmail: 'consentHelpPeople',
      confirm: 'consentHelpConfirm',
    };
    const cancelWord: Record<Step, string> = {
      age: 'batal',
      childName: 'batalkan',
      childEmail: 'batal',
      parentName: 'ga jadi',
      parentEmail: 'batal',
      confirm: 'batal',
    };
    for (const step of STEPS) {
      it(`"${cancelWord[step]}" at the ${step} step ends politely; nothing recorded or mailed`, async () => {
        const chat = h().chat();
        await consentStepsTo(chat, step);
        expect(await chat.say(cancelWord[step])).to.deep.equal([say('cancelled', 'id')]);
        expectNothingRecorded(h());
      });

      it(`"bantuan" at the ${step} step explains it, then asks the same again`, async () => {
        const chat = h().chat();
        const prompt = await consentStepsTo(chat, step);
        const replies = await chat.send('bantuan');
        expect(textsOf(replies)).to.deep.equal([
          `${say(help[step], 'id')} ${say('resumeHint', 'id')}`,
          prompt[0]?.text,
        ]);
        expect(actionsOf(replies[1]).map((a) => a.title)).to.deep.equal(actionsOf(prompt[0]).map((a) => a.title));
      });
    }

    it('"help" and "cancel" in English', async () => {
      const chat = h().chat();
      await chat.say('I am 16 years old');
      expect(await chat.say('help')).to.deep.equal([
        `${say('consentHelpPeople', 'en')} ${say('resumeHint', 'en')}`,
        say('consentAskChildName', 'en'),
      ]);
      expect(await chat.say('cancel')).to.deep.equal([say('cancelled', 'en')]);
      expectNothingRecorded(h());
    });
  });

  describe('a policy question in the middle', () => {
    for (const step of ['age', 'childEmail', 'parentEmail'] as const) {
      it(`while the ${step} is asked: the quoted answer, the same prompt again, and the flow goes on`, async () => {
        const chat = h().chat();
        const prompt = await consentStepsTo(chat, step);
        const replies = await chat.send('apakah data saya dijual?');
        expect(replies).to.have.length(2);
        expect(metaOf(replies[0])).to.include({ kind: 'answer', entryId: 'protect', lang: 'id' });
        expect(replies[0]?.text).to.include('Kami tidak menjual, mendistribusikan, atau memberikan data pribadi');
        expect(actionsOf(replies[0])).to.deep.equal([]);
        expect(replies[1]?.text).to.equal(prompt[0]?.text);
        expectNothingRecorded(h());
      });
    }

    it('after the answer the flow still completes with the earlier answers', async () => {
      const chat = h().chat();
      await consentStepsTo(chat, 'parentEmail');
      await chat.say('apakah data saya dienkripsi?');
      await chat.say(PARENT);
      await chat.say('ya');
      expect(onlyConsent(h())).to.deep.include({ childName: 'Siti Aminah', childEmail: CHILD, parentEmail: PARENT });
    });
  });

  describe('restart in the middle', () => {
    it("resumes at the same step; the customer's address is still remembered for the parent check", async () => {
      const chat = h().chat();
      await chat.say('saya masih 16 tahun');
      await chat.say('Siti Aminah');
      expect(await chat.say(CHILD)).to.deep.equal([askParentName]);

      const second = await env.restart();
      expect(await second.chat().say('Ani Suryani')).to.deep.equal([askParentEmail]);
      expect(await second.chat().say(CHILD)).to.deep.equal([sameEmailRetry]);

      const third = await env.restart();
      const summary = await third.chat().say(PARENT);
      expect(summary[0]).to.include(`Siti Aminah (16 tahun), ${CHILD}`);
      const [done] = await third.chat().say('ya');
      const consent = onlyConsent(third);
      expect(done).to.include(consent.id);
      expect(third.transport.sent.map((m) => m.to)).to.deep.equal([PARENT]);
      expect(sha256(LINK.exec(third.transport.sent[0]?.text ?? '')?.[1] ?? '')).to.equal(consent.tokenHash);
    });

    it('an English conversation stays English after the restart', async () => {
      await h().chat().say('I am 16 years old');
      const second = await env.restart();
      expect(await second.chat().say('Sam Lee')).to.deep.equal([say('consentAskChildEmail', 'en')]);
    });
  });

  describe('mail transport failing', () => {
    it('records the request, says truthfully the e-mail could not be sent yet, and keeps the mail pending', async () => {
      h().transport.failWith();
      const [done] = await parentalConsent(h().chat(), { childEmail: CHILD, parentEmail: PARENT });
      const consent = onlyConsent(h());
      expect(done).to.include(`(**${consent.id}**)`);
      expect(done).to.include(say('mailQueued', 'id'));
      expect(done).not.to.include(say('consentMailSent', 'id', { parentEmail: PARENT }));
      await h().settle();
      const { outbox } = h().snapshot();
      expect(outbox.map((m) => [m.to, m.status, m.attempts])).to.deep.equal([[PARENT, 'pending', 1]]);
      expect(h().transport.sent).to.deep.equal([]);
      expect(h().flowFailures).to.deep.equal([]);
    });
  });
});
