/**
 * The support console over HTTP on the real server (createApp on an ephemeral port): what a request without a
 * session gets, sign-in with its form token, cookies, the CSRF check of every POST, roles, the growing delays that
 * end in 429, the second factor and sign-out. The browser's view is test/e2e/console.browser.test.ts.
 */
import { expect } from 'chai';
import { totpCode } from '../../../domain/totp.ts';
import { type RunningApp, readDbFile, startApp } from '../../support/appHarness.ts';
import { ConsoleClient, recordTicket, TEST_SCRYPT } from '../../support/consoleHarness.ts';
import { usePostgresDatabase } from '../../support/postgres.ts';
import { tempDir } from '../../support/tempDir.ts';
import { clearOfTotpStepEnd } from '../../support/totpTiming.ts';

const ADMIN = { email: 'alice@wowrack.co.id', name: 'Alice Admin', password: 'kata-sandi-admin-1' };
const SUPPORT = { email: 'budi@wowrack.co.id', name: 'Budi Support', password: 'kata-sandi-support-1' };

/** The suite on the app with the given store (the embedded file, or PostgreSQL through DATABASE_URL). */
function consoleSuite(env: () => Record<string, string>): void {
  let running: RunningApp;
  let cleanup: () => Promise<void>;
  /** What the store holds, read through its repositories (the file or the database alike). */
  const stored = () =>
    running.app.store.requests.transaction(async (tx) => ({
      tickets: await tx.tickets.list(),
      staff: await tx.staff.list(),
      audit: await tx.audit.list(),
    }));

  before(async () => {
    const dir = await tempDir('console-http-');
    cleanup = dir.remove;
    running = await startApp(dir.path, '', { scryptCost: TEST_SCRYPT }, env());
    const { staff } = running.app.services.console;
    await staff.add({ ...ADMIN, role: 'admin' }, 'cli');
    await staff.add({ ...SUPPORT, role: 'support' }, 'cli');
  });

  after(async () => {
    await running.app.close();
    await cleanup();
  });

  const client = () => new ConsoleClient(running.base);

  it('without a session: pages redirect to sign-in, exports and forms give no data', async () => {
    const anonymous = client();
    for (const path of ['/console', '/console/tickets', '/console/tickets/PRV-20261201-0001', '/console/audit']) {
      const response = await anonymous.get(path);
      expect(response.status, path).to.equal(303);
      expect(response.headers.get('location')).to.equal(`/console/login?next=${encodeURIComponent(path)}`);
      expect(response.body).to.equal('');
    }
    for (const name of ['tickets', 'consents', 'unsubscribes', 'audit']) {
      const response = await anonymous.get(`/console/export/${name}.csv`);
      expect(response.status, name).to.equal(401);
      expect(JSON.parse(response.body)).to.include({ error: 'unauthorized' });
    }
    const post = await anonymous.post('/console/tickets/PRV-20261201-0001/note', { text: 'x' });
    expect(post.status).to.equal(303);
    expect(post.headers.get('location')).to.equal('/console/login');
    const forged = await anonymous.get('/console', { cookie: `wpc_session=${'A'.repeat(43)}` });
    expect(forged.status).to.equal(303);
  });

  it('every console route as registered refuses a request without a session (a new route is covered by itself)', async () => {
    const ticketId = await recordTicket(running.app, { email: 'tanpa.sesi@example.test' });
    const open = /^\/console\/(login|assets\/)/;
    const routes = Object.values(running.app.server.router.getRoutes())
      .map((r) => ({ method: r.method.toUpperCase(), path: String(r.path) }))
      .filter((r) => r.path.startsWith('/console') && !open.test(r.path));
    expect(routes.length).to.be.at.least(25);
    const anonymous = client();
    for (const { method, path } of routes) {
      const url = path.replace(/:\w+/g, ticketId).replace('*', 'x');
      const response =
        method === 'POST' ? await anonymous.post(url, { text: 'x', status: 'resolved' }) : await anonymous.get(url);
      const where = `${method} ${path}`;
      if (path.startsWith('/console/export/')) expect(response.status, where).to.equal(401);
      else {
        expect(response.status, where).to.equal(303);
        expect(response.headers.get('location'), where).to.match(/^\/console\/login/);
      }
      expect(response.body, where).not.to.contain(ticketId).and.not.to.contain('tanpa.sesi');
    }
    const ticket = (await stored()).tickets.find((t) => t.id === ticketId);
    expect(ticket?.status).to.equal(undefined);
    expect(ticket?.replies ?? []).to.deep.equal([]);
  });

  it('the sign-in form carries its own token; a post without it, or from another site, is refused', async () => {
    const visitor = client();
    const form = await visitor.get('/console/login');
    expect(form.status).to.equal(200);
    expect(form.headers.get('content-security-policy')).to.contain("script-src 'self'").and.not.contain('unsafe');
    expect(form.headers.get('cache-control')).to.equal('no-store');
    expect(form.headers.getSetCookie()[0]).to.match(
      /^wpc_signin=[\w-]{43}; Path=\/console\/login; HttpOnly; SameSite=Strict/,
    );
    const missing = await visitor.post('/console/login', { email: ADMIN.email, password: ADMIN.password });
    expect(missing.status).to.equal(403);
    const crossSite = await visitor.signIn(ADMIN.email, ADMIN.password);
    expect(crossSite.status).to.equal(303); // same site: fine
    const other = client();
    const refused = await other.post(
      '/console/login',
      { csrf: 'x', email: ADMIN.email, password: ADMIN.password },
      { origin: 'https://evil.example' },
    );
    expect(refused.status).to.equal(403);
    expect(other.cookies.has('wpc_session')).to.equal(false);
  });

  it('signing in sets an HttpOnly, SameSite=Strict session cookie; the console then opens', async () => {
    const alice = client();
    const response = await alice.signIn(ADMIN.email, ADMIN.password, { next: '/console/audit' });
    expect(response.status).to.equal(303);
    expect(response.headers.get('location')).to.equal('/console/audit');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('wpc_session='));
    expect(cookie).to.match(/^wpc_session=[\w-]{43}; Path=\/console; HttpOnly; SameSite=Strict$/);
    const dashboard = await alice.get('/console');
    expect(dashboard.status).to.equal(200);
    expect(dashboard.body).to.contain('Alice Admin');
    expect(dashboard.headers.get('x-frame-options')).to.equal('DENY');
    // An open redirect is not possible through `next`.
    const evil = await client().signIn(ADMIN.email, ADMIN.password, { next: '//evil.example/console' });
    expect(evil.headers.get('location')).to.equal('/console');
    // Only the session id's hash is stored (the file shows it whole; the database's rows are the same records).
    const raw = alice.cookies.get('wpc_session') ?? '-';
    expect(await running.app.store.requests.transaction((tx) => tx.sessions.get(raw))).to.equal(undefined);
    if (!running.app.store.shared) {
      const db = await readDbFile(running.dataDir);
      expect(db.sessions.every((s) => !JSON.stringify(s).includes(raw))).to.equal(true);
    }
  });

  it('every POST needs the session’s CSRF token; a wrong one changes nothing', async () => {
    const alice = client();
    await alice.signIn(ADMIN.email, ADMIN.password);
    const before = (await stored()).staff.length;
    const form = { name: 'Citra', email: 'citra@wowrack.co.id', role: 'support', password: 'kata-sandi-citra-1' };
    expect((await alice.post('/console/staff', form)).status).to.equal(403);
    expect((await alice.post('/console/staff', { ...form, csrf: 'A'.repeat(43) })).status).to.equal(403);
    expect((await stored()).staff.length).to.equal(before);
    const csrf = await alice.csrf('/console/staff');
    const crossSite = await alice.post('/console/staff', { ...form, csrf }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).to.equal(403);
    const added = await alice.post('/console/staff', { ...form, csrf });
    expect(added.status).to.equal(303);
    expect((await stored()).staff.length).to.equal(before + 1);
  });

  it('support staff cannot reach the admin pages', async () => {
    const budi = client();
    await budi.signIn(SUPPORT.email, SUPPORT.password);
    expect((await budi.get('/console/staff')).status).to.equal(403);
    const csrf = await budi.csrf();
    const post = await budi.post('/console/staff/state', { csrf, email: ADMIN.email, disabled: 'yes' });
    expect(post.status).to.equal(403);
    // Every staff-management form, with a valid token: refused, and no account changes.
    const before = JSON.stringify((await stored()).staff);
    const forms: [string, Record<string, string>][] = [
      [
        '/console/staff',
        { name: 'Mallory', email: 'mallory@wowrack.co.id', role: 'admin', password: 'kata-sandi-mal-01' },
      ],
      ['/console/staff/state', { email: ADMIN.email, disabled: 'yes' }],
      ['/console/staff/role', { email: SUPPORT.email, role: 'admin' }],
      ['/console/staff/reset', { email: ADMIN.email, password: 'kata-sandi-baru-mal-1' }],
    ];
    for (const [path, form] of forms) expect((await budi.post(path, { csrf, ...form })).status, path).to.equal(403);
    expect(JSON.stringify((await stored()).staff)).to.equal(before);
    expect((await budi.get('/console')).body).not.to.contain('href="/console/staff"');
    expect((await budi.get('/console/tickets')).status).to.equal(200);
  });

  it('a bad request number or form value is a 4xx page, never a 500', async () => {
    const alice = client();
    await alice.signIn(ADMIN.email, ADMIN.password);
    expect((await alice.get('/console/tickets/PRV-20990101-0001')).status).to.equal(404);
    expect((await alice.get('/console/tickets/..%2F..%2Fetc')).status).to.equal(404);
    // Unknown console pages and odd ids: a console page saying "not found", never data or a 500.
    for (const path of ['/console/nope', '/console/tickets/PRV-20990101-0001/x', '/console/tickets/a/b/c']) {
      const response = await alice.get(path);
      expect(response.status, path).to.equal(404);
      expect(response.headers.get('content-type'), path).to.contain('text/html');
      expect(response.body, path).to.contain('Alice Admin');
    }
    // Broken escapes never reach a route: refused before routing, with no data.
    for (const path of ['/console/tickets/%E0%A4%A', '/console/consents/%ZZ'])
      expect((await alice.get(path)).status, path).to.be.within(400, 499);
    expect((await client().get('/console/nope')).status).to.equal(303);
    expect((await alice.get('/console/consents/CNS-20990101-0001')).status).to.equal(404);
    const csrf = await alice.csrf();
    const status = await alice.post('/console/tickets/PRV-20990101-0001/status', { csrf, status: 'teleported' });
    expect(status.status).to.equal(400);
    const note = await alice.post('/console/tickets/PRV-20990101-0001/note', { csrf, text: 'x' });
    expect(note.status).to.equal(404);
    const unknown = await alice.post('/console/unsubscribes/remove', { csrf, email: 'x@example.com', note: '' });
    expect(unknown.status).to.equal(400);
  });

  it('with TOTP on, the password opens only the code form; the code opens the console', async () => {
    const { staff } = running.app.services.console;
    const member = await staff.add(
      { email: 'dewi@wowrack.co.id', name: 'Dewi', role: 'support', password: 'kata-sandi-dewi-1' },
      'cli',
    );
    const { secret } = await staff.startTotpEnrolment(member.id);
    await clearOfTotpStepEnd();
    const at = Date.now();
    expect(await staff.confirmTotpEnrolment(member.id, totpCode(secret, new Date(at - 30_000)), 'cli')).to.equal(true);
    const dewi = client();
    const first = await dewi.signIn('dewi@wowrack.co.id', 'kata-sandi-dewi-1');
    expect(first.status).to.equal(303);
    expect(first.headers.get('location')).to.equal('/console/login/code?next=%2Fconsole');
    expect((await dewi.get('/console')).status).to.equal(303); // the pending session opens nothing
    const form = await dewi.get('/console/login/code');
    expect(form.status).to.equal(200);
    const csrf = /name="csrf" value="([^"]*)"/.exec(form.body)?.[1] ?? '';
    expect((await dewi.post('/console/login/code', { csrf, code: '000000' })).status).to.equal(401);
    const ok = await dewi.post('/console/login/code', { csrf, code: totpCode(secret, new Date()) });
    expect(ok.status).to.equal(303);
    expect(ok.headers.get('location')).to.equal('/console');
    expect((await dewi.get('/console')).status).to.equal(200);
  });

  it('signing out ends the session on the server', async () => {
    const alice = client();
    await alice.signIn(ADMIN.email, ADMIN.password);
    const cookie = alice.cookies.get('wpc_session') ?? '';
    const csrf = await alice.csrf();
    const out = await alice.post('/console/logout', { csrf });
    expect(out.status).to.equal(303);
    expect(out.headers.getSetCookie().join()).to.contain('wpc_session=; Path=/console');
    const again = await client().get('/console', { cookie: `wpc_session=${cookie}` });
    expect(again.status).to.equal(303);
    expect((await stored()).audit.map((e) => e.action)).to.include('signout');
  });

  // Last: it leaves this client's address throttled.
  it('a brute force gets growing delays and then 429 with Retry-After, per account and per client', async () => {
    const attacker = client();
    const statuses: number[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 8; i += 1) {
      const response = await attacker.signIn(SUPPORT.email, `tebakan-salah-${i}`);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = Number(response.headers.get('retry-after'));
    }
    expect(statuses.slice(0, 6)).to.deep.equal([401, 401, 401, 401, 401, 401]);
    expect(statuses.slice(6)).to.deep.equal([429, 429]);
    expect(retryAfter).to.be.within(1, 2);
    // The right password does not get through while the account waits; nor does another account from this client.
    expect((await attacker.signIn(SUPPORT.email, SUPPORT.password)).status).to.equal(429);
    expect((await attacker.signIn(ADMIN.email, 'tebakan-lain-1')).status).to.equal(429);
    const audit = (await stored()).audit.map((e) => e.action);
    expect(audit.filter((a) => a === 'signin.failed').length).to.be.at.least(6);
    expect(audit).to.include('signin.throttled');
    expect(JSON.stringify((await stored()).audit)).not.to.contain(SUPPORT.email);
  });
}

describe('console over HTTP: sessions, CSRF, roles, throttling (real server)', function () {
  this.timeout(30_000);
  describe('on lowdb', () => consoleSuite(() => ({})));
  describe('on PostgreSQL', () => {
    const url = usePostgresDatabase();
    consoleSuite(() => ({ DATABASE_URL: url() }));
  });
});

describe('console cookies under an https PUBLIC_URL', function () {
  this.timeout(30_000);

  it('are Secure', async () => {
    const dir = await tempDir('console-https-');
    const running = await startApp(
      dir.path,
      '',
      { scryptCost: TEST_SCRYPT },
      { PUBLIC_URL: 'https://chat.example.test' },
    );
    try {
      await running.app.services.console.staff.add({ ...ADMIN, role: 'admin' }, 'cli');
      const alice = new ConsoleClient(running.base);
      const form = await alice.get('/console/login');
      expect(form.headers.getSetCookie()[0]).to.contain('; Secure');
      const response = await alice.signIn(ADMIN.email, ADMIN.password);
      expect(response.headers.getSetCookie().find((c) => c.startsWith('wpc_session='))).to.match(/; Secure$/);
    } finally {
      await running.app.close();
      await dir.remove();
    }
  });
});
