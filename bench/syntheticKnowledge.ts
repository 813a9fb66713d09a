/**
 * A synthetic knowledge base of any size, for measuring the matcher at a scale the real file does not reach yet.
 *
 * Deterministic (seeded): the same seed gives the same entries and the same queries on every machine, so numbers are
 * comparable between runs. The vocabulary is Indonesian/English-ish on purpose: real Indonesian roots with meN-/di-/
 * peN-an affixes (so the Sastrawi stemmer does real work), English translations, slang, multi-word synonyms shared by
 * many entries, Zipf-distributed topic words (a few words like "data" appear everywhere, most are rare) and
 * made-up product names. Every generated file goes through the product's own schema validation.
 */

import { validateKnowledge } from '../knowledge/schema.ts';
import { type KnowledgeBase, phrasingsOf } from '../knowledge/types.ts';

/** mulberry32: tiny, fast, good enough for test data; deterministic across platforms. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

/** Picks items with Zipf-like frequencies: the first items of the list come up far more often than the last. */
class Zipf<T> {
  private readonly cumulative: number[] = [];

  constructor(
    private readonly items: readonly T[],
    exponent = 1,
  ) {
    let sum = 0;
    for (let i = 0; i < items.length; i += 1) {
      sum += 1 / (i + 1) ** exponent;
      this.cumulative.push(sum);
    }
  }

  pick(random: Random): T {
    const total = this.cumulative[this.cumulative.length - 1] ?? 0;
    const x = random.next() * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    const item = this.items[lo];
    if (item === undefined) throw new Error('empty Zipf list');
    return item;
  }
}

// --- vocabulary -------------------------------------------------------------------------------------------------

/** Indonesian verb root → English verb. The roots get real affixes below. */
const VERBS: readonly (readonly [string, string])[] = [
  ['jual', 'sell'],
  ['bagi', 'share'],
  ['simpan', 'store'],
  ['hapus', 'delete'],
  ['kirim', 'send'],
  ['ubah', 'change'],
  ['akses', 'access'],
  ['lindung', 'protect'],
  ['kumpul', 'collect'],
  ['pakai', 'use'],
  ['minta', 'request'],
  ['daftar', 'register'],
  ['bayar', 'pay'],
  ['tagih', 'bill'],
  ['pesan', 'order'],
  ['hubung', 'contact'],
  ['tanya', 'ask'],
  ['batal', 'cancel'],
  ['ganti', 'replace'],
  ['lihat', 'view'],
  ['cari', 'search'],
  ['pilih', 'choose'],
  ['terima', 'receive'],
  ['tolak', 'reject'],
  ['setuju', 'agree'],
  ['catat', 'record'],
  ['pantau', 'monitor'],
  ['lacak', 'track'],
  ['sebar', 'spread'],
  ['bocor', 'leak'],
  ['kunci', 'lock'],
  ['pulih', 'restore'],
  ['pindah', 'move'],
  ['sewa', 'rent'],
  ['langgan', 'subscribe'],
  ['lapor', 'report'],
  ['periksa', 'check'],
  ['verifikasi', 'verify'],
  ['rekam', 'capture'],
  ['proses', 'process'],
  ['atur', 'configure'],
  ['pasang', 'install'],
  ['unduh', 'download'],
  ['unggah', 'upload'],
  ['cetak', 'print'],
  ['salin', 'copy'],
  ['buka', 'open'],
  ['tutup', 'close'],
  ['blokir', 'block'],
  ['tahan', 'retain'],
  ['kembali', 'refund'],
  ['klaim', 'claim'],
  ['tukar', 'exchange'],
  ['aktif', 'activate'],
  ['kelola', 'manage'],
  ['awasi', 'supervise'],
  ['serah', 'hand'],
  ['hitung', 'count'],
  ['ukur', 'measure'],
  ['urus', 'handle'],
];

