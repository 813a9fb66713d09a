/**
 * A learned ranker: multinomial logistic regression trained at load time on the knowledge file's phrasings (and
 * knowledge/training.yaml's), one class per entry plus a "none" class for chit-chat and messages that ask nothing.
 *
 * Features (L2-normalised, binary): the normaliser's tokens (stemmed, synonyms made canonical), token bigrams, and
 * character 3–5-grams of the words (which carry typos and unseen inflections). Trained by seeded SGD with L2
 * regularisation; deterministic for a given file. With many classes (synthetic benchmarks) training uses a sampled
 * softmax (the true class, the classes sharing most words with the example and a few random ones) and prediction
 * scores only the classes it is asked about, so neither grows with the square of the file.
 *
 * Stable under edits: each epoch visits the examples in an order drawn from each example's own content (a hash of its
 * words and the epoch), not from its position, and the random classes of the sampled softmax come from the same key.
 * SGD stopped after a few epochs depends on the order it saw the examples in; with a shuffle of positions, one new
 * alternate anywhere reshuffled every epoch and re-rolled borderline questions all over the file (measured by
 * bench/retrainStability.ts: every one-line addition moved 1–5 unrelated labelled questions). Now an addition only
 * inserts its own steps, reordering the file or an entry's phrasings changes nothing, and the questions a change moves
 * share words with it.
 */

/** Class index of "none" is always 0; entries follow in the order given. */
export const NONE_CLASS = 0;

export interface RankerExample {
  /** Class index (0 = none, 1 + entry index otherwise). */
  readonly label: number;
  /** Normalised tokens (see Normalizer.tokensOfWords). */
  readonly tokens: readonly string[];
  /** Words as split and de-slanged (see toWords), for character n-grams. */
  readonly words: readonly string[];
}

export interface RankerOptions {
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly l2?: number;
  /**
   * Salts the visiting order (default 1). Different seeds score the tuning sets the same and blind.jsonl within two
   * questions of each other (340–343 of 371 over seeds 1–12): the seed is noise, not tuning.
   */
  readonly seed?: number;
  /** Above this many classes, training samples the softmax and prediction scores only the classes asked for. */
  readonly fullSoftmaxMaxClasses?: number;
  /** Cap on features × classes (dense weights): rarer features are dropped above it. */
  readonly maxWeights?: number;
  /** Words and tokens whose feature ids prediction keeps (see FeatureIds); the cache starts over beyond it. */
  readonly cacheSize?: number;
}

const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.6;
const CHAR_WEIGHT = 0.35;

/** Features of one text: their names and raw weights (summed for repeats). */
function featureNames(tokens: readonly string[], words: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (name: string, w: number) => out.set(name, Math.max(out.get(name) ?? 0, w));
  for (const t of tokens) add(`w ${t}`, WORD_WEIGHT);
  for (let i = 0; i + 1 < tokens.length; i++) add(`b ${tokens[i]} ${tokens[i + 1]}`, BIGRAM_WEIGHT);
  for (const word of words) {
    if (word.length < 2) continue;
    const padded = `<${word}>`;
    for (let n = 3; n <= 5; n++)
      for (let i = 0; i + n <= padded.length; i++) add(`c ${padded.slice(i, i + n)}`, CHAR_WEIGHT);
  }
  return out;
}

/** FNV-1a (32 bits) of a text. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A 32-bit integer finaliser (murmur3's fmix32): nearby inputs give unrelated outputs. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** An example's identity for the visiting order: its words, not its label or position (see the file comment). */
const contentKey = (e: RankerExample): number => fnv1a(`${e.tokens.join(' ')}\u0001${e.words.join(' ')}`);

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Vector {
  readonly index: Int32Array;
  readonly value: Float32Array;
}

/** A word's character n-gram features: the known ones' ids (first appearance order) and the unseen ones' names. */
interface WordFeatures {
  readonly known: Int32Array;
  readonly unseen: readonly string[];
}

/** Tokens and words longer than this are not cached (a message may hold a few long made-up ones; memory stays small). */
const MAX_CACHED_LENGTH = 32;

