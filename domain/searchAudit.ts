/**
 * What the audit trail keeps of a staff member's search of personal data (a search by an address or a name is a
 * look-up of a person): how many rows it found and the kind of query; an address only as its mailbox hash (the way
 * suppression entries are named: hashing the address again finds every look-up of it), a request id as the target,
 * a name or any other text not at all.
 */
import { mailboxKey } from './address.ts';
import type { AuditEvent } from './audit.ts';
import { mailboxTarget } from './suppressionList.ts';

const REQUEST_ID = /^(PRV|CNS)-\d{8}-\d{4,9}$/i;

export function searchAudit(query: string | undefined, rows: number): Pick<AuditEvent, 'target' | 'details'> {
  const text = (query ?? '').trim();
  const details = { rows: String(rows) };
  if (text === '') return { details };
  const mailbox = mailboxKey(text);
  if (mailbox !== undefined) return { target: mailboxTarget(mailbox), details: { ...details, query: 'address' } };
  if (REQUEST_ID.test(text)) return { target: text.toUpperCase(), details: { ...details, query: 'id' } };
  return { details: { ...details, query: 'text' } };
}