/** Indonesian noun → English noun; the first ones are the common ones (Zipf). */
const NOUNS: readonly (readonly [string, string])[] = [
  ['data', 'data'],
  ['akun', 'account'],
  ['layanan', 'service'],
  ['informasi', 'information'],
  ['email', 'email'],
  ['server', 'server'],
  ['pelanggan', 'customer'],
  ['tagihan', 'invoice'],
  ['kartu kredit', 'credit card'],
  ['kata sandi', 'password'],
  ['alamat', 'address'],
  ['nomor telepon', 'phone number'],
  ['domain', 'domain'],
  ['situs', 'website'],
  ['cookie', 'cookie'],
  ['paket', 'package'],
  ['kontrak', 'contract'],
  ['biaya', 'fee'],
  ['harga', 'price'],
  ['cadangan', 'backup'],
  ['jaringan', 'network'],
  ['pihak ketiga', 'third party'],
  ['mitra', 'partner'],
  ['karyawan', 'employee'],
  ['dokumen', 'document'],
  ['berkas', 'file'],
  ['rekening', 'bank account'],
  ['transaksi', 'transaction'],
  ['keamanan', 'security'],
  ['privasi', 'privacy'],
  ['persetujuan', 'consent'],
  ['anak', 'child'],
  ['orang tua', 'parent'],
  ['usia', 'age'],
  ['alamat ip', 'ip address'],
  ['pusat data', 'data center'],
  ['aplikasi', 'application'],
  ['perangkat', 'device'],
  ['lokasi', 'location'],
  ['pajak', 'tax'],
  ['faktur', 'receipt'],
  ['sertifikat', 'certificate'],
  ['enkripsi', 'encryption'],
  ['identitas', 'identity'],
  ['foto', 'photo'],
  ['rekaman suara', 'voice recording'],
  ['notifikasi', 'notification'],
  ['iklan', 'advertisement'],
  ['promosi', 'promotion'],
  ['diskon', 'discount'],
  ['kupon', 'coupon'],
  ['survei', 'survey'],
  ['statistik', 'statistics'],
  ['riwayat', 'history'],
  ['pemerintah', 'government'],
  ['hukum', 'law'],
  ['kebijakan', 'policy'],
  ['hak', 'right'],
  ['keluhan', 'complaint'],
  ['laporan', 'report'],
  ['memori', 'memory'],
  ['disk', 'disk'],
  ['prosesor', 'processor'],
  ['lisensi', 'license'],
  ['sekolah', 'school'],
  ['kantor', 'office'],
  ['negara', 'country'],
  ['tiket', 'ticket'],
  ['jadwal', 'schedule'],
  ['gangguan', 'outage'],
  ['pemeliharaan', 'maintenance'],
  ['kapasitas', 'capacity'],
  ['kecepatan', 'speed'],
  ['firewall', 'firewall'],
  ['virus', 'virus'],
  ['serangan', 'attack'],
  ['log', 'log'],
  ['sesi', 'session'],
  ['perangkat lunak', 'software'],
  ['langganan', 'subscription'],
];

/** Words every question uses (most are stop words or slang the normaliser already knows). */
const ID_FILLERS = ['saya', 'kami', 'bisa', 'harus', 'sudah', 'akan', 'tidak', 'juga', 'masih', 'semua', 'yang', 'di'];
const SLANG = ['gak', 'ga', 'sy', 'yg', 'gmn', 'min', 'dong', 'sih', 'kak', 'gan', 'bgt', 'aja', 'tdk', 'udh'];
const DECORATIONS = ['?', '??', ' ?', '!', ' 🙏', ' :)', '...', ''];

const SYLLABLES = ['ka', 'ra', 'ma', 'na', 'sa', 'ta', 'la', 'pa', 'ba', 'da', 'ga', 'ja', 'wa', 'ki', 'ri', 'mi'];
const SYLLABLES2 = ['ni', 'si', 'ti', 'li', 'ku', 'ru', 'mu', 'nu', 'su', 'tu', 'lo', 'po', 'bo', 'ko', 're', 'ne'];
const FINALS = ['', '', 'n', 'k', 'r', 's', 't', 'ng'];
/** Letters the generated product names never use, so unknown words are guaranteed unknown. */
const UNKNOWN_SYLLABLES = ['zor', 'vex', 'qua', 'fyr', 'xan', 'zul', 'vok', 'qir', 'jex', 'wyz', 'fex', 'zim'];
const UNKNOWN_REAL = [
  'harddisk',
  'ssd',
  'kubernetes',
  'bitcoin',
  'shopee',
  'tokopedia',
  'gojek',
  'vps',
  'nvme',
  'ddos',
];

