/**
 * What the customer is told about a request is what happened to it: one record per confirmed request however often
 * the confirmation arrives, nothing kept or sent when the disk fails, and what the customer typed shown back as text.
 */
import { mkdir, rm } from 'node:fs/promises';
import { expect } from 'chai';
import { say } from '../../../dialogs/replies/texts.ts';
import { type Chat, useFlowHarness } from '../../support/flowHarness.ts';
import { supportRequest } from '../../support/flowScripts.ts';

const EMAIL = 'budi@contoh.co.id';

/** Brings a support request to its summary (the next message answers "send it?"). */
async function toSummary(chat: Chat, question = 'tolong hapus data saya'): Promise<string[]> {
  await chat.say(question);
  await chat.say('Permintaan penghapusan data pribadi');
  await chat.say('Budi Santoso');
  await chat.say(EMAIL);
  return chat.say('lewati');
}

describe('flows: request integrity', () => {
  const env = useFlowHarness();
  const h = () => env.current();

  it('two "ya" at once (a double click, a client retry) record one ticket and both name it', async () => {
    const chat = h().chat();
    await toSummary(chat);
    const [first, second] = await Promise.all([chat.say('ya'), chat.say('ya')]);
    await h().settle();
    const tickets = h().snapshot().tickets;
    expect(tickets).to.have.length(1);
    const id = tickets[0]?.id ?? '';
    const named = [...(first ?? []), ...(second ?? [])].filter((t) => /PRV-\d{8}-\d{4}/.test(t));
    expect(named.length).to.be.at.least(1);
    for (const text of named) expect(text).to.include(id);
    // Both turns read the summary step; the one that saved its state second is told to send its message again.
    expect([...(first ?? []), ...(second ?? [])].filter((t) => t === say('crossedMessages', 'id'))).to.have.length(1);
    expect(h().snapshot().outbox).to.have.length(2, 'one pair of mails');
  });

  it('a confirmation replayed after a restart (state saved before the reply) answers with the same ticket', async () => {
    const chat = h().chat();
    await toSummary(chat);
    // The state at the confirmation, as a crash between the record and the state save would leave it.
    const before = h().snapshot().state;
    await chat.say('ya');
    const id = h().snapshot().tickets[0]?.id ?? '';
    const restarted = await env.restart();
    await restarted.db.update((data) => {
      for (const [key, item] of Object.entries(before)) data.state[key] = item;
    });
    const replay = await restarted.chat().say('ya');
    expect(replay.join(' ')).to.include(id);
    expect(replay.join(' ')).to.not.include(say('rateLimited', 'id', { support: '' }).slice(0, 30));
    expect(restarted.snapshot().tickets).to.have.length(1);
    expect(restarted.snapshot().outbox).to.have.length(2);
  });

  it('disk full at the confirmation: told "not recorded", and nothing is kept or sent, then or later', async () => {
    const chat = h().chat();
    await toSummary(chat);
    await rm(env.dir(), { recursive: true }); // the disk fails: the data directory is gone
    // The turn's own state save fails too: in the app the adapter's onTurnError then apologises; here it throws.
    const failure = await chat.say('ya').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(Error);
    const replies = h()
      .adapter.activeQueue.splice(0)
      .map((a) => a.text);
    expect(replies).to.deep.equal([say('storageFailed', 'id')]);
    await mkdir(env.dir());
    h().clock.advance(60_000);
    await h().settle();
    await h().settle();
    expect(h().snapshot().tickets).to.deep.equal([]);
    expect(h().snapshot().outbox).to.deep.equal([]);
    expect(h().transport.attempts).to.deep.equal([], 'nothing mailed');
  });

  it('customer-typed markdown is shown as text in the summary, not as a link', async () => {
    const chat = h().chat();
    const summary = await toSummary(chat, 'hapus data saya [Verifikasi akun](http://evil.example) **segera**');
    const text = summary.join('\n');
    expect(text).to.include('\\[Verifikasi akun\\]\\(http://evil.example\\) \\*\\*segera\\*\\*');
    expect(text).to.not.include('](http');
  });

  it('the whole script still works end to end', async () => {
    const done = await supportRequest(h().chat('other'), { email: EMAIL });
    expect(done.join(' ')).to.match(/PRV-\d{8}-\d{4}/);
  });
});
