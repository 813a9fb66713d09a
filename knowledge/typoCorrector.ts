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

/** The word and every string made by deleting one of its letters. */
function deletions(word: string): string[] {
  const out = [word];
  for (let i = 0; i < word.length; i += 1) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

const FUSE_MIN_LENGTH = 9;

/**
 * Corrects typos against the vocabulary of the knowledge file ("dijul" → "dijual", "enkripsy" → "enkripsi").
 *
 * Candidates come from a one-deletion index (a word and a typo of it share a string one deletion away from each:
 * substitutions, insertions, deletions and swaps), which costs microseconds. Long words may carry two typos
 * ("infromsai"); for those alone fuse.js searches the few known words of the same first letter and similar length.
 * fuse.js over the whole vocabulary took 1–15 ms per unknown word (measured), so it is the narrow second chance.
 * A bounded edit distance then accepts only true near-misses.
 */
export class TypoCorrector {
  private readonly known: ReadonlySet<string>;
  private readonly index = new Map<string, string[]>();
  /** first letter + length → fuse.js over the long known words of that shape */
  private readonly fuseByShape = new Map<string, Fuse<string>>();
  private readonly cache = new Map<string, string | null>();

  constructor(vocabulary: Iterable<string>) {
    this.known = new Set(vocabulary);
    const byShape = new Map<string, string[]>();
    for (const w of this.known) {
      if (w.length < 4 || /\d/.test(w)) continue;
      for (const d of deletions(w)) {
        const list = this.index.get(d);
        if (list) {
          if (!list.includes(w)) list.push(w);
        } else this.index.set(d, [w]);
      }
      if (w.length >= FUSE_MIN_LENGTH - 2) {
        const key = `${w[0]}${w.length}`;
        const list = byShape.get(key) ?? [];
        list.push(w);
        byShape.set(key, list);
      }
    }
    for (const [key, list] of byShape)
      this.fuseByShape.set(key, new Fuse(list, { includeScore: true, ignoreLocation: true, threshold: 0.25 }));
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
    const consider = (candidate: string) => {
      // Typos rarely hit the first letter; requiring it keeps "males" from becoming "sales".
      if (candidate[0] !== word[0]) return;
      const d = editDistance(word, candidate, max);
      if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
        best = candidate;
        bestDistance = d;
      }
    };
    if (max > 0) {
      for (const d of deletions(word)) for (const candidate of this.index.get(d) ?? []) consider(candidate);
      if (!best && word.length >= FUSE_MIN_LENGTH)
        for (let length = word.length - max; length <= word.length + max; length += 1)
          for (const hit of this.fuseByShape.get(`${word[0]}${length}`)?.search(word, { limit: 5 }) ?? [])
            consider(hit.item);
    }
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(word, best ?? null);
    return best;
  }
}
