import { expect } from 'chai';
import { buildMatcher } from '../../knowledge/build.ts';
import { contactDataOf, isContactDataWords } from '../../knowledge/contactData.ts';
import { focusOf, isOwnResourceHowTo, isOwnResourceTrouble, questionSentences } from '../../knowledge/focus.ts';
import { loadKnowledgeFile } from '../../knowledge/load.ts';
import type { Matcher } from '../../knowledge/matcher.ts';
import { segment, toWords } from '../../knowledge/normalize.ts';
import { brandName, otherCompanyOf } from '../../knowledge/otherCompanies.ts';
import { KNOWLEDGE_FILE } from '../support/buildBot.ts';

describe('contactDataOf', () => {
  const cases: readonly [string, string, string][] = [
    ['budi@gmail.com', 'email', 'budi@gmail.com'],
    ['  siti.aminah@yahoo.co.id. ', 'email', 'siti.aminah@yahoo.co.id'],
    ['email saya: rina@example.com', 'email', 'rina@example.com'],
    ['081234567890', 'phone', '081234567890'],
    ['+62 812-3456-7890', 'phone', '+62 812-3456-7890'],
    ['no hp saya 0812 3456 7890', 'phone', '0812 3456 7890'],
    ['Budi Santoso', 'name', 'Budi Santoso'],
    ['nama saya Rina', 'name', 'Rina'],
    ['nama saya rina wulandari', 'name', 'rina wulandari'],
    ['my name is John Doe', 'name', 'John Doe'],
  ];
  for (const [text, kind, value] of cases)
    it(`${text} → ${kind}`, () => expect(contactDataOf(text)).to.deep.equal({ kind, value }));

  const questions = [
    'apakah data saya dijual?',
    'cookie',
    'Cookie',
    'kirim ke budi@gmail.com ya promo nya jangan',
    'saya mau unsubscribe',
    'saya 16 tahun',
    'i am 16',
    'Halo',
    'REMOVE',
    '128-bit',
    '123',
    'apa itu SSL',
  ];
  for (const text of questions) it(`not contact data: ${text}`, () => expect(contactDataOf(text)).to.equal(undefined));

  it('never takes a word the assistant knows for a name', () => {
    expect(contactDataOf('Firewall')?.kind).to.equal('name');
    expect(contactDataOf('Firewall', { isKnownWord: (w) => w === 'firewall' })).to.equal(undefined);
  });

  it('works on matcher words too', () => {
    expect(isContactDataWords(toWords('budi@gmail.com'))).to.equal(true);
    expect(isContactDataWords(toWords('+62 812 3456 7890'))).to.equal(true);
    expect(isContactDataWords(toWords('umur 15'))).to.equal(false);
  });
});

describe('focusOf (contrast, negation scope, question cues)', () => {
  const focus = (text: string) => focusOf(toWords(text));
  const cases: readonly [string, string, string][] = [
    ['ga usah bahas promo, sy cuma mau tau cookies itu apa', 'promo', 'cookies'],
    ['bukan soal harga SSL, tapi situs kalian sendiri pakai enkripsi ga?', 'harga ssl', 'enkripsi'],
    ['saya ga nanya cookies, saya nanya siapa yg pegang data saya', 'cookies', 'pegang'],
    ['selain soal email promo, ada batas umur gak?', 'email promo', 'umur'],
    ['not asking about marketing, I just want to know what cookies are', 'marketing', 'cookies'],
  ];
  for (const [text, dropped, kept] of cases)
    it(text, () => {
      const f = focus(text);
      expect(f.dropped.join(' ')).to.equal(dropped);
      expect(f.words).to.include(kept);
      for (const w of dropped.split(' ')) expect(f.words).to.not.include(w);
    });

  it('drops a negated topic up to the end of its clause', () => {
    const { words, clauses } = segment(
      'sy gak nanya data apa yg dikumpulin, sy nanya datanya abis itu dipake buat apa',
    );
    const f = focusOf(words, clauses);
    expect(f.dropped).to.deep.equal(['data', 'apa', 'yang', 'dikumpulkan']);
    expect(f.words).to.include('dipakai');
  });

  it('keeps a short lead before a question cue: it is part of the question', () => {
    const f = focus('saya 16 tahun, mau tanya boleh beli domain?');
    expect(f.cued).to.equal(false);
    expect(f.words).to.include('16');
  });

  it('leaves a plain negative question alone', () => {
    for (const text of ['data saya dijual atau bukan?', 'saya tidak mau terima email promo lagi', 'bukan saya'])
      expect(focus(text).words).to.deep.equal(toWords(text));
  });

  it('keeps the question after a cue in a long message', () => {
    const f = focus(
      'Selamat siang, kami tim IT sebuah koperasi. Sebelum tanda tangan kontrak, kami perlu tahu: apakah data anggota kami dijual?',
    );
    expect(f.cued).to.equal(true);
    expect(f.words).to.include('dijual');
    expect(f.words).to.not.include('koperasi');
  });
});

