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
  /** One of our fixed subject texts (control and bidi characters are removed anyway). */
  readonly subject: string;
  /** Plain text; control and bidi characters are removed (safeText). */
  readonly text: string;
  /** What caused the mail (e.g. "ticket-acknowledgement"), for logs and caps. */
  readonly purpose: string;
  /** The request it belongs to (a ticket or consent id), for the audit trail. */
  readonly ref?: string;
  /** The text holds a secret (a link's token): long tokens are scrubbed from the stored copy once it is sent. */
  readonly scrubAfterSend?: boolean;
  /** Threading: this mail's Message-ID (`<…@…>`) and the one it answers. */
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly conversationId?: string;
  readonly clientKey?: string;
}

/**
 * Characters that must never reach a mail: C0/C1 controls and DEL, and the bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C) that make `moc.live` read as `evil.com`.
 */
const UNSAFE_IN_TEXT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same, plus the line breaks a subject must not have (CR, LF, TAB, NEL, LS, PS). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const UNSAFE_IN_SUBJECT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]+/g;

/**
 * One line, no control or bidi characters (nodemailer folds and encodes it; this is belt and braces against
 * injection and against text that displays differently from what it is).
 */
export function safeSubject(subject: string): string {
  return String(subject).replace(UNSAFE_IN_SUBJECT, ' ').replace(/ {2,}/g, ' ').trim();
}

/**
 * A mail body without control or bidi characters: line breaks become `\n` (CR LF and lone CR, NEL, LS and PS), TAB
 * is kept, everything else of the kind is removed.
 */
export function safeText(text: string): string {
  return String(text)
    .replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n')
    .replace(UNSAFE_IN_TEXT, '');
}

/** A Message-ID as we make them: `<` word characters, dots and dashes `@` a host `>` (nothing that could end a header). */
const MESSAGE_ID = /^<[A-Za-z0-9._-]{1,128}@[A-Za-z0-9.-]{1,128}>$/;

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
    text: safeText(input.text),
    ...(input.conversationId !== undefined ? { conversationId: input.conversationId } : {}),
    ...(input.clientKey !== undefined ? { clientKey: input.clientKey } : {}),
    purpose: input.purpose,
    ...(input.ref !== undefined ? { ref: input.ref } : {}),
    ...(input.scrubAfterSend ? { scrubAfterSend: true } : {}),
    ...(input.messageId && MESSAGE_ID.test(input.messageId) ? { messageId: input.messageId } : {}),
    ...(input.inReplyTo && MESSAGE_ID.test(input.inReplyTo) ? { inReplyTo: input.inReplyTo } : {}),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: createdAt,
  };
}

/** Replaces token-like runs (32+ URL-safe characters) with a marker: what stays of a sent mail that held a secret. */
export function scrubSecrets(text: string): string {
  return text.replace(/[A-Za-z0-9_-]{32,}/g, '[removed]');
}
