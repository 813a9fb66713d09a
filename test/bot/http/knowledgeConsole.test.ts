/**
 * The knowledge pages over HTTP on the real server: only admins reach them, every POST needs the session's CSRF
 * token, downloads without a session get 401, and bad input gets a 4xx with a reason, never a 500.
 */
import { expect } from 'chai';
import { type RunningApp, startApp } from '../../support/appHarness.ts';
import { ConsoleClient, csrfOf, TEST_SCRYPT } from '../../support/consoleHarness.ts';
import { copyKnowledge } from '../../support/knowledgeCopy.ts';
import { useTempDir } from '../../support/tempDir.ts';

const ADMIN = { email: 'adi@wowrack.co.id', name: 'Adi Admin', password: 'kata-sandi-admin-panjang-3' };
const SUPPORT = { email: 'sari@wowrack.co.id', name: 'Sari Support', password: 'kata-sandi-support-panjang' };

describe('knowledge console over HTTP: roles, CSRF, refusals', function () {
  this.timeout(40_000);
  const dir = useTempDir('wowrack-knowledge-http-');
  let running: RunningApp | undefined;

  beforeEach(async () => {
    const faq = await copyKnowledge(dir());
    running = await startApp(
      `${dir()}/data`,
      '',
      { scryptCost: TEST_SCRYPT, knowledgeWatch: false },
      { KNOWLEDGE_FILE: faq },
    );
    await running.app.services.console.staff.add({ ...ADMIN, role: 'admin' }, 'cli');
    await running.app.services.console.staff.add({ ...SUPPORT, role: 'support' }, 'cli');
  });
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
    });
    expect(restore.status).to.equal(400);
    expect(restore.body).to.include('no version');
  });
});
