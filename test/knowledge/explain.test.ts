import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { readLabelled } from '../../knowledge/labelled.ts';
import { DEFAULT_THRESHOLDS, type MatchResult } from '../../knowledge/matcher.ts';
import { loadRealKnowledge } from '../support/buildBot.ts';

const QUESTIONS = fileURLToPath(new URL('../fixtures/questions.jsonl', import.meta.url));
const decision = (r: MatchResult) => ({
  kind: r.kind,
  entry: r.kind === 'answer' || r.kind === 'offtopic' ? r.entry.id : undefined,
  candidates: r.candidates.map((c) => c.entry.id),
  score: r.score,
});

describe('Matcher.explain(): the test pane', () => {
  it('decides exactly as match() does, for every labelled question', async () => {
    const { matcher } = await loadRealKnowledge();
    for (const { q } of readLabelled(QUESTIONS)) {
      const explained = matcher.explain(q);
      expect(decision(explained.result), q).to.deep.equal(decision(matcher.match(q)));
    }
  });

  it('shows the normalised tokens, the best three entries with the tokens they matched, and the thresholds', async () => {
    const { matcher } = await loadRealKnowledge();
    const e = matcher.explain('apakah data sy dijuall ke pihak ketiga?');
    expect(e.words).to.include('dijuall');
    expect(e.tokens.map((t) => t.token)).to.include.members(['jual', 'pihak_lain']);
    expect(e.top).to.have.length(3);
    expect(e.top[0]?.score).to.be.at.least(e.top[1]?.score ?? 0);
    expect(e.top[0]?.matched).to.include('jual');
    expect(e.thresholds).to.deep.equal(DEFAULT_THRESHOLDS);
    expect(e.result.kind).to.equal('answer');
    const unknown = matcher.explain('harga zebra belang');
    expect(unknown.tokens.filter((t) => !t.known).map((t) => t.token)).to.include('zebra');
  });
});
