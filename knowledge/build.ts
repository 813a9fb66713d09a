import { Matcher, type ScoringWeights, type Thresholds } from './matcher.ts';
import { Normalizer, type Stemmer } from './normalize.ts';
import { sastrawiStemmer } from './stemmers.ts';
import type { KnowledgeBase } from './types.ts';

/** Builds the matcher for a knowledge base with the production normaliser (Sastrawi stemming). */
export function buildMatcher(
  knowledge: KnowledgeBase,
  options: { stemmer?: Stemmer; thresholds?: Thresholds; weights?: ScoringWeights } = {},
): Matcher {
  const normalizer = new Normalizer(knowledge.synonyms, options.stemmer ?? sastrawiStemmer());
  return new Matcher(knowledge, normalizer, options.thresholds, options.weights);
}
