import { type Logger, pino } from 'pino';
import type { LogLevel } from '../config.ts';

export type { Logger };

/** Structured JSON logs on stdout. Callers must pass user text through redact() first. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { app: 'wowrack-privacy-assistant' },
    // Belt and braces: fields that could carry credentials or personal data never reach a log line.
    redact: {
      paths: ['*.password', '*.appPassword', '*.email', '*.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
