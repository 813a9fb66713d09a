/**
 * Masks personal data in text before it reaches a log: e-mail addresses and any run of 8 or more digits (phone,
 * card, account or ID numbers), separators included, so no part of a number survives next to another.
 * Logs keep the shape of a question without the customer's data.
 */
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:]+/g;
const NUMBER = /\+?(?<!\d)\d(?:[ ().-]{0,2}\d){7,}(?!\d)/g;

export function redact(text: string): string {
  return text.replace(EMAIL, '[email]').replace(NUMBER, '[number]');
}