const VOWEL = /^[aiueo]/;

/** Indonesian meN- prefix with its sound changes (menjual, memakai, mengirim, menyimpan). */
function meN(root: string): string {
  if (VOWEL.test(root)) return `meng${root}`;
  if (/^[ghk]/.test(root)) return root.startsWith('k') ? `meng${root.slice(1)}` : `meng${root}`;
  if (/^[bfv]/.test(root)) return `mem${root}`;
  if (root.startsWith('p')) return `mem${root.slice(1)}`;
  if (root.startsWith('s')) return `meny${root.slice(1)}`;
  if (root.startsWith('t')) return `men${root.slice(1)}`;
  if (/^[cdjz]/.test(root)) return `men${root}`;
  return `me${root}`;
}

const peNan = (root: string): string => `pe${meN(root).slice(2)}an`;

function enForms(verb: string): { s: string; ed: string; ing: string } {
  const stem = verb.endsWith('e') ? verb.slice(0, -1) : verb;
  const s = /(?:s|sh|ch|x)$/.test(verb) ? `${verb}es` : `${verb}s`;
  return { s, ed: `${stem}ed`, ing: `${stem}ing` };
}

function pseudoWord(random: Random, syllables: readonly string[], min: number, max: number): string {
  const n = min + random.int(max - min + 1);
  let w = '';
  for (let i = 0; i < n; i += 1) w += random.pick(syllables);
  return w + random.pick(FINALS);
}

// --- knowledge base ---------------------------------------------------------------------------------------------

interface Concept {
  readonly id: string;
  readonly en: string;
}

interface Topic {
  readonly verb: Concept;
  readonly nounA: Concept;
  readonly nounB: Concept;
  readonly feature: string;
}

export interface SyntheticKnowledge {
  readonly knowledge: KnowledgeBase;
  /** Made-up words that appear nowhere in the file (for unknown-word queries). */
  readonly unknownWords: readonly string[];
  readonly stats: { readonly synonymGroups: number; readonly phrases: number; readonly keywords: number };
}

export interface SyntheticOptions {
  readonly entries: number;
  readonly seed: number;
  /** Phrasings per entry besides the two questions (about 10). */
  readonly alternates?: number;
}

/** One phrasing, with the words it is built from. Placeholders: {v} verb forms, {a} {b} nouns, {f} product name. */
type Template = (t: Topic, r: Random) => string;

const idVerb = (t: Topic, r: Random): string => {
  const root = t.verb.id;
  return r.pick([root, meN(root), `di${root}`, `di${root}kan`, `${meN(root)}kan`, `${root}nya`]);
};
const enVerb = (t: Topic, r: Random): string => {
  const f = enForms(t.verb.en);
  return r.pick([t.verb.en, t.verb.en, f.s, f.ing]);
};
const enPassive = (t: Topic): string => enForms(t.verb.en).ed;

const ID_TEMPLATES: readonly Template[] = [
  (t, r) => `apakah ${t.nounA.id} saya ${idVerb(t, r)} ke ${t.nounB.id}`,
  (t, r) => `bagaimana cara ${meN(t.verb.id)} ${t.nounA.id} di ${t.feature}${r.chance(0.3) ? ' wowrack' : ''}`,
  (t) => `kenapa ${t.nounA.id} ${t.nounB.id} harus di${t.verb.id}`,
  (t) => `bisakah saya ${meN(t.verb.id)} ${t.nounA.id} lewat ${t.feature}`,
  (t) => `${t.nounA.id} ${t.feature} di${t.verb.id} gak sih`,
  (t) => `apa syarat ${peNan(t.verb.id)} ${t.nounA.id} untuk ${t.nounB.id}`,
  (t, r) =>
    `berapa lama ${t.nounA.id} di${t.verb.id}kan setelah ${t.nounB.id} ${r.pick(['aktif', 'berakhir', 'dibuat'])}`,
  (t) => `siapa yang boleh ${meN(t.verb.id)} ${t.nounA.id} ${t.nounB.id} saya`,
  (t) => `min mau tanya, ${t.nounA.id} sy bisa di${t.verb.id} ga`,
  (t) => `kapan ${t.nounA.id} ${t.feature} di${t.verb.id}`,
  (t) => `apakah wowrack ${meN(t.verb.id)} ${t.nounA.id} pelanggan ke ${t.nounB.id}`,
  (t, r) => `${peNan(t.verb.id)} ${t.nounA.id} ${r.pick(ID_FILLERS)} ${t.nounB.id}`,
  (t) => `tolong jelaskan ${peNan(t.verb.id)} ${t.nounB.id} di ${t.feature}`,
];

