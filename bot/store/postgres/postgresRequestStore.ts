/**
 * The domain's RequestStore on PostgreSQL. A unit of work is one SERIALIZABLE transaction (database.ts): its writes
 * are committed together or not at all, and units that touch the same records, on this instance or another, behave
 * as if one ran after the other (a unit PostgreSQL aborts is run again from the start, so `work` must do nothing but
 * read and write through its Transaction). Each repository call is one or two statements on the unit's connection.
 */
import type {
  AuditRepository,
  ConsentRepository,
  ConsentTextRepository,
  DailyStatsRepository,
  FeedbackRepository,
  InboxRepository,
  JobMarkRepository,
  KnowledgeTestCaseRepository,
  OutboxRepository,
  RequestStore,
  SentMailFact,
  StaffRepository,
  StaffSessionRepository,
  TicketRepository,
  Transaction,
  UnsubscribeRepository,
} from '../../../domain/ports.ts';
import type { FeedbackRecord } from '../../../domain/records.ts';
import type { PostgresDatabase, Queryable } from './database.ts';
import { fromPgText, pgText, RecordTable } from './recordTable.ts';
import {
  AUDIT,
  CONSENT_TEXTS,
  CONSENTS,
  DAILY_STATS,
  INBOX,
  KNOWLEDGE_TESTS,
  OUTBOX,
  SESSIONS,
  STAFF,
  TICKETS,
  UNSUBSCRIBES,
} from './tables.ts';

function tickets(db: Queryable): TicketRepository {
  const table = new RecordTable(TICKETS, db);
  return {
    idTaken: (id) => table.has(id),
    add: (ticket) => table.insert(ticket),
    findByRequestKey: (key) => table.findBy('request_key', key),
    get: (id) => table.get(id),
    list: () => table.list(),
    findByVerificationHash: (hash) => table.findBy('verification_hash', hash),
    replace: async (ticket) => void (await table.update(ticket)),
  };
}

function unsubscribes(db: Queryable): UnsubscribeRepository {
  const table = new RecordTable(UNSUBSCRIBES, db);
  return {
    find: (key) => table.get(key),
    add: (record) => table.insert(record),
    findByRequestKey: (key) => table.findBy('request_key', key),
    list: () => table.list(),
    remove: async (key) => (await table.delete('WHERE email = $1', [key])) > 0,
  };
}

function consents(db: Queryable): ConsentRepository {
  const table = new RecordTable(CONSENTS, db);
  return {
    idTaken: (id) => table.has(id),
    add: (consent) => table.insert(consent),
    findByRequestKey: (key) => table.findBy('request_key', key),
    findByTokenHash: (hash) => table.findBy('token_hash', hash),
    decide: async (id, decision, decidedAt, userAgent) => {
      const stored = await table.get(id);
      if (stored)
        await table.update({ ...stored, decision, decidedAt, ...(userAgent ? { decisionUserAgent: userAgent } : {}) });
    },
    get: (id) => table.get(id),
    list: () => table.list(),
  };
}

function consentTexts(db: Queryable): ConsentTextRepository {
  const table = new RecordTable(CONSENT_TEXTS, db);
  return {
    get: (hash) => table.get(hash),
    keep: async (record) => void (await table.insertIfAbsent(record)),
  };
}

function staff(db: Queryable): StaffRepository {
  const table = new RecordTable(STAFF, db);
  return {
    get: (id) => table.get(id),
    findByEmail: (email) => table.findBy('email', email),
    list: () => table.list(),
    add: (record) => table.insert(record),
    replace: async (record) => void (await table.update(record)),
  };
}

function sessions(db: Queryable): StaffSessionRepository {
  const table = new RecordTable(SESSIONS, db);
  return {
    get: (idHash) => table.get(idHash),
    add: (session) => table.insert(session),
    replace: async (session) => void (await table.update(session)),
    remove: async (idHash) => void (await table.delete('WHERE id_hash = $1', [idHash])),
    removeForStaff: (staffId) => table.delete('WHERE staff_id = $1', [staffId]),
    prune: (before) => table.delete('WHERE last_seen_at < $1', [before.toISOString()]),
  };
}

function audit(db: Queryable): AuditRepository {
  const table = new RecordTable(AUDIT, db);
  return {
    last: () => table.last(),
    append: (entry) => table.insert(entry),
    list: () => table.list(),
  };
}

function jobMarks(db: Queryable): JobMarkRepository {
  return {
    get: async (name) => {
      const { rows } = await db.query<{ value: string }>('SELECT value FROM job_marks WHERE name = $1', [name]);
      return rows[0]?.value;
    },
    set: async (name, value) => {
      await db.query(
        `INSERT INTO job_marks (name, value) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value WHERE job_marks.value <> EXCLUDED.value`,
        [name, value],
      );
    },
  };
}

