import { expect } from 'chai';
import { say } from '../../../dialogs/replies/texts.ts';
import { formatTime } from '../../../domain/time.ts';
import {
  actionsOf,
  type FlowHarness,
  HOUR_MS,
  MAIL_FROM,
  MARKETING_EMAIL,
  metaOf,
  START_TIME,
  SUPPORT_EMAIL,
  textsOf,
  UUID,
  useFlowHarness,
} from '../../support/flowHarness.ts';
import { unsubscribe } from '../../support/flowScripts.ts';

const EMAIL = 'budi@contoh.co.id';
/** A record without its request key (a fresh UUID per flow instance), after checking that it has one. */
function withoutKey<T extends { readonly requestKey?: string }>(record: T): Omit<T, 'requestKey'> {
  expect(record.requestKey).to.match(UUID);
  const { requestKey: _key, ...rest } = record;
  return rest;
}

const ask = say('unsubscribeAskEmail', 'id');
const intro = say('unsubscribeIntro', 'id');
const confirmFor = (email: string, lang: 'id' | 'en' = 'id') => say('unsubscribeConfirm', lang, { email });
const MESSAGE_ID = /^<[0-9a-f-]{36}@wowrack\.co\.id>$/;

/** Nothing in the database but conversation state, and no mail attempted. */
function expectNothingRecorded(h: FlowHarness): void {
  const data = h.snapshot();
  expect(data.unsubscribes, 'unsubscribes').to.deep.equal([]);
  expect(data.tickets, 'tickets').to.deep.equal([]);
  expect(data.consents, 'consents').to.deep.equal([]);
  expect(data.outbox, 'outbox').to.deep.equal([]);
  expect(h.transport.attempts, 'mail attempts').to.deep.equal([]);
}

