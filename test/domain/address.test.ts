import { expect } from 'chai';
import {
  emailKey,
  InvalidAddressError,
  mailboxKey,
  maskEmail,
  maskEmailsIn,
  normalizeEmail,
  parseMailbox,
} from '../../domain/address.ts';

describe('mail/address', () => {
  describe('normalizeEmail', () => {
    const valid: ReadonlyArray<readonly [string, string]> = [
      ['budi@example.com', 'budi@example.com'],
      ['  Budi.Santoso@Example.CO.ID  ', 'Budi.Santoso@example.co.id'],
      ['first.last+tag@mail.example.org', 'first.last+tag@mail.example.org'],
      ["o'brien@example.ie", "o'brien@example.ie"],
      ['a_b-c%d@sub-domain.example.com', 'a_b-c%d@sub-domain.example.com'],
      ['x@xn--80ak6aa92e.com', 'x@xn--80ak6aa92e.com'],
      ['user@example.xn--p1ai', 'user@example.xn--p1ai'],
      [`${'a'.repeat(64)}@example.com`, `${'a'.repeat(64)}@example.com`],
    ];
    for (const [input, expected] of valid) {
      it(`accepts ${JSON.stringify(input)}`, () => {
        expect(normalizeEmail(input)).to.equal(expected);
      });
    }

    const invalid: readonly string[] = [
      '',
      '   ',
      'budi',
      'budi@',
      '@example.com',
      'budi@example', // no TLD
      'budi@localhost',
      'budi@example.c0m',
      'budi@example.c', // one-letter TLD
      'budi@@example.com',
      'budi@exa@mple.com',
      'budi@example.com\r\nBcc: x@y.z',
      'budi@example.com\n',
      '\r\nbudi@example.com',
      'budi@exam\rple.com',
      'bu di@example.com',
      'budi@exam ple.com',
      'budi\t@example.com',
      'Budi <budi@example.com>',
      '<budi@example.com>',
      '"Budi" budi@example.com',
      '"budi"@example.com',
      'budi@example.com, eve@evil.com',
      'budi@example.com;eve@evil.com',
      'budi@example.com,',
      '.budi@example.com',
      'budi.@example.com',
      'bu..di@example.com',
      'budi@.example.com',
      'budi@example..com',
      'budi@-example.com',
      'budi@example-.com',
      'budi@[127.0.0.1]',
      'budi@127.0.0.1',
      'búdi@example.com',
      'budi@exämple.com',
      'budi\u00a0@example.com',
      'budi(comment)@example.com',
      'bu|di@example.com',
      'budi@example.com\u0000',
      `${'a'.repeat(65)}@example.com`,
      `a@${'b'.repeat(64)}.com`, // label > 63
      `a@${'abcdefghi.'.repeat(25)}com`, // > 254 overall
    ];
    for (const input of invalid) {
      it(`rejects ${JSON.stringify(input)}`, () => {
        expect(normalizeEmail(input)).to.equal(undefined);
      });
    }
  });

  it('emailKey lower-cases the whole address and refuses invalid ones', () => {
    expect(emailKey(' Budi@Example.COM ')).to.equal('budi@example.com');
    expect(emailKey('BUDI@example.com')).to.equal(emailKey('budi@EXAMPLE.com'));
    expect(emailKey('Budi <budi@example.com>')).to.equal(undefined);
  });

  it('maskEmail keeps the first letter and the domain', () => {
    expect(maskEmail('budi@example.com')).to.equal('b***@example.com');
    expect(maskEmail('Budi.Santoso@Example.COM')).to.equal('B***@example.com');
    expect(maskEmail('@example.com')).to.equal('***@example.com');
    expect(maskEmail('not an address')).to.equal('***');
    expect(maskEmail('x@y.z\r\nBcc: evil')).to.not.match(/[\r\n ]/);
  });

  it('maskEmailsIn masks every address in a text', () => {
    const text = '550 5.1.1 <budi@example.com>: Recipient address rejected; also siti.a@mail.example.org';
    const masked = maskEmailsIn(text);
    expect(masked).to.equal('550 5.1.1 <b***@example.com>: Recipient address rejected; also s***@mail.example.org');
  });

  it('InvalidAddressError names the field, never the address', () => {
    const error = new InvalidAddressError('replyTo');
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal('InvalidAddressError');
    expect(error.field).to.equal('replyTo');
    expect(error.message).to.not.include('@');
  });

  describe('mailboxKey (finding 7, 16: caps and the suppression list key on the mailbox)', () => {
    const same: ReadonlyArray<readonly [string, string]> = [
      ['budi@example.com', 'budi@example.com'],
      ['Budi@Example.COM', 'budi@example.com'],
      ['budi+1@example.com', 'budi@example.com'],
      ['budi+promo+x@example.com', 'budi@example.com'],
      ['BUDI+Tag@EXAMPLE.com', 'budi@example.com'],
      ['b.u.d.i@gmail.com', 'budi@gmail.com'],
      ['B.U.D.I+spam@GMail.com', 'budi@gmail.com'],
      ['budi@googlemail.com', 'budi@gmail.com'],
      ['bu.di+x@googlemail.com', 'budi@gmail.com'],
      // Dots only matter at Gmail: elsewhere they name another mailbox.
      ['first.last@example.com', 'first.last@example.com'],
      ['first.last+tag@mail.example.org', 'first.last@mail.example.org'],
      // A leading "+" is not a tag (nothing before it).
      ['+budi@example.com', '+budi@example.com'],
    ];
    for (const [input, expected] of same) {
      it(`${JSON.stringify(input)} → ${expected}`, () => {
        expect(mailboxKey(input)).to.equal(expected);
      });
    }

    it('gives every variant of one mailbox one key, and different mailboxes different keys', () => {
      const variants = ['a.b@gmail.com', 'ab+1@gmail.com', 'A.B+2@gmail.com', 'a.b.+3@googlemail.com', 'AB@GMAIL.COM'];
      expect(new Set(variants.map(mailboxKey))).to.deep.equal(new Set(['ab@gmail.com']));
      expect(mailboxKey('a.b@example.com')).to.not.equal(mailboxKey('ab@example.com'));
      expect(mailboxKey('budi@example.com')).to.not.equal(mailboxKey('budi@example.co.id'));
    });

    it('refuses what normalizeEmail refuses', () => {
      for (const bad of ['', 'budi', 'Budi <budi@example.com>', 'budi@example.com\r\nBcc: x@y.z', '"budi"@example.com'])
        expect(mailboxKey(bad), bad).to.equal(undefined);
    });
  });

  describe('parseMailbox (MAIL_FROM with a display name)', () => {
    const valid: ReadonlyArray<readonly [string, { name: string; address: string }]> = [
      ['privacy@wowrack.co.id', { name: '', address: 'privacy@wowrack.co.id' }],
      ['Wowrack Privacy <privacy@wowrack.co.id>', { name: 'Wowrack Privacy', address: 'privacy@wowrack.co.id' }],
      ['  "Wowrack Privacy" <Privacy@Wowrack.CO.ID>  ', { name: 'Wowrack Privacy', address: 'Privacy@wowrack.co.id' }],
      [
        'Wowrack, Indonesia (Privasi) <privacy@wowrack.co.id>',
        {
          name: 'Wowrack, Indonesia (Privasi)',
          address: 'privacy@wowrack.co.id',
        },
      ],
      [
        'Asisten Privasi Wowrack Ñ <privacy@wowrack.co.id>',
        {
          name: 'Asisten Privasi Wowrack Ñ',
          address: 'privacy@wowrack.co.id',
        },
      ],
    ];
    for (const [input, expected] of valid) {
      it(`accepts ${JSON.stringify(input)}`, () => {
        expect(parseMailbox(input)).to.deep.equal(expected);
      });
    }

    const invalid: readonly string[] = [
      '',
      'Wowrack Privacy',
      'Wowrack Privacy <>',
      '<privacy@wowrack.co.id>', // brackets without a name
      'Wowrack Privacy <privacy@wowrack>', // the address part is still validated
      'Wowrack Privacy <privacy@wowrack.co.id',
      'Wowrack Privacy <privacy@wowrack.co.id>, Eve <eve@evil.example>',
      'Wowrack <Privacy> <privacy@wowrack.co.id>',
      'Wowrack\r\nBcc: eve@evil.example <privacy@wowrack.co.id>',
      'Wowrack\nPrivacy <privacy@wowrack.co.id>',
      'support@bank.example <privacy@wowrack.co.id>', // a name that looks like an address
      '"Wow"rack" <privacy@wowrack.co.id>',
      'Wowrack \u202eycavirP <privacy@wowrack.co.id>', // bidi override
      `${'x'.repeat(101)} <privacy@wowrack.co.id>`,
    ];
    for (const input of invalid) {
      it(`rejects ${JSON.stringify(input)}`, () => {
        expect(parseMailbox(input)).to.equal(undefined);
      });
    }
  });
});
