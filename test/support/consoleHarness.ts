/**
 * Shared pieces of the console tests: a cheap password hash, a cookie-keeping client for the console's forms, and a
 * ticket recorded the way the support-request flow records it.
 */
import type { App } from '../../bot/app.ts';
import type { TicketInput } from '../../domain/tickets.ts';

/** A cheap scrypt cost: the tests check the logic, not the work factor (production uses N = 2^15). */
export const TEST_SCRYPT = { n: 2 ** 10, r: 8, p: 1 };

export interface ConsoleResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** A browser-like client without a browser: keeps cookies, follows nothing (each redirect is asserted), posts forms. */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<ConsoleResponse> {
    return this.#send(path, { method: 'GET', headers });
  }

  async post(
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<ConsoleResponse> {
    return this.#send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Opens the sign-in form (for its token) and posts it; the response of the POST. */
  async signIn(email: string, password: string, extra: Record<string, string> = {}): Promise<ConsoleResponse> {
    const form = await this.get('/console/login');
    return this.post('/console/login', { csrf: csrfOf(form.body), email, password, ...extra });
  }

  /** The CSRF token of a console page (for a POST from it). */
  async csrf(path = '/console'): Promise<string> {
    return csrfOf((await this.get(path)).body);
  }

  async #send(path: string, init: RequestInit & { headers: Record<string, string> }): Promise<ConsoleResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...init.headers },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, headers: response.headers, body: await response.text() };
  }
}

/** The value of the form field `csrf` in a page. */
export function csrfOf(html: string): string {
  return /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
}

/** Records a ticket through the app's TicketService (as the chat flow does); its id. */
export async function recordTicket(app: App, fields: Partial<TicketInput> = {}): Promise<string> {
  const outcome = await app.services.tickets.create({
    kind: 'access',
    name: 'Budi Santoso',
    email: 'budi.pelanggan@example.test',
    question: 'saya mau minta salinan data saya',
    transcript: [],
    lang: 'id',
    conversationId: `conv-${Math.random().toString(36).slice(2)}`,
    ...fields,
  });
  if (outcome.status === 'limited') throw new Error('the ticket was not recorded: mail caps');
  return outcome.record.id;
}

/** The value of the form field `once` (a form's one-time key) in a page. */
export function formKeyOf(html: string): string {
  return /name="once" value="([^"]*)"/.exec(html)?.[1] ?? '';
}
