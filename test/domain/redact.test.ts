import { expect } from 'chai';
import { redact, redactPath } from '../../domain/redact.ts';

describe('redact()', () => {
  it('masks e-mail addresses', () => {
    const out = redact('email saya budi.santoso@example.co.id, tolong hapus');
    expect(out).to.equal('email saya [email], tolong hapus');
  });

  it('masks Indonesian phone numbers in international and local form', () => {
    for (const phone of ['+62 812-3456-7890', '+6281234567890', '08123456789', '0812 3456 7890', '0812-3456-7890']) {
      const out = redact(`hubungi saya di ${phone} ya`);
      // (The card pattern may take the space after the number with it: "[number]ya" is fine for a log.)
      expect(out, phone).to.match(/^hubungi saya di \+?\[number\] ?ya$/);
      expect(out, phone).not.to.match(/\d/);
    }
  });

  it('masks card numbers with or without separators', () => {
    for (const card of ['4111 1111 1111 1111', '4111-1111-1111-1111', '4111111111111111']) {
      const out = redact(`kartu saya ${card} aman?`);
      expect(out, card).to.match(/^kartu saya \[number\] ?aman\?$/);
    }
  });

  it('masks long digit runs such as an NIK', () => {
    expect(redact('NIK 3174012345678901')).to.equal('NIK [number]');
  });

  it('masks every item in a message with several', () => {
    const out = redact('e-mail a@b.co, hp 08123456789, kartu 4111 1111 1111 1111');
    expect(out).not.to.match(/\d|@/);
    expect(out.match(/\[(email|number)\]/g)).to.have.length(3);
  });

  it('masks all of a card number that directly follows a phone number', () => {
    const out = redact('data saya: 08123456789 4111 1111 1111 1111');
    expect(out).not.to.match(/\d/);
  });

  it('masks addresses typed with spaces around the @, without a dot after it, or spelled out with [at] and (dot)', () => {
    for (const typed of [
      'budi @ gmail.com',
      'budi@ gmail.com',
      'budi @gmail.com',
      'budi@gmail',
      'budi[at]gmail.com',
      'budi (at) gmail (dot) com',
      'budi.s [at] yahoo [dot] co [dot] id',
      'budi at gmail dot com',
    ]) {
      const out = redact(`email saya ${typed} tolong dihapus`);
      expect(out, typed).to.equal('email saya [email] tolong dihapus');
    }
    for (const text of ['saya kerja at home', 'cek (at) jam 5 ya', 'follow @wowrack', 'Saya at home. Oke'])
      expect(redact(text), text).to.equal(text);
  });

  it('keeps ordinary text and short numbers', () => {
    for (const text of [
      'apakah data saya dijual?',
      'umur 15',
      'saya umur 15 tahun, tahun 2024',
      'enkripsi 128-bit',
      'Do you use SSL?',
      'paket 2 GB per bulan',
      '',
    ])
      expect(redact(text), text).to.equal(text);
  });

  describe('finding 11: separators, look-alike digits, invisible characters, quoted local parts', () => {
    const cards: readonly string[] = [
      '4111 - 1111 - 1111 - 1112',
      '4111 -1111- 1111 -1112',
      '4111_1111_1111_1112',
      '4111/1111/1111/1112',
      '4111\\1111\\1111\\1112',
      '4111 / 1111 / 1111 / 1112',
      '4111–1111—1111−1112', // en dash, em dash, minus sign
      '4111.1111.1111.1112',
      '4111,1111,1111,1112',
      '４１１１ １１１１ １１１１ １１１２', // full-width digits
      '４１１１－１１１１－１１１１－１１１２', // full-width digits and hyphen
      '4111\u200b1111\u200b1111\u200b1112', // zero-width space
      '4\u200c1\u200d1\u20601\ufeff1111 1111 1112', // zero-width non-joiner, joiner, word joiner, BOM
      '4111\u00ad1111\u00ad1111\u00ad1112', // soft hyphen
      '4111\u00a01111\u202f1111\u30001112', // no-break, narrow no-break and ideographic spaces
      '٤١١١ ١١١١ ١١١١ ١١١٢', // Arabic-Indic digits
      '0812\u200b3456\u200b7890', // a phone number split the same way
    ];
    for (const card of cards) {
      it(`masks ${JSON.stringify(card)}`, () => {
        const out = redact(`kartu saya ${card} aman?`);
        expect(out, card).to.match(/^kartu saya \[number\] ?aman\?$/);
        expect(out, card).not.to.match(/[\p{Nd}\u200b-\u200d\u2060\ufeff\u00ad]/u);
      });
    }

    const addresses: readonly string[] = [
      '"john doe"@example.com',
      '"john.doe"@example.com',
      '"john doe" @ example.com',
      '"j@hn"@example.com',
      'john\u200b.doe@example.com', // zero-width space inside
      'john.doe＠example.com', // full-width at sign
      'ｊｏｈｎ@ｅｘａｍｐｌｅ.ｃｏｍ', // full-width letters
      'john.doe@exa\u200dmple.com',
    ];
    for (const address of addresses) {
      it(`masks ${JSON.stringify(address)}`, () => {
        const out = redact(`email saya ${address} tolong`);
        expect(out, address).to.equal('email saya [email] tolong');
      });
    }

    it('still keeps ordinary text, short numbers and line breaks', () => {
      for (const text of ['umur 15 / tahun 2024', 'paket 2 GB - 10 GB', 'jam 10:30 - 12:00', 'baris 1\nbaris 2'])
        expect(redact(text), text).to.equal(text);
    });

    it('removes bidi controls from what it logs', () => {
      expect(redact('abc\u202egnp.exe')).to.equal('abcgnp.exe');
    });
  });

  describe('redactPath() (the restifyError log line of bot/http/server.ts)', () => {
    const token = 'Q2hhbmdlLW1lLXRoaXMtaXMtYS1saXZlLXRva2VuLTQz'; // 43 characters, a consent token's shape
    const paths: ReadonlyArray<readonly [string, string]> = [
      [`/consent/${token}`, '/consent/[token]'],
      [`/consent/${token}/approve`, '/consent/[token]/approve'],
      [`/Consent/${token}`, '/consent/[token]'],
      [`//consent/${token}`, '//consent/[token]'],
      [`/%63onsent/${token}`, '/consent/[token]'],
      [`/consent/${token.slice(0, 10)}`, '/consent/[token]'], // a wrong (short) token is not logged either
      [`/consent/${token}%ZZ`, '/consent/[token]'], // malformed escape
      [`/other/${token}`, '/other/[token]'],
      ['/api/messages', '/api/messages'],
      ['/no/such/page', '/no/such/page'],
      ['/x/budi@example.com', '[email]'], // the pattern takes the path with it: fine for a log
    ];
    for (const [path, expected] of paths) {
      it(`${path} → ${expected}`, () => {
        const out = redactPath(path);
        expect(out).to.equal(expected);
        expect(out).to.not.include(token.slice(0, 10));
      });
    }

    it('is bounded', () => {
      expect(redactPath(`/${'a/'.repeat(500)}`).length).to.be.at.most(200);
    });
  });
});