describe('segment (clauses of a message)', () => {
  it('splits at sentence and clause punctuation and keeps the words of toWords', () => {
    const text = 'Halo kak. Sy pelanggan baru, mau tanya: apakah data saya dijual?? Makasih';
    const { words, clauses } = segment(text);
    expect(words).to.deep.equal(toWords(text));
    const parts = clauses.map((c) => words.slice(c.start, c.end).join(' '));
    expect(parts).to.deep.equal(['halo kakak', 'saya pelanggan baru', 'mau tanya', 'apa data saya dijual', 'thanks']);
    expect(clauses.map((c) => c.asks)).to.deep.equal([false, false, false, true, false]);
    expect(clauses.map((c) => c.closes)).to.deep.equal([true, false, false, true, true]);
  });

  it('keeps addresses, decimals and one-clause messages whole', () => {
    expect(segment('kirim ke support@wowrack.co.id ya').clauses).to.deep.equal([]);
    expect(segment('versi 3.5 aman?').clauses).to.deep.equal([]);
    expect(segment('cookie itu apa?').clauses).to.deep.equal([]);
  });
});

describe('questionSentences', () => {
  const asked = (text: string) => {
    const { words, clauses } = segment(text);
    return questionSentences(words, clauses).map((s) => words.slice(s.start, s.end).join(' '));
  };
  it('finds the sentences that ask, without the greeting before them', () => {
    expect(
      asked('pagi kak, td sy mau checkout tp browsernya nanya soal cookies. sy awam. sebenernya cookies itu apa sih?'),
    ).to.deep.equal(['sebenernya cookies itu apa sih']);
    expect(asked('Halo kak, apakah data saya dijual? Soalnya banyak spam.')).to.deep.equal(['apa data saya dijual']);
  });

  it('reads a short or leaning question with the sentence before it', () => {
    expect(asked('Teman saya bilang hosting suka jual data. Apakah Wowrack juga begitu?')).to.deep.equal([
      'teman saya bilang hosting suka jual data apa wowrack juga begitu',
    ]);
  });

  it('has nothing to choose in one sentence', () => {
    expect(asked('apakah data saya dijual, soalnya banyak spam?')).to.deep.equal([]);
  });
});

describe('isOwnResourceHowTo', () => {
  it("tells a how-to about own resources from the statement's how-tos", () => {
    expect(isOwnResourceHowTo(toWords('cara melindungi data pelanggan toko saya sendiri'))).to.equal(true);
    expect(isOwnResourceHowTo(toWords('how do I encrypt my database on your VPS'))).to.equal(true);
    expect(isOwnResourceHowTo(toWords('cara minta izin orang tua untuk anak saya'))).to.equal(false);
    expect(isOwnResourceHowTo(toWords('apakah server kalian aman'))).to.equal(false);
  });
});

describe('isOwnResourceTrouble', () => {
  it("tells a fault report about the customer's own things from a question about the statement", () => {
    for (const q of ['email aye kagak bisa kirim, kenape ya?', 'website saya down', 'my server is not working'])
      expect(isOwnResourceTrouble(toWords(q)), q).to.equal(true);
    for (const q of [
      'email saya tidak bisa berhenti terima promo',
      'saya tidak bisa beli hosting karena umur 16?',
      'apakah data saya bisa bocor',
    ])
      expect(isOwnResourceTrouble(toWords(q)), q).to.equal(false);
  });
});