function feedback(db: Queryable): FeedbackRepository {
  return {
    add: async (record, keepNewest) => {
      await db.query('INSERT INTO feedback (data) VALUES ($1)', [JSON.stringify(record)]);
      await db.query(
        `DELETE FROM feedback WHERE ord <= (SELECT ord FROM feedback ORDER BY ord DESC OFFSET $1 LIMIT 1)`,
        [Math.max(1, keepNewest)],
      );
    },
    list: async () => {
      const { rows } = await db.query<{ data: FeedbackRecord }>('SELECT data FROM feedback ORDER BY ord');
      return rows.map((row) => row.data);
    },
  };
}

interface FactRow {
  readonly recipient: string;
  readonly conversation_id: string | null;
  readonly client_key: string | null;
}

function outbox(db: Queryable): OutboxRepository {
  const table = new RecordTable(OUTBOX, db);
  return {
    add: (record) => table.insert(record),
    get: (id) => table.get(id),
    createdSince: async (since) => {
      // The columns the caps need, not the mail bodies.
      const { rows } = await db.query<FactRow>(
        'SELECT recipient, conversation_id, client_key FROM outbox WHERE created_at >= $1 ORDER BY ord',
        [since.toISOString()],
      );
      return rows.map(
        (row): SentMailFact => ({
          to: fromPgText(row.recipient),
          ...(row.conversation_id !== null ? { conversationId: fromPgText(row.conversation_id) } : {}),
          ...(row.client_key !== null ? { clientKey: fromPgText(row.client_key) } : {}),
        }),
      );
    },
    pending: () => table.list("WHERE status = 'pending'", [], 'created_at, ord'),
    replace: async (record) => {
      await table.update(record);
      // Written back by its worker: the claim (mailQueue.ts) has served its purpose.
      await db.query('UPDATE outbox SET claimed_until = NULL WHERE id = $1 AND claimed_until IS NOT NULL', [
        pgText(record.id),
      ]);
    },
    prune: (before) => table.delete("WHERE status <> 'pending' AND created_at < $1", [before.toISOString()]),
  };
}

function inbox(db: Queryable): InboxRepository {
  const table = new RecordTable(INBOX, db);
  return {
    add: async (records, keepNewest) => {
      for (const record of records) await table.insert(record);
      await db.query('DELETE FROM inbox WHERE ord <= (SELECT ord FROM inbox ORDER BY ord DESC OFFSET $1 LIMIT 1)', [
        Math.max(1, keepNewest),
      ]);
    },
    setChoice: async (id, choice) => {
      const stored = await table.get(id);
      return stored !== undefined && (await table.update({ ...stored, choice }));
    },
    list: () => table.list(),
    remove: async (ids) =>
      (await db.query('DELETE FROM inbox WHERE id = ANY ($1::text[])', [ids.map(pgText)])).rowCount ?? 0,
    prune: (before) => table.delete('WHERE at < $1', [before.toISOString()]),
  };
}

function dailyStats(db: Queryable): DailyStatsRepository {
  const table = new RecordTable(DAILY_STATS, db);
  return {
    get: (day) => table.get(day),
    put: async (record) => {
      if (!(await table.update(record))) await table.insert(record);
    },
    list: (from, to) => table.list('WHERE day >= $1 AND day <= $2', [from, to]),
  };
}

function knowledgeTests(db: Queryable): KnowledgeTestCaseRepository {
  const table = new RecordTable(KNOWLEDGE_TESTS, db);
  return {
    list: () => table.list(),
    add: (record) => table.insert(record),
    remove: async (id) => (await table.delete('WHERE id = $1', [id])) > 0,
  };
}

/** The repositories of one unit of work, on its connection. */
export function transactionOn(db: Queryable): Transaction {
  return {
    tickets: tickets(db),
    unsubscribes: unsubscribes(db),
    consents: consents(db),
    feedback: feedback(db),
    outbox: outbox(db),
    consentTexts: consentTexts(db),
    staff: staff(db),
    sessions: sessions(db),
    audit: audit(db),
    jobMarks: jobMarks(db),
    inbox: inbox(db),
    dailyStats: dailyStats(db),
    knowledgeTests: knowledgeTests(db),
  };
}

export class PostgresRequestStore implements RequestStore {
  constructor(private readonly database: PostgresDatabase) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.database.serializable((client) => work(transactionOn(client)));
  }
}
