import { expect } from 'chai';
import {
  consentDecisionToCustomerMail,
  consentDecisionToSupportMail,
  consentRequestMail,
  mailName,
  removeRequestMail,
  ticketAcknowledgementMail,
  ticketToSupportMail,
} from '../../domain/mailTemplates.ts';
import { newOutboxRecord, safeSubject, safeText } from '../../domain/outgoingMail.ts';
import type { ConsentRecord, TicketRecord } from '../../domain/records.ts';

/** What an attacker would like a stranger's mailbox to show (finding 7, 15). */
const PHISHING =
  'Akun Anda diblokir! [Verifikasi akun](http://evil.example/login) segera: http://evil.example \u202egnp.exe';

const TICKET: TicketRecord = {
  id: 'PRV-20250102-0001',
  createdAt: '2025-01-02T03:04:05.000Z',
  dueAt: '2025-01-05T03:04:05.000Z',
  kind: 'access',
  lang: 'id',
  name: 'Budi Santoso',
  email: 'budi@example.com',
  question: PHISHING,
  transcript: ['pelanggan: halo'],
  conversationId: 'conv-1',
};

const CONSENT: ConsentRecord = {
  id: 'CNS-20250102-0001',
  createdAt: '2025-01-02T03:04:05.000Z',
  expiresAt: '2025-01-09T03:04:05.000Z',
  tokenHash: 'x'.repeat(64),
  lang: 'id',
  childName: 'Siti Aminah',
  childEmail: 'siti@example.com',
  childAge: 16,
  parentName: 'Ani Suryani',
  parentEmail: 'ani@example.com',
  conversationId: 'conv-2',
  decision: 'approved',
  decidedAt: '2025-01-03T03:04:05.000Z',
};

/** A name the flows accept (letters, spaces, dots, hyphens) that reads as a link. */
const LINK_NAME = 'Verifikasi di wowrack-login.example';

