import { expect } from 'chai';
import { testMessage } from '../../../dialogs/root/testPane.ts';
import { buildBot, loadRealKnowledge } from '../../support/buildBot.ts';

describe('testMessage(): what the customer would get', () => {
  it('runs the Answerer: small talk, no answer, an answer', async () => {
    const knowledge = await loadRealKnowledge();
    const { answerer } = buildBot(knowledge).assistant;
    expect(testMessage(answerer, knowledge, 'halo', 'id').outcome.kind).to.equal('smalltalk');
    expect(testMessage(answerer, knowledge, 'zebra belang berlari kencang', 'id').outcome.kind).to.equal('none');
    const answer = testMessage(answerer, knowledge, 'apakah data saya dijual', 'id');
    expect(answer.outcome).to.include({ kind: 'answer', entryId: 'protect' });
    expect(answer.version).to.equal(knowledge.status.version);
  });
});
