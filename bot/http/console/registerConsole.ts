/**
 * The privacy team's console at /console: sign-in, the requests and their deadlines, consents, the suppression list,
 * the audit trail, staff, exports. Routes only: every rule lives in the domain services it is given.
 */
import { fileURLToPath } from 'node:url';
import type restify from 'restify';
import type { DeadlinePolicy } from '../../../domain/deadlines.ts';
import type { Clock, MailDelivery } from '../../../domain/ports.ts';
import type { Logger } from '../../log/logger.ts';
import type { ConsoleServices } from '../../services.ts';
import { StaticAsset } from '../staticAssets.ts';
import { registerAccountRoutes } from './accountRoutes.ts';
import { registerAuditRoutes } from './auditRoutes.ts';
import { registerConsentConsoleRoutes } from './consentRoutes.ts';
import { ConsoleHttp, ConsoleInputError } from './consoleHttp.ts';
import { ConsoleRouter } from './consoleRouter.ts';
import { registerDashboardRoutes } from './dashboardRoutes.ts';
import { registerExportRoutes } from './exportRoutes.ts';
import type { KnowledgeConsoleDeps } from './knowledge/deps.ts';
import { registerKnowledgeRoutes } from './knowledge/knowledgeRoutes.ts';
import { qrSvg } from './qrCode.ts';
import { registerSignInRoutes } from './signInRoutes.ts';
import { registerStaffRoutes } from './staffRoutes.ts';
import { registerSuppressionRoutes } from './suppressionRoutes.ts';
import { registerTicketRoutes } from './ticketRoutes.ts';

export interface ConsoleDeps {
  readonly services: ConsoleServices;
  readonly delivery: MailDelivery;
  readonly deadlines: DeadlinePolicy;
  readonly now: Clock;
  readonly logger: Logger;
  readonly publicUrl: string;
  readonly trustProxy: boolean;
  /** The admins' knowledge pages; absent: the console has none. */
  readonly knowledge?: KnowledgeConsoleDeps;
}

const assetFile = (name: string): string => fileURLToPath(new URL(`./assets/${name}`, import.meta.url));
const SAME_ORIGIN = { 'Cross-Origin-Resource-Policy': 'same-origin' };

export function registerConsole(server: restify.Server, deps: ConsoleDeps): void {
  const { services, now, logger } = deps;
  const style = new StaticAsset({
    file: assetFile('console.css'),
    urlPath: (hash) => `/console/assets/console.${hash}.css`,
    contentType: 'text/css; charset=utf-8',
    headers: SAME_ORIGIN,
  });
  const script = new StaticAsset({
    file: assetFile('console.js'),
    urlPath: (hash) => `/console/assets/console.${hash}.js`,
    contentType: 'text/javascript; charset=utf-8',
    headers: SAME_ORIGIN,
  });
  for (const file of [style, script]) {
    const serve = async (req: restify.Request, res: restify.Response) => file.serve(req, res);
    server.get(file.path, serve);
    server.head(file.path, serve);
  }

  const http = new ConsoleHttp({
    sessions: services.sessions,
    secureCookies: deps.publicUrl.startsWith('https://'),
    publicUrl: deps.publicUrl,
    trustProxy: deps.trustProxy,
  });
  const router = new ConsoleRouter(server, http, { style: style.path, script: script.path }, logger);
  registerSignInRoutes(server, { signIn: services.signIn, http, router, logger });
  const knowledge = deps.knowledge;
  registerDashboardRoutes(router, {
    tickets: services.tickets,
    now,
    ...(knowledge ? { knowledgeStatus: () => knowledge.knowledge.status } : {}),
  });
  registerTicketRoutes(router, {
    tickets: services.tickets,
    verification: services.verification,
    staff: services.staff,
    delivery: deps.delivery,
    deadlines: deps.deadlines,
    now,
  });
  registerConsentConsoleRoutes(router, { consents: services.consents, audit: services.audit, now });
  registerSuppressionRoutes(router, { suppression: services.suppression, audit: services.audit });
  registerAuditRoutes(router, { audit: services.audit });
  registerStaffRoutes(router, { staff: services.staff, audit: services.audit });
  registerAccountRoutes(router, { staff: services.staff, qrSvg, sessions: services.sessions, http });
  registerExportRoutes(router, { exports: services.exports });
  if (knowledge) registerKnowledgeRoutes(router, knowledge);
  // Any other page under /console: a console page saying so (after sign-in), not the API's JSON 404.
  router.page('/console/*', async () => {
    throw new ConsoleInputError('Halaman tidak ditemukan · Page not found', 404);
  });
}
