import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type App, createApp } from '../../../bot/app.ts';
import { loadConfig } from '../../../bot/config.ts';
import { createLogger } from '../../../bot/log/logger.ts';
import { KNOWLEDGE_FILE } from '../../support/buildBot.ts';

interface Reply {
  readonly type?: string;
  readonly text?: string;
  readonly channelData?: { readonly wowrack?: { readonly kind?: string; readonly entryId?: string } };
}

const activity = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'message',
  id: 'activity-1',
  text: 'Apakah data saya dijual?',
  channelId: 'test',
  conversation: { id: 'server-test-conversation' },
  from: { id: 'user-1', name: 'Customer' },
  recipient: { id: 'bot-1', name: 'Bot' },
  deliveryMode: 'expectReplies',
  ...overrides,
});

describe('HTTP server (createApp)', function () {
  this.timeout(10_000);
  let app: App;
  let base: string;

  const post = (body: string, contentType = 'application/json'): Promise<Response> =>
    fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body });

  const postActivity = (overrides: Record<string, unknown> = {}): Promise<Response> =>
    post(JSON.stringify(activity(overrides)));

  /** The replies in an expectReplies response. */
  const repliesOf = async (res: Response): Promise<Reply[]> => {
    const body: unknown = await res.json();
    expect(body).to.have.property('activities').that.is.an('array');
    return (body as { activities: Reply[] }).activities;
  };

  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-server-'));
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', KNOWLEDGE_FILE, DATA_DIR: dataDir });
    app = await createApp(config, createLogger('silent'));
    const port = await app.listen(config.port);
    expect(port).to.be.greaterThan(0);
    base = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers a message with deliveryMode expectReplies in the response body', async () => {
    const res = await postActivity();
    expect(res.status).to.equal(200);
    const replies = await repliesOf(res);
    const answer = replies.find((r) => r.type === 'message');
    const protect = app.knowledge.knowledge.entries.find((e) => e.id === 'protect');
    expect(answer?.channelData?.wowrack).to.include({ kind: 'answer', entryId: 'protect' });
    expect(answer?.text).to.include(protect?.answer?.id);
  });

  it('welcomes a user who joins', async () => {
    const res = await postActivity({
      type: 'conversationUpdate',
      text: undefined,
      conversation: { id: 'server-test-welcome' },
      membersAdded: [{ id: 'user-1' }],
    });
    expect(res.status).to.equal(200);
    const replies = await repliesOf(res);
    expect(replies.map((r) => r.channelData?.wowrack?.kind)).to.deep.equal(['welcome']);
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await post('{"type": "message", "text": ');
    expect(res.status).to.equal(400);
  });

  it('rejects a JSON array with 400 and a reason', async () => {
    const res = await post(JSON.stringify([activity()]));
    expect(res.status).to.equal(400);
    const body: unknown = await res.json();
    expect(body)
      .to.have.property('message')
      .that.matches(/JSON object/);
  });

  it('rejects JSON that is not an object (null, a string) with 400', async () => {
    expect((await post('null')).status).to.equal(400);
    expect((await post('"hello"')).status).to.equal(400);
  });

  it('rejects an activity without conversation.id with 400 and a reason', async () => {
    const res = await postActivity({ conversation: {} });
    expect(res.status).to.equal(400);
    const body: unknown = await res.json();
    expect(body).to.have.property('message').that.includes('conversation.id');
  });

  it('rejects an activity without serviceUrl that does not ask for expectReplies', async () => {
    const res = await postActivity({ deliveryMode: undefined });
    expect(res.status).to.equal(400);
    const body: unknown = await res.json();
    expect(body).to.have.property('message').that.includes('serviceUrl');
  });

  it('rejects text that is not a string', async () => {
    expect((await postActivity({ text: 42 })).status).to.equal(400);
  });

  it('refuses a body over 256 KB with a 4xx, not a 500', async () => {
    const res = await postActivity({ text: 'x', padding: 'x'.repeat(300 * 1024) });
    expect(res.status).to.be.within(400, 499);
    await res.arrayBuffer();
  });

  it('refuses a body that is not JSON with a 4xx', async () => {
    const res = await post('apakah data saya dijual?', 'text/plain');
    expect(res.status).to.be.within(400, 499);
    await res.arrayBuffer();
  });

  it('reports health on GET /healthz', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).to.equal(200);
    const body: unknown = await res.json();
    expect(body).to.include({ status: 'ok', knowledgeEntries: app.knowledge.knowledge.entries.length });
  });

  it('still answers after the bad requests', async () => {
    await post('{broken');
    await post('[]');
    const res = await postActivity({ id: 'activity-2', text: 'What are cookies?' });
    expect(res.status).to.equal(200);
    const replies = await repliesOf(res);
    expect(replies.some((r) => r.channelData?.wowrack?.entryId === 'cookie')).to.equal(true);
  });
});
