import type {
  AuditEntry,
  ConsentRecord,
  ConsentTextRecord,
  DailyStatsRecord,
  FeedbackRecord,
  InboxRecord,
  KnowledgeTestCaseRecord,
  OutboxRecord,
  StaffRecord,
  StaffSessionRecord,
  TicketRecord,
  UnsubscribeRecord,
} from '../../../domain/records.ts';

/**
 * The embedded store's one JSON document, as the lowdb repositories and the state storage see it. Reads are
 * synchronous (the data lives in memory); update() applies a change and resolves only once the whole document is
 * safely on disk, so "recorded" can be said truthfully after `await update(...)`. Implemented by JsonDatabase (a file)
 * and, in tests, by an in-memory double.
 */
export interface Db {
  read<T>(fn: (data: Readonly<DatabaseShape>) => T): T;
  update<T>(fn: (data: DatabaseShape) => T): Promise<T>;
}

export const emptyDatabase = (): DatabaseShape => ({
  version: 1,
  tickets: [],
  unsubscribes: [],
  consents: [],
  outbox: [],
  feedback: [],
  consentTexts: [],
  staff: [],
  sessions: [],
  audit: [],
  jobMarks: [],
  inbox: [],
  dailyStats: [],
  knowledgeTests: [],
  state: {},
});

/** A named mark of a daily job (JobMarkRepository). */
export interface JobMark {
  readonly name: string;
  readonly value: string;
}

/** One Bot Framework storage item (conversation or user state) with its eTag and last change time. */
export interface StateItem {
  readonly eTag: string;
  readonly changedAt: string;
  readonly value: Readonly<Record<string, unknown>>;
}

/** The whole database file. */
export interface DatabaseShape {
  version: 1;
  tickets: TicketRecord[];
  unsubscribes: UnsubscribeRecord[];
  consents: ConsentRecord[];
  outbox: OutboxRecord[];
  feedback: FeedbackRecord[];
  consentTexts: ConsentTextRecord[];
  staff: StaffRecord[];
  sessions: StaffSessionRecord[];
  audit: AuditEntry[];
  jobMarks: JobMark[];
  inbox: InboxRecord[];
  dailyStats: DailyStatsRecord[];
  knowledgeTests: KnowledgeTestCaseRecord[];
  state: Record<string, StateItem>;
}
