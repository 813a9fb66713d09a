import { expect } from 'chai';
import { createLogger } from '../../../bot/log/logger.ts';
import { PostgresDatabase } from '../../../bot/store/postgres/database.ts';
import { type Migration, migrate, SchemaVersionError } from '../../../bot/store/postgres/migrations.ts';
import { openPostgresStore } from '../../../bot/store/postgres/openPostgresStore.ts';
import { SCHEMA } from '../../../bot/store/postgres/schema.ts';
import { usePostgresDatabase } from '../../support/postgres.ts';
import { rejectionOf } from '../../support/tempDir.ts';

const logger = createLogger('silent');
const NEWEST = Math.max(...SCHEMA.map((m) => m.version));

describe('store/postgres: migrations at start', function () {
  this.timeout(30_000);
  const url = usePostgresDatabase();
  const opened: PostgresDatabase[] = [];
  const database = () => {
    const db = new PostgresDatabase(url(), logger);
    opened.push(db);
    return db;
  };
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close();
  });

  it('four instances starting at once: each migration is applied once, by one of them', async () => {
    const results = await Promise.all(
      [database(), database(), database(), database()].map((db) => migrate(db, logger)),
    );
    expect(results.flat().sort()).to.deep.equal(SCHEMA.map((m) => m.version).sort());
    const { rows } = await database().query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY 1');
    expect(rows.map((r) => r.version)).to.deep.equal(SCHEMA.map((m) => m.version));
    expect(await migrate(database(), logger)).to.deep.equal([]);
  });

  it('a later migration is applied on the next start; one that fails leaves nothing of itself behind', async () => {
    const db = database();
    await migrate(db, logger);
    const broken: Migration = {
      version: NEWEST + 1,
      name: 'broken',
      sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();',
    };
    expect(await rejectionOf(migrate(db, logger, [...SCHEMA, broken])))
      .to.have.property('message')
      .that.includes('no_such_function');
    const tables = await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'half_done'");
    expect(tables.rowCount).to.equal(0);
    const next: Migration = { version: NEWEST + 1, name: 'fixed', sql: 'CREATE TABLE later_table (id int)' };
    expect(await migrate(db, logger, [...SCHEMA, next])).to.deep.equal([NEWEST + 1]);
    // The database is now newer than the release without that migration: it refuses to start on it.
    const refused = await rejectionOf(openPostgresStore(url(), () => new Date(), logger));
    expect(refused).to.be.instanceOf(SchemaVersionError);
    expect(refused)
      .to.have.property('message')
      .that.includes(`schema version ${NEWEST + 1}`);
    await db.query('DROP TABLE later_table');
    await db.query('DELETE FROM schema_migrations WHERE version = $1', [NEWEST + 1]);
  });

  it('an unreachable database stops the start with its location named, never its password', async () => {
    const target = new URL(url());
    target.password = 'not-to-be-shown';
    target.port = '1'; // nothing listens there
    const error = await rejectionOf(openPostgresStore(target.toString(), () => new Date(), logger));
    expect(error).to.have.property('name', 'DatabaseUnavailableError');
    expect(String(error)).to.include(`127.0.0.1:1${target.pathname}`);
    expect(String(error)).not.to.include('not-to-be-shown');
  });
});