/**
 * Feature ids for prediction, cached per token and per word: the same features as featureNames() gives, without
 * building and hashing a string for each of a message's ~200 character n-grams (that was two thirds of a
 * prediction). A known feature is its index; a feature training never saw is kept by name, only so that a message's
 * distinct features can be counted for the normalisation as featureNames() counts them.
 */
class FeatureIds {
  /** token → id of its word feature, or -1 when training never saw it */
  private readonly tokens = new Map<string, number>();
  private readonly words = new Map<string, WordFeatures>();

  constructor(
    private readonly known: ReadonlyMap<string, number>,
    private readonly maxSize: number,
  ) {}

  /** Starts over when full. */
  startMessage(): void {
    if (this.words.size + this.tokens.size > this.maxSize) {
      this.tokens.clear();
      this.words.clear();
    }
  }

  /** The id of a token's word feature, or -1 when training never saw it. */
  token(token: string): number {
    let id = this.tokens.get(token);
    if (id === undefined) {
      id = this.known.get(`w ${token}`) ?? -1;
      if (token.length <= MAX_CACHED_LENGTH) this.tokens.set(token, id);
    }
    return id;
  }

  /** A word's character n-grams (none for a word shorter than 2). */
  word(word: string): WordFeatures {
    const cached = this.words.get(word);
    if (cached) return cached;
    const known: number[] = [];
    const unseen: string[] = [];
    if (word.length >= 2) {
      const padded = `<${word}>`;
      for (let n = 3; n <= 5; n++)
        for (let i = 0; i + n <= padded.length; i++) {
          const name = `c ${padded.slice(i, i + n)}`;
          const id = this.known.get(name);
          if (id === undefined) unseen.push(name);
          else if (!known.includes(id)) known.push(id);
        }
    }
    const features = { known: Int32Array.from(known), unseen };
    if (word.length <= MAX_CACHED_LENGTH) this.words.set(word, features);
    return features;
  }

  knownId(name: string): number | undefined {
    return this.known.get(name);
  }
}

/**
 * One message's features as they are taken in featureNames() order: each distinct feature once (known ones for the
 * vector, unseen ones only for the sum of squares). Known ones are told apart by generation stamps, not a Set:
 * clearing and refilling a Set of ~150 numbers per message cost more than the rest of a prediction. The few unseen
 * ones (unknown words) go in a Set of names emptied per message.
 */
class QueryFeatures {
  private readonly knownStamp: Int32Array;
  private readonly unseen = new Set<string>();
  private generation = 0;
  private readonly index: Int32Array;
  private readonly weight: Float64Array;
  private count = 0;
  private total = 0;

  constructor(features: number) {
    this.knownStamp = new Int32Array(features);
    this.index = new Int32Array(features);
    this.weight = new Float64Array(features);
  }

  start(): this {
    if (this.generation === 0x7fffffff) {
      this.generation = 0;
      this.knownStamp.fill(0);
    }
    this.generation += 1;
    this.unseen.clear();
    this.count = 0;
    this.total = 0;
    return this;
  }

  take(id: number, w: number): void {
    if (this.knownStamp[id] === this.generation) return;
    this.knownStamp[id] = this.generation;
    this.index[this.count] = id;
    this.weight[this.count] = w;
    this.count += 1;
    this.total += w * w;
  }

  takeUnseen(name: string, w: number): void {
    if (this.unseen.has(name)) return;
    this.unseen.add(name);
    this.total += w * w;
  }

  /** L2-normalised over all the features taken, known or not (as vectorOf). */
  vector(): Vector {
    const scale = this.total > 0 ? 1 / Math.sqrt(this.total) : 0;
    const value = new Float32Array(this.count);
    for (let n = 0; n < this.count; n++) value[n] = (this.weight[n] ?? 0) * scale;
    return { index: this.index.slice(0, this.count), value };
  }
}

export class Ranker {
  private readonly features = new Map<string, number>();
  private readonly weights: Float32Array;
  private readonly bias: Float32Array;
  readonly classes: number;
  private readonly full: boolean;
  private readonly ids: FeatureIds;
  /** Scratch for one prediction (predict() is synchronous, so never shared). */
  private readonly query: QueryFeatures;
  private readonly logits: Float64Array;
  private readonly allClasses: readonly number[];

