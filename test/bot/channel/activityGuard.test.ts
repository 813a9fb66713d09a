/**
 * Finding 10 of issue 8: a serviceUrl of the wrong type made the connector throw ("endpoint.toLowerCase is not a
 * function"), CloudAdapter printed the stack on stderr and answered 500 with the error text. Every field is now
 * type-checked: 400 with a reason, nothing on stderr.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { activityProblem, claimsBuiltInDirectLine } from '../../../bot/channel/activityGuard.ts';
import { type RunningApp, startApp } from '../../support/appHarness.ts';

const activity = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'message',
  text: 'halo',
  channelId: 'test',
  conversation: { id: 'guard-1' },
  from: { id: 'user-1' },
  recipient: { id: 'bot' },
  deliveryMode: 'expectReplies',
  ...overrides,
});

/** The eight serviceUrl values of the report (and one that is a string but no URL). */
const BAD_SERVICE_URLS: readonly unknown[] = [42, true, {}, [], { href: 'http://x' }, ['http://x'], 0, -1, 'not a url'];

describe('activityProblem: every field of an incoming activity is type-checked', () => {
  it('accepts what the Emulator and Bot Framework channels send', () => {
    expect(
      activityProblem(
        activity({
          id: 'a1',
          timestamp: '2026-01-01T10:00:00.000Z',
          localTimestamp: '2026-01-01T17:00:00+07:00',
          localTimezone: 'Asia/Jakarta',
          serviceUrl: 'http://localhost:54321',
          deliveryMode: undefined,
          from: { id: 'u', name: 'User', role: 'user' },
          conversation: { id: 'c', isGroup: false, conversationType: 'personal', tenantId: 't' },
          entities: [{ type: 'ClientCapabilities' }],
          attachments: [],
          channelData: { clientActivityID: 'x' },
          value: { action: 'faq', id: 'cookie' },
          locale: 'id-ID',
          membersAdded: [{ id: 'u', name: 'User' }],
        }),
      ),
    ).to.equal(undefined);
  });

  it('refuses a serviceUrl that is not a URL string, with or without expectReplies', () => {
    for (const serviceUrl of BAD_SERVICE_URLS) {
      expect(activityProblem(activity({ serviceUrl })), JSON.stringify(serviceUrl)).to.include('serviceUrl');
      expect(activityProblem(activity({ serviceUrl, deliveryMode: 'normal' })), JSON.stringify(serviceUrl)).to.include(
        'serviceUrl',
      );
    }
    expect(activityProblem(activity({ serviceUrl: 'ftp://example.test/' }))).to.include('http(s)');
  });

  it('refuses wrong types in the other fields, each with its name', () => {
    const cases: readonly (readonly [Record<string, unknown>, string])[] = [
      [{ id: 5 }, '"id"'],
      [{ timestamp: 5 }, '"timestamp"'],
      [{ timestamp: 'yesterday' }, '"timestamp"'],
      [{ locale: ['id'] }, '"locale"'],
      [{ replyToId: {} }, '"replyToId"'],
      [{ name: 1 }, '"name"'],
      [{ deliveryMode: 'sometimes' }, '"deliveryMode"'],
      [{ deliveryMode: 7 }, '"deliveryMode"'],
      [{ from: { id: 'u', name: 5 } }, '"from.name"'],
      [{ recipient: 'bot' }, '"recipient.id"'],
      [{ conversation: { id: 'c', isGroup: 'yes' } }, '"conversation.isGroup"'],
      [{ conversation: { id: ['c'] } }, '"conversation.id"'],
      [{ channelId: 5 }, '"channelId"'],
      [{ attachments: 'file' }, '"attachments"'],
      [{ entities: [1, 2] }, '"entities"'],
      [{ channelData: 'x' }, '"channelData"'],
      [{ suggestedActions: [] }, '"suggestedActions"'],
      [{ membersAdded: [{ id: 'u', role: 3 }] }, '"membersAdded[].role"'],
      [{ historyDisclosed: 'no' }, '"historyDisclosed"'],
    ];
    for (const [overrides, field] of cases)
      expect(activityProblem(activity(overrides)), JSON.stringify(overrides)).to.include(field);
  });

  it('recognises a claim to the built-in Direct Line in any case', () => {
    for (const channelId of ['directline', 'DirectLine', ' DIRECTLINE '])
      expect(claimsBuiltInDirectLine({ channelId }), channelId).to.equal(true);
    for (const channelId of ['webchat', 'emulator', 'directline-x', 5])
      expect(claimsBuiltInDirectLine({ channelId }), String(channelId)).to.equal(false);
  });
});

describe('/api/messages with fields of the wrong type (real server)', function () {
  this.timeout(20_000);
  let running: RunningApp;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-guard-'));
    running = await startApp(dataDir, '');
  });
  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 400 with a reason for each bad serviceUrl, writes nothing to stderr, and keeps serving', async () => {
    // console.error (CloudAdapter's) and uncaught stacks both end in process.stderr.write.
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      for (const serviceUrl of BAD_SERVICE_URLS) {
        const res = await fetch(`${running.base}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity({ serviceUrl })),
        });
        const body = (await res.json()) as { error?: string; message?: string };
        expect(res.status, JSON.stringify(serviceUrl)).to.equal(400);
        expect(body.message, JSON.stringify(serviceUrl)).to.include('serviceUrl');
        expect(JSON.stringify(body)).not.to.match(/toLowerCase|at .*\.js|TypeError/);
      }
    } finally {
      process.stderr.write = original;
    }
    expect(written.filter((line) => !line.includes('DEP0111'))).to.deep.equal([]);
    const ok = await fetch(`${running.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity()),
    });
    expect(ok.status).to.equal(200);
  });
});
