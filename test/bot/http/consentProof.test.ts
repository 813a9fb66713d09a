/**
 * Proof of consent (UU PDP Pasal 24) through the real server: the consent statement is stored once per version and
 * every request refers to it by hash; the page a parent opens shows exactly that stored text; the decision keeps the
 * deciding browser's User-Agent (at most 300 characters).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { consentText } from '../../../domain/consentText.ts';
import { Conversation, type RunningApp, rawRequest, readDbFile, sleep, startApp } from '../../support/appHarness.ts';
import { mailFiles } from '../directline/client.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' };

/** The text content of the page's consent statement (escapeHtml writes numeric character references). */
function shownStatement(html: string): string | undefined {
  const inner = /<blockquote class="consent-text">([^<]*)<\/blockquote>/.exec(html)?.[1];
  return inner?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

describe('consent proof: the stored consent text, the page that shows it, the deciding User-Agent', function () {
  this.timeout(20_000);
  let running: RunningApp;
  let dataDir: string;

  /** A consent request through the chat (Indonesian); its token from the parent's mail (DATA_DIR/mail). */
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
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-proof-'));
    running = await startApp(dataDir, '');
  });
  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores the text once for many requests, each referring to it by its SHA-256; the page shows exactly it', async () => {
    const first = await consentToken('proof-1', 'maya.proof1@example.test');
    await consentToken('proof-2', 'maya.proof2@example.test');
    const { consents, consentTexts } = await readDbFile(dataDir);
    const statement = consentText('id');
    expect(statement.hash).to.equal(createHash('sha256').update(statement.text, 'utf8').digest('hex'));
    expect(consentTexts).to.have.length(1);
    expect(consentTexts[0]).to.deep.include({ hash: statement.hash, lang: 'id', text: statement.text });
    expect(consentTexts[0]?.firstUsedAt).to.equal(consents[0]?.createdAt);
    expect(consents.map((c) => c.textHash)).to.deep.equal([statement.hash, statement.hash]);

    const page = await rawRequest(running.port, 'GET', `/consent/${first}`);
    expect(page.status).to.equal(200);
    expect(shownStatement(page.body)).to.equal(consentTexts[0]?.text);
    // The statement is the template; the request's personal parts are shown around it, never inside it.
    expect(statement.text).to.not.include('Tono');
    expect(page.body).to.include('Tono Saputra');
  });

  it("records the deciding browser's User-Agent with the decision, cut to 300 characters, and audits the decision", async () => {
    const token = await consentToken('proof-3', 'maya.proof3@example.test');
    const agent = `Mozilla/5.0 (X11; Linux x86_64) ${'x'.repeat(400)}`;
    const res = await rawRequest(running.port, 'POST', `/consent/${token}`, 'decision=approve', {
      ...FORM,
      'user-agent': agent,
    });
    expect(res.status).to.equal(200);
    const { consents, audit } = await readDbFile(dataDir);
    const decided = consents.find((c) => c.decision);
    expect(decided?.decisionUserAgent).to.equal(agent.slice(0, 300));
    expect(
      audit.filter((e) => e.action === 'consent.decided').map((e) => [e.actor, e.target, e.details]),
    ).to.deep.equal([['parent', decided?.id, { decision: 'approved' }]]);
  });

  it('keeps no User-Agent when the browser sends none', async () => {
    const token = await consentToken('proof-4', 'maya.proof4@example.test');
    const res = await rawRequest(running.port, 'POST', `/consent/${token}`, 'decision=decline', FORM);
    expect(res.status).to.equal(200);
    const declined = (await readDbFile(dataDir)).consents.find((c) => c.decision === 'declined');
    expect(declined).to.not.have.property('decisionUserAgent');
  });
});