  constructor(classes: number, examples: readonly RankerExample[], options: RankerOptions = {}) {
    const { learningRate = 0.5, l2 = 1e-5, seed = 1, fullSoftmaxMaxClasses = 80 } = options;
    const maxWeights = options.maxWeights ?? 8_000_000;
    this.classes = classes;
    this.full = classes <= fullSoftmaxMaxClasses;
    this.ids = new FeatureIds(this.features, options.cacheSize ?? 20_000);
    this.logits = new Float64Array(classes);
    this.allClasses = Array.from({ length: classes }, (_, c) => c);
    // Large files have many phrasings per class already; fewer passes keep their load time in seconds.
    const epochs = options.epochs ?? (this.full ? 12 : 4);

    // Vocabulary: every feature seen in training, the most frequent first when it has to be capped.
    const named = examples.map((e) => featureNames(e.tokens, e.words));
    const counts = new Map<string, number>();
    for (const f of named) for (const name of f.keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
    const maxFeatures = Math.max(1, Math.floor(maxWeights / classes));
    const vocab = [...counts.keys()];
    if (vocab.length > maxFeatures)
      vocab.sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
    for (const name of vocab.slice(0, maxFeatures)) this.features.set(name, this.features.size);
    const F = this.features.size;
    this.weights = new Float32Array(F * classes);
    this.bias = new Float32Array(classes);
    const vectors = named.map((f) => this.vectorOf(f));
    this.query = new QueryFeatures(F);

    // Negatives for the sampled softmax, found once: the classes sharing most word features with the example.
    const hardNegatives: (readonly number[])[] = [];
    if (!this.full) {
      const wordClasses = new Map<number, Set<number>>();
      const wordFeatures = named.map((f) =>
        [...f.keys()].flatMap((name) => {
          const index = name.startsWith('w ') ? this.features.get(name) : undefined;
          return index === undefined ? [] : [index];
        }),
      );
      examples.forEach((e, i) => {
        for (const f of wordFeatures[i] ?? []) {
          const set = wordClasses.get(f) ?? new Set<number>();
          set.add(e.label);
          wordClasses.set(f, set);
        }
      });
      examples.forEach((e, i) => {
        const overlap = new Map<number, number>();
        for (const f of wordFeatures[i] ?? []) {
          const set = wordClasses.get(f);
          if (!set || set.size > 200) continue;
          for (const c of set) if (c !== e.label) overlap.set(c, (overlap.get(c) ?? 0) + 1);
        }
        hardNegatives.push(
          [...overlap]
            .sort((a, b) => b[1] - a[1] || a[0] - b[0])
            .slice(0, 10)
            .map(([c]) => c),
        );
      });
    }

    const keys = examples.map(contentKey);
    const order = examples.map((_, i) => i);
    const epochKeys = new Uint32Array(examples.length);
    const logits = new Float64Array(classes);
    const all = this.allClasses;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const salt = mix32(Math.imul(seed >>> 0, 0x9e3779b1) + epoch);
      for (let i = 0; i < keys.length; i++) epochKeys[i] = mix32((keys[i] as number) ^ salt);
      // Same words, same place: ties (the same text under two entries) by label, so positions never count.
      order.sort(
        (a, b) =>
          (epochKeys[a] as number) - (epochKeys[b] as number) ||
          (examples[a] as RankerExample).label - (examples[b] as RankerExample).label,
      );
      const rate = learningRate / (1 + epoch * 0.5);
      const decay = 1 - rate * l2;
      for (const k of order) {
        const example = examples[k] as RankerExample;
        const x = vectors[k] as Vector;
        const set = this.full
          ? all
          : this.sampleClasses(example.label, hardNegatives[k] ?? [], rng(epochKeys[k] as number));
        let max = -Infinity;
        for (const c of set) {
          const z = this.logit(x, c);
          logits[c] = z;
          if (z > max) max = z;
        }
        let sum = 0;
        for (const c of set) {
          const e = Math.exp((logits[c] ?? 0) - max);
          logits[c] = e;
          sum += e;
        }
        for (const c of set) {
          const g = rate * ((logits[c] ?? 0) / sum - (c === example.label ? 1 : 0));
          this.bias[c] = (this.bias[c] ?? 0) - g * 0.1;
          for (let n = 0; n < x.index.length; n++) {
            const w = (x.index[n] as number) * classes + c;
            this.weights[w] = (this.weights[w] ?? 0) * decay - g * (x.value[n] as number);
          }
        }
      }
    }
  }

