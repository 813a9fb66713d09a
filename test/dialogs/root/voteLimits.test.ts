import { expect } from 'chai';
import { MemoryRateCounter } from '../../../bot/store/memory/rateCounter.ts';
import { VoteLimits } from '../../../dialogs/root/voteLimits.ts';

describe('dialogs/root/VoteLimits', () => {
  it('one vote per answer per conversation', async () => {
    const limits = new VoteLimits(new MemoryRateCounter(() => 0));
    expect(await limits.take('c1', 'k', 'share')).to.equal('ok');
    expect(await limits.take('c1', 'k', 'share')).to.equal('already');
    expect(await limits.take('c1', 'k', 'cookie')).to.equal('ok');
    expect(await limits.take('c2', 'k', 'share')).to.equal('ok');
  });

  it('at most 20 votes an hour from one client, whatever its conversation ids; the next hour it may vote again', async () => {
    let now = 0;
    const limits = new VoteLimits(new MemoryRateCounter(() => now));
    const results: string[] = [];
    for (let i = 0; i < 25; i += 1) results.push(await limits.take(`conv-${i}`, 'flooder', 'share'));
    expect(results.filter((r) => r === 'ok')).to.have.length(20);
    expect(results.slice(20)).to.deep.equal(['limited', 'limited', 'limited', 'limited', 'limited']);
    expect(await limits.take('conv-x', 'someone-else', 'share')).to.equal('ok');
    now += 60 * 60_000;
    expect(await limits.take('conv-y', 'flooder', 'share')).to.equal('ok');
  });

  it('a vote refused for the client’s budget is not counted as cast', async () => {
    let now = 0;
    const limits = new VoteLimits(new MemoryRateCounter(() => now));
    for (let i = 0; i < 20; i += 1) await limits.take(`conv-${i}`, 'busy', 'share');
    expect(await limits.take('conv-last', 'busy', 'share')).to.equal('limited');
    now += 60 * 60_000;
    expect(await limits.take('conv-last', 'busy', 'share')).to.equal('ok');
  });
});