describe('otherCompanyOf', () => {
  const other = (text: string) => otherCompanyOf(toWords(text));
  it('names the other company a question is about', () => {
    expect(other('apakah shopee menjual data penggunanya?')).to.equal('shopee');
    expect(other('kebijakan privasi instagram gimana?')).to.equal('instagram');
    expect(other('is my data safe with tiktok?')).to.equal('tiktok');
    expect(other('apakah perusahaan lain juga jual data?')).to.equal(undefined); // "perusahaan" is Wowrack's synonym
    expect(other('apakah provider lain juga jual data?')).to.equal('provider');
  });
  it('reads a possessive and names a brand that is also a common word only with the word that names it', () => {
    expect(other("Is Cloudflare's SSL better than Let's Encrypt?")).to.equal('cloudflare');
    expect(other('aplikasi DANA aman ga buat nyimpen saldo?')).to.equal('dana');
    expect(other('pengembalian dana gimana?')).to.equal(undefined);
  });
  it('knows other kinds of services, and names no brand for them', () => {
    expect(other('umur berapa anak boleh main media sosial?')).to.equal('media sosial');
    expect(other('umur minimal buka rekening bank berapa?')).to.equal('rekening');
    expect(brandName('rekening')).to.equal(undefined);
    expect(brandName('shopee')).to.equal('Shopee');
  });
  it('leaves questions about Wowrack alone', () => {
    expect(other('apakah kalian membagikan data ke google?')).to.equal(undefined);
    expect(other('apakah data saya dijual ke tokopedia?')).to.equal(undefined);
    expect(other('apakah wowrack pakai google analytics?')).to.equal(undefined);
    expect(other('apakah pakai google analytics')).to.equal(undefined);
    expect(other('browser apa yang disarankan, firefox?')).to.equal(undefined);
  });
});

