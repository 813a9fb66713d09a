/** The forged requests a link page's POST (a consent or identity link) must refuse with 403: their headers. */

/** Another site, a same-site sibling, an opaque origin, this host on another port. */
export function forgedOrigins(port: number): readonly Record<string, string>[] {
  return [
    { origin: 'http://evil.example' },
    { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site', origin: 'http://other.assistant.example.test' },
    { origin: 'null' },
    { origin: `http://127.0.0.1:${port + 1}` },
  ];
}
