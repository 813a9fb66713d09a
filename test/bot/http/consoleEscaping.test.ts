/**
 * Output escaping on every console page that shows text from outside, on the real server: XSS payloads in what a
 * customer types (name, question, account), in a browser's User-Agent (kept as proof of a decision), in what staff
 * type (notes, replies, reasons, staff names) and in search queries echoed back come out as text, never as markup.
 * And no page has inline script, inline style or an event-handler attribute (the CSP forbids them; console.js does
 * the countdown from a file).
 */
import { expect } from 'chai';
import { escapeHtml } from '../../../bot/http/html.ts';
import { type RunningApp, sleep, startApp } from '../../support/appHarness.ts';
import { ConsoleClient, recordTicket, TEST_SCRYPT } from '../../support/consoleHarness.ts';
import { tempDir } from '../../support/tempDir.ts';
import { mailFiles } from '../directline/client.ts';

const ADMIN = { email: 'alice@wowrack.co.id', name: 'Alice Admin', password: 'kata-sandi-admin-1' };

const P = {
  name: '<script>alert("name")</script>',
  question: '<img src=x onerror=alert(1)> tolong salinan data',
  account: '"><svg onload=alert(2)>',
  email: "o'neil@example.test",
  agent: 'Mozilla/5.0 <script>alert("ua")</script>',
  note: '</textarea><script>alert(3)</script>',
  reply: '<iframe src="javascript:alert(4)"></iframe>',
  reason: '<a href="javascript:alert(5)">klik</a>',
  staff: '<b onmouseover=alert(6)>Eve</b>',
  child: '<marquee>Adi</marquee>',
  parent: "'><style>body{display:none}</style>",
  query: '"><script>alert(7)</script>',
} as const;

