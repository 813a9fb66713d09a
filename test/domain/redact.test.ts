import { expect } from 'chai';
import { redact } from '../../domain/redact.ts';

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
});
