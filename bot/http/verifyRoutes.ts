/**
 * The identity link of a ticket's acknowledgement mail: GET /verify/<token> shows which request it is about (its
 * number and kind, no personal data) with the button "Ya, ini permintaan saya"; only that button's POST, from this
 * page, confirms (domain/ticketVerification.ts). Used, expired, closed and unknown links get a clear page.
 */
import type restify from 'restify';
import type { TicketRecord } from '../../domain/records.ts';
import { TICKET_KIND_LABELS } from '../../domain/ticketKinds.ts';
import type { TicketVerificationService, VerificationResult } from '../../domain/ticketVerification.ts';
import { formatTime } from '../../domain/time.ts';
import type { Logger } from '../log/logger.ts';
import { escapeHtml } from './html.ts';
import { crossSiteProblem, layout, type Page, send, userAgentOf } from './linkPage.ts';
import { loggablePath } from './loggablePath.ts';

export interface VerifyRouteDeps {
  readonly verification: TicketVerificationService;
  readonly logger: Logger;
  /** The support address the pages name. */
  readonly support: string;
  readonly publicUrl?: string;
}

const kindOf = (t: TicketRecord) => escapeHtml(TICKET_KIND_LABELS[t.kind][t.lang]);

function openPage(t: TicketRecord, token: string): Page {
  const id = t.lang === 'id';
  const until = escapeHtml(formatTime(t.verification?.expiresAt ?? t.createdAt, t.lang));
  const body = id
    ? `<p>Tiket <strong>${escapeHtml(t.id)}</strong> · ${kindOf(t)}, diterima ${escapeHtml(formatTime(t.createdAt, 'id'))}.</p>
<p>Apakah permintaan ini dikirim oleh Anda? Konfirmasi Anda membantu kami memastikan data pribadi hanya diberikan kepada pemiliknya.</p>
<form method="post" action="/verify/${encodeURIComponent(token)}" class="actions">
<button class="approve" type="submit" name="confirm" value="yes">Ya, ini permintaan saya</button></form>
<p><small>Tautan ini hanya dapat dipakai sekali dan berlaku sampai ${until}. Jika Anda tidak mengirim permintaan ini, tutup halaman ini dan abaikan e-mailnya.</small></p>`
    : `<p>Ticket <strong>${escapeHtml(t.id)}</strong> · ${kindOf(t)}, received ${escapeHtml(formatTime(t.createdAt, 'en'))}.</p>
<p>Did you send this request? Your confirmation helps us make sure personal data goes only to the person it belongs to.</p>
<form method="post" action="/verify/${encodeURIComponent(token)}" class="actions">
<button class="approve" type="submit" name="confirm" value="yes">Ya, ini permintaan saya (Yes, this is my request)</button></form>
<p><small>The link works once and is valid until ${until}. If you did not send this request, close this page and ignore the e-mail.</small></p>`;
  return { status: 200, html: layout(t.lang, id ? 'Konfirmasi permintaan Anda' : 'Confirm your request', body) };
}

function resultPage(result: VerificationResult, support: string): Page {
  const mail = escapeHtml(support);
  switch (result.status) {
    case 'confirmed':
    case 'verified': {
      const t = result.ticket;
      const at = escapeHtml(formatTime(t.verification?.verifiedAt ?? t.createdAt, t.lang));
      const first = result.status === 'confirmed';
      const text =
        t.lang === 'id'
          ? `${first ? 'Terima kasih.' : 'Tautan ini sudah digunakan.'} Permintaan <strong>${escapeHtml(t.id)}</strong> telah dikonfirmasi sebagai permintaan Anda pada ${at}. Tim kami akan membalas ke alamat e-mail Anda.`
          : `${first ? 'Thank you.' : 'This link has already been used.'} Request <strong>${escapeHtml(t.id)}</strong> was confirmed as yours on ${at}. Our team will reply to your e-mail address.`;
      return {
        status: first ? 200 : 409,
        html: layout(t.lang, t.lang === 'id' ? 'Permintaan dikonfirmasi' : 'Request confirmed', `<p>${text}</p>`),
      };
    }
    case 'expired':
    case 'closed': {
      const t = result.ticket;
      const text =
        t.lang === 'id'
          ? `Tautan untuk permintaan ${escapeHtml(t.id)} tidak berlaku lagi${result.status === 'closed' ? ' (permintaan sudah ditutup)' : ''}. Hubungi ${mail} dan sebutkan nomor tiket.`
          : `The link for request ${escapeHtml(t.id)} is no longer valid${result.status === 'closed' ? ' (the request was closed)' : ''}. Write to ${mail} and quote the ticket number.`;
      return {
        status: 410,
        html: layout(t.lang, t.lang === 'id' ? 'Tautan tidak berlaku' : 'Link no longer valid', `<p>${text}</p>`),
      };
    }
    case 'unknown': {
      const body = `<p>Tautan ini tidak dikenal. Pastikan Anda membuka tautan lengkap dari e-mail, atau hubungi ${mail}.</p>
<p lang="en"><small>This link is not recognised. Make sure you opened the complete link from the e-mail, or write to ${mail}.</small></p>`;
      return { status: 404, html: layout('id', 'Tautan tidak dikenal', body) };
    }
  }
}

function crossSitePage(): Page {
  const body = `<p>Konfirmasi hanya dapat dikirim dari halaman tautan itu sendiri. Buka tautan dari e-mail dan tekan tombolnya di sana.</p>
<p lang="en"><small>A confirmation can only be sent from the link's own page. Open the link from the e-mail and press the button there.</small></p>`;
  return { status: 403, html: layout('id', 'Permintaan ditolak', body) };
}

export function registerVerifyRoutes(server: restify.Server, deps: VerifyRouteDeps): void {
  const { verification, logger, support } = deps;
  const show = async (req: restify.Request, res: restify.Response) => {
    const token = String(req.params.token ?? '');
    const state = await verification.lookup(token);
    send(res, state.status === 'open' ? openPage(state.ticket, token) : resultPage(state, support));
  };
  server.get('/verify/:token', show);
  server.head('/verify/:token', show);

  server.post('/verify/:token', async (req, res) => {
    const crossSite = crossSiteProblem(req, deps.publicUrl);
    if (crossSite) {
      logger.warn({ path: loggablePath(req.url ?? ''), reason: crossSite }, 'cross-site identity confirmation refused');
      send(res, crossSitePage());
      return;
    }
    const result = await verification.confirm(String(req.params.token ?? ''), userAgentOf(req));
    if (result.status === 'confirmed') logger.info({ ticket: result.ticket.id }, 'ticket identity confirmed');
    send(res, resultPage(result, support));
  });
}
