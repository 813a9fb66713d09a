import { expect } from 'chai';
import { informalVariants } from '../../knowledge/informal.ts';
import { detectLanguage } from '../../knowledge/language.ts';
import { loadKnowledgeFile } from '../../knowledge/load.ts';
import { expandSlang, Normalizer, type Stemmer, words } from '../../knowledge/normalize.ts';
import { detectSmallTalk } from '../../knowledge/smalltalk.ts';
import { editDistance, TypoCorrector } from '../../knowledge/typoCorrector.ts';
import { sastrawiStemmer } from '../../scripts/sastrawiStemmer.ts';
import { KNOWLEDGE_FILE } from '../support/buildBot.ts';

/** Words of a message the way the matcher and the language detector see them. */
const wordsOf = (text: string): string[] => expandSlang(words(text));

describe('words()', () => {
  it('lower-cases and folds accents', () => {
    expect(words('Data SAYA Dijual')).to.deep.equal(['data', 'saya', 'dijual']);
    expect(words('Café naïve')).to.deep.equal(['cafe', 'naive']);
  });

  it('drops emoji and punctuation', () => {
    expect(words('Halo kak!!! 😊🙏 data, saya... aman?')).to.deep.equal(['halo', 'kak', 'data', 'saya', 'aman']);
    expect(words('🙏🙏 ??? !!!')).to.deep.equal([]);
  });

  it('collapses letters repeated for emphasis but keeps ordinary double letters', () => {
    expect(words('tolonggg')).to.deep.equal(['tolong']);
    expect(words('Haloooo kakkkk')).to.deep.equal(['halo', 'kak']);
    expect(words('cookie')).to.deep.equal(['cookie']);
    expect(words('pelanggan')).to.deep.equal(['pelanggan']);
  });

  it('reduces reduplication written with a hyphen or with 2', () => {
    expect(words('halaman-halaman')).to.deep.equal(['halaman']);
    expect(words('anak-anak')).to.deep.equal(['anak']);
    expect(words('partner2')).to.deep.equal(['partner']);
    // A number is not a reduplication.
    expect(words('umur 12')).to.deep.equal(['umur', '12']);
  });

  it('keeps "e-mail" and "128-bit" whole and splits other hyphenated words', () => {
    expect(words('e-mail enkripsi 128-bit')).to.deep.equal(['e-mail', 'enkripsi', '128-bit']);
    expect(words('pihak-ketiga')).to.deep.equal(['pihak', 'ketiga']);
  });

  it('replaces e-mail addresses with one placeholder word and drops URLs', () => {
    const out = words('Kirim ke budi.santoso@example.co.id ya, lihat https://example.com/privacy?x=1');
    expect(out).to.deep.equal(['kirim', 'ke', 'alamatemail', 'ya', 'lihat']);
    expect(out.join(' ')).not.to.match(/budi|santoso|example/);
  });

  it('returns nothing for an empty message', () => {
    expect(words('')).to.deep.equal([]);
    expect(words('   \n\t ')).to.deep.equal([]);
  });
});

describe('expandSlang()', () => {
  it('rewrites every informal negation to "tidak"', () => {
    expect(expandSlang(['gak', 'ga', 'nggak', 'enggak', 'gk', 'tdk'])).to.deep.equal(Array(6).fill('tidak'));
  });

  it('rewrites common abbreviations to standard words', () => {
    expect(expandSlang(['yg', 'sy', 'gmn', 'dgn', 'utk', 'aja', 'udah', 'blm'])).to.deep.equal([
      'yang',
      'saya',
      'bagaimana',
      'dengan',
      'untuk',
      'saja',
      'sudah',
      'belum',
    ]);
  });

  it('expands a slang word into several words where needed, keeping the order', () => {
    expect(expandSlang(['izin', 'ortu', 'dong'])).to.deep.equal(['izin', 'orang', 'tua', 'dong']);
  });

  it('leaves standard and unknown words alone', () => {
    expect(expandSlang(['apakah', 'data', 'xyzzy'])).to.deep.equal(['apa', 'data', 'xyzzy']);
    expect(expandSlang(['data', 'dijual'])).to.deep.equal(['data', 'dijual']);
  });

  it('treats the names of JavaScript object members as ordinary words ("constructor" used to throw)', () => {
    expect(expandSlang(words('constructor toString valueOf __proto__ gak'))).to.deep.equal([
      'constructor',
      'tostring',
      'valueof',
      'proto',
      'tidak',
    ]);
  });

  it('works on the output of words() for a whole informal message', () => {
    expect(wordsOf('Min, data sy gak dijual kan???')).to.deep.equal([
      'kakak',
      'data',
      'saya',
      'tidak',
      'dijual',
      'kan',
    ]);
  });
});

