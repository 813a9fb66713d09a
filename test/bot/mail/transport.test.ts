import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { createMailTransport, InvalidMailError, type OutgoingMail } from '../../../bot/mail/transport.ts';
import { safeSubject } from '../../../domain/outgoingMail.ts';
import { FakeClock, TestSmtpServer } from '../../support/mail.ts';

const MAIL: OutgoingMail = {
  messageId: '<6f1c2d3e-0000-4000-8000-000000000001@wowrack.co.id>',
  from: 'privacy@wowrack.co.id',
  to: 'budi@example.com',
  replyTo: 'support@wowrack.co.id',
  subject: 'Permintaan Anda PRV-20250102-0001',
  text: 'Halo Budi,\n\nPermintaan Anda sudah kami terima.\n',
};

describe('mail/transport', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wowrack-mail-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('file transport (no SMTP URL)', () => {
    it('writes one .eml, named by UTC time and Message-ID, that parses back with the right headers', async () => {
      const clock = new FakeClock(Date.parse('2025-01-02T03:04:05.678Z'));
      const mailDir = join(dir, 'outgoing');
      const transport = createMailTransport({ mailDir, now: clock.now });
      await transport.send(MAIL);
      await transport.close();

      const files = await readdir(mailDir);
      expect(files).to.deep.equal(['20250102T030405678Z-6f1c2d3e-0000-4000-8000-000000000001_wowrack.co.id.eml']);
      const file = join(mailDir, files[0] ?? '');
      expect((await stat(mailDir)).mode & 0o777).to.equal(0o700);
      expect((await stat(file)).mode & 0o777).to.equal(0o600);

      const raw = await readFile(file);
      expect(raw.includes('\r\n')).to.equal(false, 'unix newlines');
      const parsed = await simpleParser(raw);
      expect(parsed.messageId).to.equal(MAIL.messageId);
      expect(parsed.from?.value).to.deep.equal([{ address: 'privacy@wowrack.co.id', name: '' }]);
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : []).to.deep.equal([
        { address: 'budi@example.com', name: '' },
      ]);
      expect(parsed.replyTo?.value).to.deep.equal([{ address: 'support@wowrack.co.id', name: '' }]);
      expect(parsed.subject).to.equal(MAIL.subject);
      expect(parsed.text).to.equal(MAIL.text);
    });

    it('creates the folder on demand and leaves no temp file behind', async () => {
      const mailDir = join(dir, 'a', 'b');
      const transport = createMailTransport({ mailDir });
      await transport.send(MAIL);
      await transport.send({ ...MAIL, messageId: '<second@wowrack.co.id>' });
      const files = await readdir(mailDir);
      expect(files).to.have.length(2);
      expect(files.every((f) => f.endsWith('.eml') && !f.startsWith('.'))).to.equal(true);
    });

    it('a subject with CR/LF cannot add a header', async () => {
      const transport = createMailTransport({ mailDir: dir });
      await transport.send({ ...MAIL, subject: 'Hello\r\nBcc: x@y.z\r\n\r\nbody' });
      const [file] = await readdir(dir);
      const raw = await readFile(join(dir, file ?? ''), 'utf8');
      expect(raw).to.not.match(/^bcc:/im);
      const parsed = await simpleParser(raw);
      expect(parsed.bcc).to.equal(undefined);
      expect(parsed.headers.has('bcc')).to.equal(false);
      expect(parsed.subject).to.equal('Hello Bcc: x@y.z body');
    });

    it('a display name is written as its own, encoded field (nodemailer quotes it)', async () => {
      const transport = createMailTransport({ mailDir: dir });
      await transport.send({ ...MAIL, fromName: 'Wowrack Privacy' });
      await transport.send({ ...MAIL, messageId: '<second@wowrack.co.id>', fromName: 'Asisten Privasi Ñ (Wowrack)' });
      const files = (await readdir(dir)).sort();
      const first = await simpleParser(await readFile(join(dir, files[0] ?? '')));
      const second = await simpleParser(await readFile(join(dir, files[1] ?? '')));
      const [plainMail, encodedMail] = first.messageId === MAIL.messageId ? [first, second] : [second, first];
      expect(plainMail.from?.value).to.deep.equal([{ address: 'privacy@wowrack.co.id', name: 'Wowrack Privacy' }]);
      expect(encodedMail.from?.value).to.deep.equal([
        { address: 'privacy@wowrack.co.id', name: 'Asisten Privasi Ñ (Wowrack)' },
      ]);
    });

    it('refuses a display name that could add a header or a recipient, writing nothing', async () => {
      const transport = createMailTransport({ mailDir: dir });
      for (const fromName of ['Evil\r\nBcc: x@y.z', 'Eve <eve@evil.example>, Wowrack', 'a"b', 'x\u202ey']) {
        let error: unknown;
        try {
          await transport.send({ ...MAIL, fromName });
        } catch (caught) {
          error = caught;
        }
        expect(error, fromName).to.be.instanceOf(InvalidMailError);
      }
      expect(await readdir(dir)).to.deep.equal([]);
    });

    it('strips control and bidi characters from the text (belt and braces behind the outbox)', async () => {
      const transport = createMailTransport({ mailDir: dir });
      await transport.send({ ...MAIL, text: 'Halo\u202e gnp.exe\u0007\r\nbaris 2\n' });
      const [file] = await readdir(dir);
      const parsed = await simpleParser(await readFile(join(dir, file ?? '')));
      expect(parsed.text).to.equal('Halo gnp.exe\nbaris 2\n');
    });

    it('refuses a message with an invalid address or Message-ID, writing nothing', async () => {
      const transport = createMailTransport({ mailDir: dir });
      const bad: OutgoingMail[] = [
        { ...MAIL, to: 'budi@example.com\r\nBcc: x@y.z' },
        { ...MAIL, to: 'Budi <budi@example.com>' },
        { ...MAIL, from: 'privacy' },
        { ...MAIL, replyTo: 'a@b.c, d@e.f' },
        { ...MAIL, messageId: '<x@y>\r\nBcc: x@y.z' },
        { ...MAIL, messageId: 'no-brackets@wowrack.co.id' },
      ];
      for (const mail of bad) {
        let error: unknown;
        try {
          await transport.send(mail);
        } catch (caught) {
          error = caught;
        }
        expect(error).to.be.instanceOf(InvalidMailError);
        expect(String(error)).to.not.include('@');
      }
      expect(await readdir(dir)).to.deep.equal([]);
    });
  });

  describe('SMTP transport', () => {
    let server: TestSmtpServer;

    beforeEach(async () => {
      server = await TestSmtpServer.start();
    });

    afterEach(async () => {
      await server.close();
    });

    it('delivers to a real SMTP server with the right envelope and headers', async () => {
      const transport = createMailTransport({ smtpUrl: server.url, mailDir: dir });
      await transport.send(MAIL);
      await transport.close();

      expect(server.received).to.have.length(1);
      const [mail] = server.received;
      expect(mail?.mailFrom).to.equal('privacy@wowrack.co.id');
      expect(mail?.rcptTo).to.deep.equal(['budi@example.com']);
      expect(mail?.parsed.messageId).to.equal(MAIL.messageId);
      expect(mail?.parsed.replyTo?.text).to.equal('support@wowrack.co.id');
      expect(mail?.parsed.subject).to.equal(MAIL.subject);
      expect(mail?.parsed.text).to.equal(MAIL.text);
      expect(await readdir(dir)).to.deep.equal([], 'nothing written to the mail folder');
    });

    it('rejects when the server refuses the message', async () => {
      server.reject = { code: 451, message: 'Try again later' };
      const transport = createMailTransport({ smtpUrl: server.url, mailDir: dir });
      let error: unknown;
      try {
        await transport.send(MAIL);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(Error);
      expect(error).to.have.property('responseCode', 451);
      expect(server.received).to.have.length(0);
    });
  });

  it('refuses an SMTP URL of another scheme without echoing it (it may hold a password)', () => {
    expect(() => createMailTransport({ smtpUrl: 'http://user:s3cret@mail.example.com', mailDir: dir }))
      .to.throw(/smtp:\/\//)
      .with.property('message')
      .that.does.not.include('s3cret');
    expect(() => createMailTransport({ smtpUrl: 'not a url s3cret', mailDir: dir }))
      .to.throw()
      .with.property('message')
      .that.does.not.include('s3cret');
  });

  it('safeSubject flattens control characters', () => {
    expect(safeSubject('  a\r\nb\tc\u2028d  ')).to.equal('a b c d');
  });
});
