/** Talking to a running assistant from an attack: loopback only, each call bounded in time. */
import { randomBytes } from 'node:crypto';

export const HTTP_TIMEOUT_MS = 15_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The base URL's origin; refuses anything but this machine (attacks never leave loopback). */
export function checkedBase(base: string): string {
  const url = new URL(base);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`attacks run against a loopback assistant only, not ${url.host}`);
  return url.origin;
}

export const runId = (): string => randomBytes(4).toString('hex');

export interface Answer {
  readonly status: number;
  /** The texts of the message replies (expectReplies). */
  readonly texts: readonly string[];
  readonly body: string;
}

/** POSTs one message activity to /api/messages (expectReplies unless `overrides` say otherwise). */
export async function postActivity(
  base: string,
  conversation: string,
  overrides: Readonly<Record<string, unknown>>,
): Promise<Answer> {
  const res = await fetch(`${checkedBase(base)}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    body: JSON.stringify({
      type: 'message',
      id: `attack-${runId()}`,
      timestamp: new Date().toISOString(),
      channelId: 'webchat',
      from: { id: `${conversation}-user`, name: 'Pelanggan', role: 'user' },
      recipient: { id: 'bot', name: 'bot', role: 'bot' },
      conversation: { id: conversation },
      deliveryMode: 'expectReplies',
      locale: 'id-ID',
      ...overrides,
    }),
  });
  const body = await res.text();
  let texts: string[] = [];
  try {
    const parsed = JSON.parse(body) as { activities?: { type?: string; text?: string }[] };
    texts = (parsed.activities ?? []).filter((a) => a.type === 'message').map((a) => a.text ?? '');
  } catch {
    texts = [];
  }
  return { status: res.status, texts, body };
}
