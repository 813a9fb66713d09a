/**
 * Console sessions on the real server, as an attacker would try them: a session id planted before sign-in never
 * becomes a signed-in one (a new id at sign-in and again at the second factor, the old ones dead), a browser keeps one
 * session, and a disabled member, a changed role or a reset password end the open sessions at the next request.
 */
import { expect } from 'chai';
import { totpCode } from '../../../domain/totp.ts';
import { type RunningApp, startApp } from '../../support/appHarness.ts';
import { ConsoleClient, TEST_SCRYPT } from '../../support/consoleHarness.ts';
import { tempDir } from '../../support/tempDir.ts';
import { clearOfTotpStepEnd } from '../../support/totpTiming.ts';

const ADMIN = { email: 'alice@wowrack.co.id', name: 'Alice Admin', password: 'kata-sandi-admin-1' };
const ADMIN2 = { email: 'carol@wowrack.co.id', name: 'Carol Admin', password: 'kata-sandi-carol-1' };
const SUPPORT = { email: 'budi@wowrack.co.id', name: 'Budi Support', password: 'kata-sandi-support-1' };
const TWO_STEP = { email: 'dewi@wowrack.co.id', name: 'Dewi', password: 'kata-sandi-dewi-01' };

describe('console sessions: fixation, one per browser, ended at once (real server)', function () {
  this.timeout(30_000);
  let running: RunningApp;
  let cleanup: () => Promise<void>;
  let secret = '';

  before(async () => {
    const dir = await tempDir('console-sessions-');
    running = await startApp(dir.path, '', { scryptCost: TEST_SCRYPT });
    cleanup = async () => {
      await running.app.close();
      await dir.remove();
    };
    const { staff } = running.app.services.console;
    await staff.add({ ...ADMIN, role: 'admin' }, 'cli');
    await staff.add({ ...ADMIN2, role: 'admin' }, 'cli');
    await staff.add({ ...SUPPORT, role: 'support' }, 'cli');
    const dewi = await staff.add({ ...TWO_STEP, role: 'support' }, 'cli');
    secret = (await staff.startTotpEnrolment(dewi.id)).secret;
    await clearOfTotpStepEnd();
    await staff.confirmTotpEnrolment(dewi.id, totpCode(secret, new Date(Date.now() - 30_000)), 'cli');
  });
  after(async () => cleanup());

  const client = () => new ConsoleClient(running.base);
  /** Whether a session cookie value opens the console (in a fresh client: nothing else carried). */
  const opens = async (sessionId: string) =>
    (await client().get('/console', { cookie: `wpc_session=${sessionId}` })).status === 200;

  it('a planted session id is replaced at sign-in; the browser’s earlier session ends when it signs in again', async () => {
    const browser = client();
    const planted = 'P'.repeat(43);
    browser.cookies.set('wpc_session', planted);
    await browser.signIn(SUPPORT.email, SUPPORT.password);
    const first = browser.cookies.get('wpc_session') ?? '';
    expect(first)
      .to.match(/^[\w-]{43}$/)
      .and.not.equal(planted);
    expect(await opens(first)).to.equal(true);
    // Signing in again from this browser (a sign-in form left open in another tab): a new id, the old session gone.
    const again = await browser.post('/console/login', {
      csrf: browser.cookies.get('wpc_signin') ?? '',
      email: ADMIN.email,
      password: ADMIN.password,
    });
    expect(again.status).to.equal(303);
    const second = browser.cookies.get('wpc_session') ?? '';
    expect(second).not.to.equal(first);
    expect(await opens(first)).to.equal(false);
    expect(await opens(second)).to.equal(true);
    expect((await browser.get('/console')).body).to.contain('Alice Admin');
  });

  it('the second factor gets a new session id; the password-only id opens nothing, before or after', async () => {
    const browser = client();
    const step = await browser.signIn(TWO_STEP.email, TWO_STEP.password);
    expect(step.headers.get('location')).to.match(/^\/console\/login\/code/);
    const pending = browser.cookies.get('wpc_session') ?? '';
    expect(await opens(pending)).to.equal(false);
    for (const path of ['/console/tickets', '/console/export/tickets.csv', '/console/account']) {
      const response = await client().get(path, { cookie: `wpc_session=${pending}` });
      expect(response.status, path).to.be.oneOf([303, 401]);
    }
    const form = await browser.get('/console/login/code');
    const csrf = /name="csrf" value="([^"]*)"/.exec(form.body)?.[1] ?? '';
    const done = await browser.post('/console/login/code', { csrf, code: totpCode(secret, new Date()) });
    expect(done.status).to.equal(303);
    const full = browser.cookies.get('wpc_session') ?? '';
    expect(full).not.to.equal(pending);
    expect(await opens(full)).to.equal(true);
    expect(await opens(pending)).to.equal(false);
    expect((await client().get('/console/login/code', { cookie: `wpc_session=${pending}` })).status).to.equal(303);
  });

  it('turning on two-step verification ends the account’s other sessions; the browser that did it gets a new one', async () => {
    const { staff } = running.app.services.console;
    const erik = { email: 'erik@wowrack.co.id', name: 'Erik', password: 'kata-sandi-erik-01' };
    await staff.add({ ...erik, role: 'support' }, 'cli');
    const [here, elsewhere] = [client(), client()];
    await here.signIn(erik.email, erik.password);
    await elsewhere.signIn(erik.email, erik.password);
    const [mine, other] = [here, elsewhere].map((b) => b.cookies.get('wpc_session') ?? '');
    expect(await opens(other ?? '')).to.equal(true);

    const qrPage = await here.post('/console/account/2fa', { csrf: await here.csrf('/console/account') });
    const key = /<code class="secret">([^<]*)<\/code>/.exec(qrPage.body)?.[1]?.replace(/\s+/g, '') ?? '';
    const csrf = /name="csrf" value="([^"]*)"/.exec(qrPage.body)?.[1] ?? '';
    const done = await here.post('/console/account/2fa/confirm', { csrf, code: totpCode(key, new Date()) });
    expect(done.status).to.equal(303);
    const renewed = here.cookies.get('wpc_session') ?? '';
    expect(renewed)
      .to.match(/^[\w-]{43}$/)
      .and.not.equal(mine);
    expect(await opens(renewed), 'this browser goes on').to.equal(true);
    expect(await opens(mine ?? ''), 'its old id').to.equal(false);
    expect(await opens(other ?? ''), 'the other browser, opened by the password alone').to.equal(false);
    expect(done.headers.get('location')).to.equal('/console/account?done=2fa-on');
    expect((await here.get('/console/account?done=2fa-on')).body).to.contain('Verifikasi dua langkah aktif');
  });

  it('disabling a member ends their open session at the next request; enabling again does not revive it', async () => {
    const budi = client();
    await budi.signIn(SUPPORT.email, SUPPORT.password);
    const before = budi.cookies.get('wpc_session') ?? '';
    expect((await budi.get('/console/tickets')).status).to.equal(200);
    const alice = client();
    await alice.signIn(ADMIN.email, ADMIN.password);
    const csrf = await alice.csrf('/console/staff');
    expect((await alice.post('/console/staff/state', { csrf, email: SUPPORT.email, disabled: 'yes' })).status).to.equal(
      303,
    );
    expect((await budi.get('/console/tickets')).status).to.equal(303);
    expect((await budi.get('/console/export/tickets.csv')).status).to.equal(401);
    expect((await budi.signIn(SUPPORT.email, SUPPORT.password)).status).to.equal(401);
    await alice.post('/console/staff/state', { csrf, email: SUPPORT.email, disabled: 'no' });
    expect(await opens(before)).to.equal(false);
  });

  it('a role change or a password reset ends the member’s sessions; a demoted admin loses the admin pages', async () => {
    const carol = client();
    await carol.signIn(ADMIN2.email, ADMIN2.password);
    expect((await carol.get('/console/staff')).status).to.equal(200);
    const alice = client();
    await alice.signIn(ADMIN.email, ADMIN.password);
    const csrf = await alice.csrf('/console/staff');
    await alice.post('/console/staff/role', { csrf, email: ADMIN2.email, role: 'support' });
    expect((await carol.get('/console/staff')).status).to.equal(303);
    await carol.signIn(ADMIN2.email, ADMIN2.password);
    expect((await carol.get('/console/staff')).status).to.equal(403);
    const carolCsrf = await carol.csrf();
    expect(
      (await carol.post('/console/staff/state', { csrf: carolCsrf, email: ADMIN.email, disabled: 'yes' })).status,
    ).to.equal(403);
    const reset = await alice.post('/console/staff/reset', {
      csrf,
      email: ADMIN2.email,
      password: 'kata-sandi-carol-baru-2',
    });
    expect(reset.status).to.equal(303);
    expect((await carol.get('/console')).status).to.equal(303);
  });
});
