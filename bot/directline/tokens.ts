import { randomBytes } from 'node:crypto';
import { MAX_LIVE_TOKENS } from './limits.ts';

export interface TokenGrant {
  readonly conversationId: string;
  readonly userId: string;
  readonly expiresAt: number;
  /** The client address that generated the conversation (its per-address count, when it is re-created). */
  readonly address: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresIn: number;
}

/**
 * Direct Line tokens of the built-in endpoint: 256-bit random strings, each bound to one conversation and one user,
 * valid for a limited time. Kept in memory: after a restart the page simply starts a new conversation.
 *
 * A conversation has at most one live token: a refresh replaces it (the old one stops working at once), so refreshing
 * never grows the store. When the store is full of live tokens a new conversation gets none (undefined): no live token
 * is ever evicted to make room, so no client can log another out.
 */
export class TokenStore {
  /** In the order they were issued, which (one lifetime for all) is the order they expire. */
  private readonly grants = new Map<string, TokenGrant>();
  private readonly byConversation = new Map<string, string>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxTokens = MAX_LIVE_TOKENS,
  ) {}

  /**
   * A token for a conversation, replacing the conversation's live one if it has one; undefined when the store is full
   * of other conversations' live tokens.
   */
  issue(conversationId: string, userId: string, address = ''): IssuedToken | undefined {
    this.dropExpired();
    const previous = this.byConversation.get(conversationId);
    if (previous !== undefined) this.grants.delete(previous);
    else if (this.grants.size >= this.maxTokens) return undefined;
    const token = randomBytes(32).toString('base64url');
    this.grants.set(token, { conversationId, userId, address, expiresAt: this.now() + this.ttlMs });
    this.byConversation.set(conversationId, token);
    return { token, expiresIn: Math.floor(this.ttlMs / 1000) };
  }

  /** The grant of a live token, or undefined for unknown, replaced and expired ones. */
  verify(token: string): TokenGrant | undefined {
    const grant = this.grants.get(token);
    if (!grant) return undefined;
    if (grant.expiresAt <= this.now()) {
      this.remove(token, grant);
      return undefined;
    }
    return grant;
  }

  /** A new token for the same conversation and user; the old one is revoked. Undefined for an unknown token. */
  refresh(token: string): (IssuedToken & { grant: TokenGrant }) | undefined {
    const grant = this.verify(token);
    if (!grant) return undefined;
    const issued = this.issue(grant.conversationId, grant.userId, grant.address);
    // Cannot be full: the conversation's own token made room.
    return issued && { ...issued, grant };
  }

  /** Live (or not yet swept) tokens held. */
  get size(): number {
    return this.grants.size;
  }

  /** Drops expired tokens from the front (the oldest); stops at the first live one. */
  dropExpired(): void {
    const now = this.now();
    for (const [token, grant] of this.grants) {
      if (grant.expiresAt > now) break;
      this.remove(token, grant);
    }
  }

  private remove(token: string, grant: TokenGrant): void {
    this.grants.delete(token);
    if (this.byConversation.get(grant.conversationId) === token) this.byConversation.delete(grant.conversationId);
  }
}

/** The bearer token of an Authorization header, if any. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  // `i`: the scheme is case-insensitive (RFC 9110); the token's character class already has both cases.
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/i.exec(header.trim());
  return match?.[1];
}
