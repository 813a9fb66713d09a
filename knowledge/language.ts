import { ENGLISH_MARKERS, INDONESIAN_MARKERS } from './lexicon.ts';
import type { Lang } from './types.ts';

/**
 * Guesses the language of one message from marker words. Ties (e.g. "cookie?") keep `fallback`, which callers set to
 * the conversation's last language, so a one-word follow-up does not flip the conversation.
 */
export function detectLanguage(words: readonly string[], fallback: Lang = 'id'): Lang {
  let id = 0;
  let en = 0;
  for (const w of words) {
    if (INDONESIAN_MARKERS.has(w)) id += 1;
    if (ENGLISH_MARKERS.has(w)) en += 1;
  }
  if (en > id) return 'en';
  if (id > en) return 'id';
  return fallback;
}