describe('console output escaping: XSS payloads show as text on every page (real server)', function () {
  this.timeout(30_000);
  let running: RunningApp;
  let cleanup: () => Promise<void>;
  let alice: ConsoleClient;
  let csrf = '';
  let ticketId = '';
  let closedId = '';
  let consentId = '';
  const pages: [string, string][] = [];

  /** A link's token from the mail sent to `to` (mails are files in DATA_DIR/mail here). */
  async function tokenFor(to: string, path: 'verify' | 'consent'): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const mail = (await mailFiles(running.dataDir)).find((m) => m.to === to && m.text.includes(`/${path}/`));
      const token = mail && new RegExp(`/${path}/([A-Za-z0-9_-]{43})`).exec(mail.text)?.[1];
      if (token) return token;
      await sleep(50);
    }
    throw new Error(`no ${path} mail to ${to}`);
  }

  before(async () => {
    const dir = await tempDir('console-xss-');
    running = await startApp(dir.path, '', { scryptCost: TEST_SCRYPT });
    cleanup = async () => {
      await running.app.close();
      await dir.remove();
    };
    const { app } = running;
    await app.services.console.staff.add({ ...ADMIN, role: 'admin' }, 'cli');
    await app.services.console.staff.add(
      { email: 'eve@wowrack.co.id', name: P.staff, role: 'support', password: 'kata-sandi-eve-01' },
      'cli',
    );
    ticketId = await recordTicket(app, { name: P.name, question: P.question, account: P.account, email: P.email });
    closedId = await recordTicket(app, { name: P.name, email: 'closed@example.test', kind: 'question' });
    // The customer confirms with a hostile User-Agent: it is kept in the audit trail as the confirming browser.
    const token = await tokenFor(P.email, 'verify');
    const confirmed = await app.services.console.verification.confirm(token, P.agent);
    if (confirmed.status !== 'confirmed') throw new Error(confirmed.status);
    const consent = await app.services.consents.request({
      childName: P.child,
      childEmail: 'adi.remaja@example.test',
      childAge: 16,
      parentName: P.parent,
      parentEmail: 'sri.ortu@example.test',
      lang: 'id',
      conversationId: 'xss-consent',
    });
    if (consent.status !== 'recorded') throw new Error(consent.status);
    consentId = consent.record.id;
    await app.services.consents.decide(await tokenFor('sri.ortu@example.test', 'consent'), 'approved', P.agent);
    await app.services.unsubscribes.unsubscribe({ email: P.email, lang: 'id', conversationId: 'xss-promo' });

    alice = new ConsoleClient(running.base);
    await alice.signIn(ADMIN.email, ADMIN.password);
    csrf = await alice.csrf();
    const eve = (await app.services.console.staff.list()).find((s) => s.email === 'eve@wowrack.co.id');
    await alice.post(`/console/tickets/${ticketId}/note`, { csrf, text: P.note });
    await alice.post(`/console/tickets/${ticketId}/reply`, { csrf, text: P.reply });
    await alice.post(`/console/tickets/${ticketId}/assign`, { csrf, assignee: eve?.id ?? '' });
    await alice.post(`/console/tickets/${closedId}/status`, { csrf, status: 'rejected', reason: P.reason });
    const q = encodeURIComponent(P.query);
    for (const path of [
      '/console',
      '/console/tickets',
      `/console/tickets?q=${q}&due=${q}&status=${q}&kind=${q}&when=${q}`,
      `/console/tickets/${ticketId}`,
      `/console/tickets/${closedId}`,
      '/console/consents',
      `/console/consents?q=${q}&status=${q}`,
      `/console/consents/${consentId}`,
      '/console/unsubscribes',
      `/console/unsubscribes?q=${q}`,
      '/console/audit',
      `/console/audit?target=${q}&actor=${q}&action=${q}`,
      '/console/staff',
      '/console/account',
    ]) {
      const response = await alice.get(path);
      expect(response.status, path).to.equal(200);
      pages.push([path, response.body]);
    }
    const signInPage = `/console/login?next=${q}`;
    pages.push([signInPage, (await new ConsoleClient(running.base).get(signInPage)).body]);
  });
  after(async () => cleanup());

  const page = (path: string) => pages.find(([p]) => p === path)?.[1] ?? '';

  /** `text` is on the page, escaped, and nowhere as it was typed. */
  const shownAsText = (body: string, text: string, where: string) => {
    expect(body, `${where}: raw ${text}`).not.to.contain(text);
    expect(body, `${where}: escaped ${text}`).to.contain(escapeHtml(text));
  };

  it('the customer’s name, question, account and address, notes, the reply, assignee and reason on the ticket pages', () => {
    const ticket = page(`/console/tickets/${ticketId}`);
    for (const text of [P.name, P.question, P.account, P.email, P.note, P.reply, P.staff])
      shownAsText(ticket, text, 'ticket');
    shownAsText(page(`/console/tickets/${closedId}`), P.reason, 'closed ticket');
    shownAsText(page('/console/tickets'), P.staff, 'list (assignee)');
  });

  it('consent names and the deciding browser on the proof; the suppressed address; staff names', () => {
    const proof = page(`/console/consents/${consentId}`);
    for (const text of [P.child, P.parent, P.agent]) shownAsText(proof, text, 'consent proof');
    shownAsText(page('/console/unsubscribes'), P.email, 'suppression list');
    shownAsText(page('/console/staff'), P.staff, 'staff');
    shownAsText(page('/console/audit'), P.agent, 'audit (the confirming browser)');
  });

  it('search queries and filters echoed back', () => {
    const q = encodeURIComponent(P.query);
    for (const path of [
      `/console/tickets?q=${q}&due=${q}&status=${q}&kind=${q}&when=${q}`,
      `/console/unsubscribes?q=${q}`,
      `/console/consents?q=${q}&status=${q}`,
      `/console/audit?target=${q}&actor=${q}&action=${q}`,
    ])
      shownAsText(page(path), P.query, path);
    expect(page(`/console/login?next=${q}`)).to.contain('name="next" value="/console"');
  });

  it('no page has inline script, inline style, an event-handler attribute or a javascript: URL in its markup', () => {
    for (const [path, body] of pages) {
      // Escaped text never holds "<": every "<" left is real markup.
      const tags = body.match(/<[a-zA-Z][^>]*>/g) ?? [];
      for (const tag of tags) {
        expect(tag, path).not.to.match(/\son[a-z]+\s*=/i);
        expect(tag, path).not.to.match(/\sstyle\s*=/i);
        expect(tag, path).not.to.match(/javascript:/i);
        if (/^<script/i.test(tag)) expect(tag, path).to.match(/\ssrc="\/console\/assets\/console\.[\w-]+\.js"/);
      }
      expect(body, path).not.to.match(/<style/i);
      expect(body.match(/<script/gi)?.length ?? 0, path).to.equal(1);
    }
  });
});