describe('flows: stop promotional e-mail (unsubscribe)', () => {
  const env = useFlowHarness();
  const h = () => env.current();

  describe('starting', () => {
    for (const text of ['saya mau unsubscribe', 'REMOVE', 'tolong hentikan email promosi ke saya']) {
      it(`"${text}" starts the flow and asks for the address`, async () => {
        const replies = await h().chat().send(text);
        expect(textsOf(replies)).to.deep.equal([intro, ask]);
        expect(h().flowsStarted).to.deep.equal([{ flow: 'unsubscribe', lang: 'id' }]);
        expect(h().answered, 'not answered as a question').to.deep.equal([]);
        expectNothingRecorded(h());
      });
    }

    it('a start message that already holds the address skips straight to the confirmation', async () => {
      const replies = await h().chat().send(`saya mau unsubscribe ${EMAIL}`);
      expect(textsOf(replies)).to.deep.equal([intro, confirmFor(EMAIL)]);
      expect(actionsOf(replies[1]).map((a) => a.title)).to.deep.equal(['Ya', 'Tidak']);
    });

    it('the suggested action {action: "flow", flow: "unsubscribe"} starts it', async () => {
      const replies = await h()
        .chat()
        .click({ title: 'Berhenti terima e-mail promosi', value: { action: 'flow', flow: 'unsubscribe' } });
      expect(textsOf(replies)).to.deep.equal([intro, ask]);
      expect(h().flowsStarted).to.deep.equal([{ flow: 'unsubscribe', lang: 'id' }]);
    });

    it('"cara stop email promosi" is answered from the statement, with the flow offered, not started', async () => {
      const chat = h().chat();
      const replies = await chat.send('cara stop email promosi');
      expect(replies).to.have.length(1);
      expect(metaOf(replies[0])).to.include({ kind: 'answer', entryId: 'promo', lang: 'id' });
      expect(replies[0]?.text).to.include('membalas e-mail kami dengan subjek REMOVE');
      const offer = actionsOf(replies[0]).find((a) => a.title === 'Berhenti terima e-mail promosi');
      expect(offer?.value).to.deep.equal({ action: 'flow', flow: 'unsubscribe' });
      expect(h().flowsStarted).to.deep.equal([]);
      expectNothingRecorded(h());

      // The offered action starts the flow.
      expect(textsOf(await chat.click(offer ?? {}))).to.deep.equal([intro, ask]);
    });

    it('"I want to unsubscribe" starts it in English', async () => {
      const replies = await h().chat().send('I want to unsubscribe');
      expect(textsOf(replies)).to.deep.equal([say('unsubscribeIntro', 'en'), say('unsubscribeAskEmail', 'en')]);
      expect(h().flowsStarted).to.deep.equal([{ flow: 'unsubscribe', lang: 'en' }]);
    });
  });

  describe('to the end', () => {
    it('records the address, mails REMOVE to marketing and a confirmation to the customer, and says so', async () => {
      const chat = h().chat();
      await chat.say('saya mau unsubscribe');
      const confirm = await chat.send(EMAIL);
      expect(textsOf(confirm)).to.deep.equal([`Hentikan e-mail promosi Wowrack Indonesia ke **${EMAIL}**?`]);
      expect(actionsOf(confirm[0]).map((a) => a.title)).to.deep.equal(['Ya', 'Tidak']);

      expect(await chat.say('ya')).to.deep.equal([
        `Selesai ✅ **${EMAIL}** sudah tercatat berhenti berlangganan e-mail promosi (dicatat 27 November 2026 pukul 10.00 WIB). ` +
          'Permintaan dengan subjek REMOVE telah dikirim ke tim kami dan konfirmasi dikirim ke alamat tersebut.',
      ]);

      const data = h().snapshot();
      expect(data.unsubscribes.map(withoutKey)).to.deep.equal([
        { email: EMAIL, createdAt: START_TIME, source: 'chat', conversationId: 'conv-1' },
      ]);
      expect(data.tickets).to.deep.equal([]);
      expect(data.consents).to.deep.equal([]);
      expect(
        data.outbox.map((m) => ({
          to: m.to,
          replyTo: m.replyTo,
          purpose: m.purpose,
          status: m.status,
          attempts: m.attempts,
          conversationId: m.conversationId,
          createdAt: m.createdAt,
        })),
      ).to.deep.equal([
        {
          to: MARKETING_EMAIL,
          replyTo: EMAIL,
          purpose: 'unsubscribe-remove',
          status: 'sent',
          attempts: 1,
          conversationId: 'conv-1',
          createdAt: START_TIME,
        },
        {
          to: EMAIL,
          replyTo: undefined,
          purpose: 'unsubscribe-confirmation',
          status: 'sent',
          attempts: 1,
          conversationId: 'conv-1',
          createdAt: START_TIME,
        },
      ]);

      const [remove, confirmation, ...more] = h().transport.sent;
      expect(more).to.deep.equal([]);
      expect(remove).to.include({ from: MAIL_FROM, to: MARKETING_EMAIL, replyTo: EMAIL, subject: 'REMOVE' });
      expect(remove?.messageId).to.match(MESSAGE_ID);
      expect(remove?.text.split('\n')[0]).to.equal('REMOVE');
      expect(remove?.text).to.include(`Alamat e-mail : ${EMAIL}`);
      expect(remove?.text).to.include('Dicatat       : 27 November 2026 pukul 10.00 WIB');

      expect(confirmation).to.include({
        from: MAIL_FROM,
        to: EMAIL,
        subject: 'Konfirmasi: berhenti berlangganan e-mail promosi Wowrack Indonesia',
      });
      expect(confirmation).not.to.have.property('replyTo');
      expect(confirmation?.text).to.include(`untuk ${EMAIL} telah kami catat pada 27 November 2026 pukul 10.00 WIB`);
      expect(confirmation?.messageId).to.match(MESSAGE_ID);
      expect(confirmation?.messageId).not.to.equal(remove?.messageId);

      // The flow is over: the next message is an ordinary question again.
      const next = await chat.send('apakah data saya dijual?');
      expect(metaOf(next[0])).to.include({ kind: 'answer', entryId: 'protect' });
    });

    it('runs in English, stores the lower-cased address and mails the customer in English', async () => {
      const chat = h().chat();
      await chat.say('I want to unsubscribe');
      expect(await chat.say('Budi@Example.COM')).to.deep.equal([
        "Stop Wowrack Indonesia's promotional e-mail to **Budi@example.com**?",
      ]);
      expect(await chat.say('yes')).to.deep.equal([
        'Done ✅ **Budi@example.com** is recorded as unsubscribed from promotional e-mail (recorded 27 November 2026 at 10:00 WIB). ' +
          'A request with the subject REMOVE has been sent to our team and a confirmation to that address.',
      ]);
      expect(h().snapshot().unsubscribes.map(withoutKey)).to.deep.equal([
        { email: 'budi@example.com', createdAt: START_TIME, source: 'chat', conversationId: 'conv-1' },
      ]);
      const [remove, confirmation] = h().transport.sent;
      // The request to staff stays Indonesian and keeps the statement's subject.
      expect(remove).to.include({ to: MARKETING_EMAIL, replyTo: 'budi@example.com', subject: 'REMOVE' });
      expect(confirmation).to.include({
        to: 'budi@example.com',
        subject: 'Confirmation: unsubscribed from Wowrack Indonesia promotional e-mail',
      });
      expect(confirmation?.text).to.include('was recorded on 27 November 2026 at 10:00 WIB');
    });

    it('takes the address out of a sentence ("email saya …")', async () => {
      const chat = h().chat();
      await chat.say('REMOVE');
      expect(await chat.say(`email saya ${EMAIL}.`)).to.deep.equal([confirmFor(EMAIL)]);
    });

    it('a short answer starting with "ya" ("ya, hentikan", "ya tolong hentikan") is a yes', async () => {
      for (const [conv, email, answer] of [
        ['conv-a', 'a@contoh.co.id', 'ya, hentikan'],
        ['conv-b', 'b@contoh.co.id', 'ya tolong hentikan'],
      ] as const) {
        const chat = h().chat(conv);
        await chat.say(`saya mau unsubscribe ${email}`);
        expect((await chat.say(answer))[0]).to.include(`Selesai ✅ **${email}**`);
      }
      expect(h().snapshot().unsubscribes).to.have.length(2);
    });

    it('a longer "yes" sentence at the confirmation records the request instead of quoting the statement', async () => {
      for (const [conv, start, email, answer] of [
        ['conv-a', 'saya mau unsubscribe', 'a@contoh.co.id', 'ya, hentikan email promosi'],
        ['conv-b', 'saya mau unsubscribe', 'b@contoh.co.id', 'ya saya mau berhenti'],
        ['conv-c', 'I want to unsubscribe', 'c@contoh.co.id', 'yes, unsubscribe me'],
      ] as const) {
        const chat = h().chat(conv);
        await chat.say(start);
        await chat.say(email);
        const replies = await chat.send(answer);
        expect(metaOf(replies[0])?.kind, `"${answer}" answered as a question`).to.equal(undefined);
        expect(replies[0]?.text).to.match(/^(Selesai|Done) ✅/);
      }
      expect(h().snapshot().unsubscribes).to.have.length(3);
    });

    it('"stop" / "berhenti" answering the "Stop …?" confirmation does not cancel the request', async () => {
      for (const [conv, start, email, answer] of [
        ['conv-a', 'saya mau unsubscribe', 'a@contoh.co.id', 'berhenti'],
        ['conv-b', 'saya mau unsubscribe', 'b@contoh.co.id', 'stop aja'],
        ['conv-c', 'I want to unsubscribe', 'c@contoh.co.id', 'stop'],
      ] as const) {
        const chat = h().chat(conv);
        await chat.say(start);
        await chat.say(email);
        const [reply] = await chat.say(answer);
        expect(reply, `"${answer}"`).not.to.be.oneOf([say('cancelled', 'id'), say('cancelled', 'en')]);
      }
    });

    it('"tidak" at the confirmation records and sends nothing', async () => {
      const chat = h().chat();
      await chat.say(`saya mau unsubscribe ${EMAIL}`);
      expect(await chat.say('tidak')).to.deep.equal([say('notConfirmed', 'id')]);
      expectNothingRecorded(h());
    });
  });

  describe('validation', () => {
    const invalid: readonly [string, string][] = [
      ['no @', 'budi at contoh.co.id'],
      ['no top-level domain', 'budi@contoh'],
      ['two addresses', 'budi@contoh.co.id ani@contoh.co.id'],
      ['two @', 'budi@@contoh.co.id'],
      ['a space inside', 'budi @contoh.co.id'],
    ];
    for (const [what, text] of invalid) {
      it(`an address with ${what} gets the e-mail retry prompt, and the flow waits for a valid one`, async () => {
        const chat = h().chat();
        await chat.say('saya mau unsubscribe');
        expect(await chat.say(text)).to.deep.equal([say('emailRetry', 'id')]);
        expectNothingRecorded(h());
        expect(await chat.say(EMAIL)).to.deep.equal([confirmFor(EMAIL)]);
      });
    }

    it('an address inside angle brackets or a sentence is taken out of it', async () => {
      const chat = h().chat();
      await chat.say('saya mau unsubscribe');
      expect(await chat.say(`Budi <${EMAIL}>`)).to.deep.equal([confirmFor(EMAIL)]);
    });

    it('an answer that is neither yes nor no gets the yes/no retry with the buttons again', async () => {
      const chat = h().chat();
      await chat.say(`saya mau unsubscribe ${EMAIL}`);
      const retry = await chat.send('mungkin');
      expect(textsOf(retry)).to.deep.equal([say('confirmRetry', 'id')]);
      expect(actionsOf(retry[0]).map((a) => a.title)).to.deep.equal(['Ya', 'Tidak']);
      expectNothingRecorded(h());
      expect((await chat.say('ya'))[0]).to.include('Selesai ✅');
    });

    it('the English retry prompts are English', async () => {
      const chat = h().chat();
      await chat.say('I want to unsubscribe');
      expect(await chat.say('budi at example dot com')).to.deep.equal([say('emailRetry', 'en')]);
      await chat.say(EMAIL);
      const retry = await chat.send('perhaps');
      expect(textsOf(retry)).to.deep.equal([say('confirmRetry', 'en')]);
      expect(actionsOf(retry[0]).map((a) => a.title)).to.deep.equal(['Yes', 'No']);
    });
  });

  describe('cancel and help', () => {
    const cancels: readonly [string, string, readonly string[]][] = [
      ['the address', 'batal', ['saya mau unsubscribe']],
      ['the address', 'batal aja deh', ['saya mau unsubscribe']],
      ['the confirmation', 'batal', ['saya mau unsubscribe', EMAIL]],
    ];
    it('"gak jadi" at the confirmation is its "no": polite end, nothing recorded or mailed', async () => {
      const chat = h().chat();
      await chat.say('saya mau unsubscribe');
      await chat.say(EMAIL);
      expect(await chat.say('gak jadi')).to.deep.equal([say('notConfirmed', 'id')]);
      expectNothingRecorded(h());
    });

    for (const [step, word, before] of cancels) {
      it(`"${word}" at ${step} ends politely; nothing recorded or mailed`, async () => {
        const chat = h().chat();
        for (const text of before) await chat.say(text);
        expect(await chat.say(word)).to.deep.equal([say('cancelled', 'id')]);
        expectNothingRecorded(h());
        // Over: an address now is not taken as an answer of the cancelled flow.
        const after = await chat.send(EMAIL);
        expect(textsOf(after)).not.to.include(confirmFor(EMAIL));
        expectNothingRecorded(h());
      });
    }

    it('"cancel" in English ends politely in English', async () => {
      const chat = h().chat();
      await chat.say('I want to unsubscribe');
      expect(await chat.say('cancel')).to.deep.equal([say('cancelled', 'en')]);
      expectNothingRecorded(h());
    });

    it('"bantuan" at the address explains the step, then asks the same question again', async () => {
      const chat = h().chat();
      await chat.say('saya mau unsubscribe');
      expect(await chat.say('bantuan')).to.deep.equal([
        `${say('unsubscribeHelpEmail', 'id')} ${say('resumeHint', 'id')}`,
        ask,
      ]);
      expect(await chat.say(EMAIL)).to.deep.equal([confirmFor(EMAIL)]);
    });

    it('"bantuan" at the confirmation explains it, then asks again with the buttons', async () => {
      const chat = h().chat();
      await chat.say(`saya mau unsubscribe ${EMAIL}`);
      const replies = await chat.send('bantuan');
      expect(textsOf(replies)).to.deep.equal([
        `${say('unsubscribeHelpConfirm', 'id')} ${say('resumeHint', 'id')}`,
        confirmFor(EMAIL),
      ]);
      expect(actionsOf(replies[1]).map((a) => a.title)).to.deep.equal(['Ya', 'Tidak']);
      expect((await chat.say('ya'))[0]).to.include('Selesai ✅');
    });

    it('"help" in English explains the step in English', async () => {
      const chat = h().chat();
      await chat.say('I want to unsubscribe');
      expect(await chat.say('help')).to.deep.equal([
        `${say('unsubscribeHelpEmail', 'en')} ${say('resumeHint', 'en')}`,
        say('unsubscribeAskEmail', 'en'),
      ]);
    });
  });

  describe('a policy question in the middle', () => {
    it('while the address is asked: the quoted answer, the same prompt again, and the flow goes on', async () => {
      const chat = h().chat();
      await chat.say('saya mau unsubscribe');
      const replies = await chat.send('apakah data saya dijual?');
      expect(replies).to.have.length(2);
      expect(metaOf(replies[0])).to.include({ kind: 'answer', entryId: 'protect', lang: 'id' });
      expect(replies[0]?.text).to.include('Kami tidak menjual, mendistribusikan, atau memberikan data pribadi');
      expect(replies[0]?.text).to.include('Pernyataan Privasi Wowrack Indonesia');
      expect(actionsOf(replies[0]), 'no suggested actions inside a flow').to.deep.equal([]);
      expect(replies[1]?.text).to.equal(ask);
      expectNothingRecorded(h());

      await chat.say(EMAIL);
      expect((await chat.say('ya'))[0]).to.include('Selesai ✅');
      const { unsubscribes } = h().snapshot();
      expect(unsubscribes.map((u) => u.email)).to.deep.equal([EMAIL]);
    });

    it('while the confirmation is asked: the answer, then the confirmation again', async () => {
      const chat = h().chat();
      await chat.say(`saya mau unsubscribe ${EMAIL}`);
      const replies = await chat.send('apakah data saya dienkripsi?');
      expect(metaOf(replies[0])).to.include({ kind: 'answer', entryId: 'security' });
      expect(textsOf(replies).slice(1)).to.deep.equal([confirmFor(EMAIL)]);
      expect((await chat.say('ya'))[0]).to.include('Selesai ✅');
    });

    it('in English: the English answer, then the English prompt', async () => {
      const chat = h().chat();
      await chat.say('I want to unsubscribe');
      const replies = await chat.send('are you selling my data?');
      expect(metaOf(replies[0])).to.include({ kind: 'answer', entryId: 'protect', lang: 'en' });
      expect(replies[0]?.text).to.include('We do not sell, distribute or give away');
      expect(replies[1]?.text).to.equal(say('unsubscribeAskEmail', 'en'));
    });
  });

  describe('restart in the middle', () => {
    it('a new database, storage and assistant on the same directory resume at the same step', async () => {
      const first = h();
      const chat = first.chat();
      await chat.say('saya mau unsubscribe');
      await chat.say('apakah data saya dijual?');

      const second = await env.restart();
      expect(second.db).not.to.equal(first.db);
      await first.db
        .update(() => undefined)
        .then(
          () => expect.fail('the first database should be closed'),
          (error: Error) => expect(error.message).to.include('closed'),
        );
      // Help still knows the step (its text key lives in the dialog state on disk).
      expect(await second.chat().say('bantuan')).to.deep.equal([
        `${say('unsubscribeHelpEmail', 'id')} ${say('resumeHint', 'id')}`,
        ask,
      ]);
      expect(await second.chat().say(EMAIL)).to.deep.equal([confirmFor(EMAIL)]);

      const third = await env.restart();
      expect((await third.chat().say('ya'))[0]).to.include(`Selesai ✅ **${EMAIL}**`);
      expect(third.snapshot().unsubscribes.map((u) => u.email)).to.deep.equal([EMAIL]);
      expect(third.transport.sent.map((m) => m.to)).to.deep.equal([MARKETING_EMAIL, EMAIL]);
    });

    it('the conversation language survives the restart', async () => {
      await h().chat().say('I want to unsubscribe');
      const second = await env.restart();
      expect(await second.chat().say(EMAIL)).to.deep.equal([confirmFor(EMAIL, 'en')]);
    });
  });

  describe('an address already unsubscribed', () => {
    it('says so with the original time; no second record, no more mail', async () => {
      const chat = h().chat();
      await unsubscribe(chat, EMAIL);
      h().clock.advance(2 * HOUR_MS);

      await chat.say('saya mau unsubscribe');
      expect(await chat.say('BUDI@contoh.co.id')).to.deep.equal([
        `**BUDI@contoh.co.id** sudah tercatat berhenti berlangganan e-mail promosi sejak ${formatTime(START_TIME, 'id')}. ` +
          'Tidak ada yang perlu dilakukan lagi.',
      ]);
      const data = h().snapshot();
      expect(data.unsubscribes).to.have.length(1);
      expect(data.outbox).to.have.length(2);
      expect(h().transport.attempts).to.have.length(2);
    });

    it('also from another conversation, with the address in the first message', async () => {
      await unsubscribe(h().chat('conv-a'), EMAIL);
      const replies = await h().chat('conv-b').say(`saya mau unsubscribe ${EMAIL}`);
      expect(replies).to.deep.equal([
        intro,
        say('unsubscribeAlready', 'id', { email: EMAIL, time: formatTime(START_TIME, 'id') }),
      ]);
      expect(h().snapshot().unsubscribes.map(withoutKey)).to.deep.equal([
        { email: EMAIL, createdAt: START_TIME, source: 'chat', conversationId: 'conv-a' },
      ]);
      expect(h().transport.sent).to.have.length(2);
    });
  });

  describe('two conversations confirming the same address', () => {
    it('the second "ya" finds it already recorded: one record, one pair of mails', async () => {
      const a = h().chat('conv-a');
      const b = h().chat('conv-b');
      await a.say(`saya mau unsubscribe ${EMAIL}`);
      await b.say(`saya mau unsubscribe ${EMAIL}`);
      expect((await a.say('ya'))[0]).to.include('Selesai ✅');
      h().clock.advance(60_000);
      expect(await b.say('ya')).to.deep.equal([
        say('unsubscribeAlready', 'id', { email: EMAIL, time: formatTime(START_TIME, 'id') }),
      ]);
      const { unsubscribes } = h().snapshot();
      expect(unsubscribes.map((u) => u.conversationId)).to.deep.equal(['conv-a']);
      expect(h().transport.attempts).to.have.length(2);
    });
  });

  describe('mail cap', () => {
    it('a 4th request from one conversation within the hour gets the rate-limit message; nothing recorded', async () => {
      const chat = h().chat();
      for (const who of ['a', 'b', 'c'])
        expect((await unsubscribe(chat, `${who}@contoh.co.id`))[0]).to.include('Selesai');
      expect(await unsubscribe(chat, 'd@contoh.co.id')).to.deep.equal([
        say('rateLimited', 'id', { support: SUPPORT_EMAIL }),
      ]);
      const data = h().snapshot();
      expect(data.unsubscribes.map((u) => u.email)).to.deep.equal([
        'a@contoh.co.id',
        'b@contoh.co.id',
        'c@contoh.co.id',
      ]);
      expect(data.outbox).to.have.length(6);
      expect(h().transport.to('d@contoh.co.id')).to.deep.equal([]);

      // An hour later the conversation may send again.
      h().clock.advance(HOUR_MS + 1);
      expect((await unsubscribe(chat, 'd@contoh.co.id'))[0]).to.include('Selesai ✅ **d@contoh.co.id**');
    });
  });

  describe('mail transport failing', () => {
    it('records the request, says truthfully the e-mail could not be sent yet, and keeps the mail pending', async () => {
      h().transport.failWith();
      const final = await unsubscribe(h().chat(), EMAIL);
      expect(final).to.deep.equal([
        `${say('unsubscribeDone', 'id', { email: EMAIL, time: formatTime(START_TIME, 'id') })} ${say('mailQueued', 'id')}`,
      ]);
      expect(final[0]).not.to.include(say('unsubscribeMailSent', 'id'));
      await h().settle();

      const data = h().snapshot();
      expect(data.unsubscribes.map((u) => u.email)).to.deep.equal([EMAIL]);
      expect(data.outbox.map((m) => [m.to, m.status, m.attempts])).to.deep.equal([
        [MARKETING_EMAIL, 'pending', 1],
        [EMAIL, 'pending', 1],
      ]);
      for (const m of data.outbox) {
        expect(m.lastError).to.include('451');
        expect(Date.parse(m.nextAttemptAt)).to.be.greaterThan(Date.parse(START_TIME));
      }
      expect(h().transport.sent).to.deep.equal([]);
      expect(h().flowFailures, 'a queued mail is not a failed flow').to.deep.equal([]);

      // The retry delivers them once the transport works again.
      h().transport.succeed();
      h().clock.advance(HOUR_MS);
      await h().outbox.deliverDue();
      const { outbox } = h().snapshot();
      expect(outbox.map((m) => m.status)).to.deep.equal(['sent', 'sent']);
      expect(h().transport.sent.map((m) => m.subject)[0]).to.equal('REMOVE');
    });

    it('a transport slower than the wait: the chat does not claim the mail was sent; it goes out afterwards', async () => {
      h().transport.hold();
      const [final] = await unsubscribe(h().chat(), EMAIL);
      expect(final).to.include(say('mailQueued', 'id'));
      expect(final).not.to.include(say('unsubscribeMailSent', 'id'));
      expect(h().snapshot().unsubscribes).to.have.length(1);
      h().transport.release();
      await h().settle();
      const { outbox } = h().snapshot();
      expect(outbox.map((m) => m.status)).to.deep.equal(['sent', 'sent']);
    });

    it('in English too', async () => {
      h().transport.failWith();
      const chat = h().chat();
      await chat.say('I want to unsubscribe');
      await chat.say(EMAIL);
      const [final] = await chat.say('yes');
      expect(final).to.include(`Done ✅ **${EMAIL}**`);
      expect(final).to.include(say('mailQueued', 'en'));
    });
  });
});
