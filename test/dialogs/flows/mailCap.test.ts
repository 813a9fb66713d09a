/**
 * The mail cap across flows and conversations (MailQuota: 3 mails per outside recipient and 3 per conversation per
 * hour; our own support and marketing mailboxes do not count). A request whose point is a mail to someone (the
 * parent's consent link) is refused at the cap; a courtesy mail (an acknowledgement, a confirmation) is withheld
 * instead, so naming someone's address three times cannot lock them out of their own request.
 */
import { expect } from 'chai';
import { say } from '../../../dialogs/replies/texts.ts';
import { HOUR_MS, SUPPORT_EMAIL, useFlowHarness } from '../../support/flowHarness.ts';
import { parentalConsent, supportRequest, unsubscribe } from '../../support/flowScripts.ts';

const TARGET = 'korban@contoh.co.id';
const limited = say('rateLimited', 'id', { support: SUPPORT_EMAIL });
const withheld = say('mailWithheld', 'id', { support: SUPPORT_EMAIL });

describe('flows: mail cap per recipient and per conversation', () => {
  const env = useFlowHarness();
  const h = () => env.current();

  it('a 4th ticket naming the same address within the hour is recorded and reaches support; its acknowledgement is withheld', async () => {
    for (const conv of ['conv-1', 'conv-2', 'conv-3']) {
      const [done] = await supportRequest(h().chat(conv), { email: TARGET });
      expect(done).to.include('Terima kasih.');
    }
    const [fourth] = await supportRequest(h().chat('conv-4'), { email: TARGET });
    expect(fourth).to.match(/^Terima kasih\. Permintaan Anda tercatat dengan nomor tiket \*\*PRV-/);
    expect(fourth).to.include(withheld);

    const data = h().snapshot();
    expect(data.tickets.map((t) => t.conversationId)).to.deep.equal(['conv-1', 'conv-2', 'conv-3', 'conv-4']);
    expect(h().transport.to(TARGET)).to.have.length(3);
    expect(h().transport.to(SUPPORT_EMAIL)).to.have.length(4);

    // The cap is per recipient: another address gets its acknowledgement …
    const [other] = await supportRequest(h().chat('conv-4'), { email: 'lain@contoh.co.id' });
    expect(other).to.not.include(withheld);
    // … and the address is counted whatever its case.
    expect((await supportRequest(h().chat('conv-5'), { email: 'KORBAN@Contoh.co.id' }))[0]).to.include(withheld);
    expect(h().transport.to(TARGET)).to.have.length(3);
  });

  it('counts the mails of all three flows to one address, from different conversations', async () => {
    expect((await unsubscribe(h().chat('conv-a'), TARGET))[0]).to.include('Selesai ✅');
    expect((await supportRequest(h().chat('conv-b'), { email: TARGET }))[0]).to.include('Terima kasih.');
    const [consent] = await parentalConsent(h().chat('conv-c'), {
      childEmail: 'anak@contoh.co.id',
      parentEmail: TARGET,
    });
    expect(consent).to.include('Permintaan persetujuan tercatat');

    expect(
      await parentalConsent(h().chat('conv-d'), { childEmail: 'rudi@contoh.co.id', parentEmail: TARGET }),
    ).to.deep.equal([limited]);
    const data = h().snapshot();
    expect(data.unsubscribes).to.have.length(1);
    expect(data.tickets).to.have.length(1);
    expect(data.consents.map((c) => c.conversationId)).to.deep.equal(['conv-c']);
    expect(h().transport.to(TARGET)).to.have.length(3);
  });

  it('a parent asked by three conversations within the hour is not mailed a 4th time', async () => {
    for (const [conv, child] of [
      ['conv-1', 'a@contoh.co.id'],
      ['conv-2', 'b@contoh.co.id'],
      ['conv-3', 'c@contoh.co.id'],
    ] as const)
      await parentalConsent(h().chat(conv), { childEmail: child, parentEmail: TARGET });
    expect(
      await parentalConsent(h().chat('conv-4'), { childEmail: 'd@contoh.co.id', parentEmail: TARGET }),
    ).to.deep.equal([limited]);
    expect(h().snapshot().consents).to.have.length(3);
    expect(h().snapshot().outbox).to.have.length(3);
  });

  it('one conversation may trigger 3 outside mails per hour, whatever the flows and addresses', async () => {
    const chat = h().chat();
    await unsubscribe(chat, 'satu@contoh.co.id');
    await supportRequest(chat, { email: 'dua@contoh.co.id' });
    await parentalConsent(chat, { childEmail: 'anak@contoh.co.id', parentEmail: 'tiga@contoh.co.id' });
    expect(await supportRequest(chat, { email: 'empat@contoh.co.id' })).to.deep.equal([limited]);
    const data = h().snapshot();
    expect([data.unsubscribes.length, data.tickets.length, data.consents.length]).to.deep.equal([1, 1, 1]);
    expect(h().transport.to('empat@contoh.co.id')).to.deep.equal([]);
  });

  it('the window is one hour on the clock: after it, the same address may be mailed again', async () => {
    for (const conv of ['conv-1', 'conv-2', 'conv-3']) await supportRequest(h().chat(conv), { email: TARGET });
    h().clock.advance(HOUR_MS - 1000);
    expect((await supportRequest(h().chat('conv-4'), { email: TARGET }))[0]).to.include(withheld);
    h().clock.advance(2000);
    expect((await supportRequest(h().chat('conv-5'), { email: TARGET }))[0]).to.not.include(withheld);
    expect(h().transport.to(TARGET)).to.have.length(4);
  });

  it('the counts come from the database, so they survive a restart', async () => {
    for (const conv of ['conv-1', 'conv-2', 'conv-3']) await supportRequest(h().chat(conv), { email: TARGET });
    const second = await env.restart();
    expect((await supportRequest(second.chat('conv-4'), { email: TARGET }))[0]).to.include(withheld);
    expect(second.snapshot().outbox.filter((m) => m.to === TARGET)).to.have.length(3);
  });

  it('the English message when the acknowledgement is withheld', async () => {
    for (const conv of ['conv-1', 'conv-2', 'conv-3']) await supportRequest(h().chat(conv), { email: TARGET });
    const chat = h().chat('conv-en');
    await chat.say('I want to delete my data');
    await chat.say('Request to delete my personal data');
    await chat.say('John Smith');
    await chat.say(TARGET);
    await chat.say('skip');
    const [done] = await chat.say('yes');
    expect(done).to.include(say('mailWithheld', 'en', { support: SUPPORT_EMAIL }));
    expect(h().snapshot().tickets).to.have.length(4);
  });
});
