import { createHash } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { say } from '../../../dialogs/replies/texts.ts';
import type { TicketRecord } from '../../../domain/records.ts';
import { formatTime } from '../../../domain/time.ts';
import {
  actionsOf,
  type Chat,
  type FlowHarness,
  HOUR_MS,
  MAIL_FROM,
  metaOf,
  PUBLIC_URL,
  START_TIME,
  SUPPORT_EMAIL,
  textsOf,
  UUID,
  useFlowHarness,
} from '../../support/flowHarness.ts';
import { supportRequest } from '../../support/flowScripts.ts';

const EMAIL = 'budi@contoh.co.id';
const TICKET_ID = /^PRV-\d{8}-\d{4,}$/;
const DUE_72H = new Date(Date.parse(START_TIME) + 72 * HOUR_MS).toISOString();
/** DELETION_DUE_DAYS' default: the company's policy (the law sets no hour limit for deletion). */
const DUE_14D = new Date(Date.parse(START_TIME) + 14 * 24 * HOUR_MS).toISOString();
const intro = say('supportIntro', 'id', { support: SUPPORT_EMAIL });
const askQuestion = say('supportAskQuestion', 'id');
const askKind = say('supportAskKind', 'id');
const askName = say('supportAskName', 'id');
const askEmail = say('supportAskEmail', 'id');
const askAccount = say('supportAskAccount', 'id');
const KIND_TITLES_ID = [
  'Pertanyaan tentang kebijakan privasi',
  'Permintaan salinan data pribadi',
  'Permintaan perbaikan data pribadi',
  'Permintaan penghapusan data pribadi',
  'Penarikan persetujuan pemrosesan data',
];
const START_ACTION = { title: 'Kirim pertanyaan ke tim support', value: { action: 'flow', flow: 'support' } };

function expectNothingRecorded(h: FlowHarness): void {
  const data = h.snapshot();
  expect(data.tickets, 'tickets').to.deep.equal([]);
  expect(data.unsubscribes, 'unsubscribes').to.deep.equal([]);
  expect(data.consents, 'consents').to.deep.equal([]);
  expect(data.outbox, 'outbox').to.deep.equal([]);
  expect(h.transport.attempts, 'mail attempts').to.deep.equal([]);
}

const titles = (activity: Partial<Activity> | undefined): (string | undefined)[] =>
  actionsOf(activity).map((a) => a.title);

function onlyTicket(h: FlowHarness): TicketRecord {
  const tickets = h.snapshot().tickets;
  expect(tickets).to.have.length(1);
  const [ticket] = tickets;
  if (!ticket) throw new Error('no ticket');
  return ticket;
}

/** Through the question, to the prompt that asks for the kind. */
async function toKind(chat: Chat, question = 'Saya ingin meminta salinan data pribadi saya yang tersimpan.') {
  await chat.click(START_ACTION);
  return chat.send(question);
}

