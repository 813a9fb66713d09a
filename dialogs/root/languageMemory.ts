import type { Lang } from '../../knowledge/types.ts';
import { setRecent } from './recentMap.ts';

const MAX_CONVERSATIONS = 10_000;

/**
 * The language each recent conversation last used, in memory. A question-only conversation needs no durable state,
 * so remembering its language here keeps an FAQ turn free of disk writes; flows keep theirs in conversation state.
 */
export class LanguageMemory {
  private readonly langs = new Map<string, Lang>();

  get(conversationId: string): Lang | undefined {
    return this.langs.get(conversationId);
  }

  set(conversationId: string, lang: Lang): void {
    setRecent(this.langs, conversationId, lang, MAX_CONVERSATIONS);
  }
}
