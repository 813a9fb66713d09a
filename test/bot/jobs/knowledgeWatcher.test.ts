import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { KnowledgeWatcher } from '../../../bot/jobs/knowledgeWatcher.ts';
import { createLogger } from '../../../bot/log/logger.ts';
import { FLOW_NAMES } from '../../../dialogs/flows/registry.ts';
import { KnowledgeService } from '../../../knowledge/knowledgeService.ts';
import { copyKnowledge, waitFor } from '../../support/knowledgeCopy.ts';
import { useTempDir } from '../../support/tempDir.ts';

const QUESTION = 'apakah zebra belang ikut dilindungi';

/** Adds a phrasing to the first Indonesian alternates list (the `protect` entry), as a hand edit would. */
const withAlternate = (faq: string, phrase: string): string =>
  faq.replace(
    '        - Bagaimana komitmen Wowrack terhadap data pribadi?\n',
    (line) => `${line}        - ${phrase}\n`,
  );

describe('KnowledgeWatcher: live knowledge', function () {
  this.timeout(30_000);
  const dir = useTempDir('wowrack-knowledge-');
  let watcher: KnowledgeWatcher | undefined;

  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
  });

  async function start(pollOnly = false): Promise<{ knowledge: KnowledgeService; faq: string }> {
    const faq = await copyKnowledge(dir());
    const knowledge = await KnowledgeService.load(faq, { flows: FLOW_NAMES });
    watcher = new KnowledgeWatcher(knowledge, createLogger('silent'), {
      debounceMs: 100,
      pollMs: pollOnly ? 200 : 2000,
    });
    await watcher.start();
    return { knowledge, faq };
  }

  it('swaps in an edited faq.yaml within seconds; the next match uses it', async () => {
    const { knowledge, faq } = await start();
    const before = knowledge.status.version;
    expect(knowledge.matcher.match(QUESTION).kind).to.not.equal('answer');
    const original = await readFile(faq, 'utf8');
    // Written as editors and our own writer do: a temp file renamed over the original.
    await writeFile(`${faq}.tmp`, withAlternate(original, QUESTION));
    await rename(`${faq}.tmp`, faq);
    const ms = await waitFor(() => knowledge.status.version !== before, 10_000, 'the new version');
    process.stdout.write(
      `      reload after a hand edit: ${Math.round(ms)} ms (build ${knowledge.status.buildMs} ms)\n`,
    );
    const result = knowledge.matcher.match(QUESTION);
    expect(result.kind).to.equal('answer');
    expect(result.kind === 'answer' && result.entry.id).to.equal('protect');
  });

  it('keeps the last good version serving when the edit is invalid, naming file, entry and field', async () => {
    const { knowledge, faq } = await start();
    const good = knowledge.status.version;
    const original = await readFile(faq, 'utf8');
    await writeFile(
      faq,
      original.replace('  - id: protect\n    section: Privacy Statement (pembuka)\n', '  - id: protect\n'),
    );
    await waitFor(() => knowledge.status.lastError !== undefined, 10_000, 'the error');
    const status = knowledge.status;
    expect(status.version).to.equal(good);
    expect(status.lastError?.current).to.equal(true);
    expect(status.lastError?.problems).to.deep.include({
      file: faq,
      entry: '"protect" (#1)',
      field: 'section',
      message: 'must be a non-empty text',
    });
    expect(knowledge.matcher.match('apakah data saya dijual').kind).to.equal('answer');

    await writeFile(faq, original); // fixed (back to the serving version): the error is no longer current
    await waitFor(() => knowledge.status.lastError?.current === false, 10_000, 'the fix');
    expect(knowledge.status.version).to.equal(good);
  });

  it('sees a change through polling alone, and a changed statement reports the answers it no longer quotes', async () => {
    const { knowledge } = await start(true);
    watcher?.stop(); // replace with a poll-only watcher: fs.watch closed, the poll running
    watcher = new KnowledgeWatcher(knowledge, createLogger('silent'), { debounceMs: 50, pollMs: 150 });
    await watcher.start();
    const before = knowledge.status.version;
    expect(knowledge.status.quoteProblems).to.equal(0);
    const statementFile = knowledge.statementFile;
    const statement = await readFile(statementFile, 'utf8');
    await writeFile(statementFile, statement.replace('tidak menjual', 'tidak pernah menjual'));
    await waitFor(() => knowledge.status.version !== before, 10_000, 'the new statement');
    expect(knowledge.status.quoteProblems).to.be.above(0);
    expect(knowledge.current.quoteProblems.map((p) => p.entry)).to.include('protect');
  });

  it('reload() reports unchanged files without rebuilding', async () => {
    const { knowledge } = await start();
    const outcome = await knowledge.reload();
    expect(outcome).to.deep.equal({ kind: 'unchanged', version: knowledge.status.version });
    expect(join(knowledge.file, '..')).to.equal(join(dir(), 'knowledge'));
  });
});
