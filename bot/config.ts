import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseMailbox } from '../domain/address.ts';
import { DEFAULT_DEADLINE_POLICY, type DeadlinePolicy } from '../domain/deadlines.ts';
import { parseServiceUrlAllowlist } from './channel/serviceUrlPolicy.ts';

export type AppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
const APP_TYPES: readonly AppType[] = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every setting of the assistant, typed and checked. Built once at start from the environment. */
export interface Config {
  readonly port: number;
  readonly dataDir: string;
  /** The shared store; an empty url: the embedded one (a JSON file in dataDir, one instance). */
  readonly database: {
    /** DATABASE_URL: postgres://user:password@host:5432/db (never logged: it may carry a password). */
    readonly url: string;
    /** Connections each instance keeps open at most. */
    readonly poolSize: number;
  };
  readonly knowledgeFile: string;
  readonly logLevel: LogLevel;
  readonly supportEmail: string;
  readonly mail: {
    /** SMTP server URL; empty: every mail is written as an .eml file under DATA_DIR/mail. */
    readonly smtpUrl: string;
    readonly marketingEmail: string;
    /** Sender of every mail: `address` or `Display Name <address>` (checked by parseMailbox()). */
    readonly from: string;
    /** How long a delivery worker holds a mail it is sending; another instance takes it over after that. */
    readonly claimSeconds: number;
  };
  /** Base of links in e-mails (consent links), without a trailing slash. */
  readonly publicUrl: string;
  /** Idle conversation state and delivered mail are deleted after this many days (privacy by design). */
  readonly retentionDays: number;
  /** The company's answer deadlines where UU PDP sets none: deletion (days) and general questions (hours). */
  readonly deadlines: DeadlinePolicy;
  /** The support console (/console). */
  readonly console: {
    /** A session ends after this long without use. */
    readonly sessionIdleHours: number;
    /** The hour (WIB, 0–23) of the daily reminder digest to SUPPORT_EMAIL. */
    readonly reminderHour: number;
    /** Resolved and rejected tickets lose their personal data this many days after they were closed. */
    readonly ticketRetentionDays: number;
  };
  readonly bot: {
    readonly appType: AppType;
    readonly appId: string;
    readonly appPassword: string;
    readonly tenantId: string;
  };
  /** The website chat (GET /, /embed.js) and how its page connects. */
  readonly webChat: {
    /** CSP frame-ancestors sources: the sites that may embed the chat page (`'self'` by default). */
    readonly frameAncestors: readonly string[];
    /** Azure Bot Direct Line secret; empty: the page uses the built-in Direct Line endpoint. Never sent to browsers. */
    readonly directLineSecret: string;
    /** Azure Direct Line base URL (regional endpoints differ), without a trailing slash. */
    readonly directLineEndpoint: string;
    /** Behind one reverse proxy: the client address is the last X-Forwarded-For entry (for rate limits). */
    readonly trustProxy: boolean;
  };
  /** Without an Azure Bot: the Bot Framework serviceUrls (origins) the assistant may call; empty: none. */
  readonly serviceUrlAllowlist: string;
}

/** The console's defaults: 8-hour idle sessions, the digest at 08:00 WIB, tickets anonymised two years after closing. */
export const DEFAULT_CONSOLE_CONFIG: Config['console'] = {
  sessionIdleHours: 8,
  reminderHour: 8,
  ticketRetentionDays: 730,
};

export const DEFAULT_DIRECT_LINE_ENDPOINT = 'https://directline.botframework.com/v3/directline';

/** A CSP host source naming one origin: scheme, host (optionally *.), optional port; no path. */
const ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:(\d{1,5}))?$/i;

/** FRAME_ANCESTORS: space-separated origins, `'self'` or `*`; `'none'` alone forbids embedding. */
function frameAncestorsOf(text: string, problems: string[]): string[] {
  // `self`/`none` without their quotes too: a .env file strips FRAME_ANCESTORS='self' down to self.
  const keywords: Readonly<Record<string, string>> = { self: "'self'", none: "'none'" };
  const sources = text
    .split(/\s+/)
    .filter((s) => s !== '')
    .map((s) => keywords[s.toLowerCase()] ?? s);
  if (sources.length === 0) return ["'self'"];
  const bad: string[] = [];
  for (const source of sources) {
    const port = ORIGIN.exec(source)?.[6];
    const ok =
      source === "'self'" ||
      source === '*' ||
      source === "'none'" ||
      (ORIGIN.test(source) && Number(port ?? 0) <= 65535);
    if (!ok) bad.push(source);
  }
  for (const source of bad.slice(0, 5))
    problems.push(
      `FRAME_ANCESTORS: "${source.slice(0, 100)}" is not an origin; use space-separated origins such as ` +
        `https://www.wowrack.co.id or http://localhost:8080 (scheme, host, optional port, no path), 'self' or *`,
    );
  if (sources.includes("'none'") && sources.length > 1)
    problems.push("FRAME_ANCESTORS: 'none' must be the only value (it forbids embedding)");
  return sources;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** DIRECT_LINE_ENDPOINT: https (http only on this machine, for tests), no query; the secret is sent there. */
function directLineEndpointOf(text: string, problems: string[]): string {
  const endpoint = (text || DEFAULT_DIRECT_LINE_ENDPOINT).replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!url || !secure || url.search || url.hash || url.username || url.password) {
    // A URL with credentials in it is not repeated.
    const shown = url?.username || url?.password ? 'a URL with a user name or password' : `"${endpoint.slice(0, 200)}"`;
    problems.push(
      `DIRECT_LINE_ENDPOINT must be an https URL such as ${DEFAULT_DIRECT_LINE_ENDPOINT} (http only for localhost), ` +
        `not ${shown}`,
    );
  }
  return endpoint;
}

