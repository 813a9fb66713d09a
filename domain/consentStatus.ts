import type { ConsentRecord } from './records.ts';

/** Where a consent request stands for the console: decided by the parent, still open, or past its 7 days. */
export type ConsentStatus = 'pending' | 'approved' | 'declined' | 'expired';

/** The request's status at `now`: a decision stands for good; an undecided request expires at `expiresAt`. */
export function consentStatus(consent: ConsentRecord, now: Date): ConsentStatus {
  if (consent.decision) return consent.decision;
  return Date.parse(consent.expiresAt) <= now.getTime() ? 'expired' : 'pending';
}