describe('Normalizer with the real knowledge file', () => {
  let normalizer: Normalizer;
  /** The single token a word or phrase normalises to. */
  const tokenOf = (text: string): string => {
    const tokens = normalizer.tokens(text);
    expect(tokens, `"${text}" should give exactly one token`).to.have.length(1);
    return tokens[0] ?? '';
  };

  before(async () => {
    const kb = await loadKnowledgeFile(KNOWLEDGE_FILE);
    normalizer = new Normalizer(kb.synonyms, sastrawiStemmer());
  });

  it('maps every spelling of "cookie" to one token', () => {
    const cookie = tokenOf('cookie');
    for (const variant of ['cookies', 'kukis', 'Cookies', 'COOKIE', 'cookie-cookie'])
      expect(tokenOf(variant)).to.equal(cookie);
  });

  it('maps multi-word synonyms to the canonical phrase token', () => {
    const other = tokenOf('pihak lain');
    expect(tokenOf('pihak ketiga')).to.equal(other);
    expect(tokenOf('third party')).to.equal(other);
    expect(tokenOf('third-party')).to.equal(other);
    expect(normalizer.isCanonical(other)).to.equal(true);
    expect(tokenOf('orang tua')).to.equal(tokenOf('ortu'));
    expect(tokenOf('parents')).to.equal(tokenOf('orang tua'));
  });

  it('gives English and Indonesian wordings of the same question the same tokens', () => {
    expect(normalizer.tokens('Apakah data saya dijual?')).to.have.members(normalizer.tokens('Do you sell my data?'));
    expect(tokenOf('e-mail')).to.equal(tokenOf('surel'));
  });

  it('drops stop words in both languages', () => {
    expect(normalizer.tokens('apakah yang dan di ke saya dong sih')).to.deep.equal([]);
    expect(normalizer.tokens('what is the how can i please')).to.deep.equal([]);
    expect(normalizer.tokens('apakah data saya dijual?')).to.have.length(2);
  });

  it('stems affixed words to the same token as other forms of the root', () => {
    expect(tokenOf('dibagikan')).to.equal(tokenOf('membagikan'));
    expect(tokenOf('dibagikan')).to.equal(tokenOf('share'));
    // Words no synonym lists: only the stemmer can bring them together.
    expect(tokenOf('dikirimkan')).to.equal(tokenOf('mengirim'));
    expect(tokenOf('menghargai')).to.equal(tokenOf('dihargai'));
    // A stem that is itself a synonym variant ends on the canonical token.
    expect(tokenOf('penjualannya')).to.equal(tokenOf('dijual'));
  });

  it('never lets a synonym variant claim a stop word (Javanese "iso" is "bisa"), except the addressee', () => {
    const n = new Normalizer(
      new Map([
        ['regulasi', ['iso', 'iso 27001']],
        ['wowrack', ['kalian']],
      ]),
      sastrawiStemmer(),
    );
    expect(n.tokens('bisa')).to.deep.equal([]);
    expect(n.tokens('iso')).to.deep.equal([]);
    expect(n.tokens('sertifikat iso 27001')).to.include('regulasi');
    expect(n.tokens('kalian')).to.deep.equal(['wowrack']);
  });

  it('drops filler words of either language that say nothing about the topic', () => {
    expect(normalizer.tokens('is my info going to be sold, honestly?')).to.deep.equal(
      normalizer.tokens('is my info sold'),
    );
    expect(normalizer.tokens('sebenernya data saya dijual beneran?')).to.deep.equal(
      normalizer.tokens('data saya dijual'),
    );
  });

  it('reads "tahun" in a time ("2 tahun lalu", "tahun ini") as a time, not an age', () => {
    const age = tokenOf('umur');
    expect(normalizer.tokens('akun saya ditutup 2 tahun lalu')).to.not.include(age);
    expect(normalizer.tokens('berapa tahun umur minimal')).to.include(age);
    expect(normalizer.tokens('saya 16 tahun')).to.include(tokenOf('anak'));
  });

  it('reads a leak in a condition as an incident, and a leak to someone as sharing', () => {
    const incident = tokenOf('kebocoran data');
    expect(normalizer.tokens('kalau data saya bocor, kalian ngapain?')).to.include(incident);
    expect(normalizer.tokens('if you get hacked what happens to my data')).to.include(incident);
    expect(normalizer.tokens('apakah data saya bisa bocor ke pihak lain?')).to.not.include(incident);
    expect(normalizer.tokens('kalo sy daftar, email sy bocor ga?')).to.not.include(incident);
  });

  it('turns a stated minor age into the token for "anak"', () => {
    const anak = tokenOf('anak');
    expect(normalizer.tokens('saya 15 tahun')).to.include(anak);
    expect(normalizer.tokens('umur saya baru 16')).to.include(anak);
    expect(normalizer.tokens('im 16')).to.include(anak);
    expect(normalizer.tokens('umur 15')).not.to.include('15');
  });

  it('recognises an age stated with an English contraction ("I\'m 16")', () => {
    const anak = tokenOf('anak');
    expect(normalizer.tokens("I'm 16")).to.include(anak);
    expect(normalizer.tokens('I’m 15 years old')).to.include(anak);
  });

  it('does not turn adults or other numbers into "anak"', () => {
    const anak = tokenOf('anak');
    expect(normalizer.tokens('umur saya 25 tahun')).not.to.include(anak);
    expect(normalizer.tokens('saya umur 18')).not.to.include(anak);
    expect(normalizer.tokens('server 16 GB')).to.include('16').and.not.include(anak);
  });

  it('only stems words longer than three letters', () => {
    const calls: string[] = [];
    const spy: Stemmer = {
      stem: (w) => {
        calls.push(w);
        return w;
      },
    };
    const plain = new Normalizer(new Map(), spy);
    expect(plain.tokens('ssl dns dibagikan')).to.deep.equal(['ssl', 'dns', 'dibagikan']);
    expect(calls).to.deep.equal(['dibagikan']);
  });
});

