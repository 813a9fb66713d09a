/**
 * PostgreSQL in the tests: one throwaway cluster per test run (postgresCluster.ts, started by the first suite that
 * needs it), a fresh database per suite (a test file), emptied between tests with resetDatabase(). Without the
 * PostgreSQL binaries those suites are skipped with a loud warning on stderr, never passed silently.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { findPostgresBin, type PostgresCluster, postgresMissing, startPostgresCluster } from './postgresCluster.ts';

let cluster: Promise<PostgresCluster | undefined> | undefined;
let warned = false;

/** The cluster of this test run, started on first use; undefined without PostgreSQL. */
export function testCluster(): Promise<PostgresCluster | undefined> {
  if (!cluster) {
    const bin = findPostgresBin();
    // The watchdog stops it once this process has gone (mocha exits without waiting).
    cluster = bin ? startPostgresCluster(bin) : Promise.resolve(undefined);
  }
  return cluster;
}

function warnSkipped(): void {
  if (warned) return;
  warned = true;
  const warning = `⚠️  POSTGRESQL TESTS SKIPPED: ${postgresMissing()}`;
  process.stderr.write(`\n${warning}\n\n`);
  process.once('exit', () => process.stderr.write(`\n${warning}\n`));
}

/** Runs `sql` on the cluster's maintenance database. */
async function admin(target: PostgresCluster, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: target.url('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Inside a describe: a database of its own for the suite (created before its tests), or the whole suite skipped
 * loudly without PostgreSQL. Returns the database's URL (call it inside a test or hook). It is not dropped after the
 * suite (its hooks may still be closing connections): it goes with the cluster when the run ends.
 */
export function usePostgresDatabase(): () => string {
  let url: string | undefined;
  before(async function () {
    this.timeout(60_000);
    const owner = await testCluster();
    if (!owner) {
      warnSkipped();
      this.skip();
    }
    const name = `test_${randomBytes(6).toString('hex')}`;
    await admin(owner, `CREATE DATABASE ${name}`);
    url = owner.url(name);
  });
  return () => {
    if (url === undefined) throw new Error('usePostgresDatabase: the database is not ready (call it in a test)');
    return url;
  };
}

/** Empties every table the migrations made (not the migrations table), restarting the sequences. */
export async function resetDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
    );
    if (rows.length > 0)
      await client.query(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
  } finally {
    await client.end();
  }
}
