import type { ConsentLookup } from '../../domain/consent.ts';
import type { ConsentRecord } from '../../domain/records.ts';
import { formatTime } from '../../domain/time.ts';
import type { Lang } from '../../knowledge/types.ts';
import { escapeHtml } from './html.ts';

export interface Page {
  readonly status: number;
  readonly html: string;
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f9;color:#1d2733;margin:0}
main{max-width:560px;margin:40px auto;background:#fff;border-radius:12px;padding:28px 32px;box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:1.35rem;color:#0b4f8a;margin-top:0}blockquote{border-left:4px solid #f28c28;margin:16px 0;padding:4px 14px;color:#44505c;white-space:pre-line}
.actions{display:flex;gap:12px;margin-top:24px}button{font-size:1rem;padding:10px 22px;border-radius:8px;border:0;cursor:pointer}
.approve{background:#0b4f8a;color:#fff}.decline{background:#e4e8ee;color:#1d2733}small{color:#6b7785}`;

function layout(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} – Wowrack Indonesia</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

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
