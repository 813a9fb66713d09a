/**
 * The consent requests as the privacy team reads them in the console: a filtered list, and one request with its proof
 * of consent (UU PDP Pasal 24: the text the parent was shown, the decision, its time and the deciding browser).
 */
import { type AuditActor, appendAudit } from './audit.ts';
import { type ConsentStatus, consentStatus } from './consentStatus.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { ConsentRecord, ConsentTextRecord } from './records.ts';

/** Which requests the list shows: by status at the time of asking, and by a part of the id or either address. */
export interface ConsentFilter {
  readonly status?: ConsentStatus;
  readonly text?: string;
}

/** A request and the consent text it refers to (absent for a request recorded before texts were kept). */
export interface ConsentProof {
  readonly consent: ConsentRecord;
  readonly text?: ConsentTextRecord;
}

export interface ConsentQueryDeps {
  readonly store: RequestStore;
  readonly now: Clock;
}

export class ConsentQueryService {
  constructor(private readonly deps: ConsentQueryDeps) {}

  /** The requests matching `filter`, newest first; `text` matches any part of the id, the parent's or the child's address, in any case. */
  async list(filter: ConsentFilter = {}): Promise<readonly ConsentRecord[]> {
    const now = this.deps.now();
    const needle = filter.text?.trim().toLowerCase() ?? '';
    const all = await this.deps.store.transaction((tx) => tx.consents.list());
    return all
      .filter((c) => filter.status === undefined || consentStatus(c, now) === filter.status)
      .filter((c) => [c.id, c.parentEmail, c.childEmail].some((field) => field.toLowerCase().includes(needle)))
      .reverse();
  }

  /**
   * Request `id` with the text its parent was shown, audited as `consent.viewed` by `actor` (it holds a child's
   * personal data) in the unit of work that read it; undefined, and nothing audited, when there is no such request.
   */
  proof(id: string, actor: AuditActor): Promise<ConsentProof | undefined> {
    const at = this.deps.now();
    return this.deps.store.transaction(async (tx): Promise<ConsentProof | undefined> => {
      const consent = await tx.consents.get(id);
      if (!consent) return undefined;
      const text = consent.textHash === undefined ? undefined : await tx.consentTexts.get(consent.textHash);
      await appendAudit(tx, { actor, action: 'consent.viewed', target: consent.id }, at);
      return text ? { consent, text } : { consent };
    });
  }
}
