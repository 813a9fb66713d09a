/**
 * A mail the domain asks to be sent, checked and turned into an outbox record. Only validated addresses and our own
 * fixed subject texts ever reach a header.
 */
import { randomUUID } from 'node:crypto';
import { InvalidAddressError, normalizeEmail } from './address.ts';
import type { OutboxRecord } from './records.ts';

export interface MailRequest {
  readonly to: string;
  readonly replyTo?: string;
  /** One of our fixed subject texts (control characters are removed anyway). */
  readonly subject: string;
  readonly text: string;
  /** What caused the mail (e.g. "ticket-acknowledgement"), for logs and caps. */
  readonly purpose: string;
  /** The text holds a secret (a link's token): long tokens are scrubbed from the stored copy once it is sent. */
  readonly scrubAfterSend?: boolean;
  readonly conversationId?: string;
  readonly clientKey?: string;
}

/** One line, no control characters (nodemailer folds and encodes it; this is belt and braces against injection). */
export function safeSubject(subject: string): string {
  return (
    subject
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
      .replace(/ {2,}/g, ' ')
      .trim()
  );
}

/** A new 'pending' outbox record; throws InvalidAddressError when an address is not a plain addr-spec. */
export function newOutboxRecord(input: MailRequest, createdAt: string): OutboxRecord {
  const to = normalizeEmail(input.to);
  if (!to) throw new InvalidAddressError('to');
  let replyTo: string | undefined;
  if (input.replyTo !== undefined) {
    replyTo = normalizeEmail(input.replyTo);
    if (!replyTo) throw new InvalidAddressError('replyTo');
  }
  return {
    id: randomUUID(),
    createdAt,
    to,
    ...(replyTo ? { replyTo } : {}),
    subject: safeSubject(input.subject),
    text: input.text,
    ...(input.conversationId !== undefined ? { conversationId: input.conversationId } : {}),
    ...(input.clientKey !== undefined ? { clientKey: input.clientKey } : {}),
    purpose: input.purpose,
    ...(input.scrubAfterSend ? { scrubAfterSend: true } : {}),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: createdAt,
  };
}

/** Replaces token-like runs (32+ URL-safe characters) with a marker: what stays of a sent mail that held a secret. */
export function scrubSecrets(text: string): string {
  return text.replace(/[A-Za-z0-9_-]{32,}/g, '[removed]');
}
