import { createHash, randomBytes } from 'node:crypto';
import type { Lang } from '../knowledge/types.ts';
import { InvalidAddressError, mailboxKey, normalizeEmail } from './address.ts';
import { appendAudit } from './audit.ts';
import { consentStatus } from './consentStatus.ts';
import { consentText } from './consentText.ts';
import type { MailQuota } from './mailQuota.ts';
import { consentDecisionToCustomerMail, consentDecisionToSupportMail, consentRequestMail } from './mailTemplates.ts';
import type { Clock, MailDelivery, RequestStore } from './ports.ts';
import { readableId } from './readableId.ts';
import type { ConsentDecision, ConsentRecord, RequestOrigin, StoredConversationReference } from './records.ts';
import { addMails, originOf, type RequestOutcome, type RequestRecorder, recordOrigin } from './requestMail.ts';

const TOKEN_BYTES = 32; // 256 bits
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const CONSENT_VALIDITY_MS = 7 * 24 * 3_600_000;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface ConsentRequestInput extends RequestOrigin {
  readonly childName: string;
  readonly childEmail: string;
  readonly childAge: number;
  readonly parentName: string;
  readonly parentEmail: string;
  readonly lang: Lang;
  readonly conversationReference?: StoredConversationReference;
}

/** Where the request a token leads to stands. */
type ConsentState =
  | { readonly status: 'open'; readonly consent: ConsentRecord }
  | { readonly status: 'decided'; readonly consent: ConsentRecord }
  | { readonly status: 'expired'; readonly consent: ConsentRecord }
  | { readonly status: 'unknown' };

/** What a consent link leads to; an open request with the consent text its parent is to be shown (consentText.ts). */
export type ConsentLookup =
  | { readonly status: 'open'; readonly consent: ConsentRecord; readonly text: string }
  | Exclude<ConsentState, { status: 'open' }>;

export type ConsentDecisionResult =
  | { readonly status: 'recorded'; readonly consent: ConsentRecord }
  | Exclude<ConsentState, { status: 'open' }>;

export interface ConsentDeps {
  readonly store: RequestStore;
  readonly requests: RequestRecorder;
  readonly delivery: MailDelivery;
  /** The mail caps (the decision's copy to the customer counts like any mail to an outside address). */
  readonly quota: MailQuota;
  readonly supportEmail: string;
  /** Base of the links in e-mails, e.g. https://chat.wowrack.co.id */
  readonly publicUrl: string;
  readonly now: Clock;
}

/**
 * Parental consent for customers under 18. The parent gets a link with an unguessable token (256 bits, only its
 * sha256 stored) that expires after 7 days and decides once; the decision is kept as proof of consent
 * (UU PDP Pasal 24–25) and mailed to support, so staff can set the account's restrictions, and to the customer.
 */
export class ConsentService {
  constructor(private readonly deps: ConsentDeps) {}

