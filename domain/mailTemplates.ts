/**
 * The e-mails the flows send, as plain text. Subjects are fixed texts plus our own ids: nothing the customer typed
 * reaches a header. Mails to staff are in Indonesian; mails to customers and parents in the conversation's language.
 *
 * Mail to an address nobody has verified yet (the customer's, the parent's) carries no caller-written free text: the
 * request is described in the assistant's own words (its kind), never quoted, and a typed name appears only when it
 * cannot form a link (see mailName()). Staff mails carry everything. Control and bidi characters are removed from
 * every subject and text when the mail is recorded (outgoingMail.ts safeSubject/safeText).
 */
import type { Lang } from '../knowledge/types.ts';
import { isStatutoryDeadline } from './deadlines.ts';
import type { ConsentRecord, TicketRecord } from './records.ts';
import { TICKET_KIND_LABELS, TICKET_KIND_LAW } from './ticketKinds.ts';
import { formatTime } from './time.ts';

export interface MailContent {
  readonly subject: string;
  readonly text: string;
}

const SIGNATURE: Record<Lang, string> = {
  id: '\n--\nAsisten Privasi Wowrack Indonesia\nE-mail ini dikirim otomatis oleh asisten chat di situs Wowrack Indonesia.',
  en: '\n--\nWowrack Indonesia Privacy Assistant\nThis e-mail was sent automatically by the chat assistant on the Wowrack Indonesia website.',
};

/**
 * A typed name as it may appear in mail to an unverified address, or undefined. The flows accept letters, spaces and
 * `. ' ’ -` in names; a dot could make a name a domain ("Verify at wowrack-login.example"), so a name with one is not
 * repeated (the mail uses a neutral greeting). At most 60 characters.
 */