const EN_TEMPLATES: readonly Template[] = [
  (t, r) => `can i ${enVerb(t, r)} my ${t.nounA.en} on ${t.feature}`,
  (t, r) => `how do you ${enVerb(t, r)} ${t.nounA.en} and ${t.nounB.en}`,
  (t, r) => `do you ${enVerb(t, r)} my ${t.nounA.en} with ${t.nounB.en}`,
  (t) => `what happens to my ${t.nounA.en} when ${t.feature} is ${enPassive(t)}`,
  (t, r) => `why do you ${enVerb(t, r)} my ${t.nounB.en}`,
  (t, r) => `who can ${enVerb(t, r)} the ${t.nounA.en} of my ${t.nounB.en}`,
  (t, r) => `is my ${t.nounA.en} ${enPassive(t)} in ${t.feature}${r.chance(0.3) ? ' at wowrack' : ''}`,
  (t) => `${t.nounA.en} ${enForms(t.verb.en).ing} policy for ${t.nounB.en}`,
];

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Generates and validates a knowledge base of `entries` entries. */
export function syntheticKnowledge(options: SyntheticOptions): SyntheticKnowledge {
  const random = new Random(options.seed);
  const alternates = options.alternates ?? 10;
  const verbs = VERBS.map(([id, en]) => ({ id, en }));
  const nouns = NOUNS.map(([id, en]) => ({ id, en }));
  const verbZipf = new Zipf(verbs, 0.8);
  const nounZipf = new Zipf(nouns, 1);

  // Product / feature names: about one per three entries, so several entries share one.
  const features = new Set<string>();
  while (features.size < Math.max(20, Math.round(options.entries / 3)))
    features.add(pseudoWord(random, random.chance(0.5) ? SYLLABLES : SYLLABLES2, 2, 3));
  const featureList = [...features];

  // Shared synonyms: most concepts get a group (English words, affixed forms, informal spellings).
  const synonyms: Record<string, string[]> = {};
  for (const v of verbs) {
    if (!random.chance(0.75)) continue;
    const f = enForms(v.en);
    synonyms[v.id] = [v.en, f.s, f.ed, f.ing, meN(v.id), `di${v.id}`, `di${v.id}in`, `${v.id}in`];
  }
  for (const n of nouns) {
    if (n.id === n.en || !random.chance(0.6)) continue;
    const variants = [n.en, `${n.en}s`];
    if (n.id.includes(' '))
      variants.push(
        n.id.replace(' ', ''),
        n.id
          .split(' ')
          .map((w) => w.slice(0, 3))
          .join(' '),
      );
    synonyms[n.id] = variants;
  }
  let phrases = 0;
  let keywordCount = 0;
  const rawEntries: Record<string, unknown>[] = [];
  const ids: string[] = [];
  for (let i = 0; i < options.entries; i += 1) {
    const id = `topic-${String(i + 1).padStart(4, '0')}`;
    ids.push(id);
    const nounA = nounZipf.pick(random);
    let nounB = nounZipf.pick(random);
    while (nounB === nounA) nounB = nounZipf.pick(random);
    const topic: Topic = { verb: verbZipf.pick(random), nounA, nounB, feature: random.pick(featureList) };
    const offtopic = random.chance(0.05);
    const idCount = Math.ceil(alternates * 0.6);
    const idAlternates = Array.from({ length: idCount }, () => random.pick(ID_TEMPLATES)(topic, random));
    const enAlternates = Array.from({ length: alternates - idCount }, () => random.pick(EN_TEMPLATES)(topic, random));
    phrases += alternates + 2;
    const keywords = [topic.verb.id, topic.nounA.id, topic.nounB.en, topic.feature, peNan(topic.verb.id)];
    if (random.chance(0.4)) keywords.push(`${topic.nounA.id} ${topic.feature}`);
    if (random.chance(0.3)) keywords.push(random.pick(nouns).en);
    keywordCount += keywords.length;
    const related = random.chance(0.6)
      ? [...new Set(Array.from({ length: 1 + random.int(3) }, () => ids[random.int(ids.length)] ?? id))].filter(
          (r) => r !== id,
        )
      : [];
    rawEntries.push({
      id,
      ...(offtopic ? { kind: 'offtopic' } : {}),
      section: `Bagian ${1 + (i % 40)}: ${capitalise(topic.nounA.id)}`,
      question: {
        id: `${capitalise(random.pick(ID_TEMPLATES)(topic, random))}?`,
        en: `${capitalise(random.pick(EN_TEMPLATES)(topic, random))}?`,
      },
      alternates: { id: idAlternates, en: enAlternates },
      keywords,
      ...(offtopic
        ? {}
        : {
            answer: {
              id: `Wowrack Indonesia ${meN(topic.verb.id)} ${topic.nounA.id} dan ${topic.nounB.id} melalui ${topic.feature} sesuai kebijakan yang berlaku. ${capitalise(peNan(topic.verb.id))} hanya dilakukan oleh personil yang berwenang.`,
              en: `Wowrack Indonesia ${enForms(topic.verb.en).s} ${topic.nounA.en} and ${topic.nounB.en} through ${topic.feature} under the policy in force. Only authorised personnel do so.`,
            },
          }),
      ...(random.chance(0.05) ? { flow: 'support' } : {}),
      related,
    });
  }

  const vocabulary = new Set<string>();
  for (const e of rawEntries)
    for (const w of JSON.stringify(e)
      .toLowerCase()
      .split(/[^a-z]+/))
      vocabulary.add(w);
  const unknownWords = new Set<string>(UNKNOWN_REAL.filter((w) => !vocabulary.has(w)));
  while (unknownWords.size < 300) {
    const w = pseudoWord(random, UNKNOWN_SYLLABLES, 1, 2);
    if (!vocabulary.has(w)) unknownWords.add(w);
  }

  const knowledge = validateKnowledge({ version: 1, synonyms, entries: rawEntries }, `synthetic-${options.entries}`);
  return {
    knowledge,
    unknownWords: [...unknownWords],
    stats: { synonymGroups: Object.keys(synonyms).length, phrases, keywords: keywordCount },
  };
}

