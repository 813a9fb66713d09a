import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type RunningApp, startApp } from '../../support/appHarness.ts';

describe('built-in Direct Line: new conversations per visitor', () => {
  let running: RunningApp;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-dl-limit-'));
    running = await startApp(dataDir, '');
  });

  after(async () => {
    await running.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('allows 20 token requests a minute from one address, then answers 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) {
      const res = await fetch(`${running.base}/v3/directline/tokens/generate`, { method: 'POST' });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('retry-after')).to.equal('60');
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).to.equal(true);
    expect(statuses[20]).to.equal(429);
  });
});
