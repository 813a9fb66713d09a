import Fuse from 'fuse.js';

/** Damerau-Levenshtein (optimal string alignment) distance, bounded: returns max+1 once it is exceeded. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const cur = new Array<number>(b.length + 1).fill(0);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      cur[j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    for (let j = 0; j <= b.length; j += 1) prev2[j] = prev[j] ?? 0;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/** How many edits a word of this length may have and still count as a typo of a known word. */
const allowedEdits = (length: number): number => (length < 4 ? 0 : length < 8 ? 1 : 2);

/**
 * Corrects typos against the vocabulary of the knowledge file ("dijul" → "dijual", "enkripsy" → "enkripsi").
 * fuse.js finds candidates (one index per first letter keeps each search small even with a large vocabulary);
 * a bounded edit distance then accepts only true near-misses, since fuse alone also scores substrings as perfect.
 */
export class TypoCorrector {
  private readonly known: ReadonlySet<string>;
  private readonly buckets = new Map<string, Fuse<string>>();
  private readonly cache = new Map<string, string | null>();

  constructor(vocabulary: Iterable<string>) {
    this.known = new Set(vocabulary);
    const byLetter = new Map<string, string[]>();
    for (const w of this.known) {
      if (w.length < 4 || /\d/.test(w)) continue;
      const key = w[0] ?? '';
      const list = byLetter.get(key) ?? [];
      list.push(w);
      byLetter.set(key, list);
    }
    for (const [letter, list] of byLetter)
      this.buckets.set(letter, new Fuse(list, { includeScore: true, ignoreLocation: true, threshold: 0.4 }));
  }

  has(word: string): boolean {
    return this.known.has(word);
  }

  /** The known word this one is a typo of, or undefined when there is none close enough. */
  correct(word: string): string | undefined {
    if (this.known.has(word)) return word;
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached ?? undefined;
    const max = allowedEdits(word.length);
    let best: string | undefined;
    let bestDistance = max + 1;
    if (max > 0) {
      const fuse = this.buckets.get(word[0] ?? '');
      for (const hit of fuse?.search(word, { limit: 8 }) ?? []) {
        const d = editDistance(word, hit.item, max);
        if (d < bestDistance || (d === bestDistance && best !== undefined && hit.item.length < best.length)) {
          best = hit.item;
          bestDistance = d;
        }
      }
    }
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(word, best ?? null);
    return best;
  }
}
