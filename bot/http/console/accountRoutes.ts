/** The signed-in member's own account: the optional TOTP second factor (QR code for an authenticator app). */
import type { StaffService } from '../../../domain/staff.ts';
import type { StaffSessionService } from '../../../domain/staffSessions.ts';
import { type ConsoleHttp, ConsoleInputError, formText, queryParam, redirect, sendHtml } from './consoleHttp.ts';
import type { ConsoleRouter } from './consoleRouter.ts';
import { html, trusted } from './html.ts';
import { both, csrfField, page } from './layout.ts';

export interface AccountRouteDeps {
  readonly staff: StaffService;
  /** An SVG QR code of a text (the otpauth URI). */
  readonly qrSvg: (text: string) => string;
  /** Turning the second factor on ends the account's sessions: this browser gets a new one. */
  readonly sessions: StaffSessionService;
  readonly http: ConsoleHttp;
}

export function registerAccountRoutes(router: ConsoleRouter, deps: AccountRouteDeps): void {
  const { staff, qrSvg, sessions, http } = deps;

  router.page('/console/account', async ({ req, res, frame, active }) => {
    const me = active.staff;
    const done = queryParam(req, 'done');
    const body = html`${done === '2fa-on' ? html`<p class="notice ok" role="status">${both('Verifikasi dua langkah aktif.', 'Two-step verification is on.')}</p>` : ''}
<section class="card"><dl><dt>${both('Nama', 'Name')}</dt><dd>${me.name}</dd><dt>E-mail</dt><dd>${me.email}</dd><dt>${both('Peran', 'Role')}</dt><dd>${me.role}</dd>
<dt>2FA</dt><dd>${me.totpEnabled ? both('Aktif', 'On') : both('Tidak aktif', 'Off')}</dd></dl></section>
${
  me.totpEnabled
    ? html`<p>${both('Untuk mematikannya, minta admin (staff 2fa-off).', 'To turn it off, ask an admin (staff 2fa-off).')}</p>`
    : html`<form method="post" action="/console/account/2fa" class="card narrow">${csrfField(active.session.csrfToken)}
<p>${both('Lindungi akun dengan kode dari aplikasi autentikator.', 'Protect your account with a code from an authenticator app.')}</p>
<button type="submit" class="primary">${both('Aktifkan verifikasi dua langkah', 'Turn on two-step verification')}</button></form>`
}`;
    sendHtml(res, 200, page(frame('account'), 'Akun saya · My account', body));
  });

  router.action('/console/account/2fa', async ({ res, frame, active }) => {
    if (active.staff.totpEnabled) throw new ConsoleInputError('Sudah aktif · Already on');
    const { secret, uri } = await staff.startTotpEnrolment(active.staff.id);
    const body = html`<section class="card narrow"><p>${both('Pindai kode QR ini dengan aplikasi autentikator, lalu masukkan kode 6 digit.', 'Scan this QR code with an authenticator app, then enter the 6-digit code.')}</p>
<div class="qr">${trusted(qrSvg(uri))}</div><p><small>${both('Atau masukkan kunci ini:', 'Or enter this key:')} <code class="secret">${secret.replace(/(.{4})/g, '$1 ').trim()}</code></small></p>
<form method="post" action="/console/account/2fa/confirm">${csrfField(active.session.csrfToken)}
<label>${both('Kode', 'Code')}<input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="8" pattern="[0-9 ]{6,8}"></label>
<button type="submit" class="primary">${both('Konfirmasi', 'Confirm')}</button></form></section>`;
    sendHtml(res, 200, page(frame('account'), 'Verifikasi dua langkah · Two-step verification', body));
  });

  router.action('/console/account/2fa/confirm', async ({ req, res, actor, active }) => {
    const ok = await staff.confirmTotpEnrolment(active.staff.id, formText(req, 'code', 12).replace(/\s+/g, ''), actor);
    if (!ok)
      throw new ConsoleInputError('Kode salah; mulai lagi dari Akun saya · Wrong code; start again from My account');
    const opened = await sessions.open(active.staff.id, false);
    redirect(res, '/console/account?done=2fa-on', { 'Set-Cookie': http.sessionCookie(opened.id) });
  });
}
