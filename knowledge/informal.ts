/**
 * Informal Indonesian word forms that neither the slang list nor the stemmer knows: "partner2" (reduplication
 * written with 2), "dibagiin" (Jakarta -in for -kan), "ngunjungin" (ng- for meng-), "websitenya" (English word with
 * an Indonesian clitic), "diupdate" (Indonesian prefix on an English word).
 * Returns the spellings to try, most likely first; the caller keeps the first one the knowledge file knows.
 */
export function informalVariants(word: string): string[] {
  const out: string[] = [];
  const add = (w: string) => {
    if (w.length >= 3 && w !== word && !out.includes(w)) out.push(w);
  };
  const base = word.replace(/2$/, '');
  add(base);
  for (const suffix of ['nya', 'ny', 'ku', 'mu', 'lah', 'kah', 'in', 'an', 'kan', 'i'])
    if (base.endsWith(suffix) && base.length - suffix.length >= 3) {
      const stem = base.slice(0, -suffix.length);
      add(stem);
      if (suffix === 'in') add(`${stem}kan`);
    }
  for (const prefix of ['di', 'ke', 'ter', 'nge', 'ng', 'ny', 'me', 'ber', 'se'])
    if (base.startsWith(prefix) && base.length - prefix.length >= 3) {
      const rest = base.slice(prefix.length);
      add(rest);
      if (prefix === 'ng' && /^[aiueo]/.test(rest)) {
        add(`meng${rest}`);
        // "ngunjungin" → "mengunjungi": Jakarta -in stands for -i or -kan.
        if (rest.endsWith('in')) for (const suffix of ['i', 'kan']) add(`meng${rest.slice(0, -2)}${suffix}`);
      }
      if (prefix === 'ng' || prefix === 'nge' || prefix === 'di')
        for (const suffix of ['in', 'nya', 'an'])
          if (rest.endsWith(suffix) && rest.length - suffix.length >= 3) add(rest.slice(0, -suffix.length));
    }
  return out;
}
