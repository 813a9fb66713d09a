import type { CloudAdapter, ConversationReference } from 'botbuilder';
import { say } from '../../dialogs/replies/texts.ts';
import type { ConsentNotifier } from '../../domain/ports.ts';
import type { ConsentRecord } from '../../domain/records.ts';
import type { DirectLineService } from '../directline/directLineService.ts';
import type { Logger } from '../log/logger.ts';

/** Announces a parent's decision in the customer's conversation (a proactive message with the stored reference). */
export class ProactiveConsentNotifier implements ConsentNotifier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly supportEmail: string,
    private readonly logger: Logger,
    private readonly directLine?: DirectLineService,
  ) {}

  async notify(consent: ConsentRecord): Promise<void> {
    const reference = consent.conversationReference as Partial<ConversationReference> | undefined;
    if (!reference?.conversation?.id || !reference.serviceUrl) return;
    const key = consent.decision === 'approved' ? 'consentApprovedNotice' : 'consentDeclinedNotice';
    const text = say(key, consent.lang, { id: consent.id, support: this.supportEmail });
    // A website chat on the built-in Direct Line gets the message in-process, never over HTTP.
    if (this.directLine?.owns(reference)) {
      const delivered = this.directLine.deliver(reference.conversation.id, { type: 'message', text });
      if (!delivered)
        this.logger.info({ consent: consent.id }, 'chat conversation no longer open; notice sent by e-mail only');
      return;
    }
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        await context.sendActivity(text);
      });
    } catch (error) {
      this.logger.warn(
        { consent: consent.id, error: error instanceof Error ? error.message : String(error) },
        'could not notify the conversation',
      );
    }
  }
}
