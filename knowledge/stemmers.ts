import nlpjsId from '@nlpjs/lang-id';
import type { Stemmer } from './normalize.ts';

/** nlp.js rule-based Indonesian stemmer: faster, but strips affixes from English words too. */
export function nlpjsStemmer(): Stemmer {
  const stemmer = new nlpjsId.StemmerId();
  return { stem: (word) => stemmer.stemWord(word) };
}

/** No stemming: the baseline for measuring what stemming adds. */
export const identityStemmer: Stemmer = { stem: (word) => word };
