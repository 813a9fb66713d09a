import { expect } from 'chai';
import { sortByScore } from '../../knowledge/sortByScore.ts';

describe('sortByScore', () => {
  it('orders exactly as the stable Array.prototype.sort by descending score, ties kept in order', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 500; round += 1) {
      const n = Math.floor(random() * 70);
      // Few distinct values, so most lists have ties; 0, -0 and a tiny subnormal among them.
      const values = [0, -0, 5e-324, 0.1 + 0.2, 0.3, 0.5, 1, 2.5];
      const items = Array.from({ length: n }, (_, i) => ({
        i,
        score: values[Math.floor(random() * values.length)] ?? 0,
      }));
      const expected = items
        .slice()
        .sort((a, b) => b.score - a.score)
        .map((x) => x.i);
      expect(sortByScore(items.slice()).map((x) => x.i)).to.deep.equal(expected);
    }
  });
});
