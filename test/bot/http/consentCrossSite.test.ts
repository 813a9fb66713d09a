/**
 * Finding 12 of issue 8: the consent POST accepted a form from another site (Origin http://evil.example). A
 * decision is refused (403, nothing recorded) unless Sec-Fetch-Site says same-origin (or none), or, from a
 * browser without Fetch Metadata, the Origin is this server's own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  Conversation,
  PUBLIC_URL,
  type RunningApp,
  rawRequest,
  readDbFile,
  sleep,
  startApp,
} from '../../support/appHarness.ts';
import { forgedOrigins } from '../../support/crossSite.ts';
import { mailFiles } from '../directline/client.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('consent decisions refuse cross-site POSTs (Origin / Sec-Fetch-Site)', function () {
  this.timeout(20_000);
  let running: RunningApp;
  let dataDir: string;

  /** A consent request through the chat; its token from the parent's mail (DATA_DIR/mail). */
  async function consentToken(conversationId: string, parentEmail: string): Promise<string> {
    const chat = new Conversation(() => running.base, conversationId);
    for (const text of ['saya masih 16 tahun', 'Tono Saputra', `${conversationId}@example.test`, 'Maya Saputra'])
      await chat.say(text);
    await chat.say(parentEmail);
    await chat.say('ya');
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const mail = (await mailFiles(dataDir)).find((m) => m.to === parentEmail);
      const token = mail && /\/consent\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
      if (token) return token;
      await sleep(50);
    }
    throw new Error(`no consent mail to ${parentEmail}`);
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-csrf-'));
    running = await startApp(dataDir, '');
  });
  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses another site, a same-site sibling, and an opaque origin with 403; the link still decides afterwards', async () => {
    const token = await consentToken('csrf-1', 'maya.csrf1@example.test');
    const path = `/consent/${token}`;
    for (const headers of forgedOrigins(running.port)) {
      const res = await rawRequest(running.port, 'POST', path, 'decision=approve', { ...FORM, ...headers });
      expect(res.status, JSON.stringify(headers)).to.equal(403);
      expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
      expect(res.body).to.include('Permintaan ditolak');
    }
    // Nothing was decided.
    expect((await readDbFile(dataDir)).consents.map((c) => c.decision ?? 'open')).to.deep.equal(['open']);

    // The parent's own click: Chromium sends Sec-Fetch-Site same-origin (and Origin null: the page has no referrer).
    const res = await rawRequest(running.port, 'POST', path, 'decision=approve', {
      ...FORM,
      origin: 'null',
      'sec-fetch-site': 'same-origin',
    });
    expect(res.status).to.equal(200);
    expect((await readDbFile(dataDir)).consents.map((c) => c.decision)).to.deep.equal(['approved']);
  });

  it('accepts this server’s own Origin (by Host or PUBLIC_URL) from a browser without Fetch Metadata', async () => {
    for (const [i, origin] of [`http://127.0.0.1:${running.port}`, PUBLIC_URL].entries()) {
      const token = await consentToken(`csrf-origin-${i}`, `maya.origin${i}@example.test`);
      const res = await rawRequest(running.port, 'POST', `/consent/${token}`, 'decision=decline', { ...FORM, origin });
      expect(res.status, origin).to.equal(200);
    }
  });
});
