/**
 * Customer-typed text shown back in a markdown bubble (a summary): every character markdown gives a meaning is
 * escaped, so `[Verifikasi akun](http://evil.example)` shows as typed instead of as a link.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#!|<>~]/g, (c) => `\\${c}`);
}
