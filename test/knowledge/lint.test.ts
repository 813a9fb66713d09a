import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FLOW_NAMES } from '../../dialogs/flows/registry.ts';
import { KnowledgeService } from '../../knowledge/knowledgeService.ts';
import { lintKnowledge } from '../../knowledge/lint.ts';
import { loadRealKnowledge } from '../support/buildBot.ts';

const FILE = `version: 1
synonyms:
  cookie: [kukis, cookies]
  kue: [kukis, biskuit]
entries:
  - id: cookie
    section: Cookies
    question: {id: Apa itu cookie?, en: What is a cookie?}
    alternates:
      id: [apa itu kukis, data saya dijual]
      en: []
    answer: {id: Cookie ialah sebuah file data text kecil dari situs., en: A cookie is a small file.}
  - id: protect
    section: Pembuka
    question: {id: Apakah data saya dijual?, en: Do you sell my data?}
    alternates:
      id: [data saya dijual ke siapa, apakah data pribadi dijual, jual data, data dijual, dijual datanya]
      en: [Apa itu cookie]
    keywords: [jual]
    answer: {id: Kami tidak menjual data., en: We do not sell data.}
`;

describe('lintKnowledge()', () => {
  it('finds duplicate phrasings, phrasings closer to another entry, colliding synonyms and unquoted answers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wowrack-lint-'));
    await writeFile(join(dir, 'faq.yaml'), FILE);
    await writeFile(join(dir, 'privacy-statement.txt'), 'Cookie ialah sebuah file data text kecil dari situs.');
    const knowledge = await KnowledgeService.load(join(dir, 'faq.yaml'), { flows: FLOW_NAMES });
    const report = lintKnowledge(knowledge.current);
    expect(report.duplicates.map((d) => [d.key, [...new Set(d.uses.map((u) => u.entry))]])).to.deep.include([
      'cookie',
      ['cookie', 'protect'],
    ]);
    expect(report.closerElsewhere.map((c) => [c.entry, c.text, c.closer])).to.deep.include([
      'cookie',
      'data saya dijual',
      'protect',
    ]);
    expect(report.synonymCollisions).to.deep.equal([{ variant: 'kukis', canonicals: ['cookie', 'kue'] }]);
    expect(report.unquoted).to.deep.equal([{ entry: 'protect', sentence: 'Kami tidak menjual data.' }]);
    expect(report.version).to.equal(knowledge.status.version);
  });

  it('runs on the real file', async () => {
    const report = lintKnowledge((await loadRealKnowledge()).current);
    expect(report.unquoted).to.deep.equal([]);
    expect(report.synonymCollisions).to.deep.equal([]);
  });
});
