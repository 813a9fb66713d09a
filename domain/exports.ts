/**
 * The console's CSV exports: the tickets, the consent requests, the suppression list (for the marketing tool) and the
 * audit trail. Each export reads its records and records itself in the audit trail in one unit of work, so every
 * file handed out is accounted for.
 */
import { type AuditActor, appendAudit } from './audit.ts';
import { consentStatus } from './consentStatus.ts';
import { type CsvCell, toCsv } from './csv.ts';
import type { Clock, RequestStore, Transaction } from './ports.ts';
import type { AuditEntry, ConsentRecord, TicketRecord, UnsubscribeRecord } from './records.ts';
import { dayStamp } from './time.ts';

export type ExportName = 'tickets' | 'consents' | 'unsubscribes' | 'audit';

/** Every export, in the order the console lists them. */
export const EXPORT_NAMES: readonly ExportName[] = ['tickets', 'consents', 'unsubscribes', 'audit'];

/** Whether `name` (e.g. from the URL `/console/export/<name>.csv`) is an export. */
export function isExportName(name: string): name is ExportName {
  return EXPORT_NAMES.some((known) => known === name);
}

/** One exported file: its name (`tickets-2026-12-02.csv`, the day in WIB), its text and how many records it holds. */
export interface ExportFile {
  readonly filename: string;
  readonly csv: string;
  readonly rows: number;
}

export interface ExportDeps {
  readonly store: RequestStore;
  readonly now: Clock;
}

/** What one export reads and how it writes each record. */
interface ExportTable {
  readonly header: readonly string[];
  read(tx: Transaction): Promise<readonly (readonly CsvCell[])[]>;
}

const CLOSED_STATUSES: ReadonlySet<string> = new Set(['resolved', 'rejected']);

function ticketRow(ticket: TicketRecord): readonly CsvCell[] {
  const status = ticket.status ?? 'new';
  return [
    ticket.id,
    ticket.createdAt,
    ticket.kind,
    status,
    ticket.dueAt,
    ticket.verification?.verifiedAt ? 'yes' : 'no',
    ticket.assigneeId,
    ticket.name,
    ticket.email,
    ticket.replies?.length ?? 0,
    CLOSED_STATUSES.has(status) ? ticket.statusChangedAt : undefined,
    ticket.anonymisedAt,
  ];
}

function consentRow(consent: ConsentRecord, now: Date): readonly CsvCell[] {
  return [
    consent.id,
    consent.createdAt,
    consent.expiresAt,
    consentStatus(consent, now),
    consent.decidedAt,
    consent.childAge,
    consent.parentEmail,
    consent.textHash,
    consent.decisionUserAgent,
  ];
}

/** The address first: a marketing tool's import reads the first column as the address. */
function unsubscribeRow(entry: UnsubscribeRecord): readonly CsvCell[] {
  return [entry.email, entry.createdAt, entry.source];
}

/** Details as `key=value; key=value`, keys sorted (as the entry's hash reads them). */
function auditDetails(details: AuditEntry['details']): string | undefined {
  if (!details) return undefined;
  const pairs = Object.entries(details).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('; ');
}

function auditRow(entry: AuditEntry): readonly CsvCell[] {
  return [entry.seq, entry.at, entry.actor, entry.action, entry.target, auditDetails(entry.details), entry.hash];
}

function tables(now: Date): Record<ExportName, ExportTable> {
  return {
    tickets: {
      header: [
        'id',
        'received',
        'kind',
        'status',
        'due',
        'verified',
        'assignee id',
        'name',
        'email',
        'replies',
        'closed at',
        'anonymised at',
      ],
      read: async (tx) => (await tx.tickets.list()).map(ticketRow),
    },
    consents: {
      header: [
        'id',
        'requested',
        'expires',
        'status',
        'decided at',
        'child age',
        'parent email',
        'consent text hash',
        'decision user agent',
      ],
      read: async (tx) => (await tx.consents.list()).map((c) => consentRow(c, now)),
    },
    unsubscribes: {
      header: ['email', 'added', 'source'],
      read: async (tx) => (await tx.unsubscribes.list()).map(unsubscribeRow),
    },
    audit: {
      header: ['seq', 'at', 'actor', 'action', 'target', 'details', 'hash'],
      read: async (tx) => (await tx.audit.list()).map(auditRow),
    },
  };
}

/** `2026-12-02`: the day of `date` in WIB. */
function isoDay(date: Date): string {
  const stamp = dayStamp(date);
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}`;
}

/** Builds the console's CSV files (see csv.ts for the format and the neutralised cells). */
export class ExportService {
  constructor(private readonly deps: ExportDeps) {}

  /**
   * The export `name` as of now, audited as `export.<name>` with the number of rows, by `actor`, in the unit of work
   * that read it. The audit export holds the trail up to (not including) its own entry.
   */
  export(name: ExportName, actor: AuditActor): Promise<ExportFile> {
    const at = this.deps.now();
    const table = tables(at)[name];
    return this.deps.store.transaction(async (tx) => {
      const rows = await table.read(tx);
      await appendAudit(tx, { actor, action: `export.${name}`, details: { rows: String(rows.length) } }, at);
      return { filename: `${name}-${isoDay(at)}.csv`, csv: toCsv(table.header, rows), rows: rows.length };
    });
  }
}
