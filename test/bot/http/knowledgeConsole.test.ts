/**
 * The knowledge pages over HTTP on the real server: only admins reach them, every POST needs the session's CSRF
 * token, downloads without a session get 401, and bad input gets a 4xx with a reason, never a 500.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { formOf } from '../../../bot/http/console/knowledge/entryRoutes.ts';
import { escapeHtml } from '../../../bot/http/html.ts';
import { parseCsv } from '../../../domain/knowledgeSheet.ts';
import type { KnowledgeEntry } from '../../../knowledge/types.ts';
import { addAlternate } from '../../../knowledge/yamlEdit.ts';
import { Conversation, type RunningApp, readDbFile, startApp } from '../../support/appHarness.ts';
import { ConsoleClient, csrfOf, TEST_SCRYPT } from '../../support/consoleHarness.ts';
import { copyKnowledge } from '../../support/knowledgeCopy.ts';
import { useTempDir } from '../../support/tempDir.ts';

const ADMIN = { email: 'adi@wowrack.co.id', name: 'Adi Admin', password: 'kata-sandi-admin-panjang-3' };
const SUPPORT = { email: 'sari@wowrack.co.id', name: 'Sari Support', password: 'kata-sandi-support-panjang' };
const ADMIN_2 = { email: 'budi@wowrack.co.id', name: 'Budi Admin', password: 'kata-sandi-admin-panjang-4' };

const baseOf = (page: string): string => /name="base" value="([0-9a-f]+)"/.exec(page)?.[1] ?? '';

describe('knowledge console over HTTP: roles, CSRF, refusals', function () {
  this.timeout(40_000);
  const dir = useTempDir('wowrack-knowledge-http-');
  let running: RunningApp | undefined;
  let faq = '';

  beforeEach(async () => {
    faq = await copyKnowledge(dir());
    running = await startApp(
      `${dir()}/data`,
      '',
      { scryptCost: TEST_SCRYPT, knowledgeWatch: false },
      { KNOWLEDGE_FILE: faq },
    );
    await running.app.services.console.staff.add({ ...ADMIN, role: 'admin' }, 'cli');
    await running.app.services.console.staff.add({ ...SUPPORT, role: 'support' }, 'cli');
    await running.app.services.console.staff.add({ ...ADMIN_2, role: 'admin' }, 'cli');
  });
  const app = () => {
    if (!running) throw new Error('not running');
    return running.app;
  };
  const cookie = () => app().knowledge.knowledge.entries.find((e) => e.id === 'cookie') as KnowledgeEntry;
  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  async function signedIn(who: { email: string; password: string }): Promise<ConsoleClient> {
    const client = new ConsoleClient(running?.base ?? '');
    expect((await client.signIn(who.email, who.password)).status).to.equal(303);
    return client;
  }

  it('support staff get 403 on the knowledge pages and exports; no session gets the sign-in page or 401', async () => {
    const support = await signedIn(SUPPORT);
    expect((await support.get('/console/knowledge/inbox')).status).to.equal(403);
    expect((await support.get('/console/export/inbox.csv')).status).to.equal(403);
    const csrf = await support.csrf('/console');
    expect((await support.post('/console/knowledge/inbox/act', { csrf, key: 'x', action: 'ignore' })).status).to.equal(
      403,
    );
    const anonymous = new ConsoleClient(running?.base ?? '');
    expect((await anonymous.get('/console/knowledge')).status).to.equal(303);
    expect((await anonymous.get('/console/export/knowledge.csv')).status).to.equal(401);
    const nav = (await support.get('/console')).body;
    expect(nav).to.not.include('/console/knowledge');
  });

  it('an admin POST without the CSRF token is refused and changes nothing', async () => {
    const admin = await signedIn(ADMIN);
    const before = running?.app.knowledge.status.version;
    const refused = await admin.post('/console/knowledge/entries/cookie', { section: 'x', question_id: 'x' });
    expect(refused.status).to.equal(403);
    expect(running?.app.knowledge.status.version).to.equal(before);
  });

  it('bad input gets a 4xx page with a reason: unknown entry, unknown version, a sheet without columns', async () => {
    const admin = await signedIn(ADMIN);
    expect((await admin.get('/console/knowledge/entries/nope')).status).to.equal(404);
    expect((await admin.get('/console/knowledge/versions?from=../../etc/passwd')).status).to.equal(400);
    const csrf = csrfOf((await admin.get('/console/knowledge/sheet')).body);
    const sheet = await admin.post('/console/knowledge/sheet', { csrf, csv: 'a,b\r\n1,2\r\n' });
    expect(sheet.status).to.equal(400);
    expect(sheet.body).to.include('lacks the column');
    const restore = await admin.post('/console/knowledge/versions/restore', {
      csrf,
      version: '20260101T000000000Z-0123456789abcdef',
      base: '0123456789abcdef',
    });
    expect(restore.status).to.equal(400);
    expect(restore.body).to.include('no version');
    // A form without the version it was based on is refused (it could overwrite a change made since).
    const outdated = await admin.post('/console/knowledge/entries/cookie', { csrf, section: 'x', question_id: 'x' });
    expect(outdated.status).to.equal(400);
    expect(outdated.body).to.include('The form is outdated');
  });

  it('every knowledge page, action and export needs the admin role (each route the server has, found by its path)', async () => {
    const info: { routes?: readonly { method: string; path: string }[] } = running?.app.server.getDebugInfo() ?? {};
    const routes = (info.routes ?? []).filter(
      (r) =>
        r.path.startsWith('/console/knowledge') ||
        ['/console/export/inbox.csv', '/console/export/knowledge.csv', '/console/export/analytics.csv'].includes(
          r.path,
        ),
    );
    expect(routes.length).to.be.above(15);
    const version = running?.app.knowledge.status.version;
    const support = await signedIn(SUPPORT);
    const csrf = await support.csrf('/console');
    for (const route of routes) {
      const path = route.path.replace(':id', 'cookie');
      const response =
        route.method === 'post'
          ? await support.post(path, { csrf, key: 'x', action: 'ignore', id: 'x', q: 'x', version: 'current' })
          : await support.get(path);
      expect(response.status, `${route.method} ${path}`).to.equal(403);
    }
    // Nothing was changed by the refused actions.
    expect(running?.app.knowledge.status.version).to.equal(version);
    expect(await running?.app.admin.tests.list()).to.deep.equal([]);
  });

  it('two admins edit one entry: the second save, from a page opened before the first, gets 409 and its text back', async () => {
    const ani = await signedIn(ADMIN);
    const budi = await signedIn(ADMIN_2);
    const pageAni = (await ani.get('/console/knowledge/entries/cookie')).body;
    const pageBudi = (await budi.get('/console/knowledge/entries/cookie')).body;
    const form = formOf(cookie());
    const first = await ani.post('/console/knowledge/entries/cookie', {
      ...form,
      csrf: csrfOf(pageAni),
      base: baseOf(pageAni),
      section: 'Cookies (Ani)',
    });
    expect(first.status).to.equal(200);
    expect(first.body).to.include('Saved and serving now');
    const second = await budi.post('/console/knowledge/entries/cookie', {
      ...form,
      csrf: csrfOf(pageBudi),
      base: baseOf(pageBudi),
      keywords: 'cookie, kukiku-budi',
    });
    expect(second.status).to.equal(409);
    expect(second.body).to.include('changed by someone else since this page was opened');
    // The form now shows the entry as Ani saved it (with its new version), and Budi's text that was not saved.
    expect(second.body).to.include('value="Cookies (Ani)"');
    expect(baseOf(second.body)).to.not.equal(baseOf(pageBudi));
    expect(second.body).to.match(
      /Your text where it differs from the entry now \(not saved\)[\s\S]*<code>keywords<\/code><\/dt><dd><pre>cookie, kukiku-budi<\/pre>/,
    );
    expect(cookie().section).to.equal('Cookies (Ani)');
    expect(cookie().keywords).to.deep.equal(form.keywords?.split(', '));
    expect(await readFile(faq, 'utf8')).to.not.include('kukiku-budi');
  });

  it('a sheet exported before another admin’s change is refused (409); too long or malformed: a 4xx, nothing applied', async () => {
    const ani = await signedIn(ADMIN);
    const budi = await signedIn(ADMIN_2);
    const exported = (await ani.get('/console/export/knowledge.csv')).body;
    const csrf = csrfOf((await ani.get('/console/knowledge/sheet')).body);
    const pageBudi = (await budi.get('/console/knowledge/entries/cookie')).body;
    const saved = await budi.post('/console/knowledge/entries/cookie', {
      ...formOf(cookie()),
      csrf: csrfOf(pageBudi),
      base: baseOf(pageBudi),
      section: 'Cookies (Budi)',
    });
    expect(saved.status).to.equal(200);
    const version = app().knowledge.status.version;
    const rows = parseCsv(exported);
    const header = rows[0] ?? [];
    const row = rows.find((r) => r[0] === 'cookie') ?? [];
    row[header.indexOf('answer_en')] = 'A cookie is a small text file.';
    const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
    const sheet = rows.map((r) => r.map(quote).join(',')).join('\r\n');
    const stale = await ani.post('/console/knowledge/sheet', { csrf, csv: sheet });
    expect(stale.status).to.equal(409);
    expect(stale.body).to.include('changed by someone else').and.include('/console/knowledge/entries/cookie');
    expect(cookie().section).to.equal('Cookies (Budi)');

    const huge = await ani.post('/console/knowledge/sheet', { csrf, csv: `${sheet}\r\n${' '.repeat(200_000)}` });
    expect(huge.status).to.equal(413);
    expect(huge.body).to.include('longer than 200,000 characters');
    const open = await ani.post('/console/knowledge/sheet', { csrf, csv: `${sheet}\r\n"cookie,policy` });
    expect(open.status).to.equal(400);
    expect(open.body).to.include('is never closed').and.include('nothing changed');
    expect(app().knowledge.status.version).to.equal(version);
  });

  it('escapes customer text in the inbox and YAML text in the editor and the diff; neutralises formulas in the CSV', async () => {
    const payloads = ['<img src=x onerror=alert(1)> apakah kuda poni', '"><script>alert(1)</script> zebra belang'];
    for (const [i, text] of payloads.entries()) await new Conversation(() => running?.base ?? '', `x-${i}`).say(text);
    await new Conversation(() => running?.base ?? '', 'x-csv').say('=HYPERLINK("http://evil.example","klik") kuda');
    const admin = await signedIn(ADMIN);
    const inbox = (await admin.get('/console/knowledge/inbox')).body;
    expect(inbox)
      .to.include(escapeHtml(payloads[0] ?? ''))
      .and.include(escapeHtml(payloads[1] ?? ''));
    expect(inbox).to.not.include('<img src=x').and.not.include('<script>alert');
    const csv = (await admin.get('/console/export/inbox.csv')).body;
    const cells = parseCsv(csv).flat();
    expect(cells).to.include(`'=HYPERLINK("http://evil.example","klik") kuda`);
    expect(cells.some((c) => c.startsWith('='))).to.equal(false);

    // Faq text from a hand edit (or an earlier save) that looks like markup stays text in the editor and the diff.
    const evil = '</textarea><script>alert(2)</script>';
    await writeFile(faq, addAlternate(await readFile(faq, 'utf8'), 'cookie', 'en', evil));
    expect((await app().knowledge.reload()).kind).to.equal('loaded');
    const editor = (await admin.get('/console/knowledge/entries/cookie')).body;
    expect(editor).to.include(escapeHtml(evil)).and.not.include(evil);
    const saved = await admin.post('/console/knowledge/entries/cookie', {
      ...formOf(cookie()),
      csrf: csrfOf(editor),
      base: baseOf(editor),
      section: 'Cookies <b>bold</b>',
    });
    expect(saved.status).to.equal(200);
    const versions = (await admin.get('/console/knowledge/versions')).body;
    const found = /data-version="([^"]+)"/g;
    const ids = [...versions.matchAll(found)].map((m) => m[1]);
    const diff = (await admin.get(`/console/knowledge/versions?from=${ids.at(-1)}&to=current`)).body;
    expect(diff).to.include(escapeHtml('Cookies <b>bold</b>')).and.not.include('<b>bold</b>');
    expect(versions).to.not.include('<b>bold</b>');
  });

  it('an e-mail, phone or card number typed by a customer never appears unmasked in the inbox, its CSV or the history', async () => {
    const typed = [
      'kuda poni saya dijaga? email budi.santoso@gmail.com',
      'email saya budi @ gmail.com, kuda poni dijaga?',
      'kuda poni dijaga? hp 0812-3456-7890',
      'kuda poni saya dijaga? kartu 4111 1111 1111 1111',
    ];
    for (const [i, text] of typed.entries()) await new Conversation(() => running?.base ?? '', `pii-${i}`).say(text);
    const secrets = [/budi\.santoso@/, /gmail\.com/, /\d{4}/, /3456/];
    const admin = await signedIn(ADMIN);
    const inbox = (await admin.get('/console/knowledge/inbox')).body;
    const groups = await app().admin.inbox.groups();
    expect(groups.reduce((n, g) => n + g.count, 0)).to.equal(typed.length); // every message reached the inbox
    expect(inbox).to.include('[email]').and.include('[number]');
    const csv = (await admin.get('/console/export/inbox.csv')).body;
    const records = JSON.stringify((await readDbFile(running?.dataDir ?? '')).inbox);
    expect(records).to.include('[email]');
    // Each group is then added as an alternate: into faq.yaml, the history and the audit trail. A group's key is its
    // words as the knowledge serving now reads them, and every addition changes that knowledge (new words are known,
    // two groups may become one), so the groups are read again after each action, as the inbox page shows them.
    let actions = 0;
    for (let left = groups; left.length > 0; left = await app().admin.inbox.groups()) {
      const [group] = left;
      if (!group || actions === typed.length) break;
      const outcome = await app().admin.inbox.act('staff:t', group.key, {
        action: 'alternate',
        entryId: 'protect',
        confirmDrop: true,
      });
      expect(outcome.status).to.equal('saved');
      actions += 1;
    }
    expect(await app().admin.inbox.groups()).to.deep.equal([]);
    expect(actions).to.be.greaterThan(0);
    const history = join(running?.dataDir ?? '', 'knowledge-history');
    const kept = await Promise.all((await readdir(history)).map((name) => readFile(join(history, name), 'utf8')));
    const audit = JSON.stringify((await readDbFile(running?.dataDir ?? '')).audit);
    for (const [where, text] of [
      ['inbox page', inbox],
      ['inbox CSV', csv],
      ['faq.yaml', await readFile(faq, 'utf8')],
      ['history', kept.join('\n')],
      ['audit', audit],
      ['inbox records', records],
    ] as const)
      for (const secret of secrets.slice(0, 2)) expect(text, where).to.not.match(secret);
    // The phone number as typed ("hp 0812-…"), not "0812" inside a version id: its time stamp (20261206T081213736Z,
    // any save at 08:12 UTC or on 12 August) and hash are letters and digits run together.
    for (const [where, text] of [
      ['inbox page', inbox.replace(/<[^>]*>/g, ' ')],
      ['inbox CSV', csv],
      ['history', kept.filter((k) => k.includes('kuda poni')).join('\n')],
    ] as const)
      expect(text, where).to.not.match(/(?<![\dA-Za-z])0812|4111 1111/);
  });

  it('the inbox shows 50 groups a page, most frequent first, with the way to the others', async () => {
    const at = new Date().toISOString();
    const records = Array.from({ length: 120 }, (_, i) => ({
      id: `r${i}`,
      kind: 'none' as const,
      at,
      lang: 'id' as const,
      question: `pertanyaan kode q${i}x`,
    }));
    await app().store.requests.transaction((tx) => tx.inbox.add(records, 20_000));
    const admin = await signedIn(ADMIN);
    const first = await admin.get('/console/knowledge/inbox');
    const rows = (body: string) => body.match(/<tr data-key=/g)?.length ?? 0;
    expect(rows(first.body)).to.equal(50);
    expect(first.body).to.include('Page 1 of 3 (120 groups)').and.include('href="/console/knowledge/inbox?page=2"');
    const last = await admin.get('/console/knowledge/inbox?page=3');
    expect(rows(last.body)).to.equal(20);
    expect(last.body).to.include('href="/console/knowledge/inbox?page=2"').and.not.include('page=4');
    expect(rows((await admin.get('/console/knowledge/inbox?page=99')).body)).to.equal(20);
    process.stdout.write(`      inbox page of 50 groups: ${Math.round(first.body.length / 1024)} KB\n`);
  });

  it('an inbox group pre-selects the entry customers clicked after "did you mean", before the matcher’s guess', async () => {
    const at = new Date().toISOString();
    const suggest = (id: string, choice?: string) => ({
      id,
      kind: 'suggest' as const,
      at,
      lang: 'id' as const,
      question: 'kuki di situs kalian buat apa',
      offered: ['cookie', 'collect'],
      ...(choice ? { choice } : {}),
    });
    await app().store.requests.transaction((tx) =>
      tx.inbox.add(
        [suggest('a', 'collect'), suggest('b', 'collect'), suggest('c', 'none-of-these'), suggest('d')],
        100,
      ),
    );
    const page = (await (await signedIn(ADMIN)).get('/console/knowledge/inbox')).body;
    const select = /<select name="entry" aria-label="Entri · Entry">(.*?)<\/select>/s.exec(page)?.[1] ?? '';
    expect(/<option value="([^"]+)" selected>/.exec(select)?.[1]).to.equal('collect');
    expect(page).to.include('collect 2').and.include('none-of-these 1').and.include('(nothing) 1');
  });
});
