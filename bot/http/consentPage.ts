import type { ConsentLookup } from '../../domain/consent.ts';
import type { ConsentRecord } from '../../domain/records.ts';
import { formatTime } from '../../domain/time.ts';
import { escapeHtml } from './html.ts';
import { layout, type Page } from './linkPage.ts';

/** The page a consent link shows (GET never decides: mail scanners follow links). */
export function consentPage(lookup: ConsentLookup, token: string, support: string): Page {
  switch (lookup.status) {
    case 'unknown':
      return unknownPage(support);
    case 'expired':
      return expiredPage(lookup.consent, support);
    case 'decided':
      return usedPage(lookup.consent, support);
    case 'open':
      return openPage(lookup.consent, lookup.text, token);
  }
}

/**
 * The request, with the consent statement (domain/consentText.ts) exactly as stored for it, in one blockquote whose
 * line breaks show as written; the request's personal parts are around it, never in it.
 */
function openPage(c: ConsentRecord, consentText: string, token: string): Page {
  const id = c.lang === 'id';
  const who = `<strong>${escapeHtml(c.childName)}</strong> (${c.childAge} ${id ? 'tahun' : 'years old'}, ${escapeHtml(c.childEmail)})`;
  const body = `<p>${id ? `Yth. ${escapeHtml(c.parentName)},` : `Dear ${escapeHtml(c.parentName)},`}</p>
<p>${who} ${id ? 'ingin menggunakan layanan Wowrack Indonesia dan menyebut Anda sebagai orang tua/wali.' : "would like to use Wowrack Indonesia's services and named you as their parent or guardian."}</p>
<blockquote class="consent-text">${escapeHtml(consentText)}</blockquote>
<p>${id ? 'Apakah Anda menyetujui permintaan ini?' : 'Do you approve this request?'}</p>
<form method="post" action="/consent/${encodeURIComponent(token)}" class="actions">
<button class="approve" type="submit" name="decision" value="approve">${id ? 'Setujui' : 'Approve'}</button>
<button class="decline" type="submit" name="decision" value="decline">${id ? 'Tolak' : 'Decline'}</button></form>
<p><small>${id ? 'Nomor permintaan' : 'Request number'} ${escapeHtml(c.id)} · ${id ? 'berlaku sampai' : 'valid until'} ${escapeHtml(formatTime(c.expiresAt, c.lang))}.
${id ? 'Keputusan Anda dicatat beserta waktunya sebagai bukti persetujuan.' : 'Your decision is recorded with its time as proof of consent.'}</small></p>`;
  return { status: 200, html: layout(c.lang, id ? 'Persetujuan orang tua/wali' : 'Parent/guardian consent', body) };
}

export function recordedPage(c: ConsentRecord): Page {
  const id = c.lang === 'id';
  const approved = c.decision === 'approved';
  const text = id
    ? `Terima kasih. Keputusan Anda (<strong>${approved ? 'disetujui' : 'ditolak'}</strong>) untuk permintaan ${escapeHtml(c.id)} telah dicatat pada ${escapeHtml(formatTime(c.decidedAt ?? c.createdAt, 'id'))}. Tim kami dan ${escapeHtml(c.childName)} akan diberi tahu lewat e-mail.`
    : `Thank you. Your decision (<strong>${approved ? 'approved' : 'declined'}</strong>) for request ${escapeHtml(c.id)} was recorded on ${escapeHtml(formatTime(c.decidedAt ?? c.createdAt, 'en'))}. Our team and ${escapeHtml(c.childName)} will be informed by e-mail.`;
  return { status: 200, html: layout(c.lang, id ? 'Keputusan tercatat' : 'Decision recorded', `<p>${text}</p>`) };
}

function usedPage(c: ConsentRecord, support: string): Page {
  const id = c.lang === 'id';
  const decided = escapeHtml(formatTime(c.decidedAt ?? c.createdAt, c.lang));
  const text = id
    ? `Tautan ini sudah digunakan: permintaan ${escapeHtml(c.id)} telah <strong>${c.decision === 'approved' ? 'disetujui' : 'ditolak'}</strong> pada ${decided}. Untuk mengubahnya, hubungi ${escapeHtml(support)}.`
    : `This link has already been used: request ${escapeHtml(c.id)} was <strong>${c.decision === 'approved' ? 'approved' : 'declined'}</strong> on ${decided}. To change it, write to ${escapeHtml(support)}.`;
  return { status: 409, html: layout(c.lang, id ? 'Tautan sudah digunakan' : 'Link already used', `<p>${text}</p>`) };
}

function expiredPage(c: ConsentRecord, support: string): Page {
  const id = c.lang === 'id';
  const text = id
    ? `Tautan untuk permintaan ${escapeHtml(c.id)} sudah kedaluwarsa pada ${escapeHtml(formatTime(c.expiresAt, 'id'))}. Calon pelanggan dapat meminta tautan baru melalui asisten chat, atau hubungi ${escapeHtml(support)}.`
    : `The link for request ${escapeHtml(c.id)} expired on ${escapeHtml(formatTime(c.expiresAt, 'en'))}. The customer can ask for a new one through the chat assistant, or write to ${escapeHtml(support)}.`;
  return { status: 410, html: layout(c.lang, id ? 'Tautan kedaluwarsa' : 'Link expired', `<p>${text}</p>`) };
}

function unknownPage(support: string): Page {
  const body = `<p>Tautan ini tidak dikenal. Pastikan Anda membuka tautan lengkap dari e-mail, atau hubungi ${escapeHtml(support)}.</p>
<p lang="en"><small>This link is not recognised. Make sure you opened the complete link from the e-mail, or write to ${escapeHtml(support)}.</small></p>`;
  return { status: 404, html: layout('id', 'Tautan tidak dikenal', body) };
}

export function badRequestPage(): Page {
  const body = `<p>Permintaan tidak valid: pilih "Setujui" atau "Tolak" pada halaman persetujuan.</p>
<p lang="en"><small>Invalid request: choose "Approve" or "Decline" on the consent page.</small></p>`;
  return { status: 400, html: layout('id', 'Permintaan tidak valid', body) };
}

/** A decision sent from another site (a forged form): refused, nothing recorded. */
export function crossSitePage(): Page {
  const body = `<p>Keputusan hanya dapat dikirim dari halaman persetujuan itu sendiri. Buka tautan dari e-mail dan pilih "Setujui" atau "Tolak" di sana.</p>
<p lang="en"><small>A decision can only be sent from the consent page itself. Open the link from the e-mail and choose "Approve" or "Decline" there.</small></p>`;
  return { status: 403, html: layout('id', 'Permintaan ditolak', body) };
}
