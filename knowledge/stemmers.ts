import nlpjsId from '@nlpjs/lang-id';
import { Stemmer as SastrawiStemmer } from 'sastrawijs';
import type { Stemmer } from './normalize.ts';

/** Sastrawi: dictionary-backed Indonesian stemmer (leaves words it does not know, e.g. English, alone). */
export function sastrawiStemmer(): Stemmer {
  const stemmer = new SastrawiStemmer();
  return { stem: (word) => stemmer.stem(word) };
}

/** nlp.js rule-based Indonesian stemmer: faster, but strips affixes from English words too. */
export function nlpjsStemmer(): Stemmer {
  const stemmer = new nlpjsId.StemmerId();
  return { stem: (word) => stemmer.stemWord(word) };
}

/** No stemming: the baseline for measuring what stemming adds. */
export const identityStemmer: Stemmer = { stem: (word) => word };
