import type { CloudAdapter, ConversationReference } from 'botbuilder';
import { say } from '../../dialogs/replies/texts.ts';
import type { ConsentNotifier } from '../../domain/ports.ts';
import type { ConsentRecord } from '../../domain/records.ts';
import type { DirectLineService } from '../directline/directLineService.ts';
import { describeError } from '../log/describeError.ts';
import type { Logger } from '../log/logger.ts';
import type { ServiceUrlPolicy } from './serviceUrlPolicy.ts';

/** Announces a parent's decision in the customer's conversation (a proactive message with the stored reference). */
export interface ConsentNotifierDeps {
  readonly adapter: CloudAdapter;
  readonly appId: string;
  readonly supportEmail: string;
  readonly logger: Logger;
  /** Checked again before calling a stored reference's serviceUrl (one stored by an older release, say). */
  readonly serviceUrls: ServiceUrlPolicy;
  readonly directLine?: DirectLineService;
}

export class ProactiveConsentNotifier implements ConsentNotifier {
  constructor(private readonly deps: ConsentNotifierDeps) {}

  async notify(consent: ConsentRecord): Promise<void> {
    const reference = consent.conversationReference as Partial<ConversationReference> | undefined;
    if (!reference?.conversation?.id || !reference.serviceUrl) return;
    const key = consent.decision === 'approved' ? 'consentApprovedNotice' : 'consentDeclinedNotice';
    const text = say(key, consent.lang, { id: consent.id, support: this.deps.supportEmail });
    // A website chat on the built-in Direct Line gets the message in-process, never over HTTP.
    if (this.deps.directLine?.owns(reference)) {
      let delivered = false;
      try {
        delivered = await this.deps.directLine.deliver(reference.conversation.id, { type: 'message', text });
      } catch (error) {
        this.deps.logger.warn({ consent: consent.id, error: describeError(error) }, 'could not notify the chat');
        return;
      }
      if (!delivered)
        this.deps.logger.info({ consent: consent.id }, 'chat conversation no longer open; notice sent by e-mail only');
      return;
    }
    if (!this.deps.serviceUrls.allows(reference.serviceUrl)) {
      this.deps.logger.warn({ consent: consent.id }, 'conversation not notified: its serviceUrl is not allowed');
      return;
    }
    try {
      await this.deps.adapter.continueConversationAsync(this.deps.appId, reference, async (context) => {
        await context.sendActivity(text);
      });
    } catch (error) {
      this.deps.logger.warn(
        { consent: consent.id, error: error instanceof Error ? error.message : String(error) },
        'could not notify the conversation',
      );
    }
  }
}
