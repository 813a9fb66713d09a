/** Records for the contract suites, complete and valid, with the fields a test cares about overridable. */
import type {
  ConsentRecord,
  OutboxRecord,
  StaffRecord,
  StaffSessionRecord,
  TicketRecord,
  UnsubscribeRecord,
} from '../../../../domain/records.ts';

export const T0 = '2025-05-01T08:00:00.000Z';

export const ticket = (n: number, extra: Partial<TicketRecord> = {}): TicketRecord => ({
  id: `PRV-20250501-${String(n).padStart(4, '0')}`,
  createdAt: T0,
  dueAt: '2025-05-04T08:00:00.000Z',
  kind: 'access',
  lang: 'id',
  name: `Budi ${n}`,
  email: `budi${n}@example.com`,
  question: `pertanyaan ${n}`,
  transcript: ['Pelanggan: halo', 'Asisten: halo juga'],
  conversationId: `conv-${n}`,
  requestKey: `req-ticket-${n}`,
  ...extra,
});

export const unsubscribe = (n: number, extra: Partial<UnsubscribeRecord> = {}): UnsubscribeRecord => ({
  email: `user${n}@example.com`,
  createdAt: T0,
  source: 'chat',
  conversationId: `conv-${n}`,
  requestKey: `req-unsub-${n}`,
  ...extra,
});

export const consent = (n: number, extra: Partial<ConsentRecord> = {}): ConsentRecord => ({
  id: `CNS-20250501-${String(n).padStart(4, '0')}`,
  createdAt: T0,
  expiresAt: '2025-05-08T08:00:00.000Z',
  tokenHash: `token-hash-${n}`,
  lang: 'id',
  childName: 'Ani',
  childEmail: `ani${n}@example.com`,
  childAge: 15,
  parentName: 'Bapak Ani',
  parentEmail: `parent${n}@example.com`,
  conversationId: `conv-${n}`,
  requestKey: `req-consent-${n}`,
  conversationReference: { channelId: 'directline', conversation: { id: `conv-${n}` } },
  ...extra,
});

export const mail = (id: string, extra: Partial<OutboxRecord> = {}): OutboxRecord => ({
  id,
  createdAt: T0,
  to: 'customer@example.com',
  subject: `subject ${id}`,
  text: `text of ${id}`,
  purpose: 'ticket-acknowledgement',
  conversationId: 'conv-1',
  clientKey: 'client-1',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: T0,
  ...extra,
});

export const staffMember = (n: number, extra: Partial<StaffRecord> = {}): StaffRecord => ({
  id: `staff-${n}`,
  email: `agent${n}@wowrack.co.id`,
  name: `Agent ${n}`,
  role: 'support',
  passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
  disabled: false,
  createdAt: T0,
  passwordChangedAt: T0,
  ...extra,
});

export const session = (n: number, extra: Partial<StaffSessionRecord> = {}): StaffSessionRecord => ({
  idHash: `session-hash-${n}`,
  staffId: 'staff-1',
  createdAt: T0,
  lastSeenAt: T0,
  csrfToken: `csrf-${n}`,
  ...extra,
});

/** An ISO time `minutes` after T0. */
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
