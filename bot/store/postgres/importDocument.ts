/**
 * Moving a single instance to PostgreSQL: every record of the embedded store's file (a DatabaseShape) written into an
 * empty database, through the same repositories the assistant uses, in one transaction. Conversation state keeps its
 * eTags and change times (retention counts from them), votes their order.
 */
import type { DatabaseShape } from '../lowdb/jsonDocument.ts';
import type { PostgresDatabase } from './database.ts';
import { transactionOn } from './postgresRequestStore.ts';
import { pgText } from './recordTable.ts';

/** How many of each were imported. */
export type ImportCounts = Readonly<Record<Exclude<keyof DatabaseShape, 'version'>, number>>;

const RECORD_TABLES = [
  'tickets',
  'unsubscribes',
  'consents',
  'outbox',
  'staff',
  'audit',
  'inbox',
  'bot_state',
] as const;

export async function importDocument(database: PostgresDatabase, doc: DatabaseShape): Promise<ImportCounts> {
  return database.readCommitted(async (client) => {
    const counts = await Promise.all(
      RECORD_TABLES.map(async (table) => {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        return Number(rows[0]?.n ?? 0);
      }),
    );
    if (counts.some((n) => n > 0))
      throw new Error(`the database already holds data (${database.location}): the import is for an empty one`);
    const tx = transactionOn(client);
    for (const ticket of doc.tickets) await tx.tickets.add(ticket);
    for (const entry of doc.unsubscribes) await tx.unsubscribes.add(entry);
    for (const consent of doc.consents) await tx.consents.add(consent);
    for (const mail of doc.outbox) await tx.outbox.add(mail);
    for (const text of doc.consentTexts) await tx.consentTexts.keep(text);
    for (const member of doc.staff) await tx.staff.add(member);
    for (const session of doc.sessions) await tx.sessions.add(session);
    for (const entry of doc.audit) await tx.audit.append(entry);
    for (const mark of doc.jobMarks) await tx.jobMarks.set(mark.name, mark.value);
    if (doc.inbox.length > 0) await tx.inbox.add(doc.inbox, doc.inbox.length);
    for (const day of doc.dailyStats) await tx.dailyStats.put(day);
    for (const test of doc.knowledgeTests) await tx.knowledgeTests.add(test);
    // Votes as they are, oldest first (FeedbackRepository.add would trim after each one).
    for (const vote of doc.feedback)
      await client.query('INSERT INTO feedback (data) VALUES ($1)', [JSON.stringify(vote)]);
    for (const [key, item] of Object.entries(doc.state))
      await client.query('INSERT INTO bot_state (key, etag, changed_at, value) VALUES ($1, $2, $3, $4)', [
        pgText(key),
        item.eTag,
        item.changedAt,
        JSON.stringify(item.value),
      ]);
    return {
      tickets: doc.tickets.length,
      unsubscribes: doc.unsubscribes.length,
      consents: doc.consents.length,
      outbox: doc.outbox.length,
      feedback: doc.feedback.length,
      consentTexts: doc.consentTexts.length,
      staff: doc.staff.length,
      sessions: doc.sessions.length,
      audit: doc.audit.length,
      jobMarks: doc.jobMarks.length,
      inbox: doc.inbox.length,
      dailyStats: doc.dailyStats.length,
      knowledgeTests: doc.knowledgeTests.length,
      state: Object.keys(doc.state).length,
    };
  });
}
