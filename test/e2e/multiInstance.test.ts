/**
 * Several instances on one PostgreSQL database (issue 12), as an operator runs them: two real processes
 * (`bot/index.ts`) with the same DATABASE_URL and SMTP server, each with its own DATA_DIR, and no sticky sessions:
 * every message may land on either. A support request whose messages alternate between the two, customers whose
 * instance is killed (kill -9) mid-confirmation and who retry on the other, and the website chat's Direct Line with
 * its stream on one instance and its posts (and a parent's consent decision) on the other.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createLogger } from '../../bot/log/logger.ts';
import { openPostgresStore } from '../../bot/store/postgres/openPostgresStore.ts';
import type { Store } from '../../bot/store/store.ts';
import { FLOW_TEXTS } from '../../dialogs/replies/flowTexts.ts';
import { DirectLineClient, Stream } from '../bot/directline/client.ts';
import { sleep } from '../support/appHarness.ts';
import {
  type AssistantProcess,
  killAssistants,
  killHard,
  startAssistant,
  stopAssistant,
} from '../support/assistantProcess.ts';
import { Customer, LIMIT_REACHED, SUMMARY, ticketsIn } from '../support/httpCustomer.ts';
import { eventually, type ReceivedMail, TestSmtpServer } from '../support/mail.ts';
import { resetDatabase, usePostgresDatabase } from '../support/postgres.ts';

const SUPPORT_EMAIL = 'privacy-support@example.test';
const CLAIM_SECONDS = 2;

describe('e2e: two instances on one PostgreSQL database', function () {
  this.timeout(120_000);
  const url = usePostgresDatabase();
  let smtp: TestSmtpServer;
  let store: Store;
  const dirs: string[] = [];
  const run = Date.now().toString(36);

  async function instance(): Promise<AssistantProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'wowrack-multi-'));
    dirs.push(dir);
    return startAssistant({
      DATABASE_URL: url(),
      DATA_DIR: dir,
      SMTP_URL: smtp.url,
      SUPPORT_EMAIL,
      SERVICE_URL_ALLOWLIST: '',
      MAIL_CLAIM_SECONDS: String(CLAIM_SECONDS),
    });
  }

  /** Two instances started at once on the database (the first start migrates it: one of them does). */
  async function pair(): Promise<[AssistantProcess, AssistantProcess]> {
    const [a, b] = await Promise.all([instance(), instance()]);
    return [a, b];
  }

  const mailsTo = (to: string): ReceivedMail[] =>
    smtp.received.filter((m) => m.rcptTo.some((r) => r.toLowerCase() === to.toLowerCase()));

  before(async () => {
    smtp = await TestSmtpServer.start();
    // The test's own view of the database (opening it first also migrates it).
    store = await openPostgresStore(url(), () => new Date(), createLogger('silent'));
  });

  beforeEach(async () => {
    smtp.received.splice(0);
  });

  after(async () => {
    await killAssistants();
    await store?.close();
    await smtp?.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  describe('sharing one pair of instances', () => {
    let a: AssistantProcess;
    let b: AssistantProcess;

    before(async () => {
      [a, b] = await pair();
    });

    after(async () => {
      await Promise.all([stopAssistant(a), stopAssistant(b)]);
    });

    it('a support request whose messages alternate between the instances: one ticket, each mail once', async () => {
      const customer = new Customer(`alt-${run}`, `alternating-${run}@example.com`, '127.0.0.21');
      await customer.toConfirmation([a.port, b.port]);
      const confirmed = await customer.say(b.port, 'ya');
      const [ticket] = ticketsIn(confirmed.text);
      expect(ticket, `a ticket is named: ${confirmed.text ?? confirmed.error}`).to.be.a('string');
      // After the request, the conversation is back to questions, on either instance.
      const after = await customer.say(a.port, 'apakah data saya dijual?');
      expect(after.text).to.not.include(SUMMARY);

      const tickets = await store.requests.transaction((tx) => tx.tickets.list());
      expect(tickets.map((t) => t.id)).to.deep.equal([ticket]);
      await eventually(() => smtp.received.length >= 2, 20_000);
      await sleep(500);
      expect(mailsTo(SUPPORT_EMAIL).map((m) => m.parsed.subject)).to.have.length(1);
      expect(mailsTo(customer.email)).to.have.length(1);
      expect(smtp.received).to.have.length(2);
    });

    it('questions, then a support request, alternating between the instances: the ticket quotes every line said on both', async () => {
      const customer = new Customer(`lines-${run}`, `lines-${run}@example.com`, '127.0.0.22');
      const questions = ['apa itu cookie?', 'apakah data saya dijual?', 'bagaimana data saya dilindungi?'];
      const answers: string[] = [];
      for (const [i, text] of questions.entries()) {
        const reply = await customer.say([a, b][i % 2]?.port ?? 0, text);
        expect(reply.meta?.[0]?.kind, `${text}: ${reply.text ?? reply.error}`).to.equal('answer');
        answers.push(reply.text ?? '');
      }
      await customer.toConfirmation([b.port, a.port]); // the request starts on B, after the last question on A
      const [ticket] = ticketsIn((await customer.say(a.port, 'ya')).text);
      const stored = (await store.requests.transaction((tx) => tx.tickets.list())).find((t) => t.id === ticket);
      const said = stored?.transcript.filter((line) => line.startsWith('Pelanggan: '));
      expect(said).to.deep.equal([...questions, 'tolong hapus data saya'].map((q) => `Pelanggan: ${q}`));
      const replied = stored?.transcript.filter((line) => line.startsWith('Asisten: ')) ?? [];
      expect(replied).to.have.length(questions.length);
      for (const [i, line] of replied.entries())
        expect(line.slice('Asisten: '.length, 120), `answer ${i + 1}, said on ${i % 2 ? 'B' : 'A'}`).to.equal(
          (answers[i] ?? '').replace(/\s+/g, ' ').slice(0, 120 - 'Asisten: '.length),
        );
    });

    it('an English conversation stays English on the other instance for a short follow-up', async () => {
      const customer = new Customer(`english-${run}`, `english-${run}@example.com`, '127.0.0.23');
      const first = await customer.say(a.port, 'what personal data do you collect?');
      expect(first.meta?.[0]?.lang, first.text).to.equal('en');
      const next = await customer.say(b.port, 'cookies?');
      expect(next.meta?.[0]?.lang, next.text).to.equal('en');
    });

    it('a "did you mean" shown on A and clicked on B is linked in the inbox', async () => {
      const customer = new Customer(`suggest-${run}`, `suggest-${run}@example.com`, '127.0.0.24');
      // A fresh database per suite: the question needs no run id (a random word in it could change the match).
      const question = 'zebra belang saya terjaga';
      const shown = await customer.say(a.port, question);
      const [choice] = shown.meta?.[0]?.candidates ?? [];
      expect(shown.meta?.[0]?.kind, shown.text).to.equal('suggest');
      const clicked = await customer.click(b.port, { action: 'faq', id: choice });
      expect(clicked.meta?.[0]).to.deep.include({ kind: 'answer', entryId: choice });
      // A writes its record within 2 s (batched); B sets the choice once it is there.
      const record = async () =>
        (await store.requests.transaction((tx) => tx.inbox.list())).find((r) => r.question === question);
      await eventually(async () => (await record())?.choice !== undefined, 15_000);
      expect(await record()).to.deep.include({ kind: 'suggest', choice });
    });

    it('Direct Line: a token from one instance works on the other; posts on B reach the stream on A', async () => {
      const { client: onA, stream } = await DirectLineClient.connect(a.base);
      const onB = new DirectLineClient(b.base, onA.token, onA.conversationId, onA.userId);
      expect(stream.botMessages.filter((m) => m.channelData?.wowrack?.kind === 'welcome')).to.have.length(1);
      // Starting it again on B greets no second time.
      expect((await onB.start()).status).to.equal(201);

      const id = await onB.say('apakah data saya dijual?');
      const answer = await stream.turn(id);
      expect(answer.replies[0]?.channelData?.wowrack?.kind).to.equal('answer');

      // Messages alternating between the instances, one after the other: every reply on A's stream, in order.
      const ids: string[] = [];
      for (const [i, text] of ['cookie itu apa?', 'terima kasih', 'data apa yang dikumpulkan?'].entries()) {
        const target = i % 2 ? onA : onB;
        const sent = await target.say(text);
        await stream.turn(sent);
        ids.push(sent);
      }
      const replies = ids.map((sent) => stream.activities.findIndex((x) => x.replyToId === sent));
      expect(replies).to.deep.equal([...replies].sort((x, y) => x - y));

      // The history and watermarks are the same on both; a stream on B reconnects where A's is.
      const historyA = await onA.history();
      const historyB = await onB.history();
      expect(historyB).to.deep.equal(historyA);
      const resumed = await onB.reconnect(historyA.watermark);
      const streamB = await Stream.connect(resumed.body?.streamUrl ?? '');
      const late = await onA.say('siapa anda?');
      await streamB.turn(late);
      await stream.turn(late);
      expect(streamB.activities.every((x) => Number(x.id?.split('|')[1]) >= Number(historyA.watermark))).to.equal(true);

      // A refresh on B revokes the token on A at once.
      const refreshed = await onB.refresh();
      expect(refreshed.status).to.equal(200);
      expect((await onA.activities()).status).to.equal(403);
      await Promise.all([stream.close(), streamB.close()]);
    });

    it('Direct Line: a consent flow posted to both instances; the parent’s decision on B reaches the chat on A', async () => {
      const { client: onA, stream } = await DirectLineClient.connect(a.base);
      const onB = new DirectLineClient(b.base, onA.token, onA.conversationId, onA.userId);
      const parent = `parent-${run}@example.test`;
      const steps: [string, string | undefined][] = [
        ['saya masih 16 tahun', FLOW_TEXTS.consentAskChildName.id],
        ['Rina Lestari', FLOW_TEXTS.consentAskChildEmail.id],
        [`rina-${run}@example.test`, FLOW_TEXTS.consentAskParentName.id],
        ['Budi Lestari', undefined],
        [parent, 'Rina Lestari'],
        ['ya', `Tautan persetujuan telah dikirim ke ${parent}`],
      ];
      let last = '';
      for (const [i, [text, expected]] of steps.entries()) {
        const turn = await stream.turn(await (i % 2 ? onA : onB).say(text));
        if (expected) expect(turn.text).to.include(expected);
        last = turn.text;
      }
      const consentId = /\*\*(CNS-\d{8}-\d{4,})\*\*/.exec(last)?.[1];
      expect(consentId, last).to.be.a('string');
      await eventually(() => mailsTo(parent).length === 1, 20_000);
      const link = /\/consent\/([A-Za-z0-9_-]{43})\b/.exec(mailsTo(parent)[0]?.parsed.text ?? '')?.[1];
      expect(link, 'the consent link in the parent’s mail').to.be.a('string');

      const decided = await fetch(`${b.base}/consent/${link}`, {
        method: 'POST',
        body: new URLSearchParams({ decision: 'approve' }),
        redirect: 'manual',
      });
      expect(decided.status).to.equal(200);
      const notice = await stream.waitFor((x) => /^✅ .*menyetujui/s.test(x.text ?? ''), 10_000);
      expect(notice.text).to.include(consentId ?? '-');
      const notices = (await onB.history()).activities.filter((x) => x.text?.startsWith('✅'));
      expect(
        notices.map((x) => x.id),
        'delivered once',
      ).to.deep.equal([notice.id]);
      await stream.close();
      await Promise.all([stopAssistant(a), stopAssistant(b)]);
    });
  });

  describe('a pair of its own', () => {
    it('kill -9 of one instance mid-confirmation: retried on the other, every ticket once, every mail delivered once', async () => {
      const customers = Array.from(
        { length: 6 },
        (_, i) => new Customer(`kill-${run}-${i}`, `killed${i}-${run}@example.com`, `127.0.0.${30 + i}`),
      );
      await resetDatabase(url());
      let [a, b] = await pair();
      await Promise.all(customers.map((c) => c.toConfirmation([a.port, b.port])));

      // All confirm on A; A dies a few milliseconds in.
      const first = Promise.all(customers.map((c) => c.confirm(a.port)));
      await sleep(Math.floor(Math.random() * 30));
      await killHard(a);
      const answers = await first;
      const limited: string[] = [];
      for (const [i, customer] of customers.entries()) {
        let reply = answers[i] ?? {};
        // Cut off by the kill: the customer's client retries the same activity on the other instance.
        if (reply.text === undefined) reply = await customer.confirm(b.port);
        if (reply.text?.includes(LIMIT_REACHED)) limited.push(customer.conversationId);
        const named = ticketsIn(reply.text);
        expect(named.length, `${customer.conversationId}: ${reply.text ?? reply.error}`).to.be.at.most(1);
        // Answered without a number: the confirmation was recorded before the kill, and the flow has ended.
        if (named.length === 0) expect(reply.text, customer.conversationId).to.be.a('string').and.not.include(SUMMARY);
        customer.told = named[0];
      }
      expect(limited, 'no cap reached by duplicated mail').to.deep.equal([]);

      // A comes back (an operator's restart); meanwhile B took over what A had claimed once the claims expired.
      a = await instance();
      const tickets = await store.requests.transaction((tx) => tx.tickets.list());
      expect(tickets, 'one ticket per customer').to.have.length(customers.length);
      for (const customer of customers) {
        const mine = tickets.filter((t) => t.email === customer.email);
        expect(mine, customer.email).to.have.length(1);
        if (customer.told) expect(customer.told).to.equal(mine[0]?.id);
      }
      const expected = customers.length * 2;
      const recorded = await store.requests.transaction((tx) => tx.outbox.createdSince(new Date(0)));
      expect(recorded, 'two mails recorded per ticket, once').to.have.length(expected);

      await eventually(() => new Set(smtp.received.map((m) => m.parsed.messageId)).size >= expected, 40_000);
      await sleep(CLAIM_SECONDS * 1000 + 1500);
      const ids = smtp.received.map((m) => m.parsed.messageId);
      expect(new Set(ids).size, 'every recorded mail was delivered').to.equal(expected);
      // A worker sends one mail at a time: at most the one A had handed to the SMTP server, and not yet marked sent,
      // when it died can arrive twice (at-least-once), with the same Message-ID.
      expect(ids.length, `deliveries: ${ids.length} for ${expected} mails`).to.be.within(expected, expected + 1);
      for (const customer of customers) expect(mailsTo(customer.email).length, customer.email).to.be.within(1, 2);
      const pending = await store.requests.transaction((tx) => tx.outbox.pending());
      expect(pending, 'nothing left pending').to.deep.equal([]);
      await Promise.all([stopAssistant(a), stopAssistant(b)]);
    });
  });
});