describe('Matcher: message understanding on the real file', () => {
  let matcher: Matcher;
  before(async () => {
    matcher = buildMatcher(await loadKnowledgeFile(KNOWLEDGE_FILE));
  });
  const id = (q: string) => {
    const r = matcher.match(q);
    return r.kind === 'answer' || r.kind === 'offtopic' ? `${r.kind}:${r.entry.id}` : r.kind;
  };

  it('answers the asked topic, not the negated one', () => {
    expect(id('ga usah bahas promo, sy cuma mau tau cookies itu apa')).to.equal('answer:cookie');
    expect(id('bukan soal harga SSL, tapi situs kalian sendiri pakai enkripsi ga?')).to.equal('answer:security');
    expect(id('saya ga nanya cookies, saya nanya siapa yg pegang data saya')).to.equal('answer:access');
  });

  it('answers the sentence that asks in a long message', () => {
    expect(
      id(
        'pagi kak, td sy mau checkout paket VPS tp browsernya nanya2 soal izin. sy agak awam. sebenernya cookies itu apa sih?',
      ),
    ).to.equal('answer:cookie');
  });

  it('never reads a sentence that names only generic words on its own', () => {
    expect(
      id(
        'Saya freelancer yang baru pertama kali beli hosting. Teman saya bilang data pelanggan hosting sering diperjualbelikan. Apakah itu terjadi di Wowrack?',
      ),
    ).to.equal('answer:protect');
  });

  it('reads a leaning question with its context, never by its generic words alone', () => {
    expect(
      id(
        'Selamat siang. Saya pemilik usaha kecil di Bandung dan mau ambil paket hosting tahun ini. Teman saya bilang banyak perusahaan hosting diam-diam jual database pelanggannya. Apakah Wowrack juga begitu?',
      ),
    ).to.equal('answer:protect');
  });

  it('names a policy entry scoring nearly as high as the answer, and none when the answer leads clearly', () => {
    const two = matcher.match('data saya dipakai untuk apa dan apa saja yang dikumpulkan');
    expect(two.kind === 'answer' && [two.entry.id, two.also?.id].sort()).to.deep.equal(['analytics', 'collect']);
    const one = matcher.match('cookie itu apa?');
    expect(one.kind === 'answer' && one.also).to.equal(undefined);
  });

  it('says a question about another company is about another company', () => {
    for (const q of ['apakah shopee menjual data penggunanya?', 'kebijakan privasi instagram gimana?'])
      expect(id(q)).to.equal('offtopic:offtopic-other-company');
  });

  it('finds the other company in the asked part, and names it', () => {
    const r = matcher.match('saya ga nanya kebijakan kalian, saya nanya kebijakan privasi Tokopedia gimana');
    expect(r.kind === 'offtopic' && r.about).to.equal('tokopedia');
    expect(id('bukan soal tokopedia, data saya dijual ga?')).to.not.equal('offtopic:offtopic-other-company');
  });

  it('declines privacy topics the statement does not cover', () => {
    expect(id('berapa lama data saya disimpan?')).to.equal('offtopic:offtopic-retention');
    expect(id('data saya disimpan di negara mana?')).to.equal('offtopic:offtopic-location');
    expect(id('are you GDPR compliant?')).to.equal('offtopic:offtopic-regulation');
    expect(id('who is your data protection officer?')).to.equal('offtopic:offtopic-dpo');
    expect(id('bagaimana cara minta refund?')).to.equal('offtopic:offtopic-refund');
  });

  it('does not quote policy for account questions', () => {
    expect(id('kartu kredit ditolak waktu bayar')).to.match(/^offtopic|^none/);
    expect(id('cara ganti email login')).to.match(/^offtopic|^none/);
  });

  it("treats a how-to about the customer's own resources as technical help", () => {
    for (const q of [
      'how do I add a cookie banner to my site?',
      'server wowrack pake prosesor apa',
      'cara enkripsi folder di VPS',
      'cara lihat IP server saya',
      "how do I find my server's IP address",
    ])
      expect(id(q)).to.equal('offtopic:offtopic-technical');
    expect(id('cara berhenti terima email promosi')).to.equal('answer:promo');
  });

  it('declines a policy question about a topic only off-topic entries know', () => {
    expect(id('Bagaimana kebijakan refund di Wowrack?')).to.equal('offtopic:offtopic-refund');
  });

  it("declines a question whose cue names what the statement does not cover, about the statement's own things", () => {
    expect(id('alamat ip sy dicatat brp lama?')).to.equal('offtopic:offtopic-retention');
    expect(id('How long do you keep billing records?')).to.equal('offtopic:offtopic-retention');
    expect(id('pelanggan dari eropa dilindungi gdpr ga di wowrack?')).to.match(
      /^offtopic:offtopic-(regulation|location)/,
    );
    expect(id('Do you encrypt data at rest on your storage disks?')).to.equal('offtopic:offtopic-security-practice');
    expect(id('kalo data aye bocor, lu pade mo ngapain?')).to.equal('offtopic:offtopic-breach');
  });

  it('declines questions about the company behind Wowrack and about the customer area', () => {
    expect(id('wowrack itu anak perusahaan dari mana?')).to.equal('offtopic:offtopic-company');
    expect(id('invoice saya belum muncul di client area')).to.equal('offtopic:offtopic-account');
  });

  it("takes a cue from the question even when the training file's phrasings of the best entry mention the word", () => {
    // 'compliance', 'audit' appear in training phrasings of policy entries as context; only faq.yaml blocks a cue.
    expect(id('Which data protection law governs your processing of my data?')).to.equal(
      'offtopic:offtopic-regulation',
    );
    expect(id('siapa aja yg pegang kunci ke database pelanggan')).to.not.match(/^offtopic/);
    // ... but who asks is no cue: a compliance team asking about selling data is asking about selling data.
    expect(id('Tim compliance kami bertanya: apakah wowrack menjual data pelanggan?')).to.equal('answer:protect');
  });

  it('lets the statement answer its own question even when it holds a cue word', () => {
    expect(id('how long is this policy valid')).to.equal('answer:validity');
  });

  it('takes no cue from a typo-corrected word ("inside" is not "insiden")', () => {
    expect(id('Who inside Wowrack can see my billing details?')).to.not.match(/^offtopic/);
  });

  it('knows a key length is the encryption paragraph', () => {
    expect(id('ssl kalian berapa bit?')).to.equal('answer:security');
  });

  it('understands regional words', () => {
    expect(id('dataku ora didol to?')).to.equal('answer:protect');
    expect(id('cookie teh naon?')).to.equal('answer:cookie');
    expect(id('upami wowrack ngarobih cara ngagunakeun data, abdi dibejaan teu?')).to.equal('answer:change_use');
    expect(id('ambo baru umua 16, bisa mambali hosting indak?')).to.equal('answer:age');
    expect(id('Bah, data apa aja yang kelen ambil dari awak?')).to.equal('answer:collect');
  });

  it('finds nothing to answer in contact data alone', () => {
    for (const q of ['budi@gmail.com', '081234567890', 'nama saya Rina']) expect(id(q)).to.equal('none');
  });

  it('knows its vocabulary', () => {
    expect(matcher.knowsWord('cookie')).to.equal(true);
    expect(matcher.knowsWord('rina')).to.equal(false);
  });
});
