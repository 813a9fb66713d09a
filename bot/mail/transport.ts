/**
 * Sends one rendered e-mail: over SMTP when a server is configured, otherwise into a folder of .eml files (local use,
 * tests, or a relay that picks files up). Only validated addresses and our own fixed texts reach the headers.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { normalizeEmail, parseMailbox } from '../../domain/address.ts';
import { safeSubject, safeText } from '../../domain/outgoingMail.ts';

export interface OutgoingMail {
  /** The Message-ID header, `<local@domain>`: the same for every attempt, so a duplicate delivery is recognisable. */
  readonly messageId: string;
  readonly from: string;
  /** The sender's display name (from MAIL_FROM `Name <address>`), checked by parseMailbox(); empty or absent: none. */
  readonly fromName?: string;
  readonly to: string;
  readonly replyTo?: string;
  /** The Message-ID this mail answers (In-Reply-To and References), so mail clients thread it. */
  readonly inReplyTo?: string;
  readonly subject: string;
  readonly text: string;
}

export interface MailTransport {
  /** Resolves once the message is accepted (by the SMTP server, or safely written to the mail folder). */
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

export interface MailTransportOptions {
  /**
   * `smtp://user:pass@host:587` (STARTTLS when offered; add `?requireTLS=true` to insist on it) or `smtps://…:465`.
   * Without it, mail is written to `mailDir`.
   */
  readonly smtpUrl?: string;
  readonly mailDir: string;
  /** SMTP connection, greeting and socket timeouts. */
  readonly timeoutMs?: number;
  /** Clock for the file names of the file transport. */
  readonly now?: () => Date;
}

/** A message refused before it was handed to nodemailer (a bug upstream: the outbox validates first). */
export class InvalidMailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMailError';
  }
}

const MESSAGE_ID = /^<[A-Za-z0-9._-]{1,128}@[A-Za-z0-9.-]{1,253}>$/;
const DEFAULT_TIMEOUT_MS = 10_000;

export function createMailTransport(options: MailTransportOptions): MailTransport {
  const smtpUrl = options.smtpUrl?.trim();
  if (smtpUrl) return new SmtpMailTransport(smtpUrl, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return new FileMailTransport(options.mailDir, options.now ?? (() => new Date()));
}

/** The nodemailer message for a checked OutgoingMail: addresses as objects (never re-parsed), no file/URL access. */
function toNodemailer(mail: OutgoingMail): SendMailOptions {
  const from = normalizeEmail(mail.from);
  const to = normalizeEmail(mail.to);
  const replyTo = mail.replyTo === undefined ? undefined : normalizeEmail(mail.replyTo);
  if (!from) throw new InvalidMailError('invalid From address');
  if (!to) throw new InvalidMailError('invalid To address');
  if (mail.replyTo !== undefined && !replyTo) throw new InvalidMailError('invalid Reply-To address');
  if (!MESSAGE_ID.test(mail.messageId)) throw new InvalidMailError('invalid Message-ID');
  if (mail.inReplyTo !== undefined && !MESSAGE_ID.test(mail.inReplyTo))
    throw new InvalidMailError('invalid In-Reply-To');
  // The display name is checked again and passed as its own field: nodemailer quotes or MIME-encodes it.
  const fromName = mail.fromName ? parseMailbox(`${mail.fromName} <${from}>`)?.name : '';
  if (fromName === undefined) throw new InvalidMailError('invalid From display name');
  return {
    messageId: mail.messageId,
    from: { name: fromName, address: from },
    to: { name: '', address: to },
    ...(replyTo ? { replyTo: { name: '', address: replyTo } } : {}),
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: [mail.inReplyTo] } : {}),
    envelope: { from, to: [to] },
    subject: safeSubject(mail.subject),
    text: safeText(mail.text),
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

class SmtpMailTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(smtpUrl: string, timeoutMs: number) {
    let protocol: string;
    try {
      protocol = new URL(smtpUrl).protocol;
    } catch {
      throw new Error('SMTP URL is not a valid URL'); // never echo the URL: it may carry a password
    }
    if (protocol !== 'smtp:' && protocol !== 'smtps:') throw new Error('SMTP URL must start with smtp:// or smtps://');
    this.transporter = nodemailer.createTransport({
      url: smtpUrl,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
      logger: false,
      debug: false,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter.sendMail(toNodemailer(mail));
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

class FileMailTransport implements MailTransport {
  private readonly renderer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    private readonly mailDir: string,
    private readonly now: () => Date,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    // nodemailer 7 applies `newline` per message (the stream transport's own option no longer converts line ends).
    const options: SendMailOptions & { newline: 'unix' } = { ...toNodemailer(mail), newline: 'unix' };
    const info = await this.renderer.sendMail(options);
    const message: unknown = info.message;
    if (!Buffer.isBuffer(message)) throw new Error('stream transport did not return a buffer');

    // Every time (cheap): the folder may have been removed or not exist yet.
    await mkdir(this.mailDir, { recursive: true, mode: 0o700 });

    const stamp = this.now()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.(\d{3})Z$/, '$1Z'); // 20250102T030405678Z
    const safeId = mail.messageId.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|[._]+$/g, '');
    const finalPath = join(this.mailDir, `${stamp}-${safeId}.eml`);
    const tempPath = join(this.mailDir, `.${stamp}-${randomBytes(6).toString('hex')}.tmp`);

    // Write, flush to disk, then rename: a reader never sees a half-written .eml.
    const handle = await open(tempPath, 'wx', 0o600);
    try {
      await handle.writeFile(message);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(tempPath, { force: true });
      throw error;
    }
    await handle.close();
    try {
      await rename(tempPath, finalPath);
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
  }

  async close(): Promise<void> {
    this.renderer.close();
  }
}
