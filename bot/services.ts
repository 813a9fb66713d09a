import { AuditTrail } from '../domain/audit.ts';
import { ConsentService } from '../domain/consent.ts';
import { ConsentQueryService } from '../domain/consentQuery.ts';
import { ExportService } from '../domain/exports.ts';
import { FeedbackService } from '../domain/feedback.ts';
import { MailQuota } from '../domain/mailQuota.ts';
import type { Clock, MailDelivery, RequestStore } from '../domain/ports.ts';
import { ReminderService } from '../domain/reminders.ts';
import { RequestRecorder } from '../domain/requestMail.ts';
import { SignInService } from '../domain/signIn.ts';
import { SignInThrottle, type SignInThrottling } from '../domain/signInThrottle.ts';
import { type ScryptCost, StaffService } from '../domain/staff.ts';
import { StaffSessionService } from '../domain/staffSessions.ts';
import { SuppressionListService } from '../domain/suppressionList.ts';
import { TicketRetention } from '../domain/ticketRetention.ts';
import { TicketService } from '../domain/tickets.ts';
import { TicketVerificationService } from '../domain/ticketVerification.ts';
import { TicketWorkService } from '../domain/ticketWork.ts';
import { UnsubscribeService } from '../domain/unsubscribe.ts';
import type { Config } from './config.ts';

/** What the support console works with (bot/http/console), and the console's jobs (bot/jobs). */
export interface ConsoleServices {
  readonly staff: StaffService;
  readonly sessions: StaffSessionService;
  readonly signIn: SignInService;
  readonly tickets: TicketWorkService;
  readonly verification: TicketVerificationService;
  readonly consents: ConsentQueryService;
  readonly suppression: SuppressionListService;
  readonly exports: ExportService;
  readonly audit: AuditTrail;
  readonly reminders: ReminderService;
  readonly ticketRetention: TicketRetention;
}

export interface DomainServices {
  readonly unsubscribes: UnsubscribeService;
  readonly tickets: TicketService;
  readonly consents: ConsentService;
  readonly feedback: FeedbackService;
  readonly console: ConsoleServices;
}

export interface ServiceSeams {
  readonly now: Clock;
  readonly deliveryWaitMs: number;
  /** Tests hash passwords cheaply. */
  readonly scryptCost?: ScryptCost;
  /** Where failed sign-ins are counted (the store's: shared by every instance with PostgreSQL); memory if absent. */
  readonly signInThrottle?: SignInThrottling;
}

const HOUR_MS = 3_600_000;

/** What the services read of the config; of the mail settings only the marketing mailbox (the rest may be there). */
type ServicesConfig = Pick<Config, 'supportEmail' | 'publicUrl' | 'deadlines' | 'console'> & {
  readonly mail: Pick<Config['mail'], 'marketingEmail'> & Partial<Config['mail']>;
};

/** The domain's services on the store and the mail delivery, with the configured addresses. */
export function buildServices(
  config: ServicesConfig,
  store: RequestStore,
  delivery: MailDelivery,
  seams: ServiceSeams,
): DomainServices {
  const { now, deliveryWaitMs } = seams;
  const { supportEmail, publicUrl, deadlines } = config;
  const marketingEmail = config.mail.marketingEmail;
  const quota = mailQuotaOf(config);
  const requests = new RequestRecorder({ store, delivery, quota, now, deliveryWaitMs });
  return {
    unsubscribes: new UnsubscribeService({ store, requests, marketingEmail, supportEmail }),
    tickets: new TicketService({ requests, supportEmail, deadlines, publicUrl }),
    consents: new ConsentService({ store, requests, delivery, quota, supportEmail, publicUrl, now }),
    feedback: new FeedbackService({ store, now }),
    console: buildConsoleServices(config, store, seams),
  };
}

/** The mail caps: our own support and marketing mailboxes are not capped. */
const mailQuotaOf = (config: Pick<ServicesConfig, 'supportEmail' | 'mail'>): MailQuota =>
  new MailQuota([config.supportEmail, config.mail.marketingEmail]);

/** The console's services (also what the staff and audit commands work with, bot/cli). */
export function buildConsoleServices(
  config: ServicesConfig,
  store: RequestStore,
  seams: Pick<ServiceSeams, 'now' | 'scryptCost' | 'signInThrottle'>,
): ConsoleServices {
  const { now } = seams;
  const { supportEmail, publicUrl, deadlines } = config;
  const staff = new StaffService({ store, now, ...(seams.scryptCost ? { scryptCost: seams.scryptCost } : {}) });
  const sessions = new StaffSessionService({ store, now, idleMs: config.console.sessionIdleHours * HOUR_MS });
  return {
    staff,
    sessions,
    signIn: new SignInService({
      store,
      now,
      credentials: staff,
      sessions,
      throttle: seams.signInThrottle ?? new SignInThrottle(now),
    }),
    tickets: new TicketWorkService({ store, now, supportEmail, deadlines }),
    verification: new TicketVerificationService({ store, now, quota: mailQuotaOf(config), supportEmail, publicUrl }),
    consents: new ConsentQueryService({ store, now }),
    suppression: new SuppressionListService({ store, now }),
    exports: new ExportService({ store, now }),
    audit: new AuditTrail(store, now),
    reminders: new ReminderService({
      store,
      now,
      supportEmail,
      publicUrl,
      digestHour: config.console.reminderHour,
    }),
    ticketRetention: new TicketRetention({ store, now, retentionDays: config.console.ticketRetentionDays }),
  };
}
