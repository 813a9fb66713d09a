import { randomBytes } from 'node:crypto';
import type restify from 'restify';
import type { Logger } from '../log/logger.ts';
import { clientIp, type RateLimit } from './rateLimit.ts';

export interface DirectLineTokenOptions {
  /** Azure Direct Line secret; empty: the route answers 404 not_configured (the page uses the built-in endpoint). */
  readonly secret: string;
  /** e.g. https://directline.botframework.com/v3/directline (no trailing slash). */
  readonly endpoint: string;
  readonly limiter: RateLimit;
  readonly trustProxy?: boolean;
  readonly logger: Logger;
  /** How long Azure may take (default 5 s). */
  readonly timeoutMs?: number;
}

/** What the page gets: a token for one conversation; the secret stays on the server. */
export interface TokenResponse {
  readonly token: string;
  readonly conversationId: string;
  readonly expires_in: number;
  /** The user id the token is bound to: the page must send activities as this user. */
  readonly userId: string;
}

class UpstreamError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_UPSTREAM_BYTES = 64 * 1024;

function tokenOf(text: string): Omit<TokenResponse, 'userId'> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UpstreamError('bad_upstream_response', 'Direct Line answered with something that is not JSON');
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.token !== 'string' || b.token === '' || typeof b.conversationId !== 'string')
    throw new UpstreamError('bad_upstream_response', 'Direct Line answered without a token or conversation id');
  const expiresIn = typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : 1800;
  return { token: b.token, conversationId: b.conversationId, expires_in: expiresIn };
}

/**
 * POST /api/directline/token: exchanges the Direct Line secret for a token for one new conversation, server-side,
 * so the page never sees the secret (Azure mode). Rate-limited per client IP.
 */
export function registerDirectLineTokenRoute(server: restify.Server, options: DirectLineTokenOptions): void {
  const { secret, endpoint, limiter, logger } = options;
  const timeoutMs = options.timeoutMs ?? 5000;
  /** Never let the secret into a message, whatever an error says. */
  const scrub = (text: string): string => (secret ? text.split(secret).join('[secret]') : text);

  const generate = async (userId: string): Promise<TokenResponse> => {
    let response: Response;
    try {
      response = await fetch(`${endpoint}/tokens/generate`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ user: { id: userId } }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new UpstreamError(
        timedOut ? 'upstream_timeout' : 'upstream_unreachable',
        timedOut
          ? `Direct Line did not answer within ${timeoutMs} ms`
          : scrub(`Direct Line could not be reached${cause}`),
      );
    }
    const text = await response.text();
    if (!response.ok) throw new UpstreamError('upstream_error', `Direct Line answered ${response.status}`);
    if (text.length > MAX_UPSTREAM_BYTES)
      throw new UpstreamError('bad_upstream_response', 'Direct Line answer too long');
    return { ...tokenOf(text), userId };
  };

  server.post('/api/directline/token', async (req, res) => {
    if (!secret) {
      res.send(404, { error: 'not_configured', message: 'no Direct Line secret is configured; use the built-in one' });
      return;
    }
    const allowed = await limiter.take(clientIp(req, options.trustProxy));
    if (!allowed.allowed) {
      res.header('Retry-After', String(allowed.retryAfterSeconds));
      res.send(429, { error: 'too_many_requests', message: 'too many chat sessions started; try again later' });
      return;
    }
    // A user id for this conversation: "dl_" marks it as chosen by the server, not the browser.
    const userId = `dl_${randomBytes(16).toString('hex')}`;
    try {
      const token = await generate(userId);
      res.header('Cache-Control', 'no-store');
      res.send(200, token);
    } catch (error) {
      const reason = error instanceof UpstreamError ? error.reason : 'upstream_failed';
      const message = error instanceof Error ? scrub(error.message) : 'Direct Line token request failed';
      logger.warn({ reason, error: message }, 'Direct Line token could not be obtained');
      res.header('Cache-Control', 'no-store');
      res.send(502, { error: 'bad_gateway', reason, message });
    }
  });
}
