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

const WIB_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

/** The calendar day in WIB (UTC+7 all year) of a moment, YYYY-MM-DD. */
export function wibDay(date: Date): string {
  return new Date(date.getTime() + WIB_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Monday (YYYY-MM-DD) of the week a WIB day (YYYY-MM-DD) is in. */
export function weekStart(day: string): string {
  const n = Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
  // Day 0 of the epoch (1 January 1970) was a Thursday: Monday is 3 days before it.
  return new Date((n - ((n + 3) % 7)) * DAY_MS).toISOString().slice(0, 10);
}

/** The moment rounded down to the hour, ISO (what anonymous records keep of a time). */
export function hourOf(date: Date): string {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000).toISOString();
}
