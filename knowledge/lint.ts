/**
 * Checks of the knowledge an admin should look at (none stops the file from serving): the same phrasing in two
 * entries, phrasings the matcher finds closer to another entry than to their own, a synonym variant claimed by two
 * words, and Indonesian answers that no longer quote the statement word for word.
 */
import type { KnowledgeVersion } from './knowledgeService.ts';
import { OTHER_COMPANY_ENTRY } from './matcher.ts';
import { words } from './normalize.ts';
import type { QuoteProblem } from './statement.ts';
import { phrasingsOf } from './types.ts';

export interface DuplicatePhrasing {
  /** The normalised words the phrasings share. */
  readonly key: string;
  readonly uses: readonly { readonly entry: string; readonly text: string }[];
}

export interface CloserElsewhere {
  readonly entry: string;
  readonly text: string;
  readonly ownScore: number;
  readonly closer: string;
  readonly closerScore: number;
}

export interface SynonymCollision {
  /** The variant as matched (folded). */
  readonly variant: string;
  /** The canonical words that list it, in file order (the first one wins). */
  readonly canonicals: readonly string[];
}

export interface LintReport {
  readonly version: string;
  readonly duplicates: readonly DuplicatePhrasing[];
  readonly closerElsewhere: readonly CloserElsewhere[];
  readonly synonymCollisions: readonly SynonymCollision[];
  readonly unquoted: readonly QuoteProblem[];
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

export function lintKnowledge(version: KnowledgeVersion): LintReport {
  const { knowledge, matcher } = version;
  // The other-company entry is reached by its rule alone (see matcher.ts): its phrasings are labels, not questions.
  const phrasings = knowledge.entries
    .filter((entry) => entry.id !== OTHER_COMPANY_ENTRY)
    .flatMap((entry) => phrasingsOf(entry).map((text) => ({ entry: entry.id, text })));

  const byKey = new Map<string, { entry: string; text: string }[]>();
  for (const p of phrasings) {
    const key = [...new Set(matcher.tokensOf(p.text))].sort().join(' ');
    if (!key) continue;
    const list = byKey.get(key) ?? [];
    list.push(p);
    byKey.set(key, list);
  }
  const duplicates = [...byKey]
    .filter(([, uses]) => new Set(uses.map((u) => u.entry)).size > 1)
    .map(([key, uses]) => ({ key, uses }));

  const closerElsewhere: CloserElsewhere[] = [];
  for (const p of phrasings) {
    const ranked = matcher.rankAll(p.text);
    const top = ranked[0];
    if (!top || top.entry.id === p.entry) continue;
    const own = ranked.find((c) => c.entry.id === p.entry)?.score ?? 0;
    if (top.score > own)
      closerElsewhere.push({ ...p, ownScore: round(own), closer: top.entry.id, closerScore: round(top.score) });
  }

  const claims = new Map<string, string[]>();
  for (const [canonical, variants] of knowledge.synonyms)
    for (const variant of new Set([canonical, ...variants].map((v) => words(v).join(' ')))) {
      const list = claims.get(variant) ?? [];
      if (!list.includes(canonical)) list.push(canonical);
      claims.set(variant, list);
    }
  const synonymCollisions = [...claims]
    .filter(([, canonicals]) => canonicals.length > 1)
    .map(([variant, canonicals]) => ({ variant, canonicals }));

  return { version: version.hash, duplicates, closerElsewhere, synonymCollisions, unquoted: version.quoteProblems };
}
