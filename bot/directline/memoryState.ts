/**
 * The built-in Direct Line's state in this process's memory (the embedded store: one instance): the bounded token
 * and conversation stores of tokens.ts and conversations.ts behind the DirectLineState interface.
 */
import type { Activity } from 'botbuilder';
import { ConversationStore, type DirectLineConversation } from './conversations.ts';
import type {
  ActivityListener,
  ConversationRef,
  CreateRefusal,
  DirectLineSettings,
  DirectLineState,
  DirectLineStats,
} from './state.ts';
import { type IssuedToken, type TokenGrant, TokenStore } from './tokens.ts';

const refOf = (c: DirectLineConversation): ConversationRef => ({ id: c.id, userId: c.userId, address: c.address });

export class MemoryDirectLineState implements DirectLineState {
  readonly #tokens: TokenStore;
  readonly #conversations: ConversationStore;

  constructor(settings: DirectLineSettings) {
    this.#tokens = new TokenStore(settings.tokenTtlMs, settings.now, settings.limits.maxTokens);
    this.#conversations = new ConversationStore(settings.idleMs, settings.now, settings.limits);
  }

  async issueToken(conversationId: string, userId: string, address: string): Promise<IssuedToken | undefined> {
    return this.#tokens.issue(conversationId, userId, address);
  }

  async verifyToken(token: string): Promise<TokenGrant | undefined> {
    return this.#tokens.verify(token);
  }

  async refreshToken(token: string): Promise<(IssuedToken & { grant: TokenGrant }) | undefined> {
    return this.#tokens.refresh(token);
  }

  async createConversation(userId: string, address: string, id?: string): Promise<ConversationRef | CreateRefusal> {
    const existing = id === undefined ? undefined : this.#conversations.get(id);
    if (existing) return refOf(existing);
    const created = this.#conversations.tryCreate(userId, address, id);
    return typeof created === 'string' ? created : refOf(created);
  }

  async conversation(id: string): Promise<ConversationRef | undefined> {
    const found = this.#conversations.get(id);
    return found && refOf(found);
  }

  async markStarted(id: string): Promise<boolean> {
    const found = this.#conversations.get(id);
    if (!found || found.started) return false;
    found.started = true;
    return true;
  }

  async append(id: string, activities: readonly Partial<Activity>[]): Promise<string[]> {
    const found = this.#conversations.get(id);
    return found ? this.#conversations.append(found, activities) : [];
  }

  async since(id: string, watermark: number | undefined) {
    const found = this.#conversations.get(id);
    return found ? this.#conversations.since(found, watermark) : { activities: [], watermark: 0 };
  }

  async watermark(id: string): Promise<number | undefined> {
    const found = this.#conversations.get(id);
    return found && found.dropped + found.activities.length;
  }

  listen(id: string, from: number, listener: ActivityListener): () => void {
    const found = this.#conversations.get(id);
    if (!found) return () => undefined;
    const backlog = this.#conversations.since(found, from);
    if (backlog.activities.length > 0) listener(backlog.activities, backlog.watermark);
    found.listeners.add(listener);
    return () => found.listeners.delete(listener);
  }

  async sweep(): Promise<number> {
    this.#tokens.dropExpired();
    return this.#conversations.sweep();
  }

  async stats(): Promise<DirectLineStats> {
    this.#tokens.dropExpired();
    return { ...this.#conversations.stats(), tokens: this.#tokens.size };
  }

  async close(): Promise<void> {}
}
