/**
 * SUPPORT_EMAIL is the one source of the support address customers and parents see: with another address
 * configured, no chat reply (other than a quote of the statement), page or e-mail names the default one.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import {
  Conversation,
  type RunningApp,
  rawRequest,
  SUPPORT_EMAIL,
  startApp,
  type Turn,
} from '../support/appHarness.ts';

const DEFAULT_SUPPORT = 'support@wowrack.co.id';

describe('the configured support address (SUPPORT_EMAIL) everywhere', function () {
  this.timeout(60_000);
  let dataDir: string;
  let running: RunningApp;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-support-address-'));
    running = await startApp(dataDir, '', { deliveryWaitMs: 2_000 });
  });

  after(async () => {
    await running.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** What a person reads in a turn, leaving out quotes of the statement (policy answers may quote its address). */
  const ownWords = (turn: Turn): string =>
    turn.replies
      .filter((r) => r.type === 'message' && r.channelData?.wowrack?.kind !== 'answer')
      .map((r) => r.text ?? '')
      .join('\n');

  it('holds in chat replies, the mails of all three flows, and the pages', async () => {
    expect(SUPPORT_EMAIL).to.not.equal(DEFAULT_SUPPORT);
    const said: string[] = [];
    const chat = (id: string) => new Conversation(() => running.base, id);
    const talk = async (conversation: Conversation, texts: readonly string[]) => {
      for (const text of texts) {
        const turn = await conversation.say(text);
        expect(turn.status).to.equal(200);
        said.push(ownWords(turn));
      }
    };
    await talk(chat('addr-talk'), [
      'halo',
      'kamu bot ya?',
      'xqzv blorp',
      'berapa harga VPS?',
      'siapa yang bisa saya hubungi?',
    ]);
    await talk(chat('addr-unsub'), ['saya mau unsubscribe', 'budi@example.test', 'ya']);
    await talk(chat('addr-ticket'), [
      'tolong hapus data saya',
      'Permintaan penghapusan data pribadi',
      'Budi Santoso',
      'budi@example.test',
      'lewati',
      'ya',
    ]);
    await talk(chat('addr-consent'), [
      'saya masih 16 tahun',
      'Andi Wijaya',
      'andi@example.test',
      'Sari Wijaya',
      'sari@example.test',
      'ya',
    ]);

    const chatText = said.join('\n');
    expect(chatText).to.include(SUPPORT_EMAIL);
    expect(chatText).to.not.include(DEFAULT_SUPPORT);

    const mailDir = join(dataDir, 'mail');
    const files = await readdir(mailDir);
    expect(files.length).to.be.at.least(5, 'REMOVE + confirmation, ticket + acknowledgement, consent request');
    const readMails = async (names: readonly string[]) =>
      Promise.all(names.map(async (f) => (await simpleParser(await readFile(join(mailDir, f)))).text ?? ''));
    const mails = await readMails(files);
    for (const mail of mails) expect(mail).to.not.include(DEFAULT_SUPPORT);

    const consentMail = mails.find((m) => m.includes('/consent/')) ?? '';
    const token = /\/consent\/([A-Za-z0-9_-]{43})/.exec(consentMail)?.[1] ?? '';
    expect(token).to.have.length(43);
    const pages = [
      await rawRequest(running.port, 'GET', '/'),
      await rawRequest(running.port, 'GET', '/?embed=1'),
      await rawRequest(running.port, 'GET', `/consent/${token}`),
      await rawRequest(running.port, 'POST', `/consent/${token}`, 'decision=approve', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      await rawRequest(running.port, 'GET', `/consent/${token}`), // used link
      await rawRequest(running.port, 'GET', `/consent/${'x'.repeat(43)}`), // unknown link
    ];
    for (const page of pages) expect(page.body).to.not.include(DEFAULT_SUPPORT);
    expect(pages[4]?.body).to.include(SUPPORT_EMAIL);
    expect(pages[5]?.body).to.include(SUPPORT_EMAIL);
    await running.app.outbox.deliverDue();
    const after = await readMails(await readdir(mailDir));
    expect(after.length).to.be.above(mails.length, 'the decision was mailed');
    for (const mail of after) expect(mail).to.not.include(DEFAULT_SUPPORT);
  });
});