describe('informalVariants()', () => {
  it('strips reduplication written with 2 first', () => {
    expect(informalVariants('partner2')[0]).to.equal('partner');
  });

  it('offers the standard -kan form of a Jakarta -in word', () => {
    const variants = informalVariants('dibagiin');
    expect(variants).to.include('dibagikan');
    expect(variants).to.include('bagi');
  });

  it('strips Indonesian clitics and prefixes from English words', () => {
    expect(informalVariants('websitenya')).to.include('website');
    expect(informalVariants('diupdate')).to.include('update');
  });

  it('never offers the word itself or fragments shorter than three letters', () => {
    for (const w of ['dibagiin', 'websitenya', 'ngunjungin', 'diupdate', 'kan']) {
      const variants = informalVariants(w);
      expect(variants).not.to.include(w);
      for (const v of variants) expect(v.length, `${w} → ${v}`).to.be.at.least(3);
      expect(new Set(variants).size).to.equal(variants.length);
    }
    expect(informalVariants('data')).to.deep.equal([]);
  });

  it('offers a spelling of "ngunjungin" that normalises like "mengunjungi"', async () => {
    const kb = await loadKnowledgeFile(KNOWLEDGE_FILE);
    const normalizer = new Normalizer(kb.synonyms, sastrawiStemmer());
    const target = normalizer.tokens('mengunjungi')[0];
    const roots = informalVariants('ngunjungin').flatMap((v) => normalizer.tokens(v));
    expect(roots).to.include(target);
  });
});

describe('editDistance()', () => {
  it('counts insertions, deletions, substitutions and transpositions as one edit each', () => {
    expect(editDistance('data', 'data', 2)).to.equal(0);
    expect(editDistance('dijul', 'dijual', 2)).to.equal(1);
    expect(editDistance('dijuall', 'dijual', 2)).to.equal(1);
    expect(editDistance('dijuel', 'dijual', 2)).to.equal(1);
    expect(editDistance('privsai', 'privasi', 2)).to.equal(1);
    expect(editDistance('kitten', 'sitting', 5)).to.equal(3);
  });

  it('is symmetric', () => {
    expect(editDistance('enkripsy', 'enkripsi', 3)).to.equal(editDistance('enkripsi', 'enkripsy', 3));
    expect(editDistance('kitten', 'sitting', 5)).to.equal(editDistance('sitting', 'kitten', 5));
  });

  it('stops at max + 1 once the bound is exceeded', () => {
    expect(editDistance('abcdef', 'zzzzzz', 2)).to.equal(3);
    expect(editDistance('ab', 'abcdefgh', 2)).to.equal(3);
    expect(editDistance('abcdef', 'zzzzzz', 10)).to.equal(6);
  });
});

