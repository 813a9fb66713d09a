/**
 * The kinds of request a customer can send to support, what each is called and its legal basis, defined once (their
 * answer deadlines: deadlines.ts).
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
  'withdraw-consent':
    'UU PDP Pasal 9 (hak menarik kembali persetujuan) dan Pasal 40 (pemrosesan dihentikan paling lambat 3×24 jam)',
};
