import { expect } from 'chai';
import { PhraseIndex } from '../../knowledge/phraseIndex.ts';

describe('PhraseIndex', () => {
  const index = new PhraseIndex<string>();
  index.set('pihak', 'one');
  index.set('pihak ketiga', 'two');
  index.set('pihak ketiga lain nya', 'four');

  it('finds the longest phrase at a position, within the longest asked for', () => {
    const words = ['data', 'ke', 'pihak', 'ketiga', 'lain', 'nya'];
    expect(index.longestAt(words, 2, 5)).to.deep.equal(['four', 4]);
    expect(index.longestAt(words, 2, 3)).to.deep.equal(['two', 2]);
    expect(index.longestAt(['pihak', 'ketiga', 'lain'], 0, 5)).to.deep.equal(['two', 2]);
    expect(index.longestAt(['pihak'], 0, 5)).to.deep.equal(['one', 1]);
  });

  it('finds nothing where no phrase starts, and looks phrases up whole', () => {
    expect(index.longestAt(['data', 'pihak'], 0, 5)).to.equal(undefined);
    expect(index.longestAt(['ketiga', 'lain'], 0, 5)).to.equal(undefined);
    expect(index.get('pihak ketiga')).to.equal('two');
    expect(index.has('ketiga')).to.equal(false);
  });
});
