import { randomBytes } from 'node:crypto';

export interface TokenGrant {
  readonly conversationId: string;
  readonly userId: string;
  readonly expiresAt: number;
}

/**
 * Direct Line tokens of the built-in endpoint: 256-bit random strings, each bound to one conversation and one user,
 * valid for a limited time. Kept in memory: after a restart the page simply starts a new conversation.
 */
export class TokenStore {
  private readonly grants = new Map<string, TokenGrant>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxTokens = 100_000,
  ) {}

  issue(conversationId: string, userId: string): { token: string; expiresIn: number } {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    this.grants.set(token, { conversationId, userId, expiresAt: this.now() + this.ttlMs });
    return { token, expiresIn: Math.floor(this.ttlMs / 1000) };
  }

  /** The grant of a live token, or undefined for unknown and expired ones. */
  verify(token: string): TokenGrant | undefined {
    const grant = this.grants.get(token);
    if (!grant) return undefined;
    if (grant.expiresAt <= this.now()) {
      this.grants.delete(token);
      return undefined;
    }
    return grant;
  }

  /** A new token for the same conversation and user; the old one stays valid until it expires (as Azure does). */
  refresh(token: string): { token: string; expiresIn: number; grant: TokenGrant } | undefined {
    const grant = this.verify(token);
    if (!grant) return undefined;
    const issued = this.issue(grant.conversationId, grant.userId);
    return { ...issued, grant };
  }

  private sweep(): void {
    if (this.grants.size < this.maxTokens) return;
    const now = this.now();
    for (const [token, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(token);
    // Still full of live tokens: drop the oldest (Map keeps insertion order).
    while (this.grants.size >= this.maxTokens) {
      const oldest = this.grants.keys().next().value;
      if (oldest === undefined) break;
      this.grants.delete(oldest);
    }
  }
}

/** The bearer token of an Authorization header, if any. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  // `i`: the scheme is case-insensitive (RFC 9110); the token's character class already has both cases.
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/i.exec(header.trim());
  return match?.[1];
}
