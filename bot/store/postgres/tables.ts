/** The record tables of schema.ts: which columns each computes from its record. */
import type {
  AuditEntry,
  ConsentRecord,
  ConsentTextRecord,
  DailyStatsRecord,
  InboxRecord,
  KnowledgeTestCaseRecord,
  OutboxRecord,
  StaffRecord,
  StaffSessionRecord,
  TicketRecord,
  UnsubscribeRecord,
} from '../../../domain/records.ts';
import type { TableSpec } from './recordTable.ts';

export const TICKETS: TableSpec<TicketRecord> = {
  table: 'tickets',
  key: 'id',
  columns: {
    id: (t) => t.id,
    request_key: (t) => t.requestKey ?? null,
    verification_hash: (t) => t.verification?.tokenHash ?? null,
    status: (t) => t.status ?? 'new',
    created_at: (t) => t.createdAt,
    due_at: (t) => t.dueAt ?? null,
  },
};

export const UNSUBSCRIBES: TableSpec<UnsubscribeRecord> = {
  table: 'unsubscribes',
  key: 'email',
  columns: {
    email: (u) => u.email,
    request_key: (u) => u.requestKey ?? null,
    created_at: (u) => u.createdAt,
  },
};

export const CONSENTS: TableSpec<ConsentRecord> = {
  table: 'consents',
  key: 'id',
  columns: {
    id: (c) => c.id,
    request_key: (c) => c.requestKey ?? null,
    token_hash: (c) => c.tokenHash,
    decision: (c) => c.decision ?? null,
    created_at: (c) => c.createdAt,
  },
};

export const CONSENT_TEXTS: TableSpec<ConsentTextRecord> = {
  table: 'consent_texts',
  key: 'hash',
  columns: { hash: (t) => t.hash },
};

export const STAFF: TableSpec<StaffRecord> = {
  table: 'staff',
  key: 'id',
  columns: { id: (s) => s.id, email: (s) => s.email },
};

export const SESSIONS: TableSpec<StaffSessionRecord> = {
  table: 'staff_sessions',
  key: 'id_hash',
  columns: { id_hash: (s) => s.idHash, staff_id: (s) => s.staffId, last_seen_at: (s) => s.lastSeenAt },
};

export const AUDIT: TableSpec<AuditEntry> = {
  table: 'audit',
  key: 'seq',
  columns: { seq: (e) => e.seq },
  order: 'seq',
};

export const OUTBOX: TableSpec<OutboxRecord> = {
  table: 'outbox',
  key: 'id',
  columns: {
    id: (r) => r.id,
    status: (r) => r.status,
    created_at: (r) => r.createdAt,
    next_attempt_at: (r) => r.nextAttemptAt,
    recipient: (r) => r.to,
    conversation_id: (r) => r.conversationId ?? null,
    client_key: (r) => r.clientKey ?? null,
  },
};

export const INBOX: TableSpec<InboxRecord> = {
  table: 'inbox',
  key: 'id',
  columns: { id: (r) => r.id, at: (r) => r.at },
};

export const DAILY_STATS: TableSpec<DailyStatsRecord> = {
  table: 'daily_stats',
  key: 'day',
  columns: { day: (d) => d.day },
  order: 'day',
};

export const KNOWLEDGE_TESTS: TableSpec<KnowledgeTestCaseRecord> = {
  table: 'knowledge_tests',
  key: 'id',
  columns: { id: (t) => t.id },
};
