/**
 * The support console in a real browser: the real app (createApp) on a loopback port, a real SMTP server, a ticket
 * and a suppression entry made by test conversations, and headless Chromium signing in and working the request to
 * its end. A screenshot of each page goes to artifacts/console/<step>.png (failed-<n>.png when a step fails).
 *
 * The steps build on each other like one staff member's shift, so they run in order. Without Chromium the suite is
 * skipped with a loud warning, never passed silently.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { verifyAuditChain } from '../../domain/audit.ts';
import { totpCode } from '../../domain/totp.ts';
import { Conversation, PUBLIC_URL, type RunningApp, readDbFile, startApp } from '../support/appHarness.ts';
import { chromiumMissing, findChromium, launchChromium, openCheckedPage } from '../support/browser.ts';
import { ConsoleClient, TEST_SCRYPT } from '../support/consoleHarness.ts';
import { eventually, type ReceivedMail, TestSmtpServer } from '../support/mail.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = join(ROOT, 'artifacts', 'console');
const WAIT_MS = 10_000;

const ADMIN = { email: 'alice@wowrack.co.id', name: 'Alice Admin', password: 'kata-sandi-yang-panjang-1' };
const CUSTOMER = 'budi.pelanggan@example.test';
const UNSUBSCRIBED = 'rina.promo@example.test';

const addressOf = (field: unknown): string => {
  const value = field && typeof field === 'object' && 'value' in field ? field.value : undefined;
  const first = Array.isArray(value) ? value[0] : undefined;
  return first && typeof first === 'object' && 'address' in first ? String(first.address) : '';
};

describe('support console in headless Chromium (real app, real SMTP, real browser)', function () {
  this.timeout(40_000);

  let browser: Browser | undefined;
  let running: RunningApp | undefined;
  let smtp: TestSmtpServer | undefined;
  let dataDir: string | undefined;
  let context: BrowserContext;
  let page: Page;
  let base = '';
  let ticketId = '';
  let consentId = '';
  const problems: string[] = [];
  let failures = 0;

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const mailsTo = (address: string): ReceivedMail[] =>
    (smtp?.received ?? []).filter((m) => addressOf(m.parsed.to) === address);
  const main = () => page.locator('main');

  before(async function () {
    this.timeout(60_000);
    const executable = findChromium();
    if (!executable) {
      const warning = `⚠️  CONSOLE BROWSER TESTS SKIPPED: ${chromiumMissing()}`;
      process.stderr.write(`\n${warning}\n\n`);
      process.once('exit', () => process.stderr.write(`\n${warning}\n`));
      this.skip();
      return;
    }
    await mkdir(ARTIFACTS, { recursive: true });
    smtp = await TestSmtpServer.start();
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-console-'));
    const started = await Promise.allSettled([
      launchChromium(executable).then((b) => {
        browser = b;
      }),
      startApp(dataDir, `smtp://127.0.0.1:${smtp.port}`, {
        retry: { baseMs: 100, maxMs: 200 },
        outboxIntervalMs: 50,
        scryptCost: TEST_SCRYPT,
      }),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    const app = started[1]?.status === 'fulfilled' ? started[1].value : undefined;
    if (!app || !browser) throw new Error('app or browser did not start');
    running = app;
    base = app.base;
    await app.app.services.console.staff.add({ ...ADMIN, role: 'admin' }, 'cli');

    // A customer asks for a copy of their data, and another stops promotional e-mail, through the chat.
    const chat = new Conversation(() => base, 'console-e2e-ticket');
    await chat.say('saya mau minta salinan data saya');
    await chat.say('Permintaan salinan data pribadi');
    await chat.say('Budi Santoso');
    await chat.say(CUSTOMER);
    await chat.say('lewati');
    const done = await chat.say('ya');
    ticketId = /\*\*(PRV-\d{8}-\d{4,})\*\*/.exec(done.text)?.[1] ?? '';
    if (!ticketId) throw new Error(`no ticket id in: ${done.text}`);
    const promo = new Conversation(() => base, 'console-e2e-promo');
    await promo.say('saya mau unsubscribe');
    await promo.say(UNSUBSCRIBED);
    await promo.say('ya');
    // A parent's consent request, decided, for the consents page and its proof.
    const consent = await app.app.services.consents.request({
      childName: 'Adi Pratama',
      childEmail: 'adi.remaja@example.test',
      childAge: 16,
      parentName: 'Sri Pratama',
      parentEmail: 'sri.ortu@example.test',
      lang: 'id',
      conversationId: 'console-e2e-consent',
    });
    if (consent.status !== 'recorded') throw new Error(`consent: ${consent.status}`);
    consentId = consent.record.id;

    ({ context, page } = await openCheckedPage(browser, problems));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page && !page.isClosed()) {
      failures += 1;
      await page.screenshot({ path: join(ARTIFACTS, `failed-${failures}.png`), fullPage: true }).catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close();
    await running?.app.close();
    await smtp?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('without a session: pages lead to the sign-in form, exports answer 401, never data', async () => {
    const pageResponse = await fetch(`${base}/console/tickets`, { redirect: 'manual' });
    expect(pageResponse.status).to.equal(303);
    expect(pageResponse.headers.get('location')).to.equal('/console/login?next=%2Fconsole%2Ftickets');
    const exportResponse = await fetch(`${base}/console/export/tickets.csv`);
    expect(exportResponse.status).to.equal(401);
    expect(await exportResponse.text()).not.to.contain(ticketId);
    const forged = await fetch(`${base}/console/tickets`, {
      headers: { cookie: 'wpc_session=AAAA' },
      redirect: 'manual',
    });
    expect(forged.status).to.equal(303);

    const response = await page.goto(`${base}/console`);
    expect(response?.headers()['content-security-policy']).to.include("script-src 'self'").and.not.include('unsafe');
    expect(page.url()).to.contain('/console/login');
    await page.locator('input[name=email]').waitFor({ timeout: WAIT_MS });
    await shot('01-sign-in');
  });

  it('a wrong password is refused; the right one opens the dashboard with the new request', async () => {
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', 'salah-sekali-bukan-ini');
    await page.click('button[type=submit]');
    await main().getByText('E-mail, kata sandi atau kode salah').waitFor({ timeout: WAIT_MS });
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/console`, { timeout: WAIT_MS });
    const cookie = (await context.cookies()).find((c) => c.name === 'wpc_session');
    expect(cookie).to.include({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    await main().getByRole('link', { name: ticketId }).waitFor({ timeout: WAIT_MS });
    expect(await main().locator('.chart svg rect').count()).to.be.greaterThan(0);
    await shot('02-dashboard');
  });

  it('the list filters by kind and text, sorted by due time with a live countdown', async () => {
    await page.goto(`${base}/console/tickets`);
    await main().getByRole('link', { name: ticketId }).waitFor({ timeout: WAIT_MS });
    await page.selectOption('select[name=kind]', 'deletion');
    await page.click('form[role=search] button[type=submit]');
    await main().getByText('Tidak ada permintaan yang cocok').waitFor({ timeout: WAIT_MS });
    await page.selectOption('select[name=kind]', 'access');
    await page.fill('input[name=q]', 'budi santoso');
    await page.click('form[role=search] button[type=submit]');
    await main().getByRole('link', { name: ticketId }).waitFor({ timeout: WAIT_MS });
    // console.js has replaced the server's text by the live one ("… jam … mnt lagi").
    await main().locator('time[data-due]', { hasText: 'lagi' }).first().waitFor({ timeout: WAIT_MS });
    await shot('03-tickets');
  });

  it('a ticket shows its legal basis and identity state; resolving an unverified copy request needs an override', async () => {
    await main().getByRole('link', { name: ticketId }).click();
    await main().getByText('Pasal 32').first().waitFor({ timeout: WAIT_MS });
    await main().getByText('Belum terverifikasi').first().waitFor({ timeout: WAIT_MS });
    await main().getByText(CUSTOMER).first().waitFor({ timeout: WAIT_MS });
    await shot('04-ticket');
    await page.selectOption('select[name=status]', 'in-progress');
    await page.click('form[action$="/status"] button[type=submit]');
    await main().getByText('Diproses · In progress').first().waitFor({ timeout: WAIT_MS });
    await page.selectOption('select[name=status]', 'resolved');
    await page.click('form[action$="/status"] button[type=submit]');
    await main().locator('.notice.error').waitFor({ timeout: WAIT_MS });
    await shot('05-override-needed');
    await page.goto(`${base}/console/tickets/${ticketId}`);
  });

  it("the customer confirms through the acknowledgement mail's link (GET shows, POST decides); the ticket shows it", async () => {
    await eventually(() => mailsTo(CUSTOMER).length > 0, WAIT_MS);
    const text = mailsTo(CUSTOMER)[0]?.parsed.text ?? '';
    const link = /(http:\/\/assistant\.example\.test\/verify\/[A-Za-z0-9_-]{43})/.exec(text)?.[1];
    if (!link) throw new Error(`no verification link in: ${text}`);
    const customerPage = await context.newPage();
    customerPage.on('console', (m) => {
      if (m.type() === 'error') problems.push(`customer page console.error: ${m.text()}`);
    });
    await customerPage.goto(link.replace(PUBLIC_URL, base));
    // Styled by its own style block, which the CSP allows by hash (a blocked one would leave the page unstyled).
    expect(
      await customerPage.evaluate(() => getComputedStyle(document.querySelector('main') ?? document.body).maxWidth),
    ).to.equal('560px');
    expect(await customerPage.content()).not.to.contain(CUSTOMER);
    await customerPage.screenshot({ path: join(ARTIFACTS, '06-customer-link.png') });
    // Opening the link decided nothing.
    const opened = await readDbFile(running?.dataDir ?? '');
    expect(opened.tickets.find((t) => t.id === ticketId)?.verification?.verifiedAt).to.equal(undefined);
    await customerPage.getByRole('button', { name: /Ya, ini permintaan saya/ }).click();
    await customerPage.getByText(ticketId).first().waitFor({ timeout: WAIT_MS });
    await customerPage.screenshot({ path: join(ARTIFACTS, '07-customer-verified.png') });
    await customerPage.close();
    await page.reload();
    await main().getByText('Terverifikasi').first().waitFor({ timeout: WAIT_MS });
  });

  it('a reply is sent to the customer through SMTP, threaded under the acknowledgement, and kept on the ticket', async () => {
    const before = mailsTo(CUSTOMER).length;
    await page.fill(
      'form[action$="/reply"] textarea[name=text]',
      'Halo Budi, salinan data Anda terlampir.\nSalam, Tim Privasi',
    );
    await page.click('form[action$="/reply"] button[type=submit]');
    await main().getByText('Balasan dikirim').waitFor({ timeout: WAIT_MS });
    await eventually(() => mailsTo(CUSTOMER).length > before, WAIT_MS);
    const reply = mailsTo(CUSTOMER)[before];
    const ack = mailsTo(CUSTOMER)[0];
    expect(reply?.parsed.subject).to.contain(`[${ticketId}]`);
    expect(reply?.parsed.text).to.contain('salinan data Anda terlampir');
    expect(addressOf(reply?.parsed.replyTo)).to.equal('privacy-support@example.test');
    expect(reply?.parsed.inReplyTo).to.be.a('string').and.equal(ack?.parsed.messageId);
    await main().locator('.thread', { hasText: 'salinan data Anda terlampir' }).waitFor({ timeout: WAIT_MS });
    await page.fill('form[action$="/note"] textarea[name=text]', 'Identitas dicek lewat tautan.');
    await page.click('form[action$="/note"] button[type=submit]');
    await main().locator('.thread', { hasText: 'Identitas dicek' }).waitFor({ timeout: WAIT_MS });
    await page.selectOption('select[name=status]', 'resolved');
    await page.click('form[action$="/status"] button[type=submit]');
    await main().getByText('Selesai · Resolved').first().waitFor({ timeout: WAIT_MS });
    await shot('08-ticket-resolved');
  });

  it('the suppression list shows the stop-promo entry; removing it needs a note', async () => {
    await page.goto(`${base}/console/unsubscribes`);
    const row = main().locator('tr', { hasText: UNSUBSCRIBED });
    await row.waitFor({ timeout: WAIT_MS });
    await shot('09-suppression');
    await row.locator('input[name=note]').fill('Pelanggan mendaftar ulang newsletter lewat formulir 2 Des.');
    await row.locator('button[type=submit]').click();
    await main().getByText('Alamat dihapus dari daftar').waitFor({ timeout: WAIT_MS });
    expect(await main().locator('tr', { hasText: UNSUBSCRIBED }).count()).to.equal(0);
  });

  it('CSV exports: BOM, the ticket in it, formula cells neutralised; each export audited', async () => {
    const response = await context.request.get(`${base}/console/export/tickets.csv`);
    expect(response.status()).to.equal(200);
    expect(response.headers()['content-type']).to.contain('text/csv');
    const body = await response.body();
    expect([...body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(body.toString('utf8')).to.contain(ticketId);
    for (const name of ['consents', 'unsubscribes', 'audit'])
      expect((await context.request.get(`${base}/console/export/${name}.csv`)).status()).to.equal(200);
  });

  it('the audit trail shows every step of the ticket and the chain verifies', async () => {
    await page.goto(`${base}/console/audit?target=${ticketId}`);
    await main().getByText('Rantai hash utuh').waitFor({ timeout: WAIT_MS });
    const text = (await main().textContent()) ?? '';
    for (const action of [
      'ticket.recorded',
      'mail.sent',
      'ticket.viewed',
      'ticket.status-changed',
      'ticket.verified',
      'ticket.replied',
      'ticket.note-added',
    ])
      expect(text, action).to.contain(action);
    await shot('10-audit');
    await page.goto(`${base}/console/audit`);
    const all = (await main().textContent()) ?? '';
    for (const action of ['signin.failed', 'signin.succeeded', 'export.tickets', 'unsubscribe.removed'])
      expect(all, action).to.contain(action);
    const db = await readDbFile(running?.dataDir ?? '');
    expect(verifyAuditChain(db.audit).ok).to.equal(true);
    expect(JSON.stringify(db.audit)).not.to.contain(CUSTOMER);
  });

  it('a POST without the form token is refused and changes nothing', async () => {
    const notesBefore = (await readDbFile(running?.dataDir ?? '')).tickets.find((t) => t.id === ticketId)?.notes
      ?.length;
    const response = await context.request.post(`${base}/console/tickets/${ticketId}/note`, {
      form: { text: 'forged note' },
      maxRedirects: 0,
    });
    expect(response.status()).to.equal(403);
    const db = await readDbFile(running?.dataDir ?? '');
    expect(db.tickets.find((t) => t.id === ticketId)?.notes?.length).to.equal(notesBefore);
  });

  it('consents with their proof; an admin adds a staff member; two-step verification with a QR code', async () => {
    await page.goto(`${base}/console/consents`);
    await main().getByRole('link', { name: consentId }).click();
    await main().getByText('Dengan memilih "Setujui"').waitFor({ timeout: WAIT_MS });
    await shot('11-consent-proof');
    await page.goto(`${base}/console/staff`);
    await page.fill('form[action="/console/staff"] input[name=name]', 'Citra Support');
    await page.fill('form[action="/console/staff"] input[name=email]', 'citra@wowrack.co.id');
    await page.fill('form[action="/console/staff"] input[name=password]', 'kata-sandi-citra-01');
    await page.click('form[action="/console/staff"] button[type=submit]');
    await main().getByText('citra@wowrack.co.id').waitFor({ timeout: WAIT_MS });
    await shot('12-staff');
    await page.goto(`${base}/console/account`);
    await page.click('form[action="/console/account/2fa"] button[type=submit]');
    await main().locator('.qr svg path').waitFor({ timeout: WAIT_MS });
    await shot('13-two-step-qr');
    const secret = (await main().locator('code.secret').textContent())?.replace(/\s+/g, '') ?? '';
    await page.fill('input[name=code]', totpCode(secret, new Date()));
    await page.click('form[action="/console/account/2fa/confirm"] button[type=submit]');
    await main().getByText('Verifikasi dua langkah aktif').waitFor({ timeout: WAIT_MS });
  });

  it('on a phone the pages fit the screen; table rows are labelled cards, nothing scrolls sideways', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      ['/console', '14-phone-dashboard'],
      ['/console/tickets', '15-phone-tickets'],
      [`/console/tickets/${ticketId}`, '16-phone-ticket'],
      ['/console/consents', '18-phone-consents'],
      ['/console/unsubscribes', '19-phone-suppression'],
      ['/console/audit', '20-phone-audit'],
      ['/console/staff', '21-phone-staff'],
    ] as const) {
      await phone.goto(`${base}${path}`);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} is wider than the phone`).to.be.at.most(0);
      const tables = await phone.evaluate(() =>
        [...document.querySelectorAll('.table-wrap')].map((wrap) => ({
          sideways: wrap.scrollWidth - wrap.clientWidth,
          head: getComputedStyle(wrap.querySelector('thead') ?? wrap).position,
          labelled: [...wrap.querySelectorAll('tbody tr:not(.empty) td')].every((td) => td.hasAttribute('data-label')),
        })),
      );
      for (const table of tables) expect(table, path).to.deep.equal({ sideways: 0, head: 'absolute', labelled: true });
      // The audit trail is hundreds of cards long: its first screen is what the picture needs.
      await phone.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: !path.endsWith('/audit') });
    }
    // A ticket row reads as a card: its id first, then each field under its column's name.
    await phone.goto(`${base}/console/tickets`);
    const card = phone.locator('main tbody tr', { hasText: ticketId });
    expect(await card.locator('td[data-label="Tenggat · Due"] time').count()).to.equal(1);
    const box = await card.boundingBox();
    expect(box?.width ?? 999).to.be.at.most(390);
    await phone.close();
  });

  it('sign-out ends the session', async () => {
    await page.click('form.signout button[type=submit]');
    await page.waitForURL(/\/console\/login/, { timeout: WAIT_MS });
    const after = await context.request.get(`${base}/console/export/audit.csv`);
    expect(after.status()).to.equal(401);
    expect(problems, 'console errors, page errors or CSP violations').to.deep.equal([]);
  });

  it('a brute force on the sign-in form is locked out with growing delays (429)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      await page.goto(`${base}/console/login`);
      await page.fill('input[name=email]', ADMIN.email);
      await page.fill('input[name=password]', `tebakan-salah-${i}`);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/console/login') && r.request().method() === 'POST'),
        page.click('button[type=submit]'),
      ]);
      statuses.push(response.status());
    }
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 401, 429]);
    await main().getByText('Terlalu banyak percobaan gagal').waitFor({ timeout: WAIT_MS });
    await shot('17-locked-out');
    // The right password waits too.
    const client = new ConsoleClient(base);
    expect((await client.signIn(ADMIN.email, ADMIN.password)).status).to.equal(429);
  });
});
