/**
 * The built-in Direct Line 3.0 endpoint over real HTTP and WebSocket: the real app (createApp on port 0, its own
 * DATA_DIR, no SMTP_URL so mail lands in DATA_DIR/mail as .eml files), driven with fetch and the `ws` client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { BUILTIN_SERVICE_URL } from '../../../bot/directline/directLineService.ts';
import { FLOW_TEXTS } from '../../../dialogs/replies/flowTexts.ts';
import { type RunningApp, rawRequest, startApp } from '../../support/appHarness.ts';
import { eventually } from '../../support/mail.ts';
import { usePostgresDatabase } from '../../support/postgres.ts';
import {
  BOT_ID,
  DirectLineClient,
  type DlActivity,
  faqActions,
  mailFiles,
  Stream,
  seqOf,
  upgradeStatus,
} from './client.ts';

const POLICY_QUESTION = 'Apakah data saya dijual?';
const PROTECT_QUESTION = 'Bagaimana komitmen Wowrack Indonesia untuk melindungi data pribadi saya?';
const SOURCE_NOTE = '_— Pernyataan Privasi Wowrack Indonesia_';

/** The suite, on the app with the given store (the embedded file, or PostgreSQL through DATABASE_URL). */
function protocolSuite(env: () => Record<string, string>): void {
  let running: RunningApp;
  let dataDir: string;
  const streams: Stream[] = [];
  const base = (): string => running.base;

  /** A started conversation with its stream open (closed after the test). */
  async function connect(): Promise<{ client: DirectLineClient; stream: Stream }> {
    const connected = await DirectLineClient.connect(base());
    streams.push(connected.stream);
    return connected;
  }

  async function open(url: string): Promise<Stream> {
    const stream = await Stream.connect(url);
    streams.push(stream);
    return stream;
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-directline-'));
    running = await startApp(dataDir, '', {}, env());
  });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });

  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('tokens and conversations', () => {
    it('tokens/generate gives a conversation, a 256-bit base64url token, expires_in and a user id; each call a new one', async () => {
      const generate = async () => {
        const res = await fetch(`${base()}/v3/directline/tokens/generate`, { method: 'POST' });
        expect(res.status).to.equal(200);
        return res.json();
      };
      const first = await generate();
      const second = await generate();
      for (const grant of [first, second]) {
        expect(grant).to.have.all.keys('conversationId', 'token', 'expires_in', 'userId');
        expect(grant.conversationId).to.match(/^[A-Za-z0-9_-]{10,64}$/);
        expect(grant.token).to.match(/^[A-Za-z0-9_-]{43}$/);
        expect(grant.expires_in).to.equal(1800);
        expect(grant.userId).to.match(/^dl_[A-Za-z0-9_-]+$/);
      }
      expect(second.conversationId).to.not.equal(first.conversationId);
      expect(second.token).to.not.equal(first.token);
      expect(second.userId).to.not.equal(first.userId);
    });

    it('POST /conversations → 201 with the stream URL; the welcome arrives once on the stream and by GET, even if started twice', async () => {
      const client = await DirectLineClient.generate(base());
      const started = await client.start();
      expect(started.status).to.equal(201);
      expect(started.body?.conversationId).to.equal(client.conversationId);
      expect(started.body?.token).to.equal(client.token);
      expect(started.body?.expires_in).to.be.within(1790, 1800);
      expect(started.body?.streamUrl).to.equal(
        `ws://127.0.0.1:${running.port}/v3/directline/conversations/${client.conversationId}/stream?t=${client.token}`,
      );

      const stream = await open(started.body?.streamUrl ?? '');
      const welcome = await stream.waitFor((a) => a.channelData?.wowrack?.kind === 'welcome');
      expect(welcome.from).to.deep.include({ id: BOT_ID, role: 'bot' });
      expect(welcome.id).to.equal(`${client.conversationId}|0000000`);
      expect(welcome.suggestedActions?.actions).to.have.length(3);

      // The second start returns the same conversation and runs no second conversationUpdate turn.
      const again = await client.start();
      expect(again.status).to.equal(201);
      expect(again.body?.conversationId).to.equal(client.conversationId);
      // A later turn's reply proves the queue has drained: anything the second start caused would be before it.
      await stream.replyTo(await client.say('halo'));
      const welcomes = (list: readonly DlActivity[]) => list.filter((a) => a.channelData?.wowrack?.kind === 'welcome');
      expect(welcomes(stream.activities)).to.have.length(1);
      expect(welcomes((await client.history()).activities)).to.have.length(1);
    });

    it('the stream URL follows the Host and X-Forwarded-Proto of the request; a malformed Host is not reflected', async () => {
      const client = await DirectLineClient.generate(base());
      const start = async (headers: Record<string, string>): Promise<string> => {
        const res = await rawRequest(running.port, 'POST', '/v3/directline/conversations', undefined, {
          authorization: `Bearer ${client.token}`,
          ...headers,
        });
        expect(res.status).to.equal(201);
        return String(JSON.parse(res.body).streamUrl);
      };
      const path = `/v3/directline/conversations/${client.conversationId}/stream?t=${client.token}`;
      expect(await start({ host: 'chat.example.test' })).to.equal(`ws://chat.example.test${path}`);
      expect(await start({ host: 'chat.example.test', 'x-forwarded-proto': 'https, http' })).to.equal(
        `wss://chat.example.test${path}`,
      );
      expect(await start({ host: 'evil.test/phish?x=' })).to.equal(`ws://localhost${path}`);
      expect(await start({ host: 'a@evil.test' })).to.equal(`ws://localhost${path}`);
    });
  });

  describe('activities', () => {
    it('POST answers {id}; the echo carries the token’s user (a client from is ignored); the answer follows with replyToId', async () => {
      const { client, stream } = await connect();
      const res = await client.post({
        type: 'message',
        text: POLICY_QUESTION,
        from: { id: 'someone-else', name: 'Mallory', role: 'bot' },
        conversation: { id: 'another-conversation' },
        serviceUrl: 'http://127.0.0.1:1/',
        id: 'client-chosen-id',
      });
      expect(res.status).to.equal(200);
      expect(res.body).to.have.all.keys('id');
      const id = res.body?.id ?? '';
      expect(id).to.equal(`${client.conversationId}|0000001`);

      const echo = await stream.waitFor((a) => a.id === id);
      expect(echo.type).to.equal('message');
      expect(echo.text).to.equal(POLICY_QUESTION);
      expect(echo.from).to.deep.equal({ id: client.userId, name: 'Pelanggan', role: 'user' });
      expect(echo.conversation?.id).to.equal(client.conversationId);

      const answer = await stream.replyTo(id);
      expect(answer.from).to.deep.include({ id: BOT_ID, role: 'bot' });
      expect(answer.conversation?.id).to.equal(client.conversationId);
      expect(seqOf(answer)).to.equal(2);
      expect(answer.text).to.include(`**${PROTECT_QUESTION}**`).and.include(SOURCE_NOTE);
      expect(answer.text).to.include('Kami tidak menjual');
      expect(answer.channelData?.wowrack).to.include({ kind: 'answer', entryId: 'protect' });
      expect(answer).to.not.have.property('serviceUrl');
      const actions = answer.suggestedActions?.actions ?? [];
      for (const action of actions) expect(action.type).to.equal('messageBack');
      expect(faqActions(answer).map((a) => a.value.id)).to.include('share');

      // The same activities come back by polling, in the same order.
      const polled = await client.history();
      expect(polled.activities.map((a) => a.id)).to.deep.equal(stream.activities.map((a) => a.id));
      expect(polled.watermark).to.equal('3');
    });

    it('clicking a suggested action (value {action:"faq", id}) answers that entry', async () => {
      const { client, stream } = await connect();
      const answer = await stream.replyTo(await client.say(POLICY_QUESTION));
      const share = faqActions(answer).find((a) => a.value.id === 'share');
      if (!share) throw new Error('the answer does not offer the "share" entry');
      const id = await client.click(share.value, share.title);
      const reply = await stream.replyTo(id);
      expect(reply.channelData?.wowrack).to.include({ kind: 'answer', entryId: 'share' });
      expect(reply.text).to.include(`**${share.title}**`).and.include(SOURCE_NOTE);
    });

    it('turns run one at a time per conversation: 5 quick messages get their 5 replies in order', async () => {
      const { client, stream } = await connect();
      const entries = ['protect', 'collect', 'share', 'cookie', 'analytics'];
      const ids: string[] = [];
      for (const entry of entries) ids.push(await client.click({ action: 'faq', id: entry }));
      await stream.replyTo(ids[4] ?? '');
      await eventually(() => stream.botMessages.length >= 1 + entries.length);
      const replies = stream.botMessages.slice(1);
      expect(replies.map((r) => r.replyToId)).to.deep.equal(ids);
      expect(replies.map((r) => r.channelData?.wowrack?.entryId)).to.deep.equal(entries);
      // Every reply follows its own question and precedes the next question's reply.
      const seqs = replies.map(seqOf);
      expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
      ids.forEach((id, i) => {
        expect(seqOf({ id })).to.be.below(seqs[i] ?? 0);
      });
    });
  });

  describe('watermarks', () => {
    it('GET ?watermark=N returns only later activities and the new watermark; bad values are read as "from the start"', async () => {
      const { client, stream } = await connect();
      await stream.replyTo(await client.say(POLICY_QUESTION));
      const all = await client.history();
      expect(all.watermark).to.equal('3');
      expect(all.activities.map(seqOf)).to.deep.equal([0, 1, 2]);

      const later = await client.history('1');
      expect(later.activities.map(seqOf)).to.deep.equal([1, 2]);
      expect(later.watermark).to.equal('3');
      const none = await client.history('3');
      expect(none).to.deep.equal({ activities: [], watermark: '3' });
      const beyond = await client.history('999999');
      expect(beyond).to.deep.equal({ activities: [], watermark: '3' });

      for (const bad of ['-1', 'abc', '1e9999', '', '0x2', '1.5', '99999999999999999999', 'NaN', 'Infinity']) {
        const res = await client.activities(bad);
        expect(res.status, `watermark=${bad}`).to.equal(200);
        expect(res.body?.activities.map(seqOf), `watermark=${bad}`).to.deep.equal([0, 1, 2]);
        expect(res.body?.watermark).to.equal('3');
      }
    });

    it('a stream opened with ?watermark=N replays only later activities, then streams new ones', async () => {
      const { client, stream } = await connect();
      await stream.replyTo(await client.say(POLICY_QUESTION));

      const resumed = await open(client.streamUrl(client.token, '2'));
      await resumed.waitFor((a) => seqOf(a) === 2);
      expect(resumed.frames[0]?.activities.map(seqOf)).to.deep.equal([2]);
      expect(resumed.frames[0]?.watermark).to.equal('3');

      const id = await client.say('halo');
      await resumed.replyTo(id);
      expect(resumed.activities.map(seqOf)).to.deep.equal([2, 3, 4]);
      expect(resumed.frames.at(-1)?.watermark).to.equal('5');

      // Without a watermark, or with one that is not a whole number, the stream starts from the oldest kept activity.
      for (const watermark of [undefined, '-1', 'abc', '1e9999']) {
        const full = await open(client.streamUrl(client.token, watermark));
        await full.waitFor((a) => seqOf(a) === 4);
        expect(full.activities.map(seqOf), String(watermark)).to.deep.equal([0, 1, 2, 3, 4]);
      }
    });

    it('reconnect (GET /conversations/:id) gives a stream URL that resumes at the watermark, or after now without one', async () => {
      const { client, stream } = await connect();
      await stream.replyTo(await client.say(POLICY_QUESTION));

      const withMark = await client.reconnect('1');
      expect(withMark.status).to.equal(200);
      expect(withMark.body?.conversationId).to.equal(client.conversationId);
      expect(withMark.body?.streamUrl).to.match(/\/stream\?t=[A-Za-z0-9_-]{43}&watermark=1$/);
      const resumed = await open(withMark.body?.streamUrl ?? '');
      await resumed.waitFor((a) => seqOf(a) === 2);
      expect(resumed.activities.map(seqOf)).to.deep.equal([1, 2]);

      const withoutMark = await client.reconnect();
      expect(withoutMark.body?.streamUrl).to.match(/&watermark=3$/);
      const fresh = await open(withoutMark.body?.streamUrl ?? '');
      const id = await client.say('halo');
      await fresh.replyTo(id);
      expect(fresh.activities.map(seqOf)).to.deep.equal([3, 4]);
    });
  });

  describe('isolation and authorisation', () => {
    it('a token opens only its own conversation: 403 on GET, POST, reconnect and the stream of another', async () => {
      const a = await DirectLineClient.generate(base());
      const b = await connect();
      const other = b.client;
      const before = await other.history();

      expect((await other.activities(undefined, a.token)).status).to.equal(403);
      expect((await other.post({ type: 'message', text: 'hi' }, { token: a.token })).status).to.equal(403);
      expect((await other.reconnect(undefined, a.token)).status).to.equal(403);
      expect(await upgradeStatus(other.streamUrl(a.token))).to.equal(403);
      expect(await other.history()).to.deep.equal(before);
      expect(b.stream.activities).to.have.length(before.activities.length);
    });

    it('no token, a malformed Authorization header or an unknown token → 403; a bad stream t= → HTTP 403 before the upgrade', async () => {
      const { client } = await connect();
      const url = `${client.url}/activities`;
      const headerCases: (Record<string, string> | undefined)[] = [
        undefined,
        { authorization: '' },
        { authorization: 'Bearer' },
        { authorization: `Basic ${client.token}` },
        { authorization: `Bearer ${client.token} extra` },
        { authorization: `Bearer ${client.token.slice(0, 10)}` },
        { authorization: `Bearer ${'A'.repeat(43)}` },
        { authorization: `Bearer ${client.token}$` },
        { authorization: `Bearer ${'A'.repeat(5000)}` },
      ];
      for (const headers of headerCases) {
        const label = JSON.stringify(headers);
        const get = await fetch(url, { ...(headers ? { headers } : {}) });
        expect(get.status, `GET ${label}`).to.equal(403);
        const post = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ type: 'message', text: 'hi' }),
        });
        expect(post.status, `POST ${label}`).to.equal(403);
        const body = await post.json();
        expect(body.error.code).to.be.a('string');
        for (const path of ['/v3/directline/conversations', '/v3/directline/tokens/refresh']) {
          const res = await fetch(`${base()}${path}`, { method: 'POST', ...(headers ? { headers } : {}) });
          expect(res.status, `${path} ${label}`).to.equal(403);
        }
      }
      // The scheme is case-insensitive.
      expect((await fetch(url, { headers: { authorization: `bearer ${client.token}` } })).status).to.equal(200);

      const ws = client.url.replace(/^http/, 'ws');
      for (const query of [
        '',
        '?t=',
        '?t=abc',
        `?t=${'A'.repeat(43)}`,
        `?t=${client.token}x`,
        `?token=${client.token}`,
      ])
        expect(await upgradeStatus(`${ws}/stream${query}`), query).to.equal(403);
      expect(await upgradeStatus(`${ws}/stream?t=${client.token}`)).to.equal(101);
    });
  });

  describe('malformed requests', () => {
    it('get a 4xx (never a 5xx) and record nothing', async () => {
      const { client, stream } = await connect();
      const before = await client.history();
      const cases: { name: string; body: unknown; headers?: Record<string, string>; status: number }[] = [
        { name: 'not JSON', body: '{"type": "message", ', status: 400 },
        { name: 'empty body', body: '', status: 400 },
        { name: 'JSON array', body: [{ type: 'message', text: 'hi' }], status: 400 },
        { name: 'JSON string', body: '"message"', status: 400 },
        { name: 'null', body: 'null', status: 400 },
        { name: 'no type', body: { text: 'hi' }, status: 400 },
        { name: 'conversationUpdate', body: { type: 'conversationUpdate', membersAdded: [{ id: 'x' }] }, status: 400 },
        { name: 'invoke', body: { type: 'invoke', name: 'x' }, status: 400 },
        { name: 'text not a string', body: { type: 'message', text: { a: 1 } }, status: 400 },
        { name: 'text > 4000', body: { type: 'message', text: 'a'.repeat(4001) }, status: 400 },
        {
          name: 'attachments',
          body: { type: 'message', text: 'hi', attachments: [{ contentType: 'image/png', contentUrl: 'http://x/' }] },
          status: 400,
        },
        { name: 'attachments not an array', body: { type: 'message', attachments: 'x' }, status: 400 },
        { name: 'huge value', body: { type: 'message', value: { blob: 'x'.repeat(20_000) } }, status: 400 },
        { name: 'huge channelData', body: { type: 'message', channelData: { blob: 'x'.repeat(20_000) } }, status: 400 },
        { name: 'body over the limit', body: { type: 'message', text: 'x'.repeat(300_000) }, status: 413 },
        {
          name: 'text/plain',
          body: JSON.stringify({ type: 'message', text: 'hi' }),
          headers: { 'content-type': 'text/plain' },
          status: 415,
        },
        {
          name: 'application/xml',
          body: '<activity type="message"/>',
          headers: { 'content-type': 'application/xml' },
          status: 415,
        },
      ];
      for (const c of cases) {
        const res = await client.post(typeof c.body === 'string' ? c.body : JSON.stringify(c.body), {
          ...(c.headers ? { headers: c.headers } : {}),
        });
        expect(res.status, c.name).to.equal(c.status);
      }
      // Exactly 4000 characters is still accepted.
      const id = await client.say('a'.repeat(4000));
      await stream.replyTo(id);
      const after = await client.history(before.watermark);
      expect(after.activities.map((a) => a.id)).to.deep.equal([id, after.activities[1]?.id]);
      expect(after.activities[1]?.replyToId).to.equal(id);
    });

    it('unknown paths and methods under /v3/directline → 404/405 that do not echo the path; a bad stream path → 404', async () => {
      const { client } = await connect();
      const auth = { authorization: `Bearer ${client.token}` };
      const paths = [
        '/v3/directline',
        '/v3/directline/',
        '/v3/directline/tokens',
        '/v3/directline/tokens/generate/x',
        '/v3/directline/conversations/x/y',
        `/v3/directline/conversations/${client.conversationId}/activities/x`,
        `/v3/directline/conversations/${client.conversationId}/upload`,
        `/v3/directline/conversations/${client.conversationId}/stream`,
        '/v3/directline/<script>alert(1)</script>',
      ];
      for (const path of paths)
        for (const method of ['GET', 'POST']) {
          const res = await rawRequest(running.port, method, path, undefined, auth);
          expect(res.status, `${method} ${path}`).to.equal(404);
          expect(res.body).to.not.include('script');
        }
      for (const [method, path] of [
        ['GET', '/v3/directline/tokens/generate'],
        ['DELETE', `/v3/directline/conversations/${client.conversationId}`],
        ['PUT', `/v3/directline/conversations/${client.conversationId}/activities`],
      ] as const) {
        const res = await rawRequest(running.port, method, path, undefined, auth);
        expect(res.status, `${method} ${path}`).to.be.within(400, 499);
      }
      const ws = `ws://127.0.0.1:${running.port}`;
      for (const path of ['/v3/directline/nope', `/v3/directline/conversations/${'a'.repeat(65)}/stream`, '/'])
        expect(await upgradeStatus(`${ws}${path}?t=${client.token}`), path).to.equal(404);
    });
  });

  describe('parental consent over Direct Line', () => {
    it('runs to the end; the parent approves by the mailed link and the notice reaches the open stream in-process', async () => {
      const { client, stream } = await connect();
      const ask = async (text: string, expected?: string): Promise<string> => {
        const turn = await stream.turn(await client.say(text));
        if (expected) expect(turn.text).to.include(expected);
        return turn.text;
      };
      await ask('saya masih 16 tahun', FLOW_TEXTS.consentAskChildName.id);
      await ask('Rina Lestari', FLOW_TEXTS.consentAskChildEmail.id);
      await ask('rina@example.test', FLOW_TEXTS.consentAskParentName.id);
      await ask('Budi Lestari');
      await ask('budi.parent@example.test', 'Rina Lestari');
      const sent = await ask('ya', 'Tautan persetujuan telah dikirim ke budi.parent@example.test');
      const consentId = /\*\*(CNS-\d{8}-\d{4,})\*\*/.exec(sent)?.[1];
      if (!consentId) throw new Error(`no consent id in: ${sent}`);

      const mail = (await mailFiles(dataDir)).find((m) => m.to === 'budi.parent@example.test');
      if (!mail) throw new Error('no .eml to the parent under DATA_DIR/mail');
      const token = /\/consent\/([A-Za-z0-9_-]{43})\b/.exec(mail.text)?.[1];
      if (!token) throw new Error('no consent link in the parent mail');

      // The stored conversation reference points at the built-in endpoint, not at a reachable serviceUrl.
      const record = await running.app.store.requests.transaction((tx) => tx.consents.get(consentId));
      expect(record?.conversationReference).to.deep.include({
        serviceUrl: BUILTIN_SERVICE_URL,
        channelId: 'directline',
      });
      expect(record?.conversationReference?.conversation).to.include({ id: client.conversationId });

      const decided = await fetch(`${base()}/consent/${token}`, {
        method: 'POST',
        body: new URLSearchParams({ decision: 'approve' }),
        redirect: 'manual',
      });
      expect(decided.status).to.equal(200);

      const notice = await stream.waitFor((a) => /^✅ .*menyetujui/s.test(a.text ?? ''));
      expect(notice.text).to.include(consentId);
      expect(notice.from).to.deep.include({ id: BOT_ID, role: 'bot' });
      expect(notice.replyToId).to.equal(undefined);
      // Delivered in-process exactly once, and kept for polling clients too.
      const notices = (await client.history()).activities.filter((a) => a.text?.startsWith('✅'));
      expect(notices.map((a) => a.id)).to.deep.equal([notice.id]);
    });
  });
}

describe('built-in Direct Line 3.0 over HTTP and WebSocket', function () {
  this.timeout(10_000);
  this.slow(1_000);
  describe('on lowdb', () => protocolSuite(() => ({})));
  describe('on PostgreSQL', () => {
    const url = usePostgresDatabase();
    protocolSuite(() => ({ DATABASE_URL: url() }));
  });
});
