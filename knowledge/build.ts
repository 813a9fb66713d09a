import { Matcher, type ScoringWeights, type Thresholds } from './matcher.ts';
import { Normalizer, type Stemmer } from './normalize.ts';
import { nlpjsStemmer } from './stemmers.ts';
import type { KnowledgeBase } from './types.ts';

/**
 * Builds the matcher for a knowledge base with the production normaliser. Stemmer chosen by measurement
 * (scripts/eval.ts --stemmer): nlp.js's rule-based Indonesian stemmer is as accurate as Sastrawi on our labelled
 * questions (slightly better on the holdout set) and 20× faster; Sastrawi takes milliseconds on some words
 * ("perusahaan" ~4 ms), which broke the matcher's latency budget for questions with unseen words.
 */
export function buildMatcher(
  knowledge: KnowledgeBase,
  options: { stemmer?: Stemmer; thresholds?: Thresholds; weights?: ScoringWeights } = {},
): Matcher {
  const normalizer = new Normalizer(knowledge.synonyms, options.stemmer ?? nlpjsStemmer());
  return new Matcher(knowledge, normalizer, options.thresholds, options.weights);
}
