/**
 * The customer's identity link (/verify/<token>) on the real server: a confirmation posted by another site (a form
 * elsewhere that knows or guesses the link) is refused with 403 and verifies nothing; the customer's own click on the
 * page does. Opening the link (GET, HEAD: what mail scanners do) decides nothing. The page's CSP allows its one style
 * block by hash, no other inline style.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { PUBLIC_URL, type RunningApp, rawRequest, readDbFile, sleep, startApp } from '../../support/appHarness.ts';
import { recordTicket } from '../../support/consoleHarness.ts';
import { forgedOrigins } from '../../support/crossSite.ts';
import { tempDir } from '../../support/tempDir.ts';
import { mailFiles } from '../directline/client.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('identity links refuse cross-site POSTs (Origin / Sec-Fetch-Site)', function () {
  this.timeout(20_000);
  let running: RunningApp;
  let cleanup: () => Promise<void>;

  /** A ticket recorded for `email`; the token of its acknowledgement's link (from the mail in DATA_DIR/mail). */
  async function ticketToken(email: string): Promise<{ id: string; token: string }> {
    const id = await recordTicket(running.app, { email });
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const mail = (await mailFiles(running.dataDir)).find((m) => m.to === email);
      const token = mail && /\/verify\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
      if (token) return { id, token };
      await sleep(50);
    }
    throw new Error(`no acknowledgement to ${email}`);
  }

  const verifiedAt = async (id: string) =>
    (await readDbFile(running.dataDir)).tickets.find((t) => t.id === id)?.verification?.verifiedAt;

  before(async () => {
    const dir = await tempDir('verify-csrf-');
    running = await startApp(dir.path, '');
    cleanup = async () => {
      await running.app.close();
      await dir.remove();
    };
  });
  after(async () => cleanup());

  it('refuses another site, a same-site sibling and an opaque origin with 403; the customer’s click confirms after', async () => {
    const { id, token } = await ticketToken('dewi.csrf@example.test');
    const path = `/verify/${token}`;
    for (const method of ['GET', 'HEAD'] as const)
      expect((await rawRequest(running.port, method, path, undefined, {})).status).to.equal(200);
    for (const headers of forgedOrigins(running.port)) {
      const res = await rawRequest(running.port, 'POST', path, 'confirm=yes', { ...FORM, ...headers });
      expect(res.status, JSON.stringify(headers)).to.equal(403);
      expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
      expect(res.body).to.include('Permintaan ditolak');
      expect(res.body).not.to.include(id);
    }
    expect(await verifiedAt(id)).to.equal(undefined);

    // The customer's own click: Chromium sends Sec-Fetch-Site same-origin (and Origin null: no referrer).
    const own = await rawRequest(running.port, 'POST', path, 'confirm=yes', {
      ...FORM,
      origin: 'null',
      'sec-fetch-site': 'same-origin',
    });
    expect(own.status).to.equal(200);
    expect(await verifiedAt(id)).to.be.a('string');
    const audit = (await readDbFile(running.dataDir)).audit.filter((e) => e.target === id);
    expect(audit.filter((e) => e.action === 'ticket.verified')).to.have.length(1);
  });

  it('accepts this server’s own Origin (by Host or PUBLIC_URL) from a browser without Fetch Metadata', async () => {
    for (const [i, origin] of [`http://127.0.0.1:${running.port}`, PUBLIC_URL].entries()) {
      const { id, token } = await ticketToken(`dewi.origin${i}@example.test`);
      const res = await rawRequest(running.port, 'POST', `/verify/${token}`, 'confirm=yes', { ...FORM, origin });
      expect(res.status, origin).to.equal(200);
      expect(await verifiedAt(id)).to.be.a('string');
    }
  });

  it("the page's CSP allows its own style block by hash and no other inline style or any script", async () => {
    const { token } = await ticketToken('dewi.csp@example.test');
    const res = await rawRequest(running.port, 'GET', `/verify/${token}`, undefined, {});
    const csp = String(res.headers['content-security-policy']);
    expect(csp).not.to.contain('unsafe-inline');
    expect(csp).not.to.contain('script-src');
    expect(csp).to.contain("default-src 'none'");
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)?.[1] ?? '';
    expect(style).to.contain('font-family');
    const hash = createHash('sha256').update(style).digest('base64');
    expect(csp).to.contain(`style-src 'sha256-${hash}'`);
  });
});
