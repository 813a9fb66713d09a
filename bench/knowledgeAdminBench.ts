/**
 * What the admins wait for, measured on the real knowledge files (copied to a temp folder): loading and building the
 * knowledge (the ranker trains here), the safe-edit check (every labelled question through the old and the new
 * matcher), and the time from saving faq.yaml to the next turn using it (the watcher with its default timings).
 *
 *   npx tsx bench/knowledgeAdminBench.ts [runs]
 */
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KnowledgeWatcher } from '../bot/jobs/knowledgeWatcher.ts';
import { buildKnowledgeAdmin, REGRESSION_SETS } from '../bot/knowledgeAdmin.ts';
import { createLogger } from '../bot/log/logger.ts';
import { JsonDatabase } from '../bot/store/lowdb/jsonDatabase.ts';
import { LowdbRequestStore } from '../bot/store/lowdb/lowdbRequestStore.ts';
import { FLOW_NAMES } from '../dialogs/flows/registry.ts';
import { Inbox } from '../domain/inbox.ts';
import { INBOX_MAX_RECORDS, InboxRecorder } from '../domain/inboxRecorder.ts';
import { KnowledgeService } from '../knowledge/knowledgeService.ts';
import { readLabelled } from '../knowledge/labelled.ts';
import { addAlternate } from '../knowledge/yamlEdit.ts';
import { percentile } from './stats.ts';

const runs = Number(process.argv[2] ?? 5);
const KNOWLEDGE = fileURLToPath(new URL('../knowledge/', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'wowrack-admin-bench-'));
await mkdir(join(dir, 'knowledge'));
for (const name of ['faq.yaml', 'training.yaml', 'privacy-statement.txt'])
  await copyFile(join(KNOWLEDGE, name), join(dir, 'knowledge', name));
const faq = join(dir, 'knowledge', 'faq.yaml');
const out = (line: string) => process.stdout.write(`${line}\n`);
const ms = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${Math.round(percentile(sorted, 0.5))} ms, max ${Math.round(sorted.at(-1) ?? 0)} ms (${values.length} runs)`;
};

const loads: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  await KnowledgeService.load(faq, { flows: FLOW_NAMES });
  loads.push(performance.now() - t);
}
out(`load (read, validate, build matcher, train ranker): ${ms(loads)}`);

const knowledge = await KnowledgeService.load(faq, { flows: FLOW_NAMES });
const store = new LowdbRequestStore(await JsonDatabase.open(join(dir, 'data')));
const admin = buildKnowledgeAdmin({ knowledge, store, dataDir: join(dir, 'data'), now: () => new Date() });
const cold: number[] = [];
const warm: number[] = [];
const builds: number[] = [];
let total = 0;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const candidate = knowledge.build({
    ...knowledge.current.sources,
    faq: addAlternate(knowledge.current.sources.faq, 'protect', 'id', `kuda poni ${i}`),
  });
  builds.push(performance.now() - t);
  const c = await admin.regression.compare(knowledge.matcher, candidate.matcher);
  (i === 0 ? cold : warm).push(c.ms);
  total = c.after.total;
}
out(`safe edit: build the changed knowledge ${ms(builds)}`);
out(`safe edit: re-run ${total} labelled questions, old and new matcher (first): ${ms(cold)}`);
out(`safe edit: re-run, the serving matcher's answers remembered (every later edit): ${ms(warm)}`);

const watcher = new KnowledgeWatcher(knowledge, createLogger('silent'));
await watcher.start();
const reloads: number[] = [];
for (let i = 0; i < runs; i++) {
  const version = knowledge.status.version;
  const text = addAlternate(await readFile(faq, 'utf8'), 'protect', 'id', `zebra ${i}`);
  await writeFile(`${faq}.tmp`, text);
  const t = performance.now();
  await rename(`${faq}.tmp`, faq);
  while (knowledge.status.version === version) await new Promise((r) => setTimeout(r, 5));
  reloads.push(performance.now() - t);
}
await watcher.stop();
out(`hand edit saved → next turn uses it (watcher defaults: 300 ms quiet time): ${ms(reloads)}`);

// The inbox full (its cap): every labelled question, over and over, a seventh of them with a number in it.
const recorder = new InboxRecorder({ store, now: () => new Date(), flushMs: 0 });
const inbox = new Inbox({ store, recorder, knowledge, editor: admin.editor, now: () => new Date() });
const questions = REGRESSION_SETS.flatMap(readLabelled).map((item) => item.q);
for (let i = 0; i < INBOX_MAX_RECORDS; i++)
  recorder.replied({ kind: 'none', lang: 'id' }, `${questions[i % questions.length]}${i % 7 === 0 ? ` no ${i}` : ''}`);
await recorder.flush();
const views: number[] = [];
let groups = 0;
for (let i = 0; i <= runs; i++) {
  const t = performance.now();
  groups = (await inbox.groups()).length;
  views.push(performance.now() - t);
}
out(
  `inbox of ${INBOX_MAX_RECORDS} records (${groups} groups): first view ${Math.round(views[0] ?? 0)} ms; then ${ms(views.slice(1))}`,
);
await rm(dir, { recursive: true, force: true });
