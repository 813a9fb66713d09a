import type { Lang } from '../../knowledge/types.ts';

/**
 * What the three conversations say, in both languages. Placeholders in {braces}.
 * Policy is never stated here beyond what the statement says; legal references name the law, not our policy.
 */
export const FLOW_TEXTS = {
  // shared
  cancelled: {
    id: 'Baik, permintaan dibatalkan. Tidak ada yang dicatat atau dikirim.',
    en: 'All right, cancelled. Nothing was recorded or sent.',
  },
  yes: { id: 'Ya', en: 'Yes' },
  no: { id: 'Tidak', en: 'No' },
  confirmRetry: { id: 'Mohon jawab "Ya" atau "Tidak".', en: 'Please answer "Yes" or "No".' },
  notConfirmed: {
    id: 'Baik, tidak ada yang dicatat atau dikirim. Silakan bertanya lagi kapan saja.',
    en: 'All right, nothing was recorded or sent. Ask me again any time.',
  },
  emailRetry: {
    id: 'Sepertinya itu bukan alamat e-mail yang valid. Mohon tulis alamat lengkap, contoh: nama@contoh.co.id (ketik "batal" untuk berhenti).',
    en: 'That does not look like a valid e-mail address. Please type the full address, e.g. name@example.com (type "cancel" to stop).',
  },
  nameRetry: {
    id: 'Mohon tulis nama (2–100 huruf), contoh: Budi Santoso.',
    en: 'Please type a name (2–100 letters), e.g. Budi Santoso.',
  },
  rateLimited: {
    id: 'Maaf, batas pengiriman e-mail dari percakapan ini atau ke alamat tersebut sudah tercapai untuk saat ini. Silakan coba lagi dalam satu jam, atau hubungi {support} langsung.',
    en: 'Sorry, the limit of e-mails from this conversation or to that address has been reached for now. Please try again in an hour, or write to {support} directly.',
  },
  storageFailed: {
    id: 'Maaf, permintaan Anda belum dapat dicatat karena gangguan di sisi kami. Tidak ada yang dikirim. Silakan coba lagi sebentar lagi.',
    en: 'Sorry, your request could not be recorded because of a problem on our side. Nothing was sent. Please try again shortly.',
  },
  mailQueued: {
    id: 'Catatan: e-mail belum dapat terkirim saat ini karena gangguan; permintaan Anda tetap tercatat dan e-mail akan dikirim ulang otomatis.',
    en: 'Note: the e-mail could not be sent just now because of a problem; your request is recorded and the e-mail will be retried automatically.',
  },
  mailWithheld: {
    id: 'Tim kami sudah menerimanya, tetapi e-mail konfirmasi tidak dikirim karena alamat tersebut sudah menerima banyak e-mail dari kami dalam satu jam terakhir. Hubungi {support} jika Anda memerlukannya.',
    en: 'Our team has it, but no confirmation e-mail was sent because that address has received many e-mails from us in the last hour. Write to {support} if you need one.',
  },
  resumeHint: {
    id: '(Ketik "batal" untuk berhenti atau "bantuan" untuk penjelasan.)',
    en: '(Type "cancel" to stop or "help" for an explanation.)',
  },

  // unsubscribe
  unsubscribeIntro: {
    id: 'Saya bantu Anda berhenti berlangganan e-mail promosi Wowrack Indonesia.',
    en: "I'll help you unsubscribe from Wowrack Indonesia's promotional e-mail.",
  },
  unsubscribeAskEmail: {
    id: 'Alamat e-mail mana yang ingin dihentikan dari e-mail promosi?',
    en: 'Which e-mail address should stop receiving promotional e-mail?',
  },
  unsubscribeHelpEmail: {
    id: 'Saya perlu alamat e-mail yang menerima e-mail promosi kami, agar alamat itu dicatat dalam daftar berhenti berlangganan dan tim kami menerima permintaan dengan subjek REMOVE (sesuai Pernyataan Privasi).',
    en: 'I need the address that receives our promotional e-mail, so it can be added to the unsubscribe list and our team receives a request with the subject REMOVE (as the Privacy Statement describes).',
  },
  unsubscribeConfirm: {
    id: 'Hentikan e-mail promosi Wowrack Indonesia ke **{email}**?',
    en: "Stop Wowrack Indonesia's promotional e-mail to **{email}**?",
  },
  unsubscribeHelpConfirm: {
    id: 'Jika Anda menjawab "Ya", alamat ini dicatat berhenti berlangganan, tim kami menerima e-mail berisi REMOVE, dan Anda menerima konfirmasi. E-mail penting tentang layanan Anda tidak terpengaruh oleh permintaan ini.',
    en: 'If you answer "Yes", this address is recorded as unsubscribed, our team receives a REMOVE e-mail, and you get a confirmation. This request is only about promotional e-mail.',
  },
  unsubscribeDone: {
    id: 'Selesai ✅ **{email}** sudah tercatat berhenti berlangganan e-mail promosi (dicatat {time}).',
    en: 'Done ✅ **{email}** is recorded as unsubscribed from promotional e-mail (recorded {time}).',
  },
  unsubscribeMailSent: {
    id: 'Permintaan dengan subjek REMOVE telah dikirim ke tim kami dan konfirmasi dikirim ke alamat tersebut.',
    en: 'A request with the subject REMOVE has been sent to our team and a confirmation to that address.',
  },
  unsubscribeAlready: {
    id: '**{email}** sudah tercatat berhenti berlangganan e-mail promosi sejak {time}. Tidak ada yang perlu dilakukan lagi.',
    en: '**{email}** has been recorded as unsubscribed from promotional e-mail since {time}. Nothing more to do.',
  },

  // support request
  supportIntro: {
    id: 'Saya bantu meneruskan pertanyaan atau permintaan Anda ke tim support Wowrack Indonesia ({support}).',
    en: "I'll pass your question or request to the Wowrack Indonesia support team ({support}).",
  },
  supportAskQuestion: {
    id: 'Silakan tulis pertanyaan atau permintaan Anda.',
    en: 'Please type your question or request.',
  },
  supportHelpQuestion: {
    id: 'Tulis apa yang ingin Anda tanyakan atau minta terkait data pribadi Anda, sejelas mungkin. Tim support akan membacanya.',
    en: 'Describe what you want to ask or request about your personal data, as clearly as you can. Our support team will read it.',
  },
  supportQuestionRetry: {
    id: 'Mohon tulis pertanyaan Anda (minimal beberapa kata, maksimal 2.000 karakter).',
    en: 'Please type your question (at least a few words, at most 2,000 characters).',
  },
  supportAskKind: { id: 'Jenis permintaan Anda?', en: 'What kind of request is it?' },
  supportHelpKind: {
    id: 'Pilih jenis yang paling sesuai: pertanyaan tentang kebijakan, salinan data Anda, perbaikan data, penghapusan data, atau penarikan persetujuan (hak Anda menurut UU Pelindungan Data Pribadi, Pasal 5–9).',
    en: 'Pick the closest kind: a question about the policy, a copy of your data, correcting your data, deleting your data, or withdrawing consent (your rights under Indonesia’s Personal Data Protection Law, Articles 5–9).',
  },
  supportKindRetry: {
    id: 'Mohon pilih salah satu jenis dari tombol.',
    en: 'Please pick one of the kinds from the buttons.',
  },
  supportAskName: { id: 'Nama lengkap Anda?', en: 'Your full name?' },
  supportHelpName: {
    id: 'Nama Anda dipakai tim support untuk menemukan akun Anda dan menyapa Anda dalam balasan.',
    en: 'Our support team uses your name to find your account and to address you in the reply.',
  },
  supportAskEmail: {
    id: 'Ke alamat e-mail mana tim support sebaiknya membalas?',
    en: 'Which e-mail address should support reply to?',
  },
  supportHelpEmail: {
    id: 'Tim support membalas ke alamat ini, dan Anda menerima tanda terima berisi nomor tiket di sana.',
    en: 'Support replies to this address, and you receive an acknowledgement with the ticket number there.',
  },
  supportAskAccount: {
    id: 'Nomor pelanggan atau nama domain Anda, jika ada (opsional). Ketik "lewati" jika tidak ada.',
    en: 'Your customer number or domain name, if you have one (optional). Type "skip" if not.',
  },
  supportHelpAccount: {
    id: 'Nomor pelanggan atau domain membantu tim menemukan data Anda lebih cepat. Boleh dilewati.',
    en: 'A customer number or domain helps the team find your data faster. You may skip it.',
  },
  supportAccountRetry: {
    id: 'Mohon tulis nomor pelanggan atau domain (maksimal 100 karakter), atau "lewati".',
    en: 'Please type a customer number or domain (at most 100 characters), or "skip".',
  },
  supportSummary: {
    id: 'Mohon periksa:\n\n- **Jenis:** {kind}\n- **Pertanyaan:** {question}\n- **Nama:** {name}\n- **E-mail:** {email}\n- **Akun/domain:** {account}\n\nKirim ke tim support?',
    en: 'Please check:\n\n- **Kind:** {kind}\n- **Question:** {question}\n- **Name:** {name}\n- **E-mail:** {email}\n- **Account/domain:** {account}\n\nSend it to support?',
  },
  supportHelpConfirm: {
    id: 'Jika Anda menjawab "Ya", tiket dibuat, tim support menerima e-mail berisi permintaan Anda, dan Anda menerima tanda terima. Jawab "Tidak" untuk membatalkan.',
    en: 'If you answer "Yes", a ticket is created, support receives an e-mail with your request, and you receive an acknowledgement. Answer "No" to cancel.',
  },
  supportDone: {
    id: 'Terima kasih. Permintaan Anda tercatat dengan nomor tiket **{ticket}**.{due}',
    en: 'Thank you. Your request is recorded as ticket **{ticket}**.{due}',
  },
  supportMailSent: {
    id: 'Permintaan telah diteruskan ke tim support dan tanda terima dikirim ke {email}.',
    en: 'It has been passed to the support team and an acknowledgement sent to {email}.',
  },
  supportDue: {
    id: ' Untuk jenis permintaan ini, batas waktu tanggapan adalah {due} (3×24 jam).',
    en: ' For this kind of request the response deadline is {due} (3×24 hours).',
  },
  none: { id: '-', en: '-' },

  // parental consent
  consentIntro: {
    id: 'Saya bantu memulai proses persetujuan orang tua/wali untuk pelanggan di bawah 18 tahun.',
    en: "I'll help start the parent/guardian consent process for customers under 18.",
  },
  consentAskAge: { id: 'Berapa usia calon pelanggan (dalam tahun)?', en: 'How old is the customer (in years)?' },
  consentHelpAge: {
    id: 'Pernyataan Privasi menyebut minimal usia pelanggan untuk bertransaksi adalah 18 tahun; di bawah itu kami membutuhkan izin orang tua. Tulis usia dalam angka, contoh: 16.',
    en: 'The Privacy Statement sets the minimum customer age for transactions at 18; below that we need a parent’s permission. Type the age as a number, e.g. 16.',
  },
  consentAgeRetry: { id: 'Mohon tulis usia dalam angka, contoh: 16.', en: 'Please type the age as a number, e.g. 16.' },
  consentAdult: {
    id: 'Untuk usia {age} tahun, persetujuan orang tua/wali tidak diperlukan. Silakan melanjutkan pemesanan seperti biasa.',
    en: 'At {age}, no parent/guardian consent is needed. You can go ahead with your order as usual.',
  },
  consentAskChildName: { id: 'Nama lengkap calon pelanggan?', en: "The customer's full name?" },
  consentAskChildEmail: { id: 'Alamat e-mail calon pelanggan?', en: "The customer's e-mail address?" },
  consentAskParentName: { id: 'Nama lengkap orang tua/wali?', en: "The parent or guardian's full name?" },
  consentAskParentEmail: {
    id: 'Alamat e-mail orang tua/wali? Kami akan mengirim tautan persetujuan ke alamat ini.',
    en: "The parent or guardian's e-mail address? We will send the consent link there.",
  },
  consentSameEmail: {
    id: 'Alamat e-mail orang tua/wali harus berbeda dari alamat calon pelanggan. Mohon tulis alamat orang tua/wali.',
    en: "The parent/guardian's address must differ from the customer's. Please type the parent's address.",
  },
  consentHelpPeople: {
    id: 'Orang tua/wali akan menerima e-mail berisi tautan untuk menyetujui atau menolak. Data ini hanya dipakai untuk proses persetujuan.',
    en: 'The parent or guardian receives an e-mail with a link to approve or decline. These details are used only for the consent process.',
  },
  consentSummary: {
    id: 'Mohon periksa:\n\n- **Calon pelanggan:** {childName} ({age} tahun), {childEmail}\n- **Orang tua/wali:** {parentName}, {parentEmail}\n\nKirim permintaan persetujuan ke orang tua/wali?',
    en: 'Please check:\n\n- **Customer:** {childName} (age {age}), {childEmail}\n- **Parent/guardian:** {parentName}, {parentEmail}\n\nSend the consent request to the parent/guardian?',
  },
  consentHelpConfirm: {
    id: 'Jika Anda menjawab "Ya", orang tua/wali menerima e-mail berisi tautan yang berlaku 7 hari untuk menyetujui atau menolak.',
    en: 'If you answer "Yes", the parent or guardian receives an e-mail with a link, valid for 7 days, to approve or decline.',
  },
  consentSent: {
    id: 'Permintaan persetujuan tercatat (**{id}**); tautannya berlaku sampai {expires}. Kami akan mengabari Anda di sini dan lewat e-mail setelah orang tua/wali memutuskan.',
    en: 'The consent request is recorded (**{id}**); its link is valid until {expires}. We will let you know here and by e-mail once the parent or guardian decides.',
  },
  consentMailSent: {
    id: 'Tautan persetujuan telah dikirim ke {parentEmail}.',
    en: 'The consent link has been sent to {parentEmail}.',
  },
  consentApprovedNotice: {
    id: '✅ Orang tua/wali telah **menyetujui** permintaan persetujuan {id}. Tim kami akan mengatur akun Anda sesuai persetujuan tersebut.',
    en: '✅ Your parent or guardian has **approved** consent request {id}. Our team will set up your account accordingly.',
  },
  consentDeclinedNotice: {
    id: 'Orang tua/wali telah **menolak** permintaan persetujuan {id}. Jika ada pertanyaan, hubungi {support}.',
    en: 'Your parent or guardian has **declined** consent request {id}. For questions, write to {support}.',
  },
} as const satisfies Record<string, Record<Lang, string>>;
