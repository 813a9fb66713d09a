/**
 * End-to-end: the real server (createApp on port 0, its own DATA_DIR) driven over HTTP like a Bot Framework channel
 * with deliveryMode "expectReplies", a real SMTP server on loopback (smtp-server, parsed with mailparser), and a fake
 * Bot Framework connector for the proactive consent notice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { App } from '../../bot/app.ts';
import { FLOW_TEXTS } from '../../dialogs/replies/flowTexts.ts';
import { hashToken } from '../../domain/consent.ts';
import type { ConsentRecord } from '../../domain/records.ts';
import { formatTime } from '../../domain/time.ts';
import {
  addressOf,
  Conversation,
  FakeConnector,
  MAIL_FROM,
  MARKETING_EMAIL,
  PUBLIC_URL,
  type RunningApp,
  rawRequest,
  readDbFile,
  SUPPORT_EMAIL,
  sleep,
  startApp,
  textOf,
} from '../support/appHarness.ts';
import { closedPort, eventually, type ReceivedMail, TestSmtpServer } from '../support/mail.ts';

const T = {
  unsubscribeDone: 'sudah tercatat berhenti berlangganan',
  unsubscribeMailSent: FLOW_TEXTS.unsubscribeMailSent.id,
  mailQueued: FLOW_TEXTS.mailQueued.id,
  rateLimited: 'batas pengiriman e-mail',
  askAccount: FLOW_TEXTS.supportAskAccount.id,
  askEmail: FLOW_TEXTS.supportAskEmail.id,
  nameRetry: FLOW_TEXTS.nameRetry.id,
  accessKind: 'Permintaan salinan data pribadi',
} as const;

const DAY_MS = 24 * 3_600_000;
/** Retries that fit a test: first retry after ~100 ms, the outbox timer every 50 ms. */
const FAST_RETRY = { retry: { baseMs: 100, maxMs: 200 }, outboxIntervalMs: 50 } as const;

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'wowrack-e2e-'));
}

/** Lets the outbox run a few more times, so a duplicate delivery would have happened by now. */
async function settle(app: App): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    await app.outbox.deliverDue();
    await sleep(30);
  }
}

/** The unsubscribe flow from its first message to the confirmation; returns the last turn's text. */
async function unsubscribe(conversation: Conversation, email: string): Promise<string> {
  const start = await conversation.say('saya mau berhenti berlangganan email promosi');
  expect(start.text).to.include(FLOW_TEXTS.unsubscribeAskEmail.id);
  const confirm = await conversation.say(email);
  expect(confirm.text).to.include('Hentikan e-mail promosi');
  const done = await conversation.say('ya');
  expect(done.status).to.equal(200);
  return done.text;
}

const subjectOf = (mail: ReceivedMail): string => mail.parsed.subject ?? '';