export function mailName(name: string): string | undefined {
  const trimmed = name.replace(/\s+/g, ' ').trim();
  return trimmed.length >= 2 && trimmed.length <= 60 && /^[\p{L}][\p{L}\p{M} '’-]*$/u.test(trimmed)
    ? trimmed
    : undefined;
}

// --- stop promotional e-mail ---------------------------------------------------------------------------------

/** To the marketing mailbox: the statement's own process ("membalas e-mail kami dengan subjek REMOVE"). */
/** `mailbox`: the canonical mailbox the list keys on (mailboxKey()), named too when it differs from the address. */
export function removeRequestMail(email: string, recordedAt: string, mailbox = email): MailContent {
  return {
    subject: 'REMOVE',
    text: [
      'REMOVE',
      '',
      'Pelanggan meminta berhenti berlangganan e-mail promosi produk Wowrack Indonesia.',
      '',
      `Alamat e-mail : ${email}`,
      ...(mailbox !== email ? [`Kotak surat   : ${mailbox} (termasuk variannya, mis. dengan +tag)`] : []),
      `Dicatat       : ${formatTime(recordedAt, 'id')}`,
      'Sumber        : asisten chat di situs Wowrack Indonesia',
      '',
      'Mohon hapus alamat ini dari semua daftar e-mail promosi. Ini adalah penarikan persetujuan (UU PDP Pasal 9);',
      'alamat ini sudah tercatat di daftar berhenti berlangganan asisten.',
      SIGNATURE.id,
    ].join('\n'),
  };
}

export function unsubscribeConfirmationMail(
  email: string,
  recordedAt: string,
  lang: Lang,
  support: string,
): MailContent {
  return lang === 'id'
    ? {
        subject: 'Konfirmasi: berhenti berlangganan e-mail promosi Wowrack Indonesia',
        text: [
          'Halo,',
          '',
          `Permintaan berhenti berlangganan e-mail promosi untuk ${email} telah kami catat pada ${formatTime(recordedAt, 'id')}.`,
          'Tim kami telah menerima permintaan dengan subjek REMOVE.',
          '',
          `Jika Anda tidak meminta ini, balas e-mail ini atau hubungi ${support}.`,
          SIGNATURE.id,
        ].join('\n'),
      }
    : {
        subject: 'Confirmation: unsubscribed from Wowrack Indonesia promotional e-mail',
        text: [
          'Hello,',
          '',
          `Your request to stop promotional e-mail to ${email} was recorded on ${formatTime(recordedAt, 'en')}.`,
          'Our team has received a request with the subject REMOVE.',
          '',
          `If you did not ask for this, reply to this e-mail or write to ${support}.`,
          SIGNATURE.en,
        ].join('\n'),
      };
}

// --- question or data request to support --------------------------------------------------------------------

export function ticketToSupportMail(ticket: TicketRecord): MailContent {
  const due = ticket.dueAt
    ? `${formatTime(ticket.dueAt, 'id')}${isStatutoryDeadline(ticket.kind) ? '' : ' (kebijakan perusahaan, bukan batas undang-undang)'}`
    : 'tidak ada batas waktu undang-undang; mohon ditanggapi segera';
  return {
    subject: `[${ticket.id}] ${TICKET_KIND_LABELS[ticket.kind].id}`,
    text: [
      `Tiket          : ${ticket.id}`,
      `Jenis          : ${TICKET_KIND_LABELS[ticket.kind].id}`,
      `Dasar          : ${TICKET_KIND_LAW[ticket.kind]}`,
      `Diterima       : ${formatTime(ticket.createdAt, 'id')}`,
      `Batas tanggapan: ${due}`,
      `Nama           : ${ticket.name}`,
      `E-mail         : ${ticket.email} (balas e-mail ini untuk menjawab pelanggan)`,
      `Akun/domain    : ${ticket.account || '-'}`,
      `Bahasa         : ${ticket.lang === 'id' ? 'Indonesia' : 'Inggris'}`,
      '',
      'Pertanyaan/permintaan:',
      indent(ticket.question),
      '',
      'Percakapan terakhir (data pribadi disamarkan):',
      ticket.transcript.length > 0 ? ticket.transcript.map((line) => `  ${line}`).join('\n') : '  -',
      SIGNATURE.id,
    ].join('\n'),
  };
}

/**
 * To the customer's address (not verified): the ticket, its kind and deadline, in the assistant's words. The
 * customer's question is not quoted (it went to support only), so the mail cannot carry text an attacker wrote.
 * `verifyLink`: the single-use link with which the customer confirms that the request is theirs (its page decides
 * only by a button, never by being opened).
 */
export function ticketAcknowledgementMail(ticket: TicketRecord, verifyLink?: string): MailContent {
  const lang = ticket.lang;
  const label = TICKET_KIND_LABELS[ticket.kind][lang];
  // The customer is told the statutory 3×24 h only; the company's own deadlines are the team's internal targets.
  const due = ticket.dueAt && isStatutoryDeadline(ticket.kind) ? formatTime(ticket.dueAt, lang) : undefined;
  const name = mailName(ticket.name);
  const until = ticket.verification ? formatTime(ticket.verification.expiresAt, lang) : undefined;
  return lang === 'id'
    ? {
        subject: `[${ticket.id}] Permintaan Anda telah kami terima`,
        text: [
          name ? `Halo ${name},` : 'Halo,',
          '',
          `Permintaan Anda telah kami terima dengan nomor tiket ${ticket.id}.`,
          `Jenis: ${label}`,
          ...(due ? [`Batas waktu tanggapan: ${due} (3×24 jam).`] : []),
          '',
          ...(verifyLink
            ? [
                'Demi keamanan data Anda, mohon konfirmasi bahwa permintaan ini benar dari Anda: buka tautan berikut',
                'lalu tekan tombol "Ya, ini permintaan saya".',
                verifyLink,
                `Tautan ini hanya dapat dipakai sekali${until ? ` dan berlaku sampai ${until}` : ''}. Jika Anda tidak mengirim permintaan ini, abaikan e-mail ini.`,
                '',
              ]
            : []),
          'Isi pesan Anda telah diteruskan ke tim support; demi keamanan tidak kami ulangi di e-mail ini.',
          'Tim support akan membalas ke alamat ini. Sebutkan nomor tiket jika Anda menghubungi kami.',
          SIGNATURE.id,
        ].join('\n'),
      }
    : {
        subject: `[${ticket.id}] We have received your request`,
        text: [
          name ? `Hello ${name},` : 'Hello,',
          '',
          `We have received your request as ticket ${ticket.id}.`,
          `Kind: ${label}`,
          ...(due ? [`Response deadline: ${due} (3×24 hours).`] : []),
          '',
          ...(verifyLink
            ? [
                'To protect your data, please confirm that this request is yours: open the link below and press',
                '"Ya, ini permintaan saya" (Yes, this is my request).',
                verifyLink,
                `The link works once${until ? ` and is valid until ${until}` : ''}. If you did not send this request, ignore this e-mail.`,
                '',
              ]
            : []),
          'Your message has been passed to our support team; for your security it is not repeated in this e-mail.',
          'Our support team will reply to this address. Please quote the ticket number if you contact us.',
          SIGNATURE.en,
        ].join('\n'),
      };
}

// --- parental consent ------------------------------------------------------------------------------------------

export function consentRequestMail(consent: ConsentRecord, link: string): MailContent {
  const expires = formatTime(consent.expiresAt, consent.lang);
  const parent = mailName(consent.parentName);
  const child = mailName(consent.childName);
  return consent.lang === 'id'
    ? {
        subject: 'Permintaan persetujuan orang tua/wali - Wowrack Indonesia',
        text: [
          parent ? `Yth. ${parent},` : 'Yth. Bapak/Ibu,',
          '',
          `${child ?? 'Seorang calon pelanggan'} (${consent.childAge} tahun, ${consent.childEmail}) ingin menggunakan layanan Wowrack Indonesia`,
          'dan menyebut Anda sebagai orang tua/wali.',
          '',
          'Pernyataan Privasi kami menyebutkan: "Untuk melakukan transaksi melalui situs kami, minimal usia pelanggan adalah',
          '18 tahun." dan "Kami akan membutuhkan izin orang tua Anda untuk mengatur pelayanan kami dengan Anda."',
          '',
          'Buka tautan berikut untuk melihat permintaan ini lalu menyetujui atau menolaknya:',
          link,
          '',
          `Tautan ini hanya dapat dipakai sekali dan berlaku sampai ${expires}.`,
          `Nomor permintaan: ${consent.id}. Jika Anda tidak mengenal permintaan ini, abaikan e-mail ini.`,
          SIGNATURE.id,
        ].join('\n'),
      }
    : {
        subject: 'Parent/guardian consent request - Wowrack Indonesia',
        text: [
          parent ? `Dear ${parent},` : 'Dear parent or guardian,',
          '',
          `${child ?? 'A prospective customer'} (age ${consent.childAge}, ${consent.childEmail}) would like to use Wowrack Indonesia's services`,
          'and named you as their parent or guardian.',
          '',
          'Our Privacy Statement says that the minimum customer age for transactions through our site is 18 years, and that',
          "we need a parent's permission to arrange our services with a younger customer.",
          '',
          'Open this link to see the request and approve or decline it:',
          link,
          '',
          `The link works once and is valid until ${expires}.`,
          `Request number: ${consent.id}. If you do not recognise this request, ignore this e-mail.`,
          SIGNATURE.en,
        ].join('\n'),
      };
}

export function consentDecisionToSupportMail(consent: ConsentRecord): MailContent {
  const approved = consent.decision === 'approved';
  return {
    subject: `[${consent.id}] Persetujuan orang tua ${approved ? 'DISETUJUI' : 'DITOLAK'}`,
    text: [
      `Permintaan      : ${consent.id}`,
      `Keputusan       : ${approved ? 'DISETUJUI' : 'DITOLAK'} pada ${formatTime(consent.decidedAt ?? consent.createdAt, 'id')}`,
      `Calon pelanggan : ${consent.childName}, ${consent.childAge} tahun, ${consent.childEmail}`,
      `Orang tua/wali  : ${consent.parentName}, ${consent.parentEmail}`,
      `Diminta         : ${formatTime(consent.createdAt, 'id')}`,
      '',
      approved
        ? 'Mohon atur pembatasan pada akun pelanggan ini sesuai Pernyataan Privasi ("untuk menempatkan batasan") dan bantu pengaturan akunnya.'
        : 'Orang tua/wali menolak: jangan aktifkan layanan untuk pelanggan ini; hubungi pelanggan jika perlu.',
      'Keputusan ini tercatat oleh asisten sebagai bukti persetujuan (UU PDP Pasal 24-25).',
      SIGNATURE.id,
    ].join('\n'),
  };
}

export function consentDecisionToCustomerMail(consent: ConsentRecord, support: string): MailContent {
  const approved = consent.decision === 'approved';
  const child = mailName(consent.childName);
  const parentId = mailName(consent.parentName) ?? 'Orang tua/wali Anda';
  const parentEn = mailName(consent.parentName) ?? 'Your parent or guardian';
  return consent.lang === 'id'
    ? {
        subject: `[${consent.id}] Orang tua/wali ${approved ? 'menyetujui' : 'menolak'} permintaan Anda`,
        text: [
          child ? `Halo ${child},` : 'Halo,',
          '',
          approved
            ? `${parentId} telah menyetujui permintaan persetujuan ${consent.id}. Tim kami akan membantu pengaturan akun Anda.`
            : `${parentId} telah menolak permintaan persetujuan ${consent.id}. Jika ada pertanyaan, hubungi ${support}.`,
          SIGNATURE.id,
        ].join('\n'),
      }
    : {
        subject: `[${consent.id}] Your parent/guardian ${approved ? 'approved' : 'declined'} your request`,
        text: [
          child ? `Hello ${child},` : 'Hello,',
          '',
          approved
            ? `${parentEn} has approved consent request ${consent.id}. Our team will help set up your account.`
            : `${parentEn} has declined consent request ${consent.id}. For questions, write to ${support}.`,
          SIGNATURE.en,
        ].join('\n'),
      };
}

const indent = (text: string): string =>
  text
    .split(/\r?\n/)
    .map((line) => `  ${line}`)
    .join('\n');

// --- answers from the support console ---------------------------------------------------------------------------

const REPLY_FOOTER: Record<Lang, (ticketId: string, support: string) => string> = {
  id: (ticketId, support) =>
    `\n--\nTim Privasi Wowrack Indonesia\nNomor tiket: ${ticketId}. Balas e-mail ini jika ada pertanyaan; balasan Anda diterima tim kami di ${support}.`,
  en: (ticketId, support) =>
    `\n--\nWowrack Indonesia Privacy Team\nTicket number: ${ticketId}. Reply to this e-mail with any questions; your reply reaches our team at ${support}.`,
};

/**
 * To the customer: the privacy team's answer as the staff member wrote it, under the ticket's subject (`[PRV-…]` and
 * the kind in the ticket's language), with a footer naming the ticket and the support mailbox.
 */
export function ticketReplyMail(ticket: TicketRecord, answer: string, support: string): MailContent {
  return {
    subject: `[${ticket.id}] ${TICKET_KIND_LABELS[ticket.kind][ticket.lang]}`,
    text: `${answer}\n${REPLY_FOOTER[ticket.lang](ticket.id, support)}`,
  };
}

// --- reminders to the support mailbox ------------------------------------------------------------------------------

/** "5 jam lagi" / "terlambat 3 jam": the time left of a ticket at `now`, in whole hours. */
function hoursText(ticket: TicketRecord, now: Date): string {
  const left = (Date.parse(ticket.dueAt ?? '') - now.getTime()) / 3_600_000;
  return left <= 0 ? `terlambat ${Math.ceil(-left)} jam` : `${Math.floor(left)} jam lagi`;
}

function reminderLine(ticket: TicketRecord, now: Date, consoleUrl: string): string {
  const due = ticket.dueAt ? formatTime(ticket.dueAt, 'id') : '-';
  return `- ${ticket.id} · ${TICKET_KIND_LABELS[ticket.kind].id} · tenggat ${due} (${hoursText(ticket, now)})\n  ${consoleUrl}/tickets/${ticket.id}`;
}

/** The daily digest: what is overdue and what falls due within 24 hours (ids and kinds only, no personal data). */
export function reminderDigestMail(
  dueSoon: readonly TicketRecord[],
  overdue: readonly TicketRecord[],
  now: Date,
  consoleUrl: string,
): MailContent {
  return {
    subject: `[Pengingat] ${overdue.length} permintaan terlambat, ${dueSoon.length} jatuh tempo dalam 24 jam`,
    text: [
      `Ringkasan harian permintaan privasi per ${formatTime(now.toISOString(), 'id')}.`,
      '',
      `Terlambat (${overdue.length}):`,
      ...(overdue.length > 0 ? overdue.map((t) => reminderLine(t, now, consoleUrl)) : ['- tidak ada']),
      '',
      `Jatuh tempo dalam 24 jam (${dueSoon.length}):`,
      ...(dueSoon.length > 0 ? dueSoon.map((t) => reminderLine(t, now, consoleUrl)) : ['- tidak ada']),
      '',
      'Tenggat dihitung sejak permintaan diterima (UU PDP); statusnya tidak menghentikan waktu.',
      `Konsol: ${consoleUrl}`,
      SIGNATURE.id,
    ].join('\n'),
  };
}

/** One ticket with 12 hours or less left and no reply to the customer yet. */
export function reminderAlertMail(ticket: TicketRecord, now: Date, consoleUrl: string): MailContent {
  return {
    subject: `[${ticket.id}] Tenggat ${hoursText(ticket, now)}, belum ada balasan`,
    text: [
      `Tiket ${ticket.id} (${TICKET_KIND_LABELS[ticket.kind].id}) belum dibalas dan tenggatnya ${hoursText(ticket, now)}:`,
      `${ticket.dueAt ? formatTime(ticket.dueAt, 'id') : '-'}.`,
      `Dasar: ${TICKET_KIND_LAW[ticket.kind]}`,
      '',
      `Buka di konsol: ${consoleUrl}/tickets/${ticket.id}`,
      SIGNATURE.id,
    ].join('\n'),
  };
}