describe('domain/mailTemplates', () => {
  describe('the acknowledgement says what was asked in the assistant words (finding 7)', () => {
    for (const lang of ['id', 'en'] as const) {
      it(`${lang}: no question text, no link, no bidi character; the kind, ticket and deadline are there`, () => {
        const mail = ticketAcknowledgementMail({ ...TICKET, lang });
        const all = `${mail.subject}\n${mail.text}`;
        expect(all).to.not.include('evil.example');
        expect(all).to.not.include('diblokir');
        expect(all).to.not.include('Verifikasi akun');
        expect(all).to.not.match(/[\u202a-\u202e\u2066-\u2069]/);
        expect(all).to.not.match(/https?:/);
        expect(mail.text).to.include(TICKET.id);
        expect(mail.text).to.include(lang === 'id' ? 'Permintaan salinan data pribadi' : 'Request for a copy');
        expect(mail.text).to.include(lang === 'id' ? 'Halo Budi Santoso,' : 'Hello Budi Santoso,');
      });
    }

    it('a name that could read as a link is not repeated: a neutral greeting', () => {
      for (const lang of ['id', 'en'] as const) {
        const mail = ticketAcknowledgementMail({ ...TICKET, lang, name: LINK_NAME });
        expect(mail.text).to.not.include('wowrack-login');
        expect(mail.text.split('\n')[0]).to.equal(lang === 'id' ? 'Halo,' : 'Hello,');
      }
    });

    it('support still gets the question and the name (an internal mailbox)', () => {
      const mail = ticketToSupportMail({ ...TICKET, name: LINK_NAME });
      expect(mail.text).to.include('http://evil.example/login');
      expect(mail.text).to.include(LINK_NAME);
    });
  });

  it('mailName keeps ordinary names and drops names with a dot or over 60 characters', () => {
    expect(mailName('Budi Santoso')).to.equal('Budi Santoso');
    expect(mailName("Siti O'Neil-Aminah")).to.equal("Siti O'Neil-Aminah");
    expect(mailName('Ñoño Müller')).to.equal('Ñoño Müller');
    expect(mailName(LINK_NAME)).to.equal(undefined);
    expect(mailName('Budi S.')).to.equal(undefined);
    expect(mailName('a'.repeat(61))).to.equal(undefined);
    expect(mailName('x')).to.equal(undefined);
  });

  describe('consent mails to unverified addresses', () => {
    it('the request to the parent and the decision to the customer repeat only link-free names', () => {
      for (const lang of ['id', 'en'] as const) {
        const consent = { ...CONSENT, lang, childName: LINK_NAME, parentName: 'Ani di evil.example' };
        for (const mail of [
          consentRequestMail(consent, 'https://chat.example/consent/abc'),
          consentDecisionToCustomerMail(consent, 'support@wowrack.co.id'),
          consentDecisionToCustomerMail({ ...consent, decision: 'declined' }, 'support@wowrack.co.id'),
        ]) {
          expect(mail.text).to.not.include('wowrack-login');
          expect(mail.text).to.not.include('evil.example');
        }
      }
      // Support sees the names as typed.
      expect(consentDecisionToSupportMail({ ...CONSENT, childName: LINK_NAME }).text).to.include(LINK_NAME);
    });

    it('ordinary names are kept', () => {
      expect(consentRequestMail(CONSENT, 'https://x.example/consent/t').text).to.include('Yth. Ani Suryani,');
      expect(consentDecisionToCustomerMail(CONSENT, 'support@wowrack.co.id').text).to.include(
        'Ani Suryani telah menyetujui',
      );
    });
  });

  it('the REMOVE request names the canonical mailbox when it differs from the address', () => {
    expect(removeRequestMail('a.b+promo@gmail.com', CONSENT.createdAt, 'ab@gmail.com').text).to.include(
      'Kotak surat   : ab@gmail.com',
    );
    expect(removeRequestMail('budi@example.com', CONSENT.createdAt).text).to.not.include('Kotak surat');
  });

  describe('control and bidi characters never go into a mail (finding 15)', () => {
    const UNSAFE = [
      '\u0000',
      '\u0007',
      '\u0008',
      '\u000b',
      '\u000c',
      '\u001b',
      '\u007f',
      '\u009b',
      '\u061c',
      '\u200e',
      '\u200f',
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ];
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    const UNSAFE_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

    it('newOutboxRecord strips them from every text and subject', () => {
      const dirty = UNSAFE.map((c) => `a${c}b`).join(' ');
      const record = newOutboxRecord(
        {
          to: 'budi@example.com',
          subject: `[PRV-1] Subjek ${dirty}\r\nBcc: x@y.z`,
          text: `Baris 1\r\nBaris 2\rBaris 3\u2028Baris 4\t(tab)\u0085Baris 5\n${dirty}\nmoc.elpmaxe\u202e`,
          purpose: 'test',
        },
        TICKET.createdAt,
      );
      expect(record.subject).to.not.match(UNSAFE_RE);
      expect(record.subject).to.not.match(/[\r\n\t\u2028\u2029]/);
      expect(record.text).to.not.match(UNSAFE_RE);
      expect(record.text).to.not.include('\r');
      expect(record.text.split('\n').slice(0, 5)).to.deep.equal([
        'Baris 1',
        'Baris 2',
        'Baris 3',
        'Baris 4\t(tab)',
        'Baris 5',
      ]);
      expect(record.text).to.include(UNSAFE.map(() => 'ab').join(' '));
    });

    it('keeps ordinary text: Indonesian, emoji, ×, quotes, joiners inside emoji', () => {
      const text = 'Halo Budi 👋, batas waktu 3×24 jam — “terima kasih”. 👨‍👩‍👧';
      expect(safeText(text)).to.equal(text);
      expect(safeSubject('[PRV-20250102-0001] Permintaan Anda')).to.equal('[PRV-20250102-0001] Permintaan Anda');
    });

    it('every template, fed hostile names, yields texts free of them once recorded', () => {
      const evil = 'Budi\u202e\u0007';
      const mails = [
        ticketAcknowledgementMail({ ...TICKET, name: evil }),
        ticketToSupportMail({ ...TICKET, name: evil }),
        consentRequestMail({ ...CONSENT, childName: evil, parentName: evil }, 'https://x.example/consent/t'),
        consentDecisionToSupportMail({ ...CONSENT, childName: evil }),
        consentDecisionToCustomerMail({ ...CONSENT, parentName: evil }, 'support@wowrack.co.id'),
      ];
      for (const mail of mails) {
        const record = newOutboxRecord({ to: 'a@example.com', ...mail, purpose: 'test' }, TICKET.createdAt);
        expect(`${record.subject}${record.text}`).to.not.match(UNSAFE_RE);
      }
    });
  });
});
