/** Shared pieces of the mail tests: a real SMTP server on loopback, a fake clock, a log capture, a fake transport. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../../bot/log/logger.ts';
import type { MailTransport, OutgoingMail } from '../../bot/mail/transport.ts';

export interface ReceivedMail {
  readonly parsed: ParsedMail;
  readonly raw: string;
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
}

export interface Rejection {
  readonly code: number;
  readonly message: string;
}

/** A real SMTP server (smtp-server) on 127.0.0.1, no TLS, no auth, that parses and keeps what it accepts. */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** When set, every message is refused at the end of DATA with this reply. */
  reject: Rejection | undefined;
  /** Messages refused so far. */
  rejected = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(port = 0, reject?: Rejection): Promise<TestSmtpServer> {
    let self: TestSmtpServer | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      disableReverseLookup: true,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (!self) return callback(new Error('server not ready'));
          const current = self;
          if (current.reject) {
            current.rejected += 1;
            callback(Object.assign(new Error(current.reject.message), { responseCode: current.reject.code }));
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const envelope = session.envelope;
          const mailFrom = envelope.mailFrom === false ? '' : envelope.mailFrom.address;
          simpleParser(raw).then(
            (parsed) => {
              current.received.push({ parsed, raw, mailFrom, rcptTo: envelope.rcptTo.map((r) => r.address) });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    server.listen(port, '127.0.0.1');
    await once(server.server, 'listening');
    const address = server.server.address() as AddressInfo;
    self = new TestSmtpServer(server, address.port);
    self.reject = reject;
    return self;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on (a server was started on it, then closed). */
export async function closedPort(): Promise<number> {
  const server = await TestSmtpServer.start();
  await server.close();
  return server.port;
}

export class FakeClock {
  constructor(private time = Date.parse('2025-01-02T03:04:05.000Z')) {}
  readonly now = (): Date => new Date(this.time);
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** A real pino logger whose JSON lines are kept in `lines` (and `text`, for "never appears in a log" checks). */
export function captureLogger(): { logger: Logger; lines: LogLine[]; text: () => string } {
  const raw: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void raw.push(line) });
  const lines: LogLine[] = [];
  return {
    logger,
    get lines() {
      lines.length = 0;
      for (const line of raw) lines.push(JSON.parse(line) as LogLine);
      return lines;
    },
    text: () => raw.join(''),
  };
}

/** A transport that records what it is given; `fail` makes the next sends throw; `gate` holds sends until released. */
export class FakeTransport implements MailTransport {
  readonly sent: OutgoingMail[] = [];
  fail: Error | undefined;
  active = 0;
  maxActive = 0;
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  open(): void {
    this.release?.();
    this.gate = undefined;
  }

  async send(mail: OutgoingMail): Promise<void> {
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await this.gate;
      await new Promise((resolve) => setImmediate(resolve));
      if (this.fail) throw this.fail;
      this.sent.push(mail);
    } finally {
      this.active -= 1;
    }
  }

  async close(): Promise<void> {}
}

/** Waits until `check` holds (polling every few ms), failing after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
