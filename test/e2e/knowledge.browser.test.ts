/**
 * The admins' knowledge console in a real browser: the real app (createApp) on a loopback port with its own copy of
 * the knowledge files, headless Chromium signed in as an admin. An unanswered question reaches the inbox and is
 * added as an alternate in one click, then answered through /api/messages without a restart; an invalid hand edit
 * keeps the old version serving and shows its problem on the first page; an earlier version is restored; the test
 * pane; the spreadsheet round trip. Screenshots in artifacts/knowledge/. Steps build on each other, in order.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseCsv } from '../../domain/knowledgeSheet.ts';
import { Conversation, type RunningApp, startApp } from '../support/appHarness.ts';
import { chromiumMissing, findChromium, launchChromium, openCheckedPage } from '../support/browser.ts';
import { TEST_SCRYPT } from '../support/consoleHarness.ts';
import { copyKnowledge, waitFor } from '../support/knowledgeCopy.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = join(ROOT, 'artifacts', 'knowledge');
const WAIT_MS = 10_000;
const ADMIN = { email: 'ani@wowrack.co.id', name: 'Ani Admin', password: 'kata-sandi-admin-panjang-2' };
// Not answered now; as an alternate of `protect`, answered, with no labelled question answered worse (measured).
const QUESTION = 'apakah kuda poni saya dijaga';
const LONG_WORD_QUESTION = `apakah ${'zebrabelang'.repeat(12)} berlari kencang?`;

describe('knowledge console in headless Chromium (real app, real browser)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let running: RunningApp | undefined;
  let dir: string | undefined;
  let faq = '';
  let original = '';
  let context: BrowserContext;
  let page: Page;
  let base = '';
  const problems: string[] = [];
  let failures = 0;

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const main = () => page.locator('main');
  const ask = async (text: string) =>
    (await new Conversation(() => base, `k-${Math.random()}`).say(text)).replies[0]?.channelData?.wowrack;
  const health = async () =>
    (
      (await (await fetch(`${base}/healthz`)).json()) as {
        knowledge: { version: string; lastError?: { current: boolean } };
      }
    ).knowledge;

  before(async function () {
    const executable = findChromium();
    if (!executable) {
      const warning = `⚠️  KNOWLEDGE CONSOLE BROWSER TESTS SKIPPED: ${chromiumMissing()}`;
      process.stderr.write(`\n${warning}\n\n`);
      process.once('exit', () => process.stderr.write(`\n${warning}\n`));
      this.skip();
      return;
    }
    await mkdir(ARTIFACTS, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'wowrack-knowledge-console-'));
    faq = await copyKnowledge(dir);
    original = await readFile(faq, 'utf8');
    const [b, app] = await Promise.all([
      launchChromium(executable),
      startApp(
        join(dir, 'data'),
        '',
        { scryptCost: TEST_SCRYPT, knowledgeWatch: { debounceMs: 100, pollMs: 300 } },
        { KNOWLEDGE_FILE: faq },
      ),
    ]);
    browser = b;
    running = app;
    base = app.base;
    await app.app.services.console.staff.add({ ...ADMIN, role: 'admin' }, 'cli');
    ({ context, page } = await openCheckedPage(b, problems));
    await page.goto(`${base}/console/knowledge`);
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/console/, { timeout: WAIT_MS });
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
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('an unanswered question appears in the inbox, is added as an alternate in one click, and is answered next time', async () => {
    expect((await ask(QUESTION))?.kind).to.equal('none');
    const before = (await health()).version;
    await page.goto(`${base}/console/knowledge/inbox`);
    const row = main().locator('tr', { has: page.locator('b.question', { hasText: QUESTION }) });
    await row.waitFor({ timeout: WAIT_MS });
    await shot('01-inbox');
    await row.locator('select[name=entry]').first().selectOption('protect');
    await row.locator('button[data-test=add-alternate]').click();
    await page.waitForURL(/done=saved/, { timeout: WAIT_MS });
    // Served by the time the admin reads "saved": swapped in by the change itself, not by the file watcher's reload
    // (which waits 100 ms of quiet and then builds for about a second).
    const served = (await health()).version;
    expect(served).to.not.equal(before);
    expect(await main().locator('b.question', { hasText: QUESTION }).count()).to.equal(0);
    const again = await ask(QUESTION);
    expect(again).to.deep.include({ kind: 'answer', entryId: 'protect' });
    expect(await readFile(faq, 'utf8')).to.include(`        - ${QUESTION}\n`);
  });

  it('an invalid hand edit keeps the old version serving and shows the problem on the first page', async () => {
    const serving = (await health()).version;
    const edited = await readFile(faq, 'utf8');
    await writeFile(faq, edited.replace('  - id: cookie\n    section:', '  - id: cookie\n    sectoin:'));
    await waitFor(async () => (await health()).lastError?.current === true, WAIT_MS, 'the refused edit');
    expect((await health()).version).to.equal(serving);
    expect(await ask(QUESTION)).to.deep.include({ kind: 'answer', entryId: 'protect' });
    await page.goto(`${base}/console`);
    const banner = main().locator('#knowledge-error');
    await banner.waitFor({ timeout: WAIT_MS });
    expect(await banner.innerText())
      .to.include('sectoin')
      .and.include('cookie');
    await shot('02-invalid-edit');
  });

  it('restores an earlier version in one click (which also mends the broken file), and shows diffs', async () => {
    // The admin keeps the added question as a test question (the test pane's form): from now on every change is
    // checked against it too. Going back to the file before the addition answers it no more, so the restore is a drop
    // the admin must confirm, whatever it does to the other labelled questions (the addition itself was saved without
    // a confirmation: it lost none of them).
    await page.goto(`${base}/console/knowledge/test?q=${encodeURIComponent(QUESTION)}`);
    await main().locator('#test-result').waitFor({ timeout: WAIT_MS });
    // Decided by the file itself: the message is, word for word, the phrasing the inbox added.
    expect(await main().locator('[data-test=rule]').textContent())
      .to.include("one of faq.yaml's phrasings, word for word")
      .and.include(`protect: “${QUESTION}”`);
    await page.selectOption('select[name=expect]', 'protect');
    await page.click('form[action="/console/knowledge/test/cases"] button[type=submit]');
    await main().locator('li', { hasText: QUESTION }).waitFor({ timeout: WAIT_MS });
    await page.goto(`${base}/console/knowledge/versions`);
    const first = main().locator('tr[data-version]').last(); // the file as found before the first change
    await first.waitFor({ timeout: WAIT_MS });
    await first.getByRole('link').first().click();
    await main().locator('#diff').waitFor({ timeout: WAIT_MS });
    expect(await main().locator('#diff .add').count()).to.be.greaterThan(0);
    await shot('03-diff');
    await main().locator('tr[data-version]').last().locator('button[data-test=restore]').click();
    // The admin is shown which question it loses, what it got before and what it would get now, and confirms.
    await main().locator('#needs-confirmation').waitFor({ timeout: WAIT_MS });
    const changed = await main().locator('ul.changed li', { hasText: QUESTION }).textContent();
    expect(changed).to.equal(`“${QUESTION}”: protect → none (seharusnya expected protect)`);
    await shot('04-restore-confirm-drop');
    await main().locator('form:has(input[name=confirm]) button[type=submit]').click();
    await page.waitForURL(/\/versions$/, { timeout: WAIT_MS });
    expect(await readFile(faq, 'utf8')).to.equal(original);
    await waitFor(async () => (await health()).lastError?.current === false, WAIT_MS, 'the mended file');
    expect((await ask(QUESTION))?.kind).to.equal('none');
    expect(await main().locator('tr[data-version]').first().innerText()).to.include('restored version');
    await page.goto(`${base}/console`);
    expect(await main().locator('#knowledge-error').count()).to.equal(0);
    await page.goto(`${base}/console/knowledge/versions`);
    await shot('04-versions');
  });

  it('the test pane shows the normalised words, the top 3 entries, thresholds and the decision', async () => {
    await page.goto(`${base}/console/knowledge/test`);
    await page.fill('input[name=q]', 'apakah data sy dijual ke pihak ketiga?');
    await page.click('form.filters button[type=submit]');
    await main().locator('#test-result').waitFor({ timeout: WAIT_MS });
    expect(await main().locator('[data-test=decision]').innerText()).to.equal('answer');
    expect(await main().locator('[data-test=tokens]').innerText())
      .to.include('jual')
      .and.include('pihak_lain');
    expect(await main().locator('#test-result tbody tr').count()).to.equal(3);
    expect(await main().innerText()).to.include('0.425');
    await shot('05-test-pane');
  });

  it('the spreadsheet round trip: download, edit a cell, upload; only that field changes', async () => {
    await page.goto(`${base}/console/knowledge/sheet`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-test=export]')]);
    const path = await download.path();
    const csv = await readFile(path, 'utf8');
    const rows = parseCsv(csv);
    const header = rows[0] ?? [];
    const cookie = rows.find((r) => r[0] === 'cookie') ?? [];
    cookie[header.indexOf('alternates_en')] = `${cookie[header.indexOf('alternates_en')]}\nare cookies small files`;
    const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
    const edited = join(dir ?? '', 'reviewed.csv');
    await writeFile(edited, `\uFEFF${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`);
    await page.setInputFiles('input[type=file][data-fill=csv]', edited);
    await waitFor(
      async () => (await page.inputValue('textarea[name=csv]')).length > 1000,
      WAIT_MS,
      'the file in the form',
    );
    await page.click('form[action="/console/knowledge/sheet"] button[type=submit]');
    // The ranker retrains on every change: a new phrasing often moves a borderline labelled question or two, and a
    // drop must be confirmed (measured for this one: 1182 → 1181 of 1230).
    await main().locator('.notice.ok, #needs-confirmation').first().waitFor({ timeout: WAIT_MS });
    if ((await main().locator('#needs-confirmation').count()) > 0) {
      await shot('06-sheet-confirm-drop');
      await main().locator('form:has(input[name=confirm]) button[type=submit]').click();
      await main().locator('.notice.ok').waitFor({ timeout: WAIT_MS });
    }
    await shot('06-sheet-imported');
    const now = await readFile(faq, 'utf8');
    expect(now).to.include('are cookies small files');
    const before = new Set(original.split('\n'));
    expect(now.split('\n').filter((line) => !before.has(line))).to.deep.equal(['        - are cookies small files']);
    expect(now.split('\n').length).to.equal(original.split('\n').length + 1);
  });

  it('the entry editor names an Indonesian sentence the statement does not contain', async () => {
    await page.goto(`${base}/console/knowledge/entries/cookie`);
    const answer = page.locator('textarea[name=answer_id]');
    await answer.fill(`${await answer.inputValue()} Cookie tidak berbahaya sama sekali.`);
    await page.click('form.editor button[type=submit]');
    await main().locator('#unquoted').waitFor({ timeout: WAIT_MS });
    expect(await main().locator('#unquoted').innerText()).to.include('Cookie tidak berbahaya sama sekali.');
    expect(await readFile(faq, 'utf8')).to.not.include('tidak berbahaya');
    await shot('07-entry-unquoted');
  });

  it('two tabs edit one entry: the later save is refused with its text kept beside the entry as it is now', async () => {
    const other = await context.newPage();
    try {
      await other.goto(`${base}/console/knowledge/entries/security`);
      await page.goto(`${base}/console/knowledge/entries/security`);
      await page.fill('input[name=section]', 'Keamanan (tab 1)');
      await page.click('form.editor button[type=submit]');
      await main().locator('.notice.ok').waitFor({ timeout: WAIT_MS });
      await other.fill('input[name=keywords]', 'keamanan, enkripsi, tab dua');
      await other.click('form.editor button[type=submit]');
      await other.locator('#conflict').waitFor({ timeout: WAIT_MS });
      expect(await other.inputValue('input[name=section]')).to.equal('Keamanan (tab 1)');
      expect(await other.locator('.unsaved').textContent()).to.include('keamanan, enkripsi, tab dua');
      // Only what differs from the entry now: its own change, and the field the other tab changed meanwhile.
      expect(await other.locator('.unsaved dt').allTextContents()).to.deep.equal(['section', 'keywords']);
      await other.screenshot({ path: join(ARTIFACTS, '07-entry-conflict.png'), fullPage: true });
      expect(await readFile(faq, 'utf8'))
        .to.include('Keamanan (tab 1)')
        .and.not.include('tab dua');
    } finally {
      await other.close();
    }
  });

  it('lint, analytics (SVG chart, CSV) and the inbox CSV render for the admin; the pages break no CSP rule', async () => {
    await page.goto(`${base}/console/knowledge/lint`);
    await main().locator('#closer').waitFor({ timeout: WAIT_MS });
    await shot('08-lint');
    await page.goto(`${base}/console/knowledge/analytics`);
    expect(await main().locator('.chart svg rect').count()).to.be.greaterThan(0);
    await shot('09-analytics');
    const cookies = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const csv = await fetch(`${base}/console/export/analytics.csv?by=week`, { headers: { cookie: cookies } });
    expect(csv.status).to.equal(200);
    expect(await csv.text()).to.include('period,questions');
    const inbox = await fetch(`${base}/console/export/inbox.csv`, { headers: { cookie: cookies } });
    expect(inbox.status).to.equal(200);
    expect((await fetch(`${base}/console/export/inbox.csv`)).status).to.equal(401);
    expect(problems).to.deep.equal([]);
  });

  it('every knowledge page at a laptop and a phone width: screenshots, nothing wider than the screen', async () => {
    // An inbox as admins meet it: no answer, off-topic, "did you mean", a cancelled flow, a word longer than a phone.
    for (const text of [
      'zebra belang berlari kencang',
      'harga vps berapa?',
      'data',
      'kok browser saya nyimpen file?',
      LONG_WORD_QUESTION,
    ])
      await ask(text);
    const cancelled = new Conversation(() => base, `k-cancel-${Math.random()}`);
    await cancelled.say('saya mau berhenti terima email promosi');
    await cancelled.say('batal');
    await page.goto(`${base}/console/knowledge/versions`);
    const first = await main().locator('tr[data-version]').last().getAttribute('data-version');
    const pages: readonly (readonly [string, string])[] = [
      ['overview', '/console/knowledge'],
      ['inbox', '/console/knowledge/inbox'],
      ['test-pane', '/console/knowledge/test?q=apakah+data+sy+dijual+ke+pihak+ketiga%3F'],
      // Whatever the matcher makes of them: a word longer than the screen, a question that reads as two entries
      // (answered with both when the second scores nearly as high), one answered with a long quote.
      ['test-pane-long-word', `/console/knowledge/test?q=${encodeURIComponent(LONG_WORD_QUESTION)}`],
      [
        'test-pane-two-sides',
        `/console/knowledge/test?q=${encodeURIComponent('do you guys sell my personal info to advertisers??')}`,
      ],
      [
        'test-pane-long-answer',
        `/console/knowledge/test?q=${encodeURIComponent('data apa saja yang dikumpulkan wowrack?')}`,
      ],
      ['entries', '/console/knowledge/entries'],
      ['entry', '/console/knowledge/entries/cookie'],
      ['versions', '/console/knowledge/versions'],
      ['diff', `/console/knowledge/versions?from=${first}&to=current`],
      ['lint', '/console/knowledge/lint'],
      ['sheet', '/console/knowledge/sheet'],
      ['analytics', '/console/knowledge/analytics'],
      ['analytics-week', '/console/knowledge/analytics?by=week'],
    ];
    const screens = [
      { label: 'laptop', width: 1366, height: 768 },
      { label: 'phone', width: 390, height: 844 },
    ] as const;
    try {
      for (const screen of screens) {
        await page.setViewportSize({ width: screen.width, height: screen.height });
        for (const [name, path] of pages) {
          await page.goto(`${base}${path}`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow, `${path} is wider than the ${screen.label}`).to.be.at.most(0);
          await shot(`${screen.label}-${name}`);
        }
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    expect(problems).to.deep.equal([]);
  });
});
