/**
 * When each request must be answered, counted in hours from receipt (the clock never pauses: UU PDP counts from the
 * moment the request is received). Access/copy (Pasal 32), correction (Pasal 30) and withdrawal of consent or
 * stopping processing (Pasal 40) have a statutory 3×24 hours; deletion has no hour limit in the law and follows the
 * company's policy; a general question follows the company's service level.
 */
import type { Lang } from '../knowledge/types.ts';
import type { TicketKind } from './records.ts';

const HOUR_MS = 3_600_000;

/** The company's own deadlines, where the law sets none (DELETION_DUE_DAYS, QUESTION_DUE_HOURS). */
export interface DeadlinePolicy {
  readonly deletionDueDays: number;
  readonly questionDueHours: number;
}

/** Deletion within 14 days, a question within 72 hours. */
export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = { deletionDueDays: 14, questionDueHours: 72 };

/** When a ticket is due, how many hours that is from receipt, and on what basis (shown to staff). */
export interface TicketDeadline {
  readonly dueAt: Date;
  readonly hours: number;
  /** True when the law sets the limit; false for the company's policy or service level. */
  readonly statutory: boolean;
  readonly basis: Readonly<Record<Lang, string>>;
}

/** The kinds whose limit the law sets, with the article that sets it. */
const STATUTORY: Readonly<Partial<Record<TicketKind, string>>> = {
  access: '32',
  correction: '30',
  'withdraw-consent': '40',
};

/** The statutory limit: 3×24 hours (UU PDP Pasal 30, 32 and 40). */
const STATUTORY_HOURS = 72;

/** Whether the law sets this kind's deadline (the customer is told it; company deadlines are internal). */
export function isStatutoryDeadline(kind: TicketKind): boolean {
  return STATUTORY[kind] !== undefined;
}

/** The deadline of a request of `kind` received at `receivedAt` (RangeError when the policy is not positive). */
export function ticketDeadline(kind: TicketKind, receivedAt: Date, policy: DeadlinePolicy): TicketDeadline {
  const article = STATUTORY[kind];
  if (article !== undefined)
    return deadline(receivedAt, STATUTORY_HOURS, true, {
      id: `UU PDP Pasal ${article}: 3×24 jam sejak permintaan diterima`,
      en: `UU PDP Article ${article}: 3×24 hours from receipt of the request`,
    });
  if (kind === 'deletion') {
    const days = positive(policy.deletionDueDays, 'deletionDueDays');
    return deadline(receivedAt, days * 24, false, {
      id: `Kebijakan perusahaan: ${days} hari sejak permintaan diterima (UU PDP tidak menetapkan batas jam untuk penghapusan)`,
      en: `Company policy: ${days} days from receipt of the request (UU PDP sets no hour limit for deletion)`,
    });
  }
  const hours = positive(policy.questionDueHours, 'questionDueHours');
  return deadline(receivedAt, hours, false, {
    id: `Tingkat layanan perusahaan: ${hours} jam sejak pertanyaan diterima (bukan batas undang-undang)`,
    en: `Company service level: ${hours} hours from receipt of the question (not a statutory limit)`,
  });
}

function deadline(receivedAt: Date, hours: number, statutory: boolean, basis: Record<Lang, string>): TicketDeadline {
  return { dueAt: new Date(receivedAt.getTime() + hours * HOUR_MS), hours, statutory, basis };
}

function positive(value: number, name: keyof DeadlinePolicy): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1`);
  return value;
}
