/**
 * Sign-in, the second factor and sign-out. The forms post `email` and `password` (and `code`); a wrong password or
 * an unknown address get the same answer; a run of failures gets 429 with Retry-After.
 */
import type restify from 'restify';
import type { SignInResult, SignInService } from '../../../domain/signIn.ts';
import type { Logger } from '../../log/logger.ts';
import { type ConsoleHttp, field, queryParam, redirect, safeNext, sendHtml } from './consoleHttp.ts';
import type { ConsoleRouter } from './consoleRouter.ts';
import { html, type SafeHtml } from './html.ts';
import { both, csrfField, page } from './layout.ts';

export interface SignInRouteDeps {
  readonly signIn: SignInService;
  readonly http: ConsoleHttp;
  readonly router: ConsoleRouter;
  readonly logger: Logger;
}

function signInForm(next: string, csrf: string, notice?: SafeHtml): SafeHtml {
  return html`${notice ?? ''}<form method="post" action="/console/login" class="card narrow">
${csrfField(csrf)}<input type="hidden" name="next" value="${next}">
<label>${both('E-mail', 'E-mail')}<input type="email" name="email" autocomplete="username" required maxlength="320" autofocus></label>
<label>${both('Kata sandi', 'Password')}<input type="password" name="password" autocomplete="current-password" required maxlength="256"></label>
<button type="submit" class="primary">${both('Masuk', 'Sign in')}</button></form>`;
}

function codeForm(next: string, csrf: string, notice?: SafeHtml): SafeHtml {
  return html`${notice ?? ''}<form method="post" action="/console/login/code" class="card narrow">
${csrfField(csrf)}<input type="hidden" name="next" value="${next}">
<label>${both('Kode dari aplikasi autentikator', 'Code from your authenticator app')}
<input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,8}" required maxlength="8" autofocus></label>
<button type="submit" class="primary">${both('Lanjut', 'Continue')}</button></form>`;
}

const notice = (kind: 'error' | 'info', id: string, en: string): SafeHtml =>
  html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${both(id, en)}</p>`;

export function registerSignInRoutes(server: restify.Server, deps: SignInRouteDeps): void {
  const { signIn, http, router, logger } = deps;
  const frame = router.publicFrame();
  const title = 'Masuk · Sign in';

  /** The sign-in page with a new form token (and its cookie). */
  const signInPage = (res: restify.Response, status: number, next: string, n?: SafeHtml, headers = {}) => {
    const { token, cookie } = http.signInToken();
    sendHtml(res, status, page(frame, title, signInForm(next, token, n)), { ...headers, 'Set-Cookie': cookie });
  };

  server.get('/console/login', async (req, res) => {
    if (await http.session(req)) {
      redirect(res, safeNext(queryParam(req, 'next')));
      return;
    }
    signInPage(res, 200, safeNext(queryParam(req, 'next')));
  });

  /** After a password or code: where the result leads; `show` answers with the form again (status, notice). */
  const answer = (
    res: restify.Response,
    result: SignInResult,
    next: string,
    show: (status: number, n: SafeHtml, headers?: Record<string, string>) => void,
  ) => {
    switch (result.status) {
      case 'signed-in':
        redirect(res, next, { 'Set-Cookie': http.sessionCookie(result.session.id) });
        return;
      case 'second-factor':
        redirect(res, `/console/login/code?next=${encodeURIComponent(next)}`, {
          'Set-Cookie': http.sessionCookie(result.session.id),
        });
        return;
      case 'throttled':
        show(
          429,
          notice(
            'error',
            `Terlalu banyak percobaan gagal. Coba lagi dalam ${result.retryAfterSeconds} detik.`,
            `Too many failed attempts. Try again in ${result.retryAfterSeconds} seconds.`,
          ),
          { 'Retry-After': String(result.retryAfterSeconds) },
        );
        return;
      case 'refused':
        show(401, notice('error', 'E-mail, kata sandi atau kode salah.', 'Wrong e-mail, password or code.'));
    }
  };

  server.post('/console/login', async (req, res) => {
    const problem = http.signInProblem(req);
    const next = safeNext(field(req, 'next', 300));
    if (problem) {
      logger.warn({ reason: problem }, 'sign-in form refused');
      signInPage(
        res,
        403,
        next,
        notice('error', 'Formulir ditolak; silakan coba lagi.', 'Form refused; please try again.'),
      );
      return;
    }
    const email = field(req, 'email', 320);
    const password = field(req, 'password', 256);
    if (!email || !password) {
      signInPage(res, 400, next, notice('error', 'Isi e-mail dan kata sandi.', 'Enter your e-mail and password.'));
      return;
    }
    const result = await signIn.signIn(email, password, http.clientKey(req), http.sessionId(req));
    answer(res, result, next, (status, n, headers) => signInPage(res, status, next, n, headers));
  });

  /** The pending session (password accepted, code not yet given). */
  const pending = async (req: restify.Request) => {
    const active = await http.options.sessions.resolve(http.sessionId(req));
    return active?.session.pendingSecondFactor ? active : undefined;
  };

  server.get('/console/login/code', async (req, res) => {
    const active = await pending(req);
    if (!active) {
      redirect(res, '/console/login');
      return;
    }
    sendHtml(res, 200, page(frame, title, codeForm(safeNext(queryParam(req, 'next')), active.session.csrfToken)));
  });

  server.post('/console/login/code', async (req, res) => {
    const active = await pending(req);
    const id = http.sessionId(req);
    if (!active || !id) {
      redirect(res, '/console/login');
      return;
    }
    const next = safeNext(field(req, 'next', 300));
    if (http.postProblem(req, active)) {
      sendHtml(
        res,
        403,
        page(
          frame,
          title,
          codeForm(next, active.session.csrfToken, notice('error', 'Formulir ditolak.', 'Form refused.')),
        ),
      );
      return;
    }
    const result = await signIn.secondFactor(id, field(req, 'code', 12), http.clientKey(req), active.staff);
    answer(res, result, next, (status, n, headers = {}) =>
      sendHtml(res, status, page(frame, title, codeForm(next, active.session.csrfToken, n)), headers),
    );
  });

  router.action('/console/logout', async ({ req, res, active }) => {
    const id = http.sessionId(req);
    if (id) await signIn.signOut(id, active.staff);
    redirect(res, '/console/login', { 'Set-Cookie': http.clearedCookie() });
  });
}