// --- queries ----------------------------------------------------------------------------------------------------

export type QueryKind = 'clean' | 'typo' | 'unknown' | 'typo+unknown' | 'short' | 'long' | 'out-of-scope';

export interface SyntheticQuery {
  readonly text: string;
  readonly kind: QueryKind;
}

const KEYBOARD_NEIGHBOURS: Readonly<Record<string, string>> = {
  a: 'sq',
  b: 'vn',
  c: 'xv',
  d: 'sf',
  e: 'wr',
  f: 'dg',
  g: 'fh',
  h: 'gj',
  i: 'uo',
  j: 'hk',
  k: 'jl',
  l: 'k',
  m: 'n',
  n: 'bm',
  o: 'ip',
  p: 'o',
  r: 'et',
  s: 'ad',
  t: 'ry',
  u: 'yi',
  w: 'qe',
  y: 'tu',
};

/** One realistic typo: dropped, doubled, swapped or mistyped letter, or texting-style dropped vowel. */
export function typo(word: string, random: Random): string {
  if (word.length < 4) return word;
  const i = 1 + random.int(word.length - 2);
  const c = word.charAt(i);
  switch (random.int(5)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + c + word.slice(i);
    case 2:
      return word.slice(0, i - 1) + c + word.charAt(i - 1) + word.slice(i + 1);
    case 3: {
      const near = KEYBOARD_NEIGHBOURS[c];
      return near
        ? word.slice(0, i) + random.pick([...near]) + word.slice(i + 1)
        : word.slice(0, i) + word.slice(i + 1);
    }
    default: {
      const vowel = word.slice(1).search(/[aiueo]/);
      return vowel >= 0 ? word.slice(0, vowel + 1) + word.slice(vowel + 2) : word;
    }
  }
}

