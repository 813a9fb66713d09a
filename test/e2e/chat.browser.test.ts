/**
 * The website chat in a real browser: the real app (createApp, built-in Direct Line, mail as .eml files in a temp
 * DATA_DIR) on a loopback port, driven with headless Chromium (Debian's, through playwright-core).
 *
 * The steps build on each other like one visitor's session (one page, then a reload), so they run in order; the
 * embed widget gets its own browser context and a second loopback server as the "other site". A screenshot of each
 * step goes to artifacts/browser/<step>.png (and failed-<n>.png when a step fails).
 *
 * Without Chromium the suite is skipped with a loud warning on stderr, never passed silently.
 */
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { type App, createApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log/logger.ts';
import { DATABASE_FILE_NAME } from '../../bot/store/lowdb/jsonDatabase.ts';
import type { DatabaseShape } from '../../bot/store/lowdb/jsonDocument.ts';
import { FLOW_TEXTS } from '../../dialogs/replies/flowTexts.ts';
import { TEXTS } from '../../dialogs/replies/texts.ts';
import { mailFiles } from '../bot/directline/client.ts';
import { chromiumMissing, findChromium, launchChromium, WEB_CHAT, WELCOME_TEXT } from '../support/browser.ts';
import { KNOWLEDGE_FILE } from '../support/buildBot.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = join(ROOT, 'artifacts', 'browser');
/** Every expectation waits at most this long (Web Chat's 3.9 MB bundle takes seconds to start on a slow machine). */
const WAIT_MS = 15_000;

const SUPPORT_EMAIL = 'privacy-support@example.test';
const MARKETING_EMAIL = 'marketing@example.test';
const CUSTOMER_EMAIL = 'budi.pelanggan@example.test';

type Scope = Page | FrameLocator;

/** The assistant's bubbles containing `text` (case-insensitive, whitespace-normalised). */
const botBubbles = (scope: Scope, text: string): Locator => scope.locator(WEB_CHAT.botBubble).filter({ hasText: text });
const userBubbles = (scope: Scope, text: string): Locator =>
  scope.locator(WEB_CHAT.userBubble).filter({ hasText: text });
/** A suggested-action button by its exact title. */
const action = (scope: Scope, title: string): Locator =>
  scope.locator(WEB_CHAT.suggestedActions).getByRole('button', { name: title, exact: true });

/** Waits for the last match to be visible; the error says what was expected. */
async function shows(locator: Locator, what: string): Promise<Locator> {
  const last = locator.last();
  try {
    await last.waitFor({ state: 'visible', timeout: WAIT_MS });
  } catch {
    throw new Error(`${what}: not visible within ${WAIT_MS / 1000} s`);
  }
  return last;
}

/**
 * Waits until the transcript has scrolled to its end (Web Chat animates the scroll to a new message), so the newest
 * message is in view, as a visitor would see it; then screenshots show it too.
 */
async function scrolledToEnd(scope: Scope, what: string): Promise<void> {
  const transcript = scope.locator(WEB_CHAT.transcript);
  const deadline = Date.now() + WAIT_MS;
  let settled = 0;
  for (;;) {
    const gap = await transcript.evaluate((element) => element.scrollHeight - element.clientHeight - element.scrollTop);
    settled = gap <= 2 ? settled + 1 : 0;
    if (settled >= 3) return;
    if (Date.now() > deadline) throw new Error(`${what}: the transcript did not scroll to its end (${gap} px left)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Types a message into the send box and presses Enter, like a visitor. */
async function say(scope: Scope, text: string): Promise<void> {
  const box = scope.locator(WEB_CHAT.sendBox);
  await box.click();
  await box.fill(text);
  await box.press('Enter');
}

/** Polls `read` until `done` holds (files written by the app in the background), at most WAIT_MS. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('website chat in headless Chromium (real app, real browser)', function () {
  this.timeout(30_000);

  let browser: Browser | undefined;
  let app: App | undefined;
  let dataDir: string | undefined;
  let base = '';
  /** The "other site" that embeds the widget: another loopback server, so another origin. */
  let partner: Server | undefined;
  let partnerBase = '';
  let page: Page;
  /** Console errors, page errors, CSP violations, failed requests: each test ends by checking there are none. */
  const problems: string[] = [];
  let shots = 0;

  /** A screenshot once the newest message is scrolled into view (scope null: no chat to wait for). */
  const shot = async (target: Page, name: string, scope: Scope | null = target): Promise<void> => {
    if (scope) await scrolledToEnd(scope, name);
    await target.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  };

  const expectNoProblems = (): void => {
    expect(problems, 'console errors, page errors, CSP violations or failed requests').to.deep.equal([]);
  };

  /** Records everything that would show the page misbehaving, for any frame of `target`. */
  const watch = (target: Page, label: string): void => {
    target.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${label} console.error: ${message.text()}`);
    });
    target.on('pageerror', (error) => problems.push(`${label} uncaught: ${error.message}`));
    target.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${label} HTTP ${response.status()} ${response.url()}`);
    });
    target.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText ?? '';
      // A reload or a closed page aborts the open Direct Line requests: that is not a failure.
      if (!reason.includes('ERR_ABORTED')) problems.push(`${label} request failed: ${request.url()} ${reason}`);
    });
  };

  /** A new context (own cache and storage) whose pages report CSP violations as console errors. */
  const newContext = async (target: Browser): Promise<BrowserContext> => {
    const created = await target.newContext({ viewport: { width: 1024, height: 768 }, locale: 'id-ID' });
    await created.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        // biome-ignore lint/suspicious/noConsole: runs in the page; its console is what the test listens to
        console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'}`);
      });
    });
    return created;
  };

  before(async function () {
    this.timeout(60_000);
    const executable = findChromium();
    if (!executable) {
      const warning = `⚠️  BROWSER TESTS SKIPPED: ${chromiumMissing()}`;
      process.stderr.write(`\n${warning}\n\n`);
      // Again after mocha's summary, where it cannot scroll out of sight among the other suites' output.
      process.once('exit', () => process.stderr.write(`\n${warning}\n`));
      this.skip();
      return;
    }
    await mkdir(ARTIFACTS, { recursive: true });

    partner = createServer((req, res) => {
      if (req.url === '/' || req.url?.startsWith('/?')) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(
          '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner site</title></head><body>' +
            `<script src="${base}/embed.js" async></script></body></html>`,
        );
        return;
      }
      res.writeHead(req.url === '/favicon.ico' ? 204 : 404);
      res.end();
    });
    partner.listen(0, '127.0.0.1');
    await once(partner, 'listening');
    partnerBase = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;

    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-browser-'));
    const appDir = dataDir;
    const startApp = async (): Promise<void> => {
      const config = loadConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        KNOWLEDGE_FILE,
        DATA_DIR: appDir,
        SUPPORT_EMAIL,
        MARKETING_EMAIL,
        FRAME_ANCESTORS: `'self' ${partnerBase}`,
      });
      expect(config.mail.smtpUrl, 'no SMTP_URL: mail goes to DATA_DIR/mail').to.equal('');
      app = await createApp(config, createLogger('silent'));
      base = `http://127.0.0.1:${await app.listen(0)}`;
    };
    // Both take a second or two: side by side. Each stores what it made, so after() cleans up whatever started.
    const started = await Promise.allSettled([
      launchChromium(executable).then((launched) => {
        browser = launched;
      }),
      startApp(),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    if (!browser) throw new Error('no browser');
    page = await (await newContext(browser)).newPage();
    watch(page, 'chat page');
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed' || !page || page.isClosed()) return;
    shots += 1;
    await page.screenshot({ path: join(ARTIFACTS, `failed-${shots}.png`) }).catch(() => undefined);
    problems.length = 0; // reported by the failing test; do not fail the next ones for the same cause
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    partner?.closeAllConnections();
    await new Promise<void>((r) => (partner ? partner.close(() => r()) : r()));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('loads without console errors or CSP violations and shows the welcome', async () => {
    const response = await page.goto(`${base}/`);
    expect(response?.status()).to.equal(200);
    expect(response?.headers()['content-security-policy']).to.include("script-src 'self'");
    const welcome = await shows(botBubbles(page, WELCOME_TEXT), 'the welcome bubble');
    expect(await welcome.textContent()).to.include(TEXTS.capabilities.id.slice(0, 40));
    const box = page.locator(WEB_CHAT.sendBox);
    expect(await box.isEnabled()).to.equal(true);
    expect(await page.title()).to.equal('Asisten Privasi Wowrack');
    await shot(page, '01-welcome');
    expectNoProblems();
  });

  it('a policy question + Enter → the quoted answer in markdown (bold title) with suggested actions', async () => {
    await say(page, 'apakah data saya dijual?');
    await shows(userBubbles(page, 'apakah data saya dijual?'), "the visitor's question");
    const answer = await shows(botBubbles(page, 'tidak menjual'), 'the answer quoting "tidak menjual"');
    const protect = app?.knowledge.knowledge.entries.find((e) => e.id === 'protect');
    expect(await answer.locator('strong').first().textContent()).to.equal(protect?.question.id);
    expect(await answer.locator('em').last().textContent()).to.equal(TEXTS.sourceNote.id);
    expect(await answer.innerHTML(), 'markdown rendered, not shown as text').not.to.include('**');
    for (const title of [TEXTS.helpful.id, TEXTS.notHelpful.id, 'Siapa saja yang memiliki akses ke informasi saya?'])
      await shows(action(page, title), `the suggested action "${title}"`);
    await shot(page, '02-policy-answer');
    expectNoProblems();
  });

  it("clicking a related question → its answer, and the choice as the visitor's bubble", async () => {
    const share = app?.knowledge.knowledge.entries.find((e) => e.id === 'share');
    const title = share?.question.id ?? 'missing entry "share"';
    await (await shows(action(page, title), 'the related question button')).click();
    await shows(userBubbles(page, title), 'the clicked question as the visitor’s bubble');
    const answer = await shows(botBubbles(page, 'tidak pernah dibagi'), 'the answer to the related question');
    expect(await answer.locator('strong').first().textContent()).to.equal(title);
    await shot(page, '03-related-question');
    expectNoProblems();
  });

  it('👍 → thanks, and the vote is in DATA_DIR/assistant-db.json', async () => {
    await (await shows(action(page, TEXTS.helpful.id), 'the 👍 button')).click();
    await shows(userBubbles(page, TEXTS.helpful.id), 'the vote as the visitor’s bubble');
    await shows(botBubbles(page, TEXTS.feedbackThanks.id), 'the thanks');
    const file = join(dataDir ?? '', DATABASE_FILE_NAME);
    const db = await eventually(
      async () => JSON.parse(await readFile(file, 'utf8')) as DatabaseShape,
      (d) => d.feedback.length > 0,
      'the feedback record on disk',
    );
    expect(db.feedback).to.have.length(1);
    expect(db.feedback[0]).to.include({ entryId: 'share', vote: 'up', lang: 'id' });
    await shot(page, '04-feedback');
    expectNoProblems();
  });

  it('stop promotional e-mail, start to end: confirmation, and the REMOVE e-mail to marketing as .eml', async () => {
    await say(page, 'saya mau unsubscribe');
    await shows(botBubbles(page, FLOW_TEXTS.unsubscribeAskEmail.id), 'the question for the address');
    await say(page, CUSTOMER_EMAIL);
    await shows(botBubbles(page, 'Hentikan e-mail promosi'), 'the confirmation question');
    await (await shows(action(page, FLOW_TEXTS.yes.id), 'the "Ya" button')).click();
    await shows(userBubbles(page, FLOW_TEXTS.yes.id), '"Ya" as the visitor’s bubble');
    const done = await shows(botBubbles(page, 'Selesai ✅'), 'the confirmation');
    expect(await done.textContent()).to.include(CUSTOMER_EMAIL);
    const mails = await eventually(
      () => mailFiles(dataDir ?? ''),
      (list) => list.some((m) => m.to === MARKETING_EMAIL && m.subject === 'REMOVE'),
      'the REMOVE e-mail in DATA_DIR/mail',
    );
    const remove = mails.find((m) => m.to === MARKETING_EMAIL && m.subject === 'REMOVE');
    expect(remove?.text).to.include(CUSTOMER_EMAIL);
    await shot(page, '05-unsubscribe');
    expectNoProblems();
  });

  it('a reload shows the history and keeps the conversation: a new question is still answered', async () => {
    const conversationOf = () =>
      page.evaluate(() => {
        const kept = JSON.parse(sessionStorage.getItem('wowrack-chat:builtin') ?? '{}') as { conversationId?: string };
        return kept.conversationId;
      });
    const before = await conversationOf();
    expect(before).to.be.a('string');
    await page.reload();
    await shows(botBubbles(page, WELCOME_TEXT), 'the welcome (from the history)');
    await shows(userBubbles(page, 'apakah data saya dijual?'), 'the earlier question');
    await shows(botBubbles(page, 'tidak menjual'), 'the earlier answer');
    await shows(botBubbles(page, 'Selesai ✅'), 'the earlier confirmation');
    expect(await botBubbles(page, WELCOME_TEXT).count(), 'one welcome: the same conversation').to.equal(1);
    await say(page, 'apakah wowrack memakai cookie?');
    await shows(botBubbles(page, 'Cookie ialah'), 'the answer after the reload');
    expect(await conversationOf()).to.equal(before);
    await shot(page, '06-reload');
    expectNoProblems();
  });

  it('the embed snippet on another origin: the bubble opens the chat in an iframe, which answers', async () => {
    if (!browser) throw new Error('no browser');
    const other = await newContext(browser);
    try {
      const site = await other.newPage();
      watch(site, 'partner site');
      await site.goto(`${partnerBase}/`);
      const bubble = await shows(site.getByRole('button', { name: 'Buka chat asisten privasi' }), 'the chat bubble');
      expect(await site.locator('#wowrack-privacy-chat-frame').count(), 'nothing loads before the first open').to.equal(
        0,
      );
      await bubble.click();
      const frameElement = await shows(site.locator('iframe#wowrack-privacy-chat-frame'), 'the chat panel');
      expect(await frameElement.getAttribute('src')).to.equal(`${base}/?embed=1`);
      expect(new URL(partnerBase).origin).not.to.equal(new URL(base).origin);
      const frame = site.frameLocator('#wowrack-privacy-chat-frame');
      await shows(botBubbles(frame, WELCOME_TEXT), 'the welcome inside the frame');
      expect(await frame.locator('body').getAttribute('class')).to.equal('embed');
      await shot(site, '07-embed-open', frame);
      await say(frame, 'apakah wowrack memakai cookie?');
      await shows(botBubbles(frame, 'Cookie ialah'), 'the answer inside the frame');
      await shot(site, '08-embed-answer', frame);
      await site.getByRole('button', { name: 'Tutup chat asisten privasi' }).click();
      await site.locator('#wowrack-privacy-chat-frame').waitFor({ state: 'hidden', timeout: WAIT_MS });
      expectNoProblems();
    } finally {
      await other.close();
    }
  });

  it('a site not in FRAME_ANCESTORS gets no chat: the browser refuses to frame the page', async () => {
    if (!browser) throw new Error('no browser');
    const other = await newContext(browser);
    try {
      const site = await other.newPage();
      // The same partner server under another name: another origin, not listed in FRAME_ANCESTORS.
      const unlisted = partnerBase.replace('127.0.0.1', 'localhost');
      await site.goto(`${unlisted}/`);
      const refused = site.waitForEvent('console', {
        predicate: (message) => message.type() === 'error' && message.text().includes('frame-ancestors'),
        timeout: WAIT_MS,
      });
      await (await shows(site.getByRole('button', { name: 'Buka chat asisten privasi' }), 'the chat bubble')).click();
      expect((await refused).text()).to.include(`frame-ancestors 'self' ${partnerBase}`);
      const frame = site.frames().find((f) => f !== site.mainFrame());
      expect(frame?.url(), 'the frame holds the browser error page, not the chat').not.to.include(base);
      expect(await site.frameLocator('#wowrack-privacy-chat-frame').locator(WEB_CHAT.sendBox).count()).to.equal(0);
      await shot(site, '09-embed-refused', null);
    } finally {
      await other.close();
    }
  });
});