describe('TypoCorrector', () => {
  const corrector = new TypoCorrector([
    'dijual',
    'data',
    'enkripsi',
    'kebijakan',
    'informasi',
    'keamanan',
    'pemberitahuan',
    'bagi',
    'ssl',
  ]);

  it('corrects near-misses of known words', () => {
    expect(corrector.correct('dijul')).to.equal('dijual');
    expect(corrector.correct('enkripsy')).to.equal('enkripsi');
    expect(corrector.correct('kebjiakan')).to.equal('kebijakan');
    expect(corrector.correct('bagu')).to.equal('bagi');
  });

  it('allows two edits in long words but only one in shorter ones', () => {
    expect(corrector.correct('pembritauan')).to.equal('pemberitahuan');
    expect(corrector.correct('imformasy')).to.equal('informasi');
    // 7 letters, two edits away from "kebijakan": too far.
    expect(corrector.correct('kebijkn')).to.equal(undefined);
  });

  it('returns a known word unchanged', () => {
    expect(corrector.has('dijual')).to.equal(true);
    expect(corrector.correct('dijual')).to.equal('dijual');
  });

  it('does not correct words under four letters', () => {
    expect(corrector.correct('dta')).to.equal(undefined);
    expect(corrector.correct('bgi')).to.equal(undefined);
    expect(corrector.correct('ssk')).to.equal(undefined);
  });

  it('does not correct unrelated words', () => {
    for (const w of ['hosting', 'banana', 'telepon', 'zzzzzz', 'domain'])
      expect(corrector.correct(w), w).to.equal(undefined);
  });

  it('answers the same on a repeated lookup', () => {
    expect(corrector.correct('dijul')).to.equal('dijual');
    expect(corrector.correct('hosting')).to.equal(undefined);
  });
});

describe('detectLanguage()', () => {
  it('recognises Indonesian, also informal', () => {
    expect(detectLanguage(wordsOf('Apakah data saya dijual ke pihak lain?'))).to.equal('id');
    expect(detectLanguage(wordsOf('data sy aman ga di wowrack'), 'en')).to.equal('id');
  });

  it('recognises English', () => {
    expect(detectLanguage(wordsOf('Do you sell my personal data?'))).to.equal('en');
    expect(detectLanguage(wordsOf('how do I unsubscribe from your emails'))).to.equal('en');
  });

  it('keeps the fallback language when the message does not show one', () => {
    expect(detectLanguage(wordsOf('data?'), 'id')).to.equal('id');
    expect(detectLanguage(wordsOf('data?'), 'en')).to.equal('en');
    expect(detectLanguage(wordsOf('SSL?'), 'en')).to.equal('en');
    expect(detectLanguage([], 'en')).to.equal('en');
    expect(detectLanguage([])).to.equal('id');
  });

  it('keeps the fallback for a bare "cookie?" as documented', () => {
    expect(detectLanguage(wordsOf('cookie?'), 'id')).to.equal('id');
  });
});

describe('detectSmallTalk()', () => {
  const cases: readonly [string, string][] = [
    ['selamat pagi', 'greeting'],
    ['Halo kak!', 'greeting'],
    ['Assalamualaikum', 'greeting'],
    ['good morning', 'greeting'],
    ['hai kak, selamat siang', 'greeting'],
    ['makasih ya min', 'thanks'],
    ['Terima kasih banyak 🙏', 'thanks'],
    ['thank you so much!', 'thanks'],
    ['ok makasih', 'thanks'],
    ['bye', 'goodbye'],
    ['sampai jumpa', 'goodbye'],
    ['goodbye!', 'goodbye'],
    ['kamu bisa apa?', 'capabilities'],
    ['bantuan', 'capabilities'],
    ['what can you do?', 'capabilities'],
    ['kamu bot?', 'identity'],
    ['siapa kamu', 'identity'],
    ['are you a bot?', 'identity'],
    ['who are you', 'identity'],
    ['halo, kamu bot?', 'identity'],
    ['oke', 'acknowledge'],
    ['got it', 'acknowledge'],
    ['sampurasun', 'greeting'],
    ['ape kabar bang?', 'greeting'],
    ['saya lagi di jalan, nanti lanjut ya', 'goodbye'],
    ["I'm just browsing", 'goodbye'],
    ['siapa namamu?', 'identity'],
    ['maaf salah kirim', 'acknowledge'],
    ['Bah, mantap kali lah', 'acknowledge'],
  ];
  for (const [text, intent] of cases)
    it(`"${text}" is ${intent}`, () => {
      expect(detectSmallTalk(text)).to.equal(intent);
    });

  it('a real question with a greeting is not small talk', () => {
    expect(detectSmallTalk('halo, apakah data saya dijual?')).to.equal(undefined);
    expect(detectSmallTalk('hi, do you sell my data?')).to.equal(undefined);
    expect(detectSmallTalk('makasih, terus cookie itu apa?')).to.equal(undefined);
    expect(detectSmallTalk('selamat pagi kak, saya mau unsubscribe')).to.equal(undefined);
  });

  it('questions and empty messages are not small talk', () => {
    expect(detectSmallTalk('siapa CEO wowrack')).to.equal(undefined);
    expect(detectSmallTalk('cookie')).to.equal(undefined);
    expect(detectSmallTalk('')).to.equal(undefined);
    expect(detectSmallTalk('   ')).to.equal(undefined);
  });

  it('a long message made of greetings is not treated as small talk', () => {
    expect(detectSmallTalk(Array(13).fill('halo').join(' '))).to.equal(undefined);
  });
});
