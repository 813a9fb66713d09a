/**
 * What a parent agrees to (UU PDP Pasal 24–25: consent for a child is given by the parent or guardian, and the
 * controller must be able to show it). The statement is the same for every request of one language: no names, no
 * addresses; the page shows the request's personal parts around it. Each version is stored once
 * (ConsentTextRecord) and every consent request refers to the one its parent was shown by its SHA-256, so changing
 * the wording here starts a new version and never rewrites what earlier parents agreed to.
 */
import { createHash } from 'node:crypto';
import type { Lang } from '../knowledge/types.ts';

const STATEMENT: Record<Lang, string> = {
  id: [
    'Pernyataan Privasi Wowrack Indonesia: "Untuk melakukan transaksi melalui situs kami, minimal usia pelanggan adalah 18 tahun. […] Kami akan membutuhkan izin orang tua Anda untuk mengatur pelayanan kami dengan Anda."',
    'Dengan memilih "Setujui", saya menyatakan bahwa saya adalah orang tua atau wali dari calon pelanggan yang disebut dalam permintaan ini, dan saya mengizinkan Wowrack Indonesia mengatur pelayanannya dengan anak tersebut serta memproses data pribadinya untuk keperluan itu sesuai Pernyataan Privasi Wowrack Indonesia.',
    'Dengan memilih "Tolak", saya tidak memberikan izin tersebut. Persetujuan ini dapat saya tarik kembali kapan saja dengan menghubungi Wowrack Indonesia.',
  ].join('\n\n'),
  en: [
    'Wowrack Indonesia Privacy Statement: "To make transactions through our site, the minimum customer age is 18 years. […] We will need your parents’ permission to arrange our services with you."',
    'By choosing "Approve", I declare that I am the parent or guardian of the prospective customer named in this request, and I permit Wowrack Indonesia to arrange its services with this child and to process the child’s personal data for that purpose in accordance with the Wowrack Indonesia Privacy Statement.',
    'By choosing "Decline", I do not give this permission. I can withdraw this consent at any time by contacting Wowrack Indonesia.',
  ].join('\n\n'),
};

/** The consent statement a parent is shown, in `lang`, with its SHA-256 (hex of the UTF-8 text). */
export interface ConsentText {
  readonly text: string;
  readonly hash: string;
}

const TEXTS: Record<Lang, ConsentText> = {
  id: { text: STATEMENT.id, hash: createHash('sha256').update(STATEMENT.id).digest('hex') },
  en: { text: STATEMENT.en, hash: createHash('sha256').update(STATEMENT.en).digest('hex') },
};

/** The current consent statement in `lang` and its hash (the proof a consent request refers to). */
export function consentText(lang: Lang): ConsentText {
  return TEXTS[lang];
}
