/**
 * "Send the identity link again" on the real server with a real SMTP server: a customer whose mailbox hit the mail
 * caps never got the acknowledgement (and so the link); staff send a new one from the ticket page. It counts against
 * the caps (refused while the mailbox is at them), replaces the old link (which stops working), goes out once per
 * form, is audited, and the customer confirms through it.
 */
import { expect } from 'chai';
import { PUBLIC_URL, type RunningApp, readDbFile, startApp } from '../../support/appHarness.ts';
import { ConsoleClient, formKeyOf, recordTicket, TEST_SCRYPT } from '../../support/consoleHarness.ts';
import { eventually, FakeClock, TestSmtpServer } from '../../support/mail.ts';
import { tempDir } from '../../support/tempDir.ts';

const ADMIN = { email: 'alice@wowrack.co.id', name: 'Alice Admin', password: 'kata-sandi-admin-1' };
const CUSTOMER = 'maya.pelanggan@example.test';
const LINK = /http:\/\/assistant\.example\.test\/verify\/([A-Za-z0-9_-]{43})/;

describe('console: send the identity link again (real server, real SMTP)', function () {
  this.timeout(30_000);
  let running: RunningApp;
  let smtp: TestSmtpServer;
  let cleanup: () => Promise<void>;
  let clock: FakeClock;
  let alice: ConsoleClient;
  let csrf: string;
  const sent: string[] = [];
  let held = '';

  const mailsTo = (address: string) => smtp.received.filter((m) => m.rcptTo.includes(address));
  const tokenOf = (text: string | undefined) => LINK.exec(text ?? '')?.[1] ?? '';
  const ticketOf = async (id: string) => (await readDbFile(running.dataDir)).tickets.find((t) => t.id === id);
  const resend = (id: string, once = '') =>
    alice.post(`/console/tickets/${id}/verification-link`, { csrf, ...(once ? { once } : {}) });
  /** The customer's browser on the link's page: GET, then the page's own POST. */
  const confirmAs = async (token: string) => {
    const page = await fetch(`${running.base}/verify/${token}`);
    const post = await fetch(`${running.base}/verify/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: 'confirm=yes',
    });
    return { page: page.status, post: post.status };
  };

  before(async () => {
    const dir = await tempDir('console-link-');
    smtp = await TestSmtpServer.start();
    clock = new FakeClock(Date.now());
    running = await startApp(dir.path, smtp.url, {
      scryptCost: TEST_SCRYPT,
      now: clock.now,
      retry: { baseMs: 100, maxMs: 200 },
      outboxIntervalMs: 50,
    });
    cleanup = async () => {
      await running.app.close();
      await smtp.close();
      await dir.remove();
    };
    await running.app.services.console.staff.add({ ...ADMIN, role: 'admin' }, 'cli');
    // Three requests naming the same mailbox in one hour: their acknowledgements reach the cap (3 an hour)...
    for (let i = 0; i < 3; i += 1) sent.push(await recordTicket(running.app, { email: CUSTOMER }));
    await eventually(() => mailsTo(CUSTOMER).length === 3, 10_000);
    // ...so the fourth request is recorded, but its acknowledgement (with the link) is held back.
    const outcome = await running.app.services.tickets.create({
      kind: 'deletion',
      name: 'Maya',
      email: CUSTOMER,
      question: 'tolong hapus data saya',
      transcript: [],
      lang: 'id',
      conversationId: 'conv-held',
    });
    if (outcome.status !== 'recorded' || !outcome.withheld)
      throw new Error(`expected a held-back ack: ${outcome.status}`);
    held = outcome.record.id;
    alice = new ConsoleClient(running.base);
    await alice.signIn(ADMIN.email, ADMIN.password);
    csrf = await alice.csrf();
  });

  after(async () => cleanup());

  it('while the mailbox is at the caps the new link is refused (429, nothing sent or changed)', async () => {
    const page = await alice.get(`/console/tickets/${held}`);
    expect(page.body).to.contain(`action="/console/tickets/${held}/verification-link"`);
    const before = await ticketOf(held);
    const refused = await resend(held, formKeyOf(page.body));
    expect(refused.status).to.equal(429);
    expect(refused.body).to.contain('batas e-mail per jam');
    expect((await ticketOf(held))?.verification).to.deep.equal(before?.verification);
    const outbox = (await readDbFile(running.dataDir)).outbox.filter((m) => m.ref === held);
    expect(outbox.map((m) => m.purpose)).to.deep.equal(['ticket-support']);
  });

  it('an hour later it goes out once however often the form is posted, threaded, audited; the customer confirms', async () => {
    clock.advance(61 * 60_000);
    const once = formKeyOf((await alice.get(`/console/tickets/${held}`)).body);
    const [first, second] = await Promise.all([resend(held, once), resend(held, once)]);
    expect([first.status, second.status]).to.deep.equal([303, 303]);
    expect(first.headers.get('location')).to.equal(`/console/tickets/${held}?done=link`);
    await eventually(() => mailsTo(CUSTOMER).length === 4, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mailsTo(CUSTOMER)).to.have.length(4);
    const mail = mailsTo(CUSTOMER)[3];
    expect(mail?.parsed.subject).to.contain(`[${held}]`);
    const ticket = await ticketOf(held);
    expect(mail?.parsed.inReplyTo).to.equal(ticket?.messageId);
    const token = tokenOf(mail?.parsed.text);
    expect(token).to.have.length(43);
    expect(mail?.parsed.text).to.contain(PUBLIC_URL);
    const audit = (await readDbFile(running.dataDir)).audit.filter((e) => e.target === held);
    expect(audit.filter((e) => e.action === 'ticket.verification-link-sent')).to.have.length(1);
    expect(audit.find((e) => e.action === 'ticket.verification-link-sent')?.actor).to.match(/^staff:stf_/);
    const shown = await alice.get(`/console/tickets/${held}?done=link`);
    expect(shown.body).to.contain('tautan lama tidak berlaku lagi').and.contain('1× dikirim ulang');
    // The stored copy of the sent mail no longer holds the token.
    const stored = async () =>
      (await readDbFile(running.dataDir)).outbox.find(
        (m) => m.ref === held && m.purpose === 'ticket-verification-link',
      );
    for (let i = 0; i < 100 && (await stored())?.status !== 'sent'; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await stored())?.status).to.equal('sent');
    expect((await stored())?.text).not.to.contain(token);
    expect(await confirmAs(token)).to.deep.equal({ page: 200, post: 200 });
    expect((await ticketOf(held))?.verification?.verifiedAt).to.be.a('string');
    const after = await alice.get(`/console/tickets/${held}`);
    expect(after.body).to.contain('Terverifikasi');
    expect(after.body).not.to.contain('/verification-link"');
    expect((await resend(held)).status).to.equal(409);
  });

  it('a new link replaces the old one: the link of the first acknowledgement stops working', async () => {
    const [id = ''] = sent;
    const oldToken = tokenOf(mailsTo(CUSTOMER).find((m) => m.parsed.subject?.includes(id))?.parsed.text);
    expect(oldToken).to.have.length(43);
    clock.advance(61 * 60_000);
    expect((await resend(id, formKeyOf((await alice.get(`/console/tickets/${id}`)).body))).status).to.equal(303);
    await eventually(() => mailsTo(CUSTOMER).length === 5, 10_000);
    expect(await confirmAs(oldToken)).to.deep.equal({ page: 404, post: 404 });
    expect((await ticketOf(id))?.verification?.verifiedAt).to.equal(undefined);
    expect(await confirmAs(tokenOf(mailsTo(CUSTOMER)[4]?.parsed.text))).to.deep.equal({ page: 200, post: 200 });
  });

  it('needs a session and the form token; the audit trail names no address', async () => {
    const [, id = ''] = sent;
    const anonymous = new ConsoleClient(running.base);
    const noSession = await anonymous.post(`/console/tickets/${id}/verification-link`, { csrf });
    expect(noSession.status).to.equal(303);
    expect(noSession.headers.get('location')).to.equal('/console/login');
    expect((await alice.post(`/console/tickets/${id}/verification-link`, {})).status).to.equal(403);
    expect((await alice.post('/console/tickets/PRV-20990101-0001/verification-link', { csrf })).status).to.equal(404);
    expect((await readDbFile(running.dataDir)).outbox.filter((m) => m.ref === id)).to.have.length(2);
    expect(JSON.stringify((await readDbFile(running.dataDir)).audit)).not.to.contain(CUSTOMER);
  });
});