describe('end to end over HTTP, with a real SMTP server', function () {
  this.timeout(10_000);
  this.slow(2_000);

  describe('with SMTP up', () => {
    let smtp: TestSmtpServer;
    let running: RunningApp;
    let dataDir: string;
    const conversation = (id: string): Conversation => new Conversation(() => running.base, id);
    const since = (count: number): ReceivedMail[] => smtp.received.slice(count);

    before(async () => {
      smtp = await TestSmtpServer.start();
      dataDir = await tempDir();
      running = await startApp(dataDir, smtp.url);
    });

    after(async () => {
      await running?.app.close();
      await smtp?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('unsubscribe: REMOVE to marketing (Reply-To the customer) and a confirmation, exactly 2 mails; recorded on disk', async () => {
      const before = smtp.received.length;
      const chat = conversation('e2e-unsubscribe');
      const reply = await unsubscribe(chat, 'Budi.Promo@Example.test');
      expect(reply).to.include(T.unsubscribeDone).and.include(T.unsubscribeMailSent);
      expect(reply).not.to.include(T.mailQueued);

      await settle(running.app);
      const mails = since(before);
      expect(mails).to.have.length(2);
      const remove = mails.find((m) => subjectOf(m) === 'REMOVE');
      const confirmation = mails.find((m) => subjectOf(m).startsWith('Konfirmasi'));
      if (!remove || !confirmation) throw new Error(`unexpected subjects: ${mails.map(subjectOf).join(' | ')}`);

      expect(addressOf(remove.parsed.to)).to.equal(MARKETING_EMAIL);
      expect(remove.rcptTo).to.deep.equal([MARKETING_EMAIL]);
      expect(addressOf(remove.parsed.replyTo)).to.equal('budi.promo@example.test');
      expect(textOf(remove)).to.include('budi.promo@example.test');

      expect(addressOf(confirmation.parsed.to)).to.equal('budi.promo@example.test');
      expect(confirmation.rcptTo).to.deep.equal(['budi.promo@example.test']);
      expect(textOf(confirmation)).to.include('budi.promo@example.test');

      for (const mail of mails) {
        expect(addressOf(mail.parsed.from)).to.equal(MAIL_FROM);
        expect(mail.mailFrom).to.equal(MAIL_FROM);
        expect(mail.parsed.messageId).to.match(/^<[0-9a-f-]{36}@example\.test>$/);
      }
      expect(remove.parsed.messageId).not.to.equal(confirmation.parsed.messageId);

      const db = await readDbFile(dataDir);
      const record = db.unsubscribes.find((u) => u.email === 'budi.promo@example.test');
      expect(record).to.include({ source: 'chat', conversationId: 'e2e-unsubscribe' });
      const outbox = db.outbox.filter((r) => r.conversationId === 'e2e-unsubscribe');
      expect(outbox.map((r) => r.status)).to.deep.equal(['sent', 'sent']);
      expect(outbox.map((r) => `<${r.id}@example.test>`).sort()).to.deep.equal(
        mails.map((m) => m.parsed.messageId).sort(),
      );

      // Asking again: already on the list, nothing more is sent.
      const again = await unsubscribeAgain(chat, 'budi.promo@example.test');
      expect(again).to.include('sudah tercatat berhenti berlangganan e-mail promosi sejak');
      await settle(running.app);
      expect(since(before)).to.have.length(2);
    });

    /** A second run for an address already on the list ends at the e-mail step. */
    async function unsubscribeAgain(chat: Conversation, email: string): Promise<string> {
      await chat.say('saya mau berhenti berlangganan email promosi');
      return (await chat.say(email)).text;
    }

    it('support: ticket id from the chat in the support mail (kind, due date, question, transcript) and an acknowledgement', async () => {
      const before = smtp.received.length;
      const chat = conversation('e2e-support');
      const answer = await chat.say('Apakah data saya dijual?');
      expect(answer.replies.some((r) => r.channelData?.wowrack?.kind === 'answer')).to.equal(true);

      const start = await chat.say('saya mau minta salinan data saya');
      expect(start.text).to.include(FLOW_TEXTS.supportAskKind.id);
      expect((await chat.say(T.accessKind)).text).to.include(FLOW_TEXTS.supportAskName.id);
      expect((await chat.say('Budi Santoso')).text).to.include(T.askEmail);
      expect((await chat.say('budi.support@example.test')).text).to.include(T.askAccount);
      const summary = await chat.say('lewati');
      expect(summary.text)
        .to.include(T.accessKind)
        .and.include('Budi Santoso')
        .and.include('budi.support@example.test');
      const done = await chat.say('ya');

      const ticketId = /\*\*(PRV-\d{8}-\d{4,})\*\*/.exec(done.text)?.[1];
      if (!ticketId) throw new Error(`no ticket id in: ${done.text}`);
      expect(done.text).to.include('telah diteruskan ke tim support');

      const db = await readDbFile(dataDir);
      const ticket = db.tickets.find((t) => t.id === ticketId);
      if (!ticket?.dueAt) throw new Error('ticket with a due date not recorded');
      expect(ticket).to.include({ kind: 'access', name: 'Budi Santoso', email: 'budi.support@example.test' });
      expect(Date.parse(ticket.dueAt) - Date.parse(ticket.createdAt)).to.equal(3 * DAY_MS);
      const due = formatTime(ticket.dueAt, 'id');
      expect(done.text).to.include(due);

      await settle(running.app);
      const mails = since(before);
      expect(mails).to.have.length(2);
      const toSupport = mails.find((m) => addressOf(m.parsed.to) === SUPPORT_EMAIL);
      const toCustomer = mails.find((m) => addressOf(m.parsed.to) === 'budi.support@example.test');
      if (!toSupport || !toCustomer) throw new Error('missing support or acknowledgement mail');

      expect(addressOf(toSupport.parsed.replyTo)).to.equal('budi.support@example.test');
      expect(subjectOf(toSupport)).to.include(ticketId).and.include(T.accessKind);
      const body = textOf(toSupport);
      expect(body).to.include(`Tiket          : ${ticketId}`);
      expect(body).to.include(`Jenis          : ${T.accessKind}`);
      expect(body).to.include(`Batas tanggapan: ${due}`);
      expect(body).to.include('  saya mau minta salinan data saya');
      expect(body).to.include('Pelanggan: Apakah data saya dijual?');
      expect(body).to.match(/\n {2}Asisten: \S/);

      expect(subjectOf(toCustomer)).to.include(ticketId);
      expect(textOf(toCustomer)).to.include('Halo Budi Santoso').and.include(due);
      expect(toCustomer.parsed.replyTo).to.equal(undefined);
      for (const mail of mails) expect(addressOf(mail.parsed.from)).to.equal(MAIL_FROM);
    });

    it('abuse: the 4th mail-sending flow from one conversation within the hour is refused, and sends nothing', async () => {
      const before = smtp.received.length;
      const chat = conversation('e2e-abuse');
      expect(await unsubscribe(chat, 'abuse1@example.test')).to.include(T.unsubscribeDone);
      expect(await unsubscribe(chat, 'abuse2@example.test')).to.include(T.unsubscribeDone);

      expect((await chat.say('saya mau kirim pertanyaan ke support')).text).to.include(
        FLOW_TEXTS.supportAskQuestion.id,
      );
      await chat.say('Apakah data saya dibagikan ke pihak lain?');
      await chat.say('Pertanyaan tentang kebijakan privasi');
      await chat.say('Budi Santoso');
      await chat.say('abuse3@example.test');
      await chat.say('lewati');
      expect((await chat.say('ya')).text).to.match(/nomor tiket \*\*PRV-/);

      const fourth = await unsubscribe(chat, 'abuse4@example.test');
      expect(fourth).to.include(T.rateLimited).and.include(SUPPORT_EMAIL);
      expect(fourth).not.to.include(T.unsubscribeDone);

      await settle(running.app);
      const mails = since(before);
      expect(mails).to.have.length(6);
      expect(mails.flatMap((m) => m.rcptTo)).not.to.include('abuse4@example.test');
      const db = await readDbFile(dataDir);
      expect(db.unsubscribes.map((u) => u.email)).not.to.include('abuse4@example.test');
      expect(db.outbox.filter((r) => r.to === 'abuse4@example.test')).to.have.length(0);
    });

    it('malformed bodies on /api/messages get a 4xx (400 for JSON that is not an activity), never a 500', async () => {
      const activity = {
        type: 'message',
        id: 'm-1',
        text: 'halo',
        channelId: 'webchat',
        conversation: { id: 'e2e-malformed' },
        from: { id: 'u' },
        recipient: { id: 'bot' },
        deliveryMode: 'expectReplies',
      };
      const json = 'application/json';
      const cases: readonly (readonly [string, string, string, number])[] = [
        ['truncated JSON', '{"type": "message", "text": ', json, 400],
        ['empty body', '', json, 400],
        ['JSON array', JSON.stringify([activity]), json, 400],
        ['JSON null', 'null', json, 400],
        ['JSON number', '42', json, 400],
        ['no type', JSON.stringify({ ...activity, type: undefined }), json, 400],
        ['numeric conversation id', JSON.stringify({ ...activity, conversation: { id: 5 } }), json, 400],
        ['no conversation', JSON.stringify({ ...activity, conversation: undefined }), json, 400],
        ['from without id', JSON.stringify({ ...activity, from: {} }), json, 400],
        ['text is an object', JSON.stringify({ ...activity, text: { a: 1 } }), json, 400],
        ['no serviceUrl and no expectReplies', JSON.stringify({ ...activity, deliveryMode: undefined }), json, 400],
        ['form-encoded', 'type=message&text=halo', 'application/x-www-form-urlencoded', 400],
        ['plain text', 'halo', 'text/plain', 415],
        ['over 256 KB', JSON.stringify({ ...activity, pad: 'x'.repeat(300 * 1024) }), json, 413],
      ];
      for (const [name, body, contentType, status] of cases) {
        const res = await rawRequest(running.port, 'POST', '/api/messages', body, { 'content-type': contentType });
        expect(res.status, name).to.equal(status);
      }
      // Still serving afterwards.
      const ok = await conversation('e2e-malformed').say('Apakah data saya dijual?');
      expect(ok.status).to.equal(200);
      expect(ok.replies.some((r) => r.channelData?.wowrack?.kind === 'answer')).to.equal(true);
    });

    it('a conversationUpdate with membersAdded [null] is rejected with 400 and leaves the flow in progress alone', async () => {
      const chat = conversation('e2e-members-null');
      expect((await chat.say('saya mau berhenti berlangganan email promosi')).text).to.include(
        FLOW_TEXTS.unsubscribeAskEmail.id,
      );
      const body = JSON.stringify({
        type: 'conversationUpdate',
        id: 'cu-1',
        channelId: 'webchat',
        conversation: { id: 'e2e-members-null' },
        from: { id: 'u' },
        recipient: { id: 'bot' },
        deliveryMode: 'expectReplies',
        membersAdded: [null],
      });
      const res = await rawRequest(running.port, 'POST', '/api/messages', body, { 'content-type': 'application/json' });
      expect(res.status).to.equal(400);
      expect((await chat.say('members.null@example.test')).text).to.include('Hentikan e-mail promosi');
    });

    it('/healthz reports pendingMail', async () => {
      const res = await fetch(`${running.base}/healthz`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.include({ status: 'ok', pendingMail: 0 });
    });
  });

  describe('with SMTP down, then up again', () => {
    let port: number;
    let smtp: TestSmtpServer | undefined;
    let running: RunningApp;
    let dataDir: string;

    before(async () => {
      port = await closedPort();
      dataDir = await tempDir();
      running = await startApp(dataDir, `smtp://127.0.0.1:${port}`, FAST_RETRY);
    });

    after(async () => {
      await running?.app.close();
      await smtp?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('says the request is recorded but the e-mail not sent yet; delivers each mail exactly once when SMTP is back', async () => {
      const chat = new Conversation(() => running.base, 'e2e-smtp-down');
      await chat.say('saya mau berhenti berlangganan email promosi');
      await chat.say('down@example.test');
      const turn = await chat.say('ya');
      expect(turn.text).to.include(T.unsubscribeDone).and.include(T.mailQueued);
      expect(turn.text).not.to.include(T.unsubscribeMailSent);
      // It does not sit out the whole delivery wait (3 s): the first failed attempt settles the answer.
      expect(turn.ms).to.be.below(2_000);

      const db = await readDbFile(dataDir);
      expect(db.unsubscribes.map((u) => u.email)).to.deep.equal(['down@example.test']);
      expect(db.outbox).to.have.length(2);
      expect(db.outbox.map((r) => r.status)).to.deep.equal(['pending', 'pending']);
      // The first failed attempt is on record (it is what made the answer say "not sent yet").
      expect(db.outbox.some((r) => r.attempts >= 1 && typeof r.lastError === 'string')).to.equal(true);
      const health = await (await fetch(`${running.base}/healthz`)).json();
      expect(health).to.deep.include({ pendingMail: 2 });

      smtp = await TestSmtpServer.start(port);
      const server = smtp;
      await eventually(() => server.received.length >= 2, 3_000);
      await settle(running.app);
      await sleep(300); // several more timer ticks
      expect(server.received).to.have.length(2);
      expect(server.received.map((m) => addressOf(m.parsed.to)).sort()).to.deep.equal([
        'down@example.test',
        MARKETING_EMAIL,
      ]);
      expect(new Set(server.received.map((m) => m.parsed.messageId)).size).to.equal(2);
      expect(await running.app.outbox.pending()).to.have.length(0);
      const after = await readDbFile(dataDir);
      expect(after.outbox.map((r) => r.status)).to.deep.equal(['sent', 'sent']);
      expect(await (await fetch(`${running.base}/healthz`)).json()).to.deep.include({ pendingMail: 0 });
    });
  });

  describe('restart on the same DATA_DIR', () => {
    let port: number;
    let smtp: TestSmtpServer | undefined;
    let running: RunningApp | undefined;
    let dataDir: string;
    const base = (): string => {
      if (!running) throw new Error('app not running');
      return running.base;
    };

    before(async () => {
      port = await closedPort();
      dataDir = await tempDir();
    });

    after(async () => {
      await running?.app.close();
      await smtp?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('delivers mail left pending exactly once after the restart, and a flow stopped mid-way resumes at its step', async () => {
      const smtpUrl = `smtp://127.0.0.1:${port}`;
      running = await startApp(dataDir, smtpUrl, FAST_RETRY);
      const unsub = new Conversation(base, 'e2e-restart-unsubscribe');
      expect(await unsubscribe(unsub, 'restart@example.test')).to.include(T.mailQueued);

      const support = new Conversation(base, 'e2e-restart-support');
      await support.say('saya mau minta salinan data saya');
      await support.say(T.accessKind);
      expect((await support.say('Rina Wati')).text).to.include(T.askEmail);

      await running.app.close();
      running = undefined;
      const stopped = await readDbFile(dataDir);
      expect(stopped.outbox.filter((r) => r.status === 'pending')).to.have.length(2);

      smtp = await TestSmtpServer.start(port);
      const server = smtp;
      running = await startApp(dataDir, smtpUrl, FAST_RETRY);
      const app = running.app;
      await eventually(() => server.received.length >= 2, 3_000);
      await settle(app);
      await sleep(200);
      expect(server.received.map((m) => addressOf(m.parsed.to)).sort()).to.deep.equal([
        MARKETING_EMAIL,
        'restart@example.test',
      ]);
      expect(server.received.map((m) => m.parsed.messageId).sort()).to.deep.equal(
        stopped.outbox.map((r) => `<${r.id}@example.test>`).sort(),
      );

      // The support conversation continues at the e-mail step, with its earlier answers.
      expect((await support.say('rina@example.test')).text).to.include(T.askAccount);
      const summary = await support.say('lewati');
      expect(summary.text).to.include('Rina Wati').and.include(T.accessKind).and.include('rina@example.test');
      const done = await support.say('ya');
      expect(done.text).to.include('telah diteruskan ke tim support');
      await settle(app);
      expect(server.received).to.have.length(4);
      expect(await app.outbox.pending()).to.have.length(0);
    });
  });

  describe('parental consent decided while SMTP is down', () => {
    let running: RunningApp;
    let dataDir: string;

    before(async () => {
      dataDir = await tempDir();
      running = await startApp(dataDir, `smtp://127.0.0.1:${await closedPort()}`, FAST_RETRY);
    });

    after(async () => {
      await running?.app.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('the recorded page does not claim the team was informed while the decision mails are still pending', async () => {
      const chat = new Conversation(() => running.base, 'e2e-consent-smtp-down');
      for (const line of [
        'saya masih 16 tahun',
        'Andi Wijaya',
        'andi@example.test',
        'Siti Rahayu',
        'siti@example.test',
      ])
        await chat.say(line);
      expect((await chat.say('ya')).text).to.include(T.mailQueued);
      // The link is only in the (pending) parent mail: the database keeps a hash of the token, never the token.
      const pendingLink = (await running.app.outbox.pending()).find((r) => r.purpose === 'consent-request');
      const token = /\/consent\/([A-Za-z0-9_-]{43})/.exec(pendingLink?.text ?? '')?.[1];
      if (!token) throw new Error('no pending consent mail');
      const res = await fetch(`${running.base}/consent/${token}`, {
        method: 'POST',
        body: new URLSearchParams({ decision: 'approve' }),
      });
      expect(res.status).to.equal(200);
      expect(
        (await running.app.outbox.pending()).filter((r) => r.purpose.startsWith('consent-decision')),
      ).to.have.length(2);
      expect(await res.text()).not.to.include('telah diberi tahu');
    });
  });

  describe('parental consent page', () => {
    let smtp: TestSmtpServer;
    let connector: FakeConnector;
    let running: RunningApp;
    let dataDir: string;
    let offsetMs = 0;
    const now = (): Date => new Date(Date.now() + offsetMs);

    interface ConsentRun {
      readonly id: string;
      readonly token: string;
      /** The link from the parent's mail, pointed at this app. */
      readonly url: string;
      readonly childEmail: string;
    }

    before(async () => {
      smtp = await TestSmtpServer.start();
      connector = await FakeConnector.start();
      dataDir = await tempDir();
      running = await startApp(dataDir, smtp.url, { now });
    });

    after(async () => {
      await running?.app.close();
      await connector?.close();
      await smtp?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    /** The consent flow over HTTP for a conversation whose serviceUrl is the fake connector. */
    async function requestConsent(
      conversationId: string,
      child: { name: string; email: string },
      parent: { name: string; email: string },
    ): Promise<ConsentRun> {
      const before = smtp.received.length;
      const chat = new Conversation(() => running.base, conversationId, connector.url);
      expect((await chat.say('saya masih 16 tahun')).text).to.include(FLOW_TEXTS.consentAskChildName.id);
      expect((await chat.say(child.name)).text).to.include(FLOW_TEXTS.consentAskChildEmail.id);
      await chat.say(child.email);
      await chat.say(parent.name);
      expect((await chat.say(parent.email)).text).to.include(child.name);
      const sent = await chat.say('ya');
      const id = /\*\*(CNS-\d{8}-\d{4,})\*\*/.exec(sent.text)?.[1];
      if (!id) throw new Error(`no consent id in: ${sent.text}`);
      expect(sent.text).to.include(`Tautan persetujuan telah dikirim ke ${parent.email}`);

      await eventually(() => smtp.received.length > before);
      const mail = smtp.received.slice(before).find((m) => addressOf(m.parsed.to) === parent.email);
      if (!mail) throw new Error('no mail to the parent');
      const link = /(\S+)\/consent\/([A-Za-z0-9_-]+)/.exec(textOf(mail));
      if (!link?.[2]) throw new Error('no consent link in the parent mail');
      expect(link[1]).to.equal(PUBLIC_URL);
      return { id, token: link[2], url: `${running.base}/consent/${link[2]}`, childEmail: child.email };
    }

    const consentInDb = async (id: string): Promise<ConsentRecord | undefined> =>
      (await readDbFile(dataDir)).consents.find((c) => c.id === id);

    const decide = (url: string, decision: string): Promise<Response> =>
      fetch(url, { method: 'POST', body: new URLSearchParams({ decision }), redirect: 'manual' });

    function expectSecurityHeaders(headers: Headers): void {
      expect(headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(headers.get('cache-control')).to.equal('no-store');
      expect(headers.get('referrer-policy')).to.equal('no-referrer');
      expect(headers.get('x-content-type-options')).to.equal('nosniff');
      expect(headers.get('content-security-policy'))
        .to.include("default-src 'none'")
        .and.include("form-action 'self'")
        .and.include("frame-ancestors 'none'");
    }

    let approved: ConsentRun;

    it('the link shows the request (names HTML-escaped, a POST form with two buttons); GET and HEAD decide nothing', async () => {
      const chat = new Conversation(() => running.base, 'e2e-consent-markup', connector.url);
      await chat.say('saya masih 16 tahun');
      // Markup is not a name: the chat refuses it before it could reach a page.
      expect((await chat.say('Andi <b>')).text).to.include(T.nameRetry);

      approved = await requestConsent(
        'e2e-consent-approve',
        { name: "Andi O'Brien", email: 'andi@example.test' },
        { name: 'Siti Rahayu', email: 'siti@example.test' },
      );
      const mailsBefore = smtp.received.length;
      const stored = await consentInDb(approved.id);
      expect(stored?.decision).to.equal(undefined);

      const page = await fetch(approved.url);
      expect(page.status).to.equal(200);
      expectSecurityHeaders(page.headers);
      const html = await page.text();
      expect(html).to.include('<strong>Andi O&#39;Brien</strong>');
      expect(html).not.to.include("O'Brien");
      expect(html).to.include('Siti Rahayu').and.include(approved.id);
      const form = /<form\b[^>]*>[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
      expect(form).to.match(/^<form method="post" action="\/consent\/[A-Za-z0-9_-]{43}"/);
      expect(form).to.include(`action="/consent/${approved.token}"`);
      expect(form.match(/<button [^>]*type="submit" name="decision"/g)).to.have.length(2);
      expect(form).to.include('value="approve"').and.include('value="decline"');

      await fetch(approved.url);
      const head = await fetch(approved.url, { method: 'HEAD' });
      expect(await head.text()).to.equal('');
      await settle(running.app);
      expect(await consentInDb(approved.id)).to.deep.equal(stored);
      expect(smtp.received.length).to.equal(mailsBefore);
      // Replies during the flow came back in the HTTP responses: nothing went to the connector.
      expect(connector.calls).to.have.length(0);
    });

    it('HEAD on the link answers like GET, without a body', async () => {
      const head = await fetch(approved.url, { method: 'HEAD' });
      expect(head.status).to.equal(200);
      expectSecurityHeaders(head.headers);
    });

    it('page escapes markup stored in a request (names, e-mail)', async () => {
      const token = 'E2eMarkupToken_0123456789abcdefghijklmnopqr';
      expect(token).to.have.length(43);
      const created = now();
      const record: ConsentRecord = {
        id: 'CNS-20250101-0001',
        createdAt: created.toISOString(),
        expiresAt: new Date(created.getTime() + 7 * DAY_MS).toISOString(),
        tokenHash: hashToken(token),
        lang: 'id',
        childName: 'Andi <b>',
        childEmail: 'andi"<i>@example.test',
        childAge: 16,
        parentName: '<script>alert(1)</script>',
        parentEmail: 'parent@example.test',
        conversationId: 'e2e-seeded',
      };
      await running.app.store.requests.transaction((tx) => tx.consents.add(record));
      const page = await fetch(`${running.base}/consent/${token}`);
      expect(page.status).to.equal(200);
      const html = await page.text();
      expect(html).to.include('<strong>Andi &#60;b&#62;</strong>');
      expect(html).to.include('&#60;script&#62;alert(1)&#60;/script&#62;');
      expect(html).to.include('andi&#34;&#60;i&#62;@example.test');
      expect(html).not.to.include('Andi <b>').and.not.include('<script>').and.not.include('<i>');
    });

    it('POST approve records the decision, mails support and the customer, and tells the conversation', async () => {
      const before = smtp.received.length;
      const started = Date.now();
      const res = await decide(approved.url, 'approve');
      expect(res.status).to.equal(200);
      expectSecurityHeaders(res.headers);
      const html = await res.text();
      expect(html).to.include('Keputusan tercatat').and.include('disetujui').and.include(approved.id);

      const stored = await consentInDb(approved.id);
      expect(stored?.decision).to.equal('approved');
      expect(Date.parse(stored?.decidedAt ?? '')).to.be.within(started - 1_000, Date.now() + 1_000);

      await eventually(() => smtp.received.length >= before + 2);
      await settle(running.app);
      const mails = smtp.received.slice(before);
      expect(mails).to.have.length(2);
      const toSupport = mails.find((m) => addressOf(m.parsed.to) === SUPPORT_EMAIL);
      const toCustomer = mails.find((m) => addressOf(m.parsed.to) === approved.childEmail);
      if (!toSupport || !toCustomer) throw new Error('missing decision mail to support or to the customer');
      expect(subjectOf(toSupport)).to.equal(`[${approved.id}] Persetujuan orang tua DISETUJUI`);
      expect(textOf(toSupport)).to.include("Andi O'Brien").and.include('siti@example.test');
      expect(subjectOf(toCustomer)).to.include(approved.id).and.include('menyetujui');
      for (const mail of mails) expect(addressOf(mail.parsed.from)).to.equal(MAIL_FROM);

      await eventually(() => connector.calls.length >= 1);
      expect(connector.calls).to.have.length(1);
      const call = connector.calls[0];
      expect(call?.conversationId).to.equal('e2e-consent-approve');
      expect(call?.body.type).to.equal('message');
      expect(String(call?.body.text))
        .to.match(/^✅ .*menyetujui/)
        .and.include(approved.id);
    });

    it('the link works once: POST again → 409 page, GET → 409, nothing new recorded or sent', async () => {
      const before = smtp.received.length;
      const stored = await consentInDb(approved.id);
      const again = await decide(approved.url, 'decline');
      expect(again.status).to.equal(409);
      expectSecurityHeaders(again.headers);
      expect(await again.text())
        .to.include('sudah digunakan')
        .and.include('disetujui');
      expect((await fetch(approved.url)).status).to.equal(409);
      await settle(running.app);
      expect(smtp.received.length).to.equal(before);
      expect(await consentInDb(approved.id)).to.deep.equal(stored);
      expect(connector.calls).to.have.length(1);
    });

    it('a second request, declined', async () => {
      const run = await requestConsent(
        'e2e-consent-decline',
        { name: 'Rudi Hartono', email: 'rudi@example.test' },
        { name: 'Dewi Lestari', email: 'dewi@example.test' },
      );
      const before = smtp.received.length;
      const calls = connector.calls.length;
      const res = await decide(run.url, 'decline');
      expect(res.status).to.equal(200);
      expect(await res.text()).to.include('ditolak');
      const stored = await consentInDb(run.id);
      expect(stored?.decision).to.equal('declined');
      expect(stored?.decidedAt).to.be.a('string');

      await eventually(() => smtp.received.length >= before + 2);
      await settle(running.app);
      const subjects = smtp.received.slice(before).map(subjectOf).sort();
      expect(subjects).to.deep.equal([
        `[${run.id}] Orang tua/wali menolak permintaan Anda`,
        `[${run.id}] Persetujuan orang tua DITOLAK`,
      ]);
      await eventually(() => connector.calls.length > calls);
      const notices = connector.calls.slice(calls);
      expect(notices).to.have.length(1);
      expect(notices[0]?.conversationId).to.equal('e2e-consent-decline');
      expect(String(notices[0]?.body.text)).to.include('menolak').and.include(run.id);
    });

    it('unknown or malformed tokens → 404 page; a missing or invalid decision → 400; two clicks at once decide once', async () => {
      const token = approved.token;
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const routed = [
        'abc',
        'A'.repeat(43),
        `${token}A`,
        token.slice(0, 42),
        `${token.slice(0, 42)}%00`,
        `${token}%00`,
        '%00',
        `..%2F..%2F${token}`,
        `${token.slice(0, 20)}%2F..%2F${token.slice(20)}`,
      ];
      for (const path of routed) {
        for (const method of ['GET', 'POST']) {
          const res =
            method === 'GET'
              ? await rawRequest(running.port, method, `/consent/${path}`)
              : await rawRequest(running.port, method, `/consent/${path}`, 'decision=approve', form);
          expect(res.status, `${method} ${path}`).to.equal(404);
          expect(res.headers['content-type'], path).to.equal('text/html; charset=utf-8');
          expect(res.headers['cache-control'], path).to.equal('no-store');
          expect(res.body, path).to.include('Tautan tidak dikenal');
        }
      }
      // Not routed to the consent page at all (restify's own 404), but never a decision or a 5xx.
      for (const path of [`/consent/../consent/${token}`, `/consent/${'A'.repeat(5_000)}`, '/consent/%E0%A4%A']) {
        const res = await rawRequest(running.port, 'POST', path, 'decision=approve', form);
        expect(res.status, path.slice(0, 60)).to.equal(404);
      }

      const open = await requestConsent(
        'e2e-consent-invalid',
        { name: 'Tono Saputra', email: 'tono@example.test' },
        { name: 'Maya Saputra', email: 'maya@example.test' },
      );
      for (const body of ['', 'decision=', 'decision=yes', 'decision=APPROVE', 'decision=approve&decision=decline']) {
        const res = await rawRequest(running.port, 'POST', `/consent/${open.token}`, body, form);
        expect(res.status, body).to.equal(400);
        expect(res.headers['cache-control'], body).to.equal('no-store');
        expect(res.body).to.include('Permintaan tidak valid');
      }
      const json = await rawRequest(running.port, 'POST', `/consent/${open.token}`, '{"decision":"maybe"}', {
        'content-type': 'application/json',
      });
      expect(json.status).to.equal(400);
      expect((await consentInDb(open.id))?.decision).to.equal(undefined);
      expect((await fetch(open.url)).status).to.equal(200);

      // Two clicks at once: exactly one decides, the other is told the link was used.
      const before = smtp.received.length;
      const [approve, decline] = await Promise.all([decide(open.url, 'approve'), decide(open.url, 'decline')]);
      expect([approve.status, decline.status].sort()).to.deep.equal([200, 409]);
      const decision = approve.status === 200 ? 'approved' : 'declined';
      expect((await consentInDb(open.id))?.decision).to.equal(decision);
      await eventually(() => smtp.received.length >= before + 2);
      await settle(running.app);
      expect(smtp.received.length).to.equal(before + 2);
    });

    it('a very long token gets the 404 page with the security headers', async () => {
      const res = await rawRequest(running.port, 'GET', `/consent/${'A'.repeat(5_000)}`);
      expect(res.status).to.equal(404);
      expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
      expect(res.headers['cache-control']).to.equal('no-store');
    });

    it('expiry: 8 days later the link answers 410 to GET and POST, and nothing is recorded or sent', async () => {
      const run = await requestConsent(
        'e2e-consent-expire',
        { name: 'Eka Pratama', email: 'eka@example.test' },
        { name: 'Lina Pratama', email: 'lina@example.test' },
      );
      expect((await fetch(run.url)).status).to.equal(200);
      const stored = await consentInDb(run.id);
      const before = smtp.received.length;
      const calls = connector.calls.length;

      offsetMs = 8 * DAY_MS;
      const page = await fetch(run.url);
      expect(page.status).to.equal(410);
      expectSecurityHeaders(page.headers);
      expect(await page.text())
        .to.include('kedaluwarsa')
        .and.include(run.id);
      const post = await decide(run.url, 'approve');
      expect(post.status).to.equal(410);
      expect(await post.text()).to.include('kedaluwarsa');

      await settle(running.app);
      expect(await consentInDb(run.id)).to.deep.equal(stored);
      expect(smtp.received.length).to.equal(before);
      expect(connector.calls.length).to.equal(calls);
    });

    it('the parent gets the recorded page quickly even when the customer’s channel is unreachable', async () => {
      const deadChannel = `http://127.0.0.1:${await closedPort()}/`;
      const before = smtp.received.length;
      const chat = new Conversation(() => running.base, 'e2e-consent-dead-channel', deadChannel);
      for (const line of [
        'saya masih 16 tahun',
        'Andi Wijaya',
        'andi.w@example.test',
        'Siti Wijaya',
        'siti.w@example.test',
      ])
        await chat.say(line);
      expect((await chat.say('ya')).text).to.include('Tautan persetujuan telah dikirim');
      await eventually(() => smtp.received.length > before);
      const token = /\/consent\/([A-Za-z0-9_-]{43})/.exec(textOf(smtp.received[before] ?? never()))?.[1];
      const started = performance.now();
      const res = await decide(`${running.base}/consent/${token}`, 'approve');
      expect(res.status).to.equal(200);
      expect(performance.now() - started).to.be.below(2_000);
    });
  });
});

function never(): never {
  throw new Error('expected value is missing');
}
