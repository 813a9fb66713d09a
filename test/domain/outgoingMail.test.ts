import { expect } from 'chai';
import { InvalidAddressError } from '../../domain/address.ts';
import { type MailRequest, newOutboxRecord, safeSubject, scrubSecrets } from '../../domain/outgoingMail.ts';

const AT = '2026-11-27T03:00:00.000Z';
const base: MailRequest = { to: ' Budi@Example.COM ', subject: 'Hello', text: 'Body', purpose: 'test' };

function invalidField(request: MailRequest): string | undefined {
  try {
    newOutboxRecord(request, AT);
  } catch (error) {
    if (error instanceof InvalidAddressError) return error.field;
    throw error;
  }
  return undefined;
}

describe('domain/outgoingMail', () => {
  describe('newOutboxRecord', () => {
    it('builds a pending record due at once, with a normalised address', () => {
      const record = newOutboxRecord(base, AT);
      expect(record).to.deep.equal({
        id: record.id,
        createdAt: AT,
        to: 'Budi@example.com',
        subject: 'Hello',
        text: 'Body',
        purpose: 'test',
        status: 'pending',
        attempts: 0,
        nextAttemptAt: AT,
      });
      expect(record.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(newOutboxRecord(base, AT).id).to.not.equal(record.id);
    });

    it('keeps reply-to, conversation and scrubbing when given', () => {
      const record = newOutboxRecord(
        { ...base, replyTo: 'ani@EXAMPLE.com', conversationId: 'c1', scrubAfterSend: true },
        AT,
      );
      expect(record).to.include({ replyTo: 'ani@example.com', conversationId: 'c1', scrubAfterSend: true });
      expect(newOutboxRecord({ ...base, scrubAfterSend: false }, AT)).to.not.have.property('scrubAfterSend');
    });

    it('refuses addresses that could add a header or a recipient, naming the field', () => {
      expect(invalidField({ ...base, to: 'budi@example.com\r\nBcc: x@y.com' })).to.equal('to');
      expect(invalidField({ ...base, to: 'budi@example.com, ani@example.com' })).to.equal('to');
      expect(invalidField({ ...base, to: 'Budi <budi@example.com>' })).to.equal('to');
      expect(invalidField({ ...base, replyTo: '' })).to.equal('replyTo');
      expect(invalidField({ ...base, replyTo: 'ani@example.com\nX: y' })).to.equal('replyTo');
    });

    it('puts a safe subject in the record', () => {
      expect(newOutboxRecord({ ...base, subject: 'Hi\r\nBcc: x@y.com' }, AT).subject).to.equal('Hi Bcc: x@y.com');
    });
  });

  describe('safeSubject', () => {
    it('makes one line without control or line-separator characters', () => {
      expect(safeSubject('a\r\nb\tc\u0000d\u007fe\u2028f\u2029g')).to.equal('a b c d e f g');
    });

    it('collapses runs of spaces and trims', () => {
      expect(safeSubject('  [PRV-1]   Permintaan \n\n Anda  ')).to.equal('[PRV-1] Permintaan Anda');
    });

    it('leaves ordinary text, including non-ASCII, as it is', () => {
      expect(safeSubject('Permintaan persetujuan orang tua/wali – 3×24 jam')).to.equal(
        'Permintaan persetujuan orang tua/wali – 3×24 jam',
      );
    });
  });

  describe('scrubSecrets', () => {
    it('removes the token from a consent link and keeps the rest', () => {
      const token = 'Ab3_-x'.repeat(8).slice(0, 43);
      const text = `Buka https://chat.example.com/consent/${token} sebelum 4 Desember.`;
      expect(scrubSecrets(text)).to.equal('Buka https://chat.example.com/consent/[removed] sebelum 4 Desember.');
    });

    it('removes runs of 32 or more URL-safe characters, not shorter ones', () => {
      expect(scrubSecrets('a'.repeat(31))).to.equal('a'.repeat(31));
      expect(scrubSecrets(`x ${'a'.repeat(32)} y`)).to.equal('x [removed] y');
    });

    it('leaves ticket ids and normal words alone', () => {
      const text = 'Tiket PRV-20261127-4821 untuk budi@example.com';
      expect(scrubSecrets(text)).to.equal(text);
    });
  });
});
