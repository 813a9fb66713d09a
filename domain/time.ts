import type { Lang } from '../knowledge/types.ts';

/** Customers and staff are in Indonesia: times they read are in WIB. */
const ZONE = 'Asia/Jakarta';

const FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  id: new Intl.DateTimeFormat('id-ID', { dateStyle: 'long', timeStyle: 'short', timeZone: ZONE }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: ZONE }),
};

/** "30 November 2026 pukul 14.05 WIB" / "30 November 2026 at 14:05 WIB". */
export function formatTime(iso: string, lang: Lang): string {
  return `${FORMATS[lang].format(new Date(iso))} WIB`;
}

/** YYYYMMDD of a moment, in WIB (for readable ids). */
export function dayStamp(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
  return parts.replaceAll('-', '');
}
