/**
 * A customer of the support-request flow over HTTP POST /api/messages with expectReplies, as the end-to-end tests
 * that kill or multiply the assistant drive it: its own conversation, e-mail and loopback source address (so the
 * per-client mail cap counts each customer on its own), any instance's port for each message.
 */
import { request } from 'node:http';
import { expect } from 'chai';

const TICKET = /PRV-\d{8}-\d{4,}/g;
export const LIMIT_REACHED = 'batas pengiriman e-mail';
export const SUMMARY = 'Kirim ke tim support?';
const REQUEST_TIMEOUT_MS = 10_000;

export interface Reply {
  /** The message texts, joined by newlines; undefined when the request failed (connection cut by the kill). */
  readonly text?: string;
  readonly error?: string;
  /** What each message says about itself (channelData.wowrack: kind, lang, candidates), when it says it. */
  readonly meta?: readonly ReplyFacts[];
}

export interface ReplyFacts {
  readonly kind?: string;
  readonly lang?: string;
  readonly entryId?: string;
  readonly candidates?: readonly string[];
}

interface Message {
  readonly type?: string;
  readonly text?: string;
  readonly channelData?: { readonly wowrack?: ReplyFacts };
}

/** One customer: its own conversation, e-mail and loopback source address. */
export class Customer {
  private sequence = 0;
  /** The ticket number the assistant told this customer, if any. */
  told?: string;

  constructor(
    readonly conversationId: string,
    readonly email: string,
    private readonly localAddress: string,
  ) {}

  /** Sends one message (a retry sends the same activity id again) and waits for the replies. */
  say(port: number, text: string, retryOf?: number): Promise<Reply> {
    return this.send(port, { text }, retryOf);
  }

  /** Clicks a suggested action: a message with its value and no text. */
  click(port: number, value: unknown): Promise<Reply> {
    return this.send(port, { value });
  }

  private send(port: number, content: { text?: string; value?: unknown }, retryOf?: number): Promise<Reply> {
    const n = retryOf ?? ++this.sequence;
    const body = JSON.stringify({
      type: 'message',
      id: `${this.conversationId}-a${n}`,
      timestamp: new Date().toISOString(),
      ...content,
      channelId: 'webchat',
      conversation: { id: this.conversationId },
      from: { id: `${this.conversationId}-user`, name: 'Customer' },
      recipient: { id: 'bot', name: 'Wowrack' },
      deliveryMode: 'expectReplies',
      locale: 'id-ID',
    });
    return new Promise((done) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          localAddress: this.localAddress,
          method: 'POST',
          path: '/api/messages',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => done({ error: error.message }));
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) return done({ error: `HTTP ${res.statusCode}: ${raw.slice(0, 200)}` });
            try {
              const parsed = JSON.parse(raw) as { activities?: Message[] };
              const messages = (parsed.activities ?? []).filter((a) => a.type === 'message');
              done({
                text: messages.map((a) => a.text ?? '').join('\n'),
                meta: messages.flatMap((a) => (a.channelData?.wowrack ? [a.channelData.wowrack] : [])),
              });
            } catch {
              done({ error: `not JSON: ${raw.slice(0, 200)}` });
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => done({ error: error.message }));
      req.end(body);
    });
  }

  /**
   * The steps of test/support/flowScripts.ts supportRequest, up to the summary; with several ports (instances),
   * each step goes to the next one in turn.
   */
  async toConfirmation(ports: number | readonly number[]): Promise<void> {
    const targets = typeof ports === 'number' ? [ports] : ports;
    const script = [
      'tolong hapus data saya',
      'Permintaan penghapusan data pribadi',
      'Budi Santoso',
      this.email,
      'lewati',
    ];
    let last: Reply = {};
    for (const [i, text] of script.entries()) last = await this.say(targets[i % targets.length] ?? 0, text);
    expect(last.text ?? last.error, `${this.conversationId} reaches the summary`).to.include(SUMMARY);
  }

  /** Which activity id the confirmation used (to retry it with the same id). */
  confirmationId?: number;

  async confirm(port: number): Promise<Reply> {
    if (this.confirmationId === undefined) {
      const reply = await this.say(port, 'ya');
      this.confirmationId = this.sequence;
      return reply;
    }
    return this.say(port, 'ya', this.confirmationId);
  }
}

export function ticketsIn(text: string | undefined): string[] {
  return [...new Set(text?.match(TICKET) ?? [])];
}