function withTypos(text: string, random: Random, count: number): string {
  const ws = text.split(' ');
  for (let k = 0; k < count; k += 1) {
    const candidates = ws.map((w, i) => (w.length >= 4 ? i : -1)).filter((i) => i >= 0);
    if (candidates.length === 0) break;
    const i = random.pick(candidates);
    ws[i] = typo(ws[i] ?? '', random);
  }
  return ws.join(' ');
}

function withUnknown(text: string, random: Random, unknown: readonly string[]): string {
  const ws = text.split(' ');
  ws.splice(random.int(ws.length + 1), 0, random.pick(unknown));
  return ws.join(' ');
}

function decorate(text: string, random: Random): string {
  let out = text;
  if (random.chance(0.3)) out = `${random.pick(SLANG)} ${out}`;
  if (random.chance(0.2)) out = `${out} ${random.pick(SLANG)}`;
  if (random.chance(0.2)) out = capitalise(out);
  return out + random.pick(DECORATIONS);
}

const FILLERS = ['min', 'kak', 'tolong', 'mau tanya', 'halo', 'dong', 'ya', 'sih', 'pls', 'gan'];

/**
 * The same question as another customer would type it: a typo, a filler word ("min", "dong"), other case or
 * punctuation. Case and punctuation alone leave the words unchanged; typos and fillers make a new word sequence.
 */
export function customerVariant(text: string, random: Random): string {
  let out = text.replace(/[?!.]+$/, '');
  if (random.chance(0.5)) out = withTypos(out, random, 1);
  if (random.chance(0.3)) out = `${random.pick(FILLERS)} ${out}`;
  if (random.chance(0.3)) out = `${out} ${random.pick(FILLERS)}`;
  if (random.chance(0.3)) out = out.toLowerCase();
  return out + random.pick(DECORATIONS);
}

/**
 * Questions customers might send about a synthetic knowledge base: rephrasings of its entries with typos, slang,
 * unknown words (products the file does not know), one-word questions, long rambling messages and out-of-scope ones.
 */
export function syntheticQueries(synthetic: SyntheticKnowledge, count: number, seed: number): SyntheticQuery[] {
  const random = new Random(seed);
  const entries = synthetic.knowledge.entries;
  const phrasing = (): string => {
    const e = random.pick(entries);
    return random.pick(phrasingsOf(e)).replace(/\?$/, '').toLowerCase();
  };
  const out: SyntheticQuery[] = [];
  for (let i = 0; i < count; i += 1) {
    const roll = random.next();
    let text: string;
    let kind: QueryKind;
    if (roll < 0.3) {
      text = phrasing();
      kind = 'clean';
    } else if (roll < 0.6) {
      text = withTypos(phrasing(), random, random.chance(0.7) ? 1 : 2);
      kind = 'typo';
    } else if (roll < 0.75) {
      text = withUnknown(phrasing(), random, synthetic.unknownWords);
      kind = 'unknown';
    } else if (roll < 0.85) {
      text = withUnknown(withTypos(phrasing(), random, 1), random, synthetic.unknownWords);
      kind = 'typo+unknown';
    } else if (roll < 0.92) {
      const e = random.pick(entries);
      const word = random.pick(e.keywords);
      text = random.chance(0.4) ? typo(word, random) : word;
      kind = 'short';
    } else if (roll < 0.96) {
      text = `${phrasing()}, terus ${withTypos(phrasing(), random, 1)} dan juga ${phrasing()} ya`;
      kind = 'long';
    } else {
      const u = synthetic.unknownWords;
      text = `berapa ${random.pick(['harga', 'biaya', 'cost of'])} ${random.pick(u)} ${random.pick(u)} ${random.pick(['terbaru', 'per bulan', 'now'])}`;
      kind = 'out-of-scope';
    }
    out.push({ text: decorate(text, random), kind });
  }
  return out;
}
