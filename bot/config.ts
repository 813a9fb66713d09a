import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export type AppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
const APP_TYPES: readonly AppType[] = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every setting of the assistant, typed and checked. Built once at start from the environment. */
export interface Config {
  readonly port: number;
  readonly dataDir: string;
  readonly knowledgeFile: string;
  readonly logLevel: LogLevel;
  readonly supportEmail: string;
  readonly mail: {
    /** SMTP server URL; empty: every mail is written as an .eml file under DATA_DIR/mail. */
    readonly smtpUrl: string;
    readonly marketingEmail: string;
    readonly from: string;
  };
  /** Base of links in e-mails (consent links), without a trailing slash. */
  readonly publicUrl: string;
  /** Idle conversation state and delivered mail are deleted after this many days (privacy by design). */
  readonly retentionDays: number;
  readonly bot: {
    readonly appType: AppType;
    readonly appId: string;
    readonly appPassword: string;
    readonly tenantId: string;
  };
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
  const knowledgeFile = resolve(get('KNOWLEDGE_FILE') || './knowledge/faq.yaml');
  if (!existsSync(knowledgeFile)) problems.push(`KNOWLEDGE_FILE "${knowledgeFile}" does not exist`);

  const supportEmail = get('SUPPORT_EMAIL') || 'support@wowrack.co.id';
  if (!EMAIL.test(supportEmail)) problems.push(`SUPPORT_EMAIL must be an e-mail address, not "${supportEmail}"`);

  const marketingEmail = get('MARKETING_EMAIL') || supportEmail;
  if (get('MARKETING_EMAIL') && !EMAIL.test(marketingEmail))
    problems.push(`MARKETING_EMAIL must be an e-mail address, not "${marketingEmail}"`);
  const mailFrom = get('MAIL_FROM') || 'privacy-assistant@wowrack.co.id';
  if (!EMAIL.test(mailFrom)) problems.push(`MAIL_FROM must be a plain e-mail address, not "${mailFrom}"`);
  const smtpUrl = get('SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl))
    problems.push('SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465');

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

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    dataDir,
    knowledgeFile,
    logLevel: logLevel as LogLevel,
    supportEmail,
    mail: { smtpUrl, marketingEmail, from: mailFrom },
    publicUrl,
    retentionDays,
    bot: { appType: appType as AppType, appId, appPassword, tenantId },
  };
}

/** Loads `.env` from the working directory into process.env when there is one (real environment wins). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
