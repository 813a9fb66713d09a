import { Stemmer as SastrawiStemmer } from 'sastrawijs';
import type { Stemmer } from '../knowledge/normalize.ts';

/**
 * Sastrawi: dictionary-backed Indonesian stemmer (leaves words it does not know, e.g. English, alone). Kept for
 * measurements only (`npm run eval -- --stemmer sastrawi`): the assistant itself uses nlp.js (20x faster, as accurate).
 */
export function sastrawiStemmer(): Stemmer {
  const stemmer = new SastrawiStemmer();
  return { stem: (word) => stemmer.stem(word) };
}
