/**
 * Retention of the admins' inbox: records older than RETENTION_DAYS are deleted by the clean-up the running app does
 * at start and then daily (the real composition root, its store on disk), newer ones kept.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { DATABASE_FILE_NAME } from '../../../bot/store/lowdb/jsonDatabase.ts';
import { emptyDatabase } from '../../../bot/store/lowdb/jsonDocument.ts';
import type { InboxRecord } from '../../../domain/records.ts';
import { hourOf } from '../../../domain/time.ts';
import { type RunningApp, readDbFile, startApp } from '../../support/appHarness.ts';
import { waitFor } from '../../support/knowledgeCopy.ts';
import { useTempDir } from '../../support/tempDir.ts';

const DAY = 86_400_000;
const NOW = new Date('2026-12-06T05:30:00Z');

describe('retention of the inbox records (RETENTION_DAYS, the daily clean-up)', function () {
  this.timeout(30_000);
  const dir = useTempDir('wowrack-retention-');
  let running: RunningApp | undefined;

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  it('deletes the records older than RETENTION_DAYS and keeps the newer ones', async () => {
    const dataDir = join(dir(), 'data');
    await mkdir(dataDir, { recursive: true });
    const record = (id: string, daysAgo: number): InboxRecord => ({
      id,
      kind: 'none',
      at: hourOf(new Date(NOW.getTime() - daysAgo * DAY)),
      lang: 'id',
      question: `pertanyaan ${id}`,
    });
    const inbox = [record('old', 7.5), record('edge', 7.1), record('recent', 6.9), record('today', 0)];
    await writeFile(join(dataDir, DATABASE_FILE_NAME), JSON.stringify({ ...emptyDatabase(), inbox }));
    running = await startApp(dataDir, '', { now: () => NOW, knowledgeWatch: false }, { RETENTION_DAYS: '7' });
    const app = running.app;
    const ids = async () => (await app.store.requests.transaction((tx) => tx.inbox.list())).map((r) => r.id);
    await waitFor(async () => (await ids()).length < inbox.length, 10_000, 'the clean-up at start');
    expect(await ids()).to.deep.equal(['recent', 'today']);
    await app.close();
    running = undefined;
    expect((await readDbFile(dataDir)).inbox.map((r) => r.id)).to.deep.equal(['recent', 'today']);
  });
});
