/**
 * Values keyed by phrases (words joined by single spaces), found by the longest phrase that starts at a position of a
 * message. A position whose word starts no phrase costs one Set lookup instead of joining a slice of the message for
 * every possible length (that join was the matcher's and the small-talk check's most frequent allocation).
 */
export class PhraseIndex<V> {
  private readonly values = new Map<string, V>();
  private readonly firstWords = new Set<string>();
  private longest = 0;

  get(phrase: string): V | undefined {
    return this.values.get(phrase);
  }

  has(phrase: string): boolean {
    return this.values.has(phrase);
  }

  set(phrase: string, value: V): void {
    const words = phrase.split(' ');
    this.values.set(phrase, value);
    this.firstWords.add(words[0] ?? '');
    this.longest = Math.max(this.longest, words.length);
  }

  /** The value of the longest phrase (of at most `maxWords` words) at `start`, and its length in words. */
  longestAt(words: readonly string[], start: number, maxWords: number): [V, number] | undefined {
    if (!this.firstWords.has(words[start] ?? '')) return undefined;
    for (let len = Math.min(maxWords, this.longest, words.length - start); len >= 1; len -= 1) {
      const value = this.values.get(words.slice(start, start + len).join(' '));
      if (value !== undefined) return [value, len];
    }
    return undefined;
  }
}
