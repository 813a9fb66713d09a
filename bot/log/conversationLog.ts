import type { AssistantDeps } from '../../dialogs/assistant.ts';
import { redact } from '../../domain/redact.ts';
import { describeError } from './describeError.ts';
import type { Logger } from './logger.ts';

/** What the conversation layer reports, as log lines: questions masked and cut short, failures described safely. */
export function conversationLog(logger: Logger): AssistantDeps['observer'] {
  return {
    answered: (meta, question) =>
      // Guarded: masking the question costs more than the log line when info logs are off.
      logger.isLevelEnabled('info') &&
      logger.info(
        { ...meta, question: redact(question).slice(0, 300) },
        meta.kind === 'answer' ? 'answered' : 'not answered',
      ),
    flowStarted: (flow, lang) => logger.info({ flow, lang }, 'flow started'),
    flowFailed: (flow, error) => logger.error({ flow, error: describeError(error) }, 'flow could not record a request'),
  };
}
