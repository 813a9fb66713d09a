/**
 * Finding 8 of issue 8: an anonymous POST /api/messages with channelId "directline" and a website visitor's
 * conversation id read and drove that visitor's flow (their name and e-mail came back). A built-in Direct Line
 * conversation is reachable only through /v3/directline with its token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { BUILTIN_SERVICE_URL } from '../../../bot/directline/directLineService.ts';
import { type RunningApp, startApp } from '../../support/appHarness.ts';
import { DirectLineClient, type Stream } from '../directline/client.ts';

describe('cross-channel state: /api/messages cannot reach a built-in Direct Line conversation', function () {
  this.timeout(20_000);
  let running: RunningApp;
  let dataDir: string;
  let visitor: DirectLineClient;
  let stream: Stream;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-cross-'));
    running = await startApp(dataDir, '');
    ({ client: visitor, stream } = await DirectLineClient.connect(running.base));
    // The visitor starts a flow and gives a name: the state an attacker wanted to read.
    const started = await visitor.say('saya masih 16 tahun');
    await stream.turn(started);
    await stream.turn(await visitor.say('Tono Rahasia'));
  });
  after(async () => {
    await stream?.close();
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const forged = (overrides: Record<string, unknown>) =>
    fetch(`${running.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        text: 'bantuan',
        channelId: 'directline',
        conversation: { id: visitor.conversationId },
        from: { id: visitor.userId },
        recipient: { id: 'wowrack-privacy-assistant' },
        deliveryMode: 'expectReplies',
        ...overrides,
      }),
    });

  it('refuses channelId "directline" (any case, any serviceUrl) with 403 and a reason, and shows nothing of the flow', async () => {
    const variants: Record<string, unknown>[] = [
      {},
      { channelId: 'DirectLine' },
      { channelId: ' DIRECTLINE ' },
      { serviceUrl: BUILTIN_SERVICE_URL },
      { deliveryMode: 'normal', serviceUrl: BUILTIN_SERVICE_URL },
    ];
    for (const overrides of variants) {
      const res = await forged(overrides);
      const text = await res.text();
      expect(res.status, JSON.stringify(overrides)).to.equal(403);
      expect(JSON.parse(text), JSON.stringify(overrides)).to.include({ error: 'forbidden' });
      expect(JSON.parse(text).message).to.include('/v3/directline');
      expect(text).not.to.include('Tono');
    }
  });

  it('the visitor, with the token, carries on where they were; another channel id is another conversation', async () => {
    // Same conversation id under another channel: its own (empty) state, nothing of the visitor's.
    const other = await forged({ channelId: 'webchat', text: 'bantuan' });
    expect(other.status).to.equal(200);
    expect(await other.text()).not.to.include('Tono');
    // The visitor's flow is untouched by the forged turns: it still asks for the next step.
    const { text } = await stream.turn(await visitor.say('tono@example.test'));
    expect(text).not.to.equal('');
    expect(text.toLowerCase()).to.match(/orang tua|wali|parent/);
  });
});
