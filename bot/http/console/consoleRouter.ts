/**
 * Registers console routes behind the session: a page (GET, HTML: no session → the sign-in page), an action (POST:
 * CSRF-checked, then 303 to the next page), a download (GET: no session → 401, never data). A role can be required.
 * Domain errors with a `reason` become a 400 page naming it; anything else is logged and a polite 500 page.
 */
import type restify from 'restify';
import type { StaffRole } from '../../../domain/records.ts';
import type { ActiveSession } from '../../../domain/staffSessions.ts';
import type { Logger } from '../../log/logger.ts';
import { loggablePath } from '../loggablePath.ts';
import { type ConsoleHttp, ConsoleInputError, redirect, sendHtml, sendJsonError } from './consoleHttp.ts';
import { html } from './html.ts';
import { both, type ConsoleAssetPaths, type ConsoleSection, type PageFrame, page } from './layout.ts';

export interface ConsoleRequest {
  readonly req: restify.Request;
  readonly res: restify.Response;
  readonly active: ActiveSession;
  /** The audit actor of this staff member. */
  readonly actor: `staff:${string}`;
  /** The page frame (navigation, CSRF token) for a section. */
  frame(section?: ConsoleSection): PageFrame;
}

type Handler = (request: ConsoleRequest) => Promise<void>;

interface RouteOptions {
  readonly role?: StaffRole;
}

const hasReason = (error: unknown): error is Error & { reason: string } =>
  error instanceof Error && 'reason' in error && typeof error.reason === 'string';

/** What the domain's refusals (TicketWorkError, StaffError: their `reason`) mean to a staff member, and their status. */
const REASONS: Readonly<Record<string, { readonly status: number; readonly text: string }>> = {
  unknown: { status: 404, text: 'Tidak ditemukan · Not found' },
  closed: {
    status: 409,
    text: 'Permintaan sudah ditutup; buka kembali (Diproses) dulu · The request is closed; reopen it (In progress) first',
  },
  'reason-required': {
    status: 400,
    text: 'Penolakan perlu alasan (maks. 500 karakter) · Rejecting needs a reason (500 characters at most)',
  },
  'override-required': {
    status: 400,
    text:
      'Identitas pelanggan belum terverifikasi: permintaan salinan atau penghapusan hanya dapat diselesaikan dengan ' +
      'alasan override (dicatat di jejak audit) · The customer’s identity is not verified: a copy or deletion request ' +
      'can only be resolved with an override reason (kept in the audit trail)',
  },
  text: { status: 400, text: 'Teks kosong atau terlalu panjang · The text is empty or too long' },
  verified: {
    status: 409,
    text: 'Identitas pelanggan sudah terverifikasi · The customer’s identity is verified already',
  },
  'link-limit': {
    status: 429,
    text:
      'Permintaan ini sudah mendapat 3 tautan baru dalam 24 jam; coba lagi besok atau hubungi pelanggan langsung · ' +
      'This request had 3 new links in 24 hours; try again tomorrow or contact the customer directly',
  },
  'mail-cap': {
    status: 429,
    text:
      'Kotak surat pelanggan sudah mencapai batas e-mail per jam; coba lagi dalam satu jam · ' +
      'The customer’s mailbox has had its e-mails for the hour; try again in an hour',
  },
  status: { status: 400, text: 'Status tidak dikenal · Unknown status' },
  assignee: { status: 400, text: 'Petugas tidak dikenal atau nonaktif · Unknown or disabled staff member' },
  email: { status: 400, text: 'Alamat e-mail tidak valid · Not a valid e-mail address' },
  name: { status: 400, text: 'Nama wajib diisi (maks. 100 karakter) · A name of 1–100 characters is needed' },
  role: { status: 400, text: 'Peran tidak dikenal · Unknown role' },
  password: {
    status: 400,
    text: 'Kata sandi harus 12–256 karakter · The password must be 12–256 characters',
  },
  exists: { status: 409, text: 'Alamat ini sudah terdaftar · This address has an account already' },
  'last-admin': {
    status: 409,
    text: 'Ini admin aktif terakhir: tambahkan admin lain dulu · This is the last enabled admin: add another admin first',
  },
  'totp-not-started': { status: 400, text: 'Mulai lagi dari Akun saya · Start again from My account' },
  'totp-on': { status: 409, text: 'Verifikasi dua langkah sudah aktif · Two-step verification is on already' },
};

