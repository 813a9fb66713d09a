import { createHash, randomBytes } from 'node:crypto';
import type { Outbox } from '../bot/mail/outbox.ts';
import type { Db } from '../bot/store/lowdb/jsonDocument.ts';
import type { Lang } from '../knowledge/types.ts';
import { emailKey, InvalidAddressError, normalizeEmail } from './address.ts';
import type { MailQuota } from './mailQuota.ts';
import { consentDecisionToCustomerMail, consentDecisionToSupportMail, consentRequestMail } from './mailTemplates.ts';
import { readableId } from './readableId.ts';
import type { ConsentDecision, ConsentRecord, StoredConversationReference } from './records.ts';
import type { Clock } from './time.ts';

const TOKEN_BYTES = 32; // 256 bits
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const CONSENT_VALIDITY_MS = 7 * 24 * 3_600_000;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface ConsentRequestInput {
  readonly childName: string;
  readonly childEmail: string;
  readonly childAge: number;
  readonly parentName: string;
  readonly parentEmail: string;
  readonly lang: Lang;
  readonly conversationId: string;
  readonly conversationReference?: StoredConversationReference;
}

export type ConsentRequestResult =
  | { readonly status: 'sent'; readonly consent: ConsentRecord; readonly delivered: boolean }
  | { readonly status: 'limited' };

/** What a consent link leads to. */
export type ConsentLookup =
  | { readonly status: 'open'; readonly consent: ConsentRecord }
  | { readonly status: 'decided'; readonly consent: ConsentRecord }
  | { readonly status: 'expired'; readonly consent: ConsentRecord }
  | { readonly status: 'unknown' };

export type ConsentDecisionResult =
  | { readonly status: 'recorded'; readonly consent: ConsentRecord }
  | Exclude<ConsentLookup, { status: 'open' }>;

/** Tells the customer's conversation about a decision (a proactive message); implemented by the channel layer. */
export interface ConsentNotifier {
  notify(consent: ConsentRecord): Promise<void>;
}

export interface ConsentDeps {
  readonly db: Db;
  readonly outbox: Outbox;
  readonly quota: MailQuota;
  readonly supportEmail: string;
  /** Base of the links in e-mails, e.g. https://chat.wowrack.co.id */
  readonly publicUrl: string;
  readonly now: Clock;
  readonly deliveryWaitMs: number;
}

/**
 * Parental consent for customers under 18. The parent gets a link with an unguessable token (256 bits, only its
 * sha256 stored) that expires after 7 days and decides once; the decision is kept as proof of consent
 * (UU PDP Pasal 24–25) and mailed to support, so staff can set the account's restrictions, and to the customer.
 */
export class ConsentService {
  private notifier: ConsentNotifier | undefined;

  constructor(private readonly deps: ConsentDeps) {}

  /** The channel layer registers how to reach a conversation once it exists (it is built after this service). */
  setNotifier(notifier: ConsentNotifier): void {
    this.notifier = notifier;
  }

  async request(input: ConsentRequestInput): Promise<ConsentRequestResult> {
    const { outbox, quota, publicUrl, now, deliveryWaitMs } = this.deps;
    const childEmail = normalizeEmail(input.childEmail);
    const parentEmail = normalizeEmail(input.parentEmail);
    if (!childEmail) throw new InvalidAddressError('to');
    if (!parentEmail || emailKey(parentEmail) === emailKey(childEmail)) throw new InvalidAddressError('to');
    if (!quota.allows(input.conversationId, [parentEmail])) return { status: 'limited' };

    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const created = now();
    const link = `${publicUrl.replace(/\/+$/, '')}/consent/${token}`;
    const { result: consent, records } = await outbox.enqueueWith((data) => {
      const consent: ConsentRecord = {
        id: readableId('CNS', created, (id) => data.consents.some((c) => c.id === id)),
        createdAt: created.toISOString(),
        expiresAt: new Date(created.getTime() + CONSENT_VALIDITY_MS).toISOString(),
        tokenHash: hashToken(token),
        lang: input.lang,
        childName: input.childName,
        childEmail,
        childAge: input.childAge,
        parentName: input.parentName,
        parentEmail,
        conversationId: input.conversationId,
        ...(input.conversationReference ? { conversationReference: input.conversationReference } : {}),
      };
      data.consents.push(consent);
      return {
        result: consent,
        mails: [
          {
            to: parentEmail,
            ...consentRequestMail(consent, link),
            purpose: 'consent-request',
            conversationId: input.conversationId,
            scrubAfterSend: true,
          },
        ],
      };
    });
    const delivered = await outbox.waitForDelivery(
      records.map((r) => r.id),
      deliveryWaitMs,
    );
    return { status: 'sent', consent, delivered };
  }

  /** What a token leads to. Tokens of the wrong shape are simply unknown (no lookup). */
  lookup(token: string): ConsentLookup {
    if (!TOKEN_PATTERN.test(token)) return { status: 'unknown' };
    const hash = hashToken(token);
    const consent = this.deps.db.read((d) => d.consents.find((c) => c.tokenHash === hash));
    if (!consent) return { status: 'unknown' };
    const copy = structuredClone(consent);
    if (copy.decision) return { status: 'decided', consent: copy };
    if (Date.parse(copy.expiresAt) <= this.deps.now().getTime()) return { status: 'expired', consent: copy };
    return { status: 'open', consent: copy };
  }

  /**
   * Records the parent's decision once: the check and the write happen in one database update, so two clicks
   * cannot both decide. Mails go to support and the customer; then the customer's conversation is told.
   */
  async decide(token: string, decision: ConsentDecision): Promise<ConsentDecisionResult> {
    if (!TOKEN_PATTERN.test(token)) return { status: 'unknown' };
    const hash = hashToken(token);
    const { outbox, supportEmail, now } = this.deps;
    const decidedAt = now();
    const { result } = await outbox.enqueueWith((data) => {
      const stored = data.consents.find((c) => c.tokenHash === hash);
      if (!stored) return { result: { status: 'unknown' } as ConsentDecisionResult, mails: [] };
      if (stored.decision) return { result: { status: 'decided', consent: structuredClone(stored) }, mails: [] };
      if (Date.parse(stored.expiresAt) <= decidedAt.getTime())
        return { result: { status: 'expired', consent: structuredClone(stored) }, mails: [] };
      stored.decision = decision;
      stored.decidedAt = decidedAt.toISOString();
      const consent = structuredClone(stored);
      return {
        result: { status: 'recorded', consent },
        mails: [
          { to: supportEmail, ...consentDecisionToSupportMail(consent), purpose: 'consent-decision-support' },
          { to: consent.childEmail, ...consentDecisionToCustomerMail(consent), purpose: 'consent-decision-customer' },
        ],
      };
    });
    if (result.status === 'recorded' && this.notifier) {
      // The decision is already safe on disk and mailed; the chat notice goes out in the background, so a customer's
      // channel that does not answer never keeps the parent waiting.
      const notifier = this.notifier;
      void notifier.notify(result.consent).catch(() => undefined);
    }
    return result;
  }
}
