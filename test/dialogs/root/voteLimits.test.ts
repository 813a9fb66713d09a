import { expect } from 'chai';
import { VoteLimits } from '../../../dialogs/root/voteLimits.ts';

describe('dialogs/root/VoteLimits', () => {
  it('one vote per answer per conversation', () => {
    const limits = new VoteLimits(() => 0);
    expect(limits.take('c1', 'k', 'share')).to.equal('ok');
    expect(limits.take('c1', 'k', 'share')).to.equal('already');
    expect(limits.take('c1', 'k', 'cookie')).to.equal('ok');
    expect(limits.take('c2', 'k', 'share')).to.equal('ok');
  });

  it('at most 20 votes an hour from one client, whatever its conversation ids; the next hour it may vote again', () => {
    let now = 0;
    const limits = new VoteLimits(() => now);
    const results = Array.from({ length: 25 }, (_, i) => limits.take(`conv-${i}`, 'flooder', 'share'));
    expect(results.filter((r) => r === 'ok')).to.have.length(20);
    expect(results.slice(20)).to.deep.equal(['limited', 'limited', 'limited', 'limited', 'limited']);
    expect(limits.take('conv-x', 'someone-else', 'share')).to.equal('ok');
    now += 60 * 60_000;
    expect(limits.take('conv-y', 'flooder', 'share')).to.equal('ok');
  });
});