  /** Probabilities of the given classes (all of them on small files), normalised over those classes. */
  predict(tokens: readonly string[], words: readonly string[], among?: readonly number[]): Map<number, number> {
    const x = this.queryVector(tokens, words);
    const set = this.full || !among ? this.allClasses : [NONE_CLASS, ...among];
    const z = this.full || !among ? this.allLogits(x) : Float64Array.from(set, (c) => this.logit(x, c));
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    const out = new Map<number, number>();
    set.forEach((c, i) => {
      out.set(c, (e[i] ?? 0) / sum);
    });
    return out;
  }

  /**
   * vectorOf(featureNames(tokens, words)), from cached ids: the same features in the same order, so the same sums
   * to the last bit.
   */
  private queryVector(tokens: readonly string[], words: readonly string[]): Vector {
    const { ids } = this;
    ids.startMessage();
    const q = this.query.start();
    // Word features, then bigrams, then character n-grams: featureNames()' order, and all of one kind weigh the same,
    // so the sum of squares adds the same numbers in the same order.
    for (const t of tokens) {
      const id = ids.token(t);
      if (id >= 0) q.take(id, WORD_WEIGHT);
      else q.takeUnseen(`w ${t}`, WORD_WEIGHT);
    }
    for (let i = 0; i + 1 < tokens.length; i++) {
      const name = `b ${tokens[i]} ${tokens[i + 1]}`;
      const id = ids.knownId(name);
      if (id === undefined) q.takeUnseen(name, BIGRAM_WEIGHT);
      else q.take(id, BIGRAM_WEIGHT);
    }
    for (const word of words) {
      const features = ids.word(word);
      for (const id of features.known) q.take(id, CHAR_WEIGHT);
      for (const name of features.unseen) q.takeUnseen(name, CHAR_WEIGHT);
    }
    return q.vector();
  }

  /**
   * Every class's logit in one pass over the features (the weights are stored feature by feature): the same terms
   * added in the same order as logit(), class by class. Returns the scratch array (read it before the next call).
   */
  private allLogits(x: Vector): Float64Array {
    // Locals, not fields, inside the loops: V8 reloads a field after every store to a typed array (3× slower).
    const { classes: C, logits: z, weights, bias } = this;
    const { index, value } = x;
    for (let c = 0; c < C; c++) z[c] = bias[c] ?? 0;
    for (let n = 0; n < index.length; n++) {
      const base = (index[n] ?? 0) * C;
      const v = value[n] ?? 0;
      for (let c = 0; c < C; c++) z[c] = (z[c] ?? 0) + (weights[base + c] ?? 0) * v;
    }
    return z;
  }

  private logit(x: Vector, c: number): number {
    const { classes: C, weights } = this;
    const { index, value } = x;
    let z = this.bias[c] ?? 0;
    for (let n = 0; n < index.length; n++) z += (weights[(index[n] ?? 0) * C + c] ?? 0) * (value[n] ?? 0);
    return z;
  }

  private vectorOf(named: Map<string, number>): Vector {
    const index: number[] = [];
    const value: number[] = [];
    for (const [name, w] of named) {
      const f = this.features.get(name);
      if (f === undefined) continue;
      index.push(f);
      value.push(w);
    }
    // Normalised over all the text's features, known or not: unknown words make every class less likely.
    let total = 0;
    for (const w of named.values()) total += w * w;
    const scale = total > 0 ? 1 / Math.sqrt(total) : 0;
    return { index: Int32Array.from(index), value: Float32Array.from(value, (v) => v * scale) };
  }

  private sampleClasses(label: number, hard: readonly number[], random: () => number): number[] {
    const set = new Set<number>([label, NONE_CLASS, ...hard]);
    for (let i = 0; i < 5; i++) set.add(Math.floor(random() * this.classes));
    return [...set];
  }
}
