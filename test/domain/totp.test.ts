import { expect } from 'chai';
import {
  base32Decode,
  base32Encode,
  hotp,
  matchTotp,
  newTotpSecret,
  totpCode,
  totpStep,
  totpUri,
} from '../../domain/totp.ts';

/** The RFC 4226 / RFC 6238 test key: ASCII "12345678901234567890". */
const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');
const RFC_SECRET = base32Encode(RFC_KEY);

describe('domain/totp: RFC 6238 codes for the console second factor', () => {
  it('base32 (RFC 4648 vectors) round-trips', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).to.equal(encoded);
      expect(base32Decode(encoded)?.toString()).to.equal(plain);
    }
    expect(RFC_SECRET).to.equal('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('gezd gnbv=')?.toString()).to.equal('12345');
    expect(base32Decode('GE1!')).to.equal(undefined);
  });

  it('HOTP matches the RFC 4226 appendix D values', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expect(expected.map((_, counter) => hotp(RFC_KEY, counter))).to.deep.equal(expected);
  });

  it('TOTP matches the RFC 6238 appendix B values (SHA-1, 8 digits)', () => {
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors) expect(totpCode(RFC_SECRET, new Date(seconds * 1000), 8)).to.equal(code);
  });

  it('accepts the code of now and of one step either side, never an older or reused step', () => {
    const at = new Date(1_700_000_000_000);
    const step = totpStep(at);
    const now = totpCode(RFC_SECRET, at);
    const before = totpCode(RFC_SECRET, new Date(at.getTime() - 30_000));
    const after = totpCode(RFC_SECRET, new Date(at.getTime() + 30_000));
    const old = totpCode(RFC_SECRET, new Date(at.getTime() - 90_000));
    expect(matchTotp(RFC_SECRET, now, at)).to.equal(step);
    expect(matchTotp(RFC_SECRET, before, at)).to.equal(step - 1);
    expect(matchTotp(RFC_SECRET, after, at)).to.equal(step + 1);
    expect(matchTotp(RFC_SECRET, old, at)).to.equal(undefined);
    expect(matchTotp(RFC_SECRET, now, at, step)).to.equal(undefined);
    expect(matchTotp(RFC_SECRET, '12345', at)).to.equal(undefined);
    expect(matchTotp(RFC_SECRET, 'abcdef', at)).to.equal(undefined);
    expect(matchTotp('not base32!', now, at)).to.equal(undefined);
  });

  it('new secrets are 160 random bits; the URI is what authenticator apps read', () => {
    const secret = newTotpSecret();
    expect(secret).to.match(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.to.equal(secret);
    const uri = totpUri(secret, 'alice@wowrack.co.id', 'Wowrack Privacy Console');
    expect(uri).to.equal(
      `otpauth://totp/Wowrack%20Privacy%20Console:alice%40wowrack.co.id?secret=${secret}` +
        '&issuer=Wowrack%20Privacy%20Console&algorithm=SHA1&digits=6&period=30',
    );
  });
});
