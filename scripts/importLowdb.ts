/**
 * Moves a single instance's data to PostgreSQL: `DATABASE_URL=postgres://… npx tsx scripts/importLowdb.ts
 * DATA_DIR/assistant-db.json`. Stop the assistant first. The file is only read (checked as the assistant checks it at
 * start); the database is migrated and must hold no data yet. Prints what it imported.
 */
import { readFile } from 'node:fs/promises';
import { loadConfig, loadDotEnv } from '../bot/config.ts';
import { createLogger } from '../bot/log/logger.ts';
import { databaseProblem, migrateDatabase } from '../bot/store/lowdb/jsonDatabase.ts';
import type { DatabaseShape } from '../bot/store/lowdb/jsonDocument.ts';
import { PostgresDatabase } from '../bot/store/postgres/database.ts';
import { importDocument } from '../bot/store/postgres/importDocument.ts';
import { migrate } from '../bot/store/postgres/migrations.ts';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file)
    throw new Error('usage: DATABASE_URL=postgres://… npx tsx scripts/importLowdb.ts DATA_DIR/assistant-db.json');
  loadDotEnv();
  const { database: target, logLevel } = loadConfig();
  if (!target.url) throw new Error('DATABASE_URL is not set: it names the database to import into');
  const value: unknown = JSON.parse(await readFile(file, 'utf8'));
  migrateDatabase(value); // in memory only: an older file gets its missing lists, empty
  const problem = databaseProblem(value);
  if (problem !== undefined) throw new Error(`${file} cannot be imported: ${problem}`);
  const logger = createLogger(logLevel);
  const database = new PostgresDatabase(target.url, logger, { poolSize: 2 });
  try {
    await migrate(database, logger);
    // Checked above, as the assistant checks the file at start.
    const counts = await importDocument(database, value as DatabaseShape);
    logger.info({ file, database: database.location, ...counts }, 'imported');
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`import failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