describe('flows: question or data request to support', () => {
  const env = useFlowHarness();
  const h = () => env.current();

  describe('starting', () => {
    it('"tolong hapus data saya" starts it, takes the message as the question and proposes "deletion" first', async () => {
      const replies = await h().chat().send('tolong hapus data saya');
      expect(textsOf(replies)).to.deep.equal([intro, askKind]);
      expect(titles(replies[1])).to.deep.equal([
        'Permintaan penghapusan data pribadi',
        ...KIND_TITLES_ID.filter((t) => t !== 'Permintaan penghapusan data pribadi'),
      ]);
      expect(h().flowsStarted).to.deep.equal([{ flow: 'support', lang: 'id' }]);
      expectNothingRecorded(h());
    });

    it('"I want to delete my data" starts it in English', async () => {
      const replies = await h().chat().send('I want to delete my data');
      expect(textsOf(replies)).to.deep.equal([
        say('supportIntro', 'en', { support: SUPPORT_EMAIL }),
        say('supportAskKind', 'en'),
      ]);
      expect(titles(replies[1])[0]).to.equal('Request to delete my personal data');
      expect(h().flowsStarted).to.deep.equal([{ flow: 'support', lang: 'en' }]);
    });

    it('a message that only asks to reach support starts it and asks for the question', async () => {
      const replies = await h().chat().send('saya mau kirim pertanyaan ke support');
      expect(textsOf(replies)).to.deep.equal([intro, askQuestion]);
    });

    it('the suggested action {action: "flow", flow: "support"} starts it and asks for the question', async () => {
      expect(textsOf(await h().chat().click(START_ACTION))).to.deep.equal([intro, askQuestion]);
      expect(h().flowsStarted).to.deep.equal([{ flow: 'support', lang: 'id' }]);
    });

    it('"bagaimana cara menghubungi support?" is answered, with the flow offered, not started', async () => {
      const chat = h().chat();
      const replies = await chat.send('bagaimana cara menghubungi support?');
      expect(replies).to.have.length(1);
      expect(metaOf(replies[0])).to.include({ kind: 'answer', entryId: 'contact' });
      expect(replies[0]?.text).to.include(
        'Pertanyaan-pertanyaan mengenai Kebijakan bisa dikirimkan ke support@wowrack.co.id',
      );
      const offer = actionsOf(replies[0]).find((a) => a.title === START_ACTION.title);
      expect(offer?.value).to.deep.equal(START_ACTION.value);
      expect(h().flowsStarted).to.deep.equal([]);
      expect(textsOf(await chat.click(offer ?? {}))).to.deep.equal([intro, askQuestion]);
    });

    it('a question the statement does not answer offers the flow as a suggested action', async () => {
      const replies = await h().chat().send('asdkjh qwelkj zxcmnb');
      expect(metaOf(replies[0])?.kind).to.equal('none');
      expect(actionsOf(replies[0])[0]).to.deep.include({ title: START_ACTION.title, value: START_ACTION.value });
      expect(h().flowsStarted).to.deep.equal([]);
    });
  });

  describe('to the end', () => {
    it('an access request: ticket with a 72 h deadline, mails to support (Reply-To) and the customer, confirmation', async () => {
      const chat = h().chat();
      expect(await chat.say('apakah data saya dijual?')).to.have.length(1); // a line before the flow, for the transcript
      await chat.click(START_ACTION);
      const kind = await chat.send('Saya ingin meminta salinan data pribadi saya yang tersimpan.');
      expect(textsOf(kind)).to.deep.equal([askKind]);
      expect(titles(kind[0]), 'the guess ("salinan" → access) first').to.deep.equal([
        'Permintaan salinan data pribadi',
        ...KIND_TITLES_ID.filter((t) => t !== 'Permintaan salinan data pribadi'),
      ]);
      expect(await chat.say('Permintaan salinan data pribadi')).to.deep.equal([askName]);
      expect(await chat.say('Budi Santoso')).to.deep.equal([askEmail]);
      expect(await chat.say(EMAIL)).to.deep.equal([askAccount]);
      const summary = await chat.send('wowrack-budi.co.id');
      expect(textsOf(summary)).to.deep.equal([
        'Mohon periksa:\n\n- **Jenis:** Permintaan salinan data pribadi\n' +
          '- **Pertanyaan:** Saya ingin meminta salinan data pribadi saya yang tersimpan.\n' +
          `- **Nama:** Budi Santoso\n- **E-mail:** ${EMAIL}\n- **Akun/domain:** wowrack-budi.co.id\n\nKirim ke tim support?`,
      ]);
      expect(titles(summary[0])).to.deep.equal(['Ya', 'Tidak']);
      expectNothingRecorded(h());

      const [done, ...rest] = await chat.say('ya');
      expect(rest).to.deep.equal([]);
      const ticket = onlyTicket(h());
      expect(ticket.id).to.match(TICKET_ID);
      expect(ticket.id.slice(4, 12)).to.equal('20261127');
      expect(done).to.equal(
        `Terima kasih. Permintaan Anda tercatat dengan nomor tiket **${ticket.id}**. ` +
          'Untuk jenis permintaan ini, batas waktu tanggapan adalah 30 November 2026 pukul 10.00 WIB (3×24 jam). ' +
          `Permintaan telah diteruskan ke tim support dan tanda terima dikirim ke ${EMAIL}.`,
      );

      const { transcript, requestKey, verification, messageId, ...fields } = ticket;
      expect(requestKey).to.match(UUID);
      // The identity link: only its hash is kept, valid 7 days; replies thread under the acknowledgement.
      expect(verification?.tokenHash).to.match(/^[0-9a-f]{64}$/);
      expect(verification?.expiresAt).to.equal(new Date(Date.parse(START_TIME) + 7 * 24 * HOUR_MS).toISOString());
      expect(messageId).to.match(/^<prv-\d{8}-\d{4,}-ack\.[0-9a-f]{12}@wowrack\.co\.id>$/);
      expect(fields).to.deep.equal({
        id: ticket.id,
        createdAt: START_TIME,
        dueAt: DUE_72H,
        kind: 'access',
        lang: 'id',
        name: 'Budi Santoso',
        email: EMAIL,
        account: 'wowrack-budi.co.id',
        question: 'Saya ingin meminta salinan data pribadi saya yang tersimpan.',
        conversationId: 'conv-1',
      });
      expect(transcript[0]).to.equal('Pelanggan: apakah data saya dijual?');
      expect(transcript.at(-1)).to.equal('Pelanggan: Kirim pertanyaan ke tim support');
      expect(transcript.some((l) => l.startsWith('Asisten: **Bagaimana komitmen'))).to.equal(true);

      const outbox = h().snapshot().outbox;
      expect(outbox.map((m) => [m.to, m.replyTo, m.purpose, m.status, m.conversationId])).to.deep.equal([
        [SUPPORT_EMAIL, EMAIL, 'ticket-support', 'sent', 'conv-1'],
        [EMAIL, undefined, 'ticket-acknowledgement', 'sent', 'conv-1'],
      ]);

      const [toSupport, ack, ...more] = h().transport.sent;
      expect(more).to.deep.equal([]);
      expect(toSupport).to.include({
        from: MAIL_FROM,
        to: SUPPORT_EMAIL,
        replyTo: EMAIL,
        subject: `[${ticket.id}] Permintaan salinan data pribadi`,
      });
      expect(toSupport?.text).to.include(`Tiket          : ${ticket.id}`);
      expect(toSupport?.text).to.include('Batas tanggapan: 30 November 2026 pukul 10.00 WIB');
      expect(toSupport?.text).to.include('Akun/domain    : wowrack-budi.co.id');
      expect(toSupport?.text).to.include('  Saya ingin meminta salinan data pribadi saya yang tersimpan.');
      expect(toSupport?.text).to.include('  Pelanggan: apakah data saya dijual?');
      expect(ack).to.include({
        from: MAIL_FROM,
        to: EMAIL,
        subject: `[${ticket.id}] Permintaan Anda telah kami terima`,
      });
      expect(ack).not.to.have.property('replyTo');
      expect(ack?.text).to.include(`Halo Budi Santoso,`);
      expect(ack?.text).to.include(`nomor tiket ${ticket.id}`);
      expect(ack?.text).to.include('Batas waktu tanggapan: 30 November 2026 pukul 10.00 WIB (3×24 jam).');
      expect(ack?.messageId).to.equal(messageId);
      // The link's token is in the mail sent, never in the stored copy once sent; its hash is the ticket's.
      const token = /\/verify\/([A-Za-z0-9_-]{43})\n/.exec(ack?.text ?? '')?.[1] ?? '';
      expect(ack?.text).to.include(`${PUBLIC_URL}/verify/${token}`).and.include('Ya, ini permintaan saya');
      expect(createHash('sha256').update(token).digest('hex')).to.equal(verification?.tokenHash);
      expect(JSON.stringify(h().snapshot().outbox)).not.to.contain(token);

      const next = await chat.send('apakah data saya dienkripsi?');
      expect(metaOf(next[0])).to.include({ kind: 'answer', entryId: 'security' }, 'the flow is over');
    });

    const kinds: readonly [
      string,
      string,
      'question' | 'correction' | 'deletion' | 'withdraw-consent',
      string,
      boolean,
    ][] = [
      ['a question', 'Pertanyaan tentang kebijakan privasi', 'question', DUE_72H, false],
      ['a correction', 'Permintaan perbaikan data pribadi', 'correction', DUE_72H, true],
      ['a deletion', 'Permintaan penghapusan data pribadi', 'deletion', DUE_14D, false],
      ['a withdrawal of consent', 'Penarikan persetujuan pemrosesan data', 'withdraw-consent', DUE_72H, true],
    ];
    for (const [what, title, kind, dueAt, statutory] of kinds) {
      it(`${what}: due ${dueAt}, ${statutory ? 'told to the customer' : 'an internal target'}, kind "${kind}" in the record and the subjects`, async () => {
        const chat = h().chat();
        await toKind(chat, 'Mohon bantu permintaan saya terkait data pribadi.');
        await chat.say(title);
        await chat.say('Ani Suryani');
        await chat.say(EMAIL);
        await chat.say('lewati');
        const [done] = await chat.say('ya');
        const ticket = onlyTicket(h());
        expect(ticket.kind).to.equal(kind);
        expect(ticket.id).to.match(TICKET_ID);
        expect(ticket).not.to.have.property('account');
        expect(ticket.dueAt).to.equal(dueAt);
        if (statutory) {
          expect(done).to.include(say('supportDue', 'id', { due: formatTime(dueAt, 'id') }));
        } else {
          expect(done).to.equal(
            `${say('supportDone', 'id', { ticket: ticket.id, email: EMAIL, due: '' })} ${say('supportMailSent', 'id', { email: EMAIL })}`,
          );
        }
        expect(h().transport.sent.map((m) => m.subject)).to.deep.equal([
          `[${ticket.id}] ${title}`,
          `[${ticket.id}] Permintaan Anda telah kami terima`,
        ]);
        expect(h().transport.sent[0]?.text).to.include(
          `Batas tanggapan: ${formatTime(dueAt, 'id')}${statutory ? '\n' : ' (kebijakan perusahaan, bukan batas undang-undang)'}`,
        );
        expect(h().transport.sent[1]?.text.includes('Batas waktu tanggapan')).to.equal(statutory);
      });
    }

    it('"tolong hapus data saya" to the end: a deletion due by the company policy', async () => {
      const [done] = await supportRequest(h().chat(), { email: EMAIL });
      const ticket = onlyTicket(h());
      expect(ticket).to.deep.include({ kind: 'deletion', question: 'tolong hapus data saya', name: 'Budi Santoso' });
      expect(ticket.dueAt).to.equal(DUE_14D);
      expect(done).to.include(`**${ticket.id}**`);
    });

    it('runs in English: English summary, confirmation and acknowledgement; the mail to support stays Indonesian', async () => {
      const chat = h().chat();
      await chat.say('I want to delete my data');
      expect(await chat.say('Request to delete my personal data')).to.deep.equal([say('supportAskName', 'en')]);
      expect(await chat.say('John Smith')).to.deep.equal([say('supportAskEmail', 'en')]);
      expect(await chat.say('john@example.com')).to.deep.equal([say('supportAskAccount', 'en')]);
      const summary = await chat.send('skip');
      expect(textsOf(summary)).to.deep.equal([
        'Please check:\n\n- **Kind:** Request to delete my personal data\n- **Question:** I want to delete my data\n' +
          '- **Name:** John Smith\n- **E-mail:** john@example.com\n- **Account/domain:** -\n\nSend it to support?',
      ]);
      expect(titles(summary[0])).to.deep.equal(['Yes', 'No']);
      const [done] = await chat.say('yes');
      const ticket = onlyTicket(h());
      expect(ticket).to.deep.include({ kind: 'deletion', lang: 'en', name: 'John Smith', email: 'john@example.com' });
      expect(ticket.dueAt).to.equal(DUE_14D);
      expect(done).to.equal(
        `Thank you. Your request is recorded as ticket **${ticket.id}**. ` +
          'It has been passed to the support team and an acknowledgement sent to john@example.com.',
      );
      const [toSupport, ack] = h().transport.sent;
      expect(toSupport).to.include({
        to: SUPPORT_EMAIL,
        replyTo: 'john@example.com',
        subject: `[${ticket.id}] Permintaan penghapusan data pribadi`,
      });
      expect(toSupport?.text).to.include('Bahasa         : Inggris');
      expect(ack).to.include({ to: 'john@example.com', subject: `[${ticket.id}] We have received your request` });
      expect(ack?.text).to.include('Hello John Smith,');
    });

    it('an English access request shows the deadline in English', async () => {
      const chat = h().chat();
      await chat.say('I would like a copy of my personal data please');
      await chat.say('Request for a copy of my personal data');
      await chat.say('John Smith');
      await chat.say('john@example.com');
      await chat.say('skip');
      const [done] = await chat.say('yes');
      expect(onlyTicket(h()).dueAt).to.equal(DUE_72H);
      expect(done).to.include(
        'For this kind of request the response deadline is 30 November 2026 at 10:00 WIB (3×24 hours).',
      );
    });

    it('the transcript in the ticket masks e-mail addresses the customer typed before', async () => {
      const chat = h().chat();
      await chat.say(`email saya ${EMAIL}, apakah data saya dijual?`);
      await supportRequest(chat, { email: EMAIL });
      const { transcript } = onlyTicket(h());
      expect(transcript[0]).to.equal('Pelanggan: email saya [email], apakah data saya dijual?');
      expect(transcript.join('\n')).not.to.include(EMAIL);
    });

    it('"tidak" at the summary records and sends nothing', async () => {
      const chat = h().chat();
      await chat.say('tolong hapus data saya');
      await chat.say('Permintaan penghapusan data pribadi');
      await chat.say('Budi Santoso');
      await chat.say(EMAIL);
      await chat.say('lewati');
      expect(await chat.say('tidak')).to.deep.equal([say('notConfirmed', 'id')]);
      expectNothingRecorded(h());
    });
  });

  describe('validation', () => {
    for (const [what, text] of [
      ['an empty message', ''],
      ['too short', 'ok'],
      ['only digits', '12345 67890'],
      ['over 2,000 characters', `Mohon ${'hapus '.repeat(400)}`],
    ] as const) {
      it(`a question that is ${what} gets the question retry prompt`, async () => {
        const chat = h().chat();
        await chat.click(START_ACTION);
        expect(await chat.say(text)).to.deep.equal([say('supportQuestionRetry', 'id')]);
        expect(await chat.say('Apakah data saya dijual ke pihak lain?')).to.deep.equal([askKind]);
      });
    }

    it('a kind that is not one of the buttons gets the kind retry, with the buttons again', async () => {
      const chat = h().chat();
      await toKind(chat);
      const retry = await chat.send('xyz');
      expect(textsOf(retry)).to.deep.equal([say('supportKindRetry', 'id')]);
      expect(titles(retry[0])).to.have.length(5);
      expect(await chat.say('Permintaan salinan data pribadi')).to.deep.equal([askName]);
    });

    for (const [what, text] of [
      ['digits', 'Budi123'],
      ['an @', 'budi@contoh.co.id'],
      ['one letter', 'B'],
      ['a symbol', 'Budi_Santoso'],
    ] as const) {
      it(`a name with ${what} gets the name retry prompt`, async () => {
        const chat = h().chat();
        await toKind(chat);
        await chat.say('Permintaan salinan data pribadi');
        expect(await chat.say(text)).to.deep.equal([say('nameRetry', 'id')]);
        expect(await chat.say("Siti Nur'aini")).to.deep.equal([askEmail]);
      });
    }

    for (const [what, text] of [
      ['a bad address', 'budi at contoh'],
      ['two addresses', `${EMAIL} ani@contoh.co.id`],
    ] as const) {
      it(`${what} gets the e-mail retry prompt`, async () => {
        const chat = h().chat();
        await toKind(chat);
        await chat.say('Permintaan salinan data pribadi');
        await chat.say('Budi Santoso');
        expect(await chat.say(text)).to.deep.equal([say('emailRetry', 'id')]);
        expect(await chat.say(EMAIL)).to.deep.equal([askAccount]);
      });
    }

    for (const [what, text] of [
      ['markup', '<b>budi</b>'],
      ['over 100 characters', 'x'.repeat(101)],
    ] as const) {
      it(`an account with ${what} gets the account retry prompt`, async () => {
        const chat = h().chat();
        await supportStepsTo(chat, 'account');
        expect(await chat.say(text)).to.deep.equal([say('supportAccountRetry', 'id')]);
        const summary = await chat.say('12345');
        expect(summary[0]).to.include('- **Akun/domain:** 12345');
      });
    }

    it('an answer that is neither yes nor no at the summary gets the yes/no retry', async () => {
      const chat = h().chat();
      await supportStepsTo(chat, 'confirm');
      const retry = await chat.send('mungkin nanti');
      expect(textsOf(retry)).to.deep.equal([say('confirmRetry', 'id')]);
      expect(titles(retry[0])).to.deep.equal(['Ya', 'Tidak']);
      expectNothingRecorded(h());
    });

    it('English retry prompts are English', async () => {
      const chat = h().chat();
      await chat.say('I want to delete my data');
      expect(await chat.say('nope nope')).to.deep.equal([say('supportKindRetry', 'en')]);
      await chat.say('Request to delete my personal data');
      expect(await chat.say('J0hn')).to.deep.equal([say('nameRetry', 'en')]);
      await chat.say('John Smith');
      expect(await chat.say('john at example')).to.deep.equal([say('emailRetry', 'en')]);
    });
  });

  describe('cancel and help', () => {
    const steps = ['question', 'kind', 'name', 'email', 'account', 'confirm'] as const;
    const helpKey = {
      question: 'supportHelpQuestion',
      kind: 'supportHelpKind',
      name: 'supportHelpName',
      email: 'supportHelpEmail',
      account: 'supportHelpAccount',
      confirm: 'supportHelpConfirm',
    } as const;
    const cancelWord = {
      question: 'batal',
      kind: 'keluar',
      name: 'batal',
      email: 'tidak jadi',
      account: 'batal',
      confirm: 'batal',
    } as const;

    for (const step of steps) {
      it(`"${cancelWord[step]}" at the ${step} step ends politely; nothing recorded or mailed`, async () => {
        const chat = h().chat();
        await supportStepsTo(chat, step);
        expect(await chat.say(cancelWord[step])).to.deep.equal([say('cancelled', 'id')]);
        expectNothingRecorded(h());
        const after = await chat.send('apakah data saya dijual?');
        expect(metaOf(after[0])?.kind, 'back to answering questions').to.equal('answer');
      });

      it(`"bantuan" at the ${step} step explains it, then asks the same again`, async () => {
        const chat = h().chat();
        const prompt = await supportStepsTo(chat, step);
        const replies = await chat.send('bantuan');
        expect(textsOf(replies)).to.deep.equal([
          `${say(helpKey[step], 'id')} ${say('resumeHint', 'id')}`,
          prompt[0]?.text,
        ]);
        expect(titles(replies[1])).to.deep.equal(titles(prompt[0]));
      });
    }

    it('"cancel" and "help" in English', async () => {
      const chat = h().chat();
      await chat.say('I want to delete my data');
      expect(await chat.say('help')).to.deep.equal([
        `${say('supportHelpKind', 'en')} ${say('resumeHint', 'en')}`,
        say('supportAskKind', 'en'),
      ]);
      expect(await chat.say('cancel')).to.deep.equal([say('cancelled', 'en')]);
      expectNothingRecorded(h());
    });
  });

  describe('a policy question in the middle', () => {
    it('while the e-mail is asked: the quoted answer, the same prompt again, and the flow goes on', async () => {
      const chat = h().chat();
      await supportStepsTo(chat, 'email');
      const replies = await chat.send('apakah data saya dijual?');
      expect(replies).to.have.length(2);
      expect(metaOf(replies[0])).to.include({ kind: 'answer', entryId: 'protect', lang: 'id' });
      expect(replies[0]?.text).to.include('Kami tidak menjual, mendistribusikan, atau memberikan data pribadi');
      expect(actionsOf(replies[0])).to.deep.equal([]);
      expect(replies[1]?.text).to.equal(askEmail);
      await chat.say(EMAIL);
      await chat.say('lewati');
      expect((await chat.say('ya'))[0]).to.include('Terima kasih.');
      expect(onlyTicket(h()).email).to.equal(EMAIL);
    });

    for (const step of ['kind', 'name', 'confirm'] as const) {
      it(`while the ${step} is asked: the answer, then the same prompt`, async () => {
        const chat = h().chat();
        const prompt = await supportStepsTo(chat, step);
        const replies = await chat.send('apakah data saya dijual?');
        expect(metaOf(replies[0])).to.include({ kind: 'answer', entryId: 'protect' });
        expect(textsOf(replies.slice(1))).to.deep.equal([prompt[0]?.text]);
        expectNothingRecorded(h());
      });
    }

    it('at the question step a question is the question itself, not an interruption', async () => {
      const chat = h().chat();
      await chat.click(START_ACTION);
      expect(await chat.say('apakah data saya dijual?')).to.deep.equal([askKind]);
      await chat.say('Pertanyaan tentang kebijakan privasi');
      await chat.say('Budi Santoso');
      await chat.say(EMAIL);
      await chat.say('lewati');
      await chat.say('ya');
      expect(onlyTicket(h()).question).to.equal('apakah data saya dijual?');
    });
  });

  describe('restart in the middle', () => {
    it('resumes at the same step with the answers given before it', async () => {
      const chat = h().chat();
      await toKind(chat);
      await chat.say('Permintaan perbaikan data pribadi');
      expect(await chat.say('Budi Santoso')).to.deep.equal([askEmail]);

      const second = await env.restart();
      expect(await second.chat().say('bantuan')).to.deep.equal([
        `${say('supportHelpEmail', 'id')} ${say('resumeHint', 'id')}`,
        askEmail,
      ]);
      expect(await second.chat().say(EMAIL)).to.deep.equal([askAccount]);

      const third = await env.restart();
      const summary = await third.chat().say('lewati');
      expect(summary[0]).to.include('- **Jenis:** Permintaan perbaikan data pribadi');
      expect(summary[0]).to.include('- **Nama:** Budi Santoso');
      const [done] = await third.chat().say('ya');
      const ticket = onlyTicket(third);
      expect(ticket).to.deep.include({ kind: 'correction', name: 'Budi Santoso', email: EMAIL, dueAt: DUE_72H });
      expect(done).to.include(ticket.id);
      expect(third.transport.sent.map((m) => m.to)).to.deep.equal([SUPPORT_EMAIL, EMAIL]);
    });

    it('one process (the embedded store): the ticket quotes the lines said since the restart, none from before', async () => {
      expect(await h().chat().say('apa itu cookie?')).to.have.length(1);
      const second = await env.restart();
      await supportRequest(second.chat(), { email: EMAIL });
      const { transcript } = onlyTicket(second);
      expect(transcript.join('\n')).to.not.include('cookie');
      expect(transcript.at(-1)).to.match(/^Pelanggan: /);
    });
  });

  describe('restart with the memory in the conversation state (a shared store)', () => {
    const shared = useFlowHarness({ memoryInState: true });

    it('the ticket quotes the questions asked before a restart', async () => {
      expect(await shared.current().chat().say('apa itu cookie?')).to.have.length(1);
      const second = await shared.restart();
      await supportRequest(second.chat(), { email: EMAIL });
      const { transcript } = onlyTicket(second);
      expect(transcript[0]).to.equal('Pelanggan: apa itu cookie?');
      expect(transcript[1]).to.match(/^Asisten: \S/);
      expect(transcript.at(-1)).to.match(/^Pelanggan: /);
    });
  });

  describe('mail transport failing', () => {
    it('records the ticket, says truthfully the e-mail could not be sent yet, and keeps the mail pending', async () => {
      h().transport.failWith();
      const [done] = await supportRequest(h().chat(), { email: EMAIL });
      const ticket = onlyTicket(h());
      expect(done).to.equal(
        `${say('supportDone', 'id', { ticket: ticket.id, email: EMAIL, due: '' })} ${say('mailQueued', 'id')}`,
      );
      expect(done).not.to.include('telah diteruskan');
      await h().settle();
      const { outbox } = h().snapshot();
      expect(outbox.map((m) => [m.to, m.status, m.attempts])).to.deep.equal([
        [SUPPORT_EMAIL, 'pending', 1],
        [EMAIL, 'pending', 1],
      ]);
      expect(h().transport.sent).to.deep.equal([]);
      expect(h().flowFailures).to.deep.equal([]);
    });
  });
});

/**
 * Drives the support flow (started by the suggested action) up to the prompt of `step` and returns that prompt.
 * Steps before it get valid answers.
 */
async function supportStepsTo(
  chat: Chat,
  step: 'question' | 'kind' | 'name' | 'email' | 'account' | 'confirm',
): Promise<Partial<Activity>[]> {
  const answers: readonly string[] = [
    'Saya ingin meminta salinan data pribadi saya.',
    'Permintaan salinan data pribadi',
    'Budi Santoso',
    EMAIL,
    'lewati',
  ];
  const order = ['question', 'kind', 'name', 'email', 'account', 'confirm'];
  let prompt = (await chat.click(START_ACTION)).slice(1);
  for (const answer of answers.slice(0, order.indexOf(step))) prompt = await chat.send(answer);
  return prompt;
}