  async request(input: ConsentRequestInput): Promise<RequestOutcome<ConsentRecord>> {
    const { requests, publicUrl } = this.deps;
    const childEmail = normalizeEmail(input.childEmail);
    const parentEmail = normalizeEmail(input.parentEmail);
    if (!childEmail) throw new InvalidAddressError('to');
    if (!parentEmail || mailboxKey(parentEmail) === mailboxKey(childEmail)) throw new InvalidAddressError('to');
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const link = `${publicUrl.replace(/\/+$/, '')}/consent/${token}`;
    const shown = consentText(input.lang);
    return requests.record<ConsentRecord>({
      origin: originOf(input),
      findByKey: (tx, key) => tx.consents.findByRequestKey(key),
      recipients: [parentEmail],
      prepare: async (tx, now) => {
        const consent: ConsentRecord = {
          id: await readableId('CNS', now, (id) => tx.consents.idTaken(id)),
          createdAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + CONSENT_VALIDITY_MS).toISOString(),
          tokenHash: hashToken(token),
          lang: input.lang,
          childName: input.childName,
          childEmail,
          childAge: input.childAge,
          parentName: input.parentName,
          parentEmail,
          ...recordOrigin(input),
          ...(input.conversationReference ? { conversationReference: input.conversationReference } : {}),
          textHash: shown.hash,
        };
        return {
          record: consent,
          // The text the parent will be shown is kept (once per version) with the request that refers to it.
          save: async (t) => {
            await t.consents.add(consent);
            await t.consentTexts.keep({ ...shown, lang: input.lang, firstUsedAt: consent.createdAt });
            await appendAudit(t, { actor: 'customer', action: 'consent.requested', target: consent.id }, now);
          },
          mails: [
            {
              to: parentEmail,
              ...consentRequestMail(consent, link),
              purpose: 'consent-request',
              ref: consent.id,
              scrubAfterSend: true,
            },
          ],
        };
      },
    });
  }

  /**
   * What a token leads to. Tokens of the wrong shape are simply unknown (no lookup). An open request comes with the
   * text stored for its `textHash` (the version it was requested with, even after the wording changed); a request
   * recorded before texts were kept, with today's text.
   */
  async lookup(token: string): Promise<ConsentLookup> {
    if (!TOKEN_PATTERN.test(token)) return { status: 'unknown' };
    const hash = hashToken(token);
    return this.deps.store.transaction(async (tx): Promise<ConsentLookup> => {
      const state = this.stateOf(await tx.consents.findByTokenHash(hash), this.deps.now());
      if (state.status !== 'open') return state;
      const { textHash, lang } = state.consent;
      const kept = textHash === undefined ? undefined : await tx.consentTexts.get(textHash);
      return { ...state, text: kept?.text ?? consentText(lang).text };
    });
  }

  /**
   * Records the parent's decision once, with the User-Agent of the browser it was made in (`userAgent`, as the HTTP
   * layer read it), audited as `consent.decided`: the check and the write happen in one unit of work, so two clicks
   * cannot both decide. Mails go to support and the customer (the channel then tells the customer's conversation).
   */
  async decide(token: string, decision: ConsentDecision, userAgent?: string): Promise<ConsentDecisionResult> {
    if (!TOKEN_PATTERN.test(token)) return { status: 'unknown' };
    const hash = hashToken(token);
    const { store, delivery, quota, supportEmail, now } = this.deps;
    const at = now();
    const result = await store.transaction(async (tx): Promise<ConsentDecisionResult> => {
      const found = this.stateOf(await tx.consents.findByTokenHash(hash), at);
      if (found.status !== 'open') return found;
      const consent: ConsentRecord = {
        ...found.consent,
        decision,
        decidedAt: at.toISOString(),
        ...(userAgent ? { decisionUserAgent: userAgent } : {}),
      };
      await tx.consents.decide(consent.id, decision, at.toISOString(), userAgent);
      await appendAudit(
        tx,
        { actor: 'parent', action: 'consent.decided', target: consent.id, details: { decision } },
        at,
      );
      // The mail caps cover the customer's copy too; a cap never refuses the parent's decision or support's mail.
      const origin = { conversationId: consent.conversationId };
      const customerMail = (await quota.allows(tx, origin, [consent.childEmail], at))
        ? [
            {
              to: consent.childEmail,
              ...consentDecisionToCustomerMail(consent, supportEmail),
              purpose: 'consent-decision-customer',
              ref: consent.id,
              conversationId: consent.conversationId,
            },
          ]
        : [];
      await addMails(
        tx,
        [
          {
            to: supportEmail,
            ...consentDecisionToSupportMail(consent),
            purpose: 'consent-decision-support',
            ref: consent.id,
          },
          ...customerMail,
        ],
        at,
      );
      return { status: 'recorded', consent };
    });
    if (result.status === 'recorded') delivery.wake();
    return result;
  }

  private stateOf(consent: ConsentRecord | undefined, now: Date): ConsentState {
    if (!consent) return { status: 'unknown' };
    const status = consentStatus(consent, now);
    if (status === 'pending') return { status: 'open', consent };
    return status === 'expired' ? { status, consent } : { status: 'decided', consent };
  }
}
