/**
 * Offline accuracy of the matcher on labelled questions (no server needed).
 *   npm run eval                          # test/fixtures/{questions,holdout}.jsonl + ../shared/eval/dev.jsonl if present
 *   npm run eval -- --verbose             # every miss
 *   npm run eval -- --stemmer nlpjs       # compare stemmers (sastrawi | nlpjs | none)
 */
import { existsSync } from 'node:fs';
import { buildMatcher } from '../knowledge/build.ts';
import { type LabelledQuestion, readLabelled, scoreLabelled } from '../knowledge/labelled.ts';
import { loadKnowledgeFile } from '../knowledge/load.ts';
import type { Matcher } from '../knowledge/matcher.ts';
import type { Stemmer } from '../knowledge/normalize.ts';
import { identityStemmer, nlpjsStemmer } from '../knowledge/stemmers.ts';
import { sastrawiStemmer } from './sastrawiStemmer.ts';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const stemmerName = args.includes('--stemmer') ? (args[args.indexOf('--stemmer') + 1] ?? 'nlpjs') : 'nlpjs';
const stemmers: Record<string, () => Stemmer> = {
  sastrawi: sastrawiStemmer,
  nlpjs: nlpjsStemmer,
  none: () => identityStemmer,
};
const files = args.filter((a) => a.endsWith('.jsonl'));
if (files.length === 0) {
  files.push('test/fixtures/questions.jsonl', 'test/fixtures/holdout.jsonl');
  if (existsSync('../shared/eval/dev.jsonl')) files.push('../shared/eval/dev.jsonl');
}

export function score(matcher: Matcher, items: readonly LabelledQuestion[], log: boolean) {
  return scoreLabelled(matcher, items, (item, r) => {
    if (!log) return;
    const got = r.kind === 'answer' ? r.entry.id : r.kind;
    if (item.expect === 'out_of_scope') process.stdout.write(`FALSE+ ${item.q}  → ${got} ${r.score.toFixed(2)}\n`);
    else {
      const cands = r.candidates.map((c) => `${c.entry.id}:${c.score.toFixed(2)}`).join(' ');
      process.stdout.write(`MISS   ${item.q}  [${item.expect.join(',')}] → ${got} ${r.score.toFixed(2)} (${cands})\n`);
    }
  });
}

const knowledge = await loadKnowledgeFile('knowledge/faq.yaml');
const stemmer = (stemmers[stemmerName] ?? nlpjsStemmer)();
const matcher = buildMatcher(knowledge, { stemmer });
for (const file of files) {
  const s = score(matcher, readLabelled(file), verbose);
  const pct = (a: number, b: number) => ((100 * a) / Math.max(1, b)).toFixed(1);
  process.stdout.write(
    `${file} [${stemmerName}]: in-scope ${s.inOk}/${s.inAll} (${pct(s.inOk, s.inAll)}%), out-of-scope ${s.outOk}/${s.outAll} (${pct(s.outOk, s.outAll)}%)\n`,
  );
}
