/**
 * Every conversation the assistant can carry out, declared once: its name (also its dialog id and the name
 * faq.yaml's `flow:` fields use), the title of the button that starts it, and how to build its dialog from its domain
 * service. Everything else (buttons, the knowledge file's check, starting a flow from a request) derives from this.
 * Which knowledge entries offer a flow is data: their `flow:` field in faq.yaml.
 */
import type { Dialog } from 'botbuilder-dialogs';
import type { ConsentService } from '../../domain/consent.ts';
import type { TicketService } from '../../domain/tickets.ts';
import type { UnsubscribeService } from '../../domain/unsubscribe.ts';
import type { Bilingual, FlowName } from '../../knowledge/types.ts';
import type { FlowDeps } from './flowDialog.ts';
import { ParentalConsentDialog } from './parentalConsentDialog.ts';
import { SupportRequestDialog, type TranscriptSource } from './supportRequestDialog.ts';
import { UnsubscribeDialog } from './unsubscribeDialog.ts';

/** The domain services behind the flows; a flow whose service is absent is not offered. */
export interface FlowServices {
  readonly unsubscribes?: UnsubscribeService;
  readonly tickets?: TicketService;
  readonly consents?: ConsentService;
}

/** What building a flow's dialog may use. */
export interface FlowContext {
  readonly deps: FlowDeps;
  readonly services: FlowServices;
  /** The recent lines of the conversation, for a ticket. */
  readonly transcript: TranscriptSource;
}

export interface FlowDefinition {
  readonly name: FlowName;
  /** The suggested action that starts it. */
  readonly title: Bilingual;
  /** Its dialog (with `name` as id), or undefined when its service is not available. */
  readonly build: (context: FlowContext) => Dialog | undefined;
}

export const FLOWS: readonly FlowDefinition[] = [
  {
    name: 'unsubscribe',
    title: { id: 'Berhenti terima e-mail promosi', en: 'Stop promotional e-mail' },
    build: ({ deps, services }) =>
      services.unsubscribes && new UnsubscribeDialog('unsubscribe', { ...deps, service: services.unsubscribes }),
  },
  {
    name: 'support',
    title: { id: 'Kirim pertanyaan ke tim support', en: 'Send my question to support' },
    build: ({ deps, services, transcript }) =>
      services.tickets && new SupportRequestDialog('support', { ...deps, service: services.tickets, transcript }),
  },
  {
    name: 'parental-consent',
    title: { id: 'Minta persetujuan orang tua/wali', en: 'Request parent/guardian consent' },
    build: ({ deps, services }) =>
      services.consents && new ParentalConsentDialog('parental-consent', { ...deps, service: services.consents }),
  },
];

/** The names of all flows: what faq.yaml's `flow:` fields may say. */
export const FLOW_NAMES: readonly FlowName[] = FLOWS.map((flow) => flow.name);
