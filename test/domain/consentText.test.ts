import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { consentText } from '../../domain/consentText.ts';
import { LANGS } from '../../knowledge/types.ts';

describe('domain/consentText', () => {
  for (const lang of LANGS)
    it(`${lang}: the hash is the SHA-256 hex of the text, the same on every call`, () => {
      const { text, hash } = consentText(lang);
      expect(hash).to.equal(createHash('sha256').update(text, 'utf8').digest('hex'));
      expect(consentText(lang)).to.deep.equal({ text, hash });
    });

  it('is one version per language, saying what the parent agrees to and how to withdraw it', () => {
    expect(consentText('id').hash).to.not.equal(consentText('en').hash);
    expect(consentText('id').text).to.include('minimal usia pelanggan adalah 18 tahun');
    expect(consentText('id').text).to.include('Dengan memilih "Setujui"');
    expect(consentText('id').text).to.include('tarik kembali');
    expect(consentText('en').text).to.include('By choosing "Approve"');
    expect(consentText('en').text).to.include('withdraw this consent');
  });

  it('is not personalised: no placeholders, no addresses', () => {
    for (const lang of LANGS) expect(consentText(lang).text).to.not.match(/[@{}$<>]/);
  });
});