export class ConsoleRouter {
  constructor(
    private readonly server: restify.Server,
    private readonly http: ConsoleHttp,
    private readonly assets: ConsoleAssetPaths,
    private readonly logger: Logger,
  ) {}

  /** The frame of a page shown without a session (sign-in, errors). */
  publicFrame(): PageFrame {
    return { assets: this.assets };
  }

  page(path: string, handler: Handler, options: RouteOptions = {}): void {
    this.server.get(path, async (req, res) => {
      const active = await this.http.session(req);
      if (!active) {
        redirect(res, `/console/login?next=${encodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)}`);
        return;
      }
      await this.#run(req, res, active, handler, options);
    });
  }

  action(path: string, handler: Handler, options: RouteOptions = {}): void {
    this.server.post(path, async (req, res) => {
      const active = await this.http.session(req);
      if (!active) {
        redirect(res, '/console/login');
        return;
      }
      const problem = this.http.postProblem(req, active);
      if (problem) {
        this.logger.warn({ path: loggablePath(req.url ?? ''), reason: problem }, 'console form refused');
        this.#error(res, active, 403, 'Formulir ditolak', 'Form refused', 'Muat ulang halaman lalu coba lagi.');
        return;
      }
      await this.#run(req, res, active, handler, options);
    });
  }

  download(path: string, handler: Handler, options: RouteOptions = {}): void {
    this.server.get(path, async (req, res) => {
      const active = await this.http.session(req);
      if (!active) {
        sendJsonError(res, 401, 'unauthorized', 'sign in to the console first');
        return;
      }
      if (options.role && active.staff.role !== options.role) {
        sendJsonError(res, 403, 'forbidden', `this needs the ${options.role} role`);
        return;
      }
      await this.#run(req, res, active, handler, {});
    });
  }

  async #run(
    req: restify.Request,
    res: restify.Response,
    active: ActiveSession,
    handler: Handler,
    options: RouteOptions,
  ): Promise<void> {
    if (options.role && active.staff.role !== options.role) {
      this.#error(res, active, 403, 'Tidak diizinkan', 'Not allowed', `Halaman ini untuk peran ${options.role}.`);
      return;
    }
    const frame = (section?: ConsoleSection): PageFrame => ({
      assets: this.assets,
      staff: active.staff,
      csrfToken: active.session.csrfToken,
      ...(section ? { section } : {}),
    });
    try {
      await handler({ req, res, active, actor: `staff:${active.staff.id}`, frame });
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof ConsoleInputError) {
        this.#error(res, active, error.status, 'Tidak dapat diproses', 'Cannot be done', error.message);
        return;
      }
      const known = hasReason(error) ? REASONS[error.reason] : undefined;
      if (known) {
        this.#error(res, active, known.status, 'Tidak dapat diproses', 'Cannot be done', known.text);
        return;
      }
      this.logger.error(
        { path: loggablePath(req.url ?? ''), error: error instanceof Error ? error.message.slice(0, 300) : 'unknown' },
        'console request failed',
      );
      this.#error(res, active, 500, 'Terjadi kesalahan', 'Something went wrong', 'Silakan coba lagi sebentar lagi.');
    }
  }

  #error(res: restify.Response, active: ActiveSession, status: number, id: string, en: string, text: string): void {
    const frame: PageFrame = { assets: this.assets, staff: active.staff, csrfToken: active.session.csrfToken };
    sendHtml(
      res,
      status,
      page(
        frame,
        `${id} · ${en}`,
        html`<p class="notice error" role="alert">${text}</p>
<p><a href="/console">${both('Kembali ke dasbor', 'Back to the dashboard')}</a></p>`,
      ),
    );
  }
}
