/**
 * The kinds of request a customer can send to support, what each is called, its legal basis and its answer deadline
 * (the UU PDP rule), defined once.
 */
import type { Lang } from '../knowledge/types.ts';
import type { TicketKind } from './records.ts';

/** In the order the customer is offered them. */
export const TICKET_KINDS: readonly TicketKind[] = ['question', 'access', 'correction', 'deletion', 'withdraw-consent'];

export const TICKET_KIND_LABELS: Record<TicketKind, Record<Lang, string>> = {
  question: { id: 'Pertanyaan tentang kebijakan privasi', en: 'Question about the privacy policy' },
  access: { id: 'Permintaan salinan data pribadi', en: 'Request for a copy of my personal data' },
  correction: { id: 'Permintaan perbaikan data pribadi', en: 'Request to correct my personal data' },
  deletion: { id: 'Permintaan penghapusan data pribadi', en: 'Request to delete my personal data' },
  'withdraw-consent': { id: 'Penarikan persetujuan pemrosesan data', en: 'Withdrawal of consent to processing' },
};

/** The legal basis staff should see for each kind (UU No. 27/2022 tentang Pelindungan Data Pribadi). */
export const TICKET_KIND_LAW: Record<TicketKind, string> = {
  question: 'Pernyataan Privasi, bagian "Saya masih memiliki banyak pertanyaan mengenai privasi"',
  access: 'UU PDP Pasal 7 (hak akses dan salinan) dan Pasal 32 (tanggapan paling lambat 3×24 jam)',
  correction: 'UU PDP Pasal 6 (hak memperbaiki) dan Pasal 30 (tanggapan paling lambat 3×24 jam)',
  deletion: 'UU PDP Pasal 8 (hak mengakhiri pemrosesan, menghapus dan/atau memusnahkan data)',
  'withdraw-consent': 'UU PDP Pasal 9 (hak menarik kembali persetujuan)',
};

const HOUR_MS = 3_600_000;

/** UU PDP: access/copy (Pasal 32) and correction (Pasal 30) requests must be answered within 3×24 hours of receipt. */
const DEADLINE_MS: Partial<Record<TicketKind, number>> = { access: 72 * HOUR_MS, correction: 72 * HOUR_MS };

/** When a request of this kind received at `receivedAt` must be answered; undefined when no hour limit applies. */
export function dueAt(kind: TicketKind, receivedAt: Date): Date | undefined {
  const deadline = DEADLINE_MS[kind];
  return deadline === undefined ? undefined : new Date(receivedAt.getTime() + deadline);
}