/** DATABASE_URL (postgres:// or postgresql://, with a host and a database) and DATABASE_POOL_SIZE (1 to 100). */
function databaseOf(url: string, poolText: string, problems: string[]): Config['database'] {
  const poolSize = Number(poolText || '10');
  if (!/^\d+$/.test(poolText || '10') || poolSize < 1 || poolSize > 100)
    problems.push(`DATABASE_POOL_SIZE must be a whole number from 1 to 100, not "${poolText.slice(0, 40)}"`);
  if (!url) return { url, poolSize };
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const usable =
    parsed !== undefined &&
    (parsed.protocol === 'postgres:' || parsed.protocol === 'postgresql:') &&
    (parsed.hostname !== '' || parsed.searchParams.has('host')) &&
    parsed.pathname.length > 1;
  // The URL is never repeated: it may carry a password.
  if (!usable)
    problems.push(
      'DATABASE_URL must look like postgres://user:password@host:5432/database (empty: the embedded store in DATA_DIR)',
    );
  return { url, poolSize };
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const EMAIL = /^[^\s@<>"',;]+@[^\s@<>"',;]+\.[a-z]{2,}$/i;

/** Reads and checks the configuration; collects every bad value into one error so all can be fixed at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const get = (name: string): string => (env[name] ?? '').trim();

  const portText = get('PORT') || '3978';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    problems.push(`PORT must be a whole number from 0 to 65535, not "${portText}"`);

  const logLevel = (get('LOG_LEVEL') || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}"`);

  const dataDir = resolve(get('DATA_DIR') || './data');
  const database = databaseOf(get('DATABASE_URL'), get('DATABASE_POOL_SIZE'), problems);
  const knowledgeFile = resolve(get('KNOWLEDGE_FILE') || './knowledge/faq.yaml');
  if (!existsSync(knowledgeFile)) problems.push(`KNOWLEDGE_FILE "${knowledgeFile}" does not exist`);

  const supportEmail = get('SUPPORT_EMAIL') || 'support@wowrack.co.id';
  if (!EMAIL.test(supportEmail)) problems.push(`SUPPORT_EMAIL must be an e-mail address, not "${supportEmail}"`);

  const marketingEmail = get('MARKETING_EMAIL') || supportEmail;
  if (get('MARKETING_EMAIL') && !EMAIL.test(marketingEmail))
    problems.push(`MARKETING_EMAIL must be an e-mail address, not "${marketingEmail}"`);
  const mailFrom = get('MAIL_FROM') || 'privacy-assistant@wowrack.co.id';
  if (!parseMailbox(mailFrom))
    problems.push(
      'MAIL_FROM must be an e-mail address, optionally with a display name such as ' +
        `Wowrack Privacy <privacy@wowrack.co.id>, not "${mailFrom.slice(0, 200)}"`,
    );
  const smtpUrl = get('SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl))
    problems.push('SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465');

  const claimText = get('MAIL_CLAIM_SECONDS') || '300';
  const claimSeconds = Number(claimText);
  if (!/^\d+$/.test(claimText) || claimSeconds < 1 || claimSeconds > 3600)
    problems.push(
      `MAIL_CLAIM_SECONDS must be a whole number of seconds from 1 to 3600, not "${claimText.slice(0, 40)}"`,
    );

  const publicUrl = (get('PUBLIC_URL') || `http://localhost:${Number.isFinite(port) ? port : 3978}`).replace(
    /\/+$/,
    '',
  );
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(publicUrl))
    problems.push(`PUBLIC_URL must be an http(s) URL, not "${publicUrl}"`);

  const retentionText = get('RETENTION_DAYS') || '30';
  const retentionDays = Number(retentionText);
  if (!/^\d+$/.test(retentionText) || retentionDays < 1 || retentionDays > 3650)
    problems.push(`RETENTION_DAYS must be a whole number of days from 1 to 3650, not "${retentionText}"`);

  const deletionDueText = get('DELETION_DUE_DAYS') || String(DEFAULT_DEADLINE_POLICY.deletionDueDays);
  const deletionDueDays = Number(deletionDueText);
  if (!/^\d+$/.test(deletionDueText) || deletionDueDays < 1 || deletionDueDays > 365)
    problems.push(
      `DELETION_DUE_DAYS must be a whole number of days from 1 to 365, not "${deletionDueText.slice(0, 40)}"`,
    );
  const questionDueText = get('QUESTION_DUE_HOURS') || String(DEFAULT_DEADLINE_POLICY.questionDueHours);
  const questionDueHours = Number(questionDueText);
  if (!/^\d+$/.test(questionDueText) || questionDueHours < 1 || questionDueHours > 720)
    problems.push(
      `QUESTION_DUE_HOURS must be a whole number of hours from 1 to 720, not "${questionDueText.slice(0, 40)}"`,
    );

  const wholeNumber = (name: string, fallback: number, min: number, max: number, unit: string): number => {
    const text = get(name) || String(fallback);
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max)
      problems.push(`${name} must be a whole number of ${unit} from ${min} to ${max}, not "${text.slice(0, 40)}"`);
    return value;
  };
  const defaults = DEFAULT_CONSOLE_CONFIG;
  const sessionIdleHours = wholeNumber('CONSOLE_SESSION_HOURS', defaults.sessionIdleHours, 1, 72, 'hours');
  const reminderHour = wholeNumber('REMINDER_HOUR', defaults.reminderHour, 0, 23, 'hours (WIB)');
  const ticketRetentionDays = wholeNumber('TICKET_RETENTION_DAYS', defaults.ticketRetentionDays, 30, 3650, 'days');

  const appType = get('MicrosoftAppType') || 'MultiTenant';
  if (!(APP_TYPES as readonly string[]).includes(appType))
    problems.push(`MicrosoftAppType must be one of ${APP_TYPES.join(', ')}, not "${appType}"`);
  const appId = get('MicrosoftAppId');
  const appPassword = get('MicrosoftAppPassword');
  const tenantId = get('MicrosoftAppTenantId');
  if (appId && !/^[0-9a-f-]{36}$/i.test(appId)) problems.push('MicrosoftAppId must be a GUID (the Azure Bot app id)');
  if (appId && appType !== 'UserAssignedMSI' && !appPassword)
    problems.push('MicrosoftAppPassword is required when MicrosoftAppId is set (except with UserAssignedMSI)');
  if (!appId && appPassword) problems.push('MicrosoftAppPassword is set but MicrosoftAppId is not');
  if (appType !== 'MultiTenant' && appId && !tenantId)
    problems.push(`MicrosoftAppTenantId is required with MicrosoftAppType=${appType}`);

  const frameAncestors = frameAncestorsOf(get('FRAME_ANCESTORS'), problems);
  // The secret is never repeated in a message (a ConfigError is printed at start and may reach log collectors).
  const directLineSecret = get('DIRECT_LINE_SECRET');
  if (directLineSecret && !/^[\x21-\x7e]{16,512}$/.test(directLineSecret))
    problems.push(
      'DIRECT_LINE_SECRET does not look like a Direct Line secret (16 to 512 printable characters, no spaces); ' +
        'copy it from the Azure Bot resource, Channels, Direct Line',
    );
  const directLineEndpoint = directLineEndpointOf(get('DIRECT_LINE_ENDPOINT'), problems);
  const trustProxyText = (get('TRUST_PROXY') || 'false').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(trustProxyText))
    problems.push(`TRUST_PROXY must be true or false, not "${trustProxyText.slice(0, 40)}"`);
  const trustProxy = trustProxyText === 'true' || trustProxyText === '1';
  const serviceUrlAllowlist = get('SERVICE_URL_ALLOWLIST');
  problems.push(...parseServiceUrlAllowlist(serviceUrlAllowlist).problems.slice(0, 5));

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    dataDir,
    database,
    knowledgeFile,
    logLevel: logLevel as LogLevel,
    supportEmail,
    mail: { smtpUrl, marketingEmail, from: mailFrom, claimSeconds },
    publicUrl,
    retentionDays,
    deadlines: { deletionDueDays, questionDueHours },
    console: { sessionIdleHours, reminderHour, ticketRetentionDays },
    bot: { appType: appType as AppType, appId, appPassword, tenantId },
    webChat: { frameAncestors, directLineSecret, directLineEndpoint, trustProxy },
    serviceUrlAllowlist,
  };
}

/** Loads `.env` from the working directory into process.env when there is one (real environment wins). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
