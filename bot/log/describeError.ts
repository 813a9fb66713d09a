import { maskEmailsIn } from '../../domain/address.ts';

const MAX_ERROR_LENGTH = 300;

/** `CODE: message`, one line, addresses masked, bounded: safe for the database and the logs. */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    text = code && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  } else {
    text = String(error);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const oneLine = maskEmailsIn(text.replace(/[\u0000-\u001f\u007f]+/g, ' ')).trim();
  return oneLine.length > MAX_ERROR_LENGTH ? `${oneLine.slice(0, MAX_ERROR_LENGTH - 1)}…` : oneLine || 'unknown error';
}
