/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "entry.period.invalid": 'Periode "{period}" tidak sah.',
  "entry.period.unreadable": "{detail}",
  "entry.period.wrongType": 'Formulir ini dilaporkan per {per}; tulis periode seperti {example}, bukan "{period}".',
  "entry.period.future": "Periode {period} belum berjalan; laporan untuk masa depan tidak dapat diterima.",
  "entry.period.beforeEffective": "Formulir ini berlaku mulai periode {from}; laporan untuk periode {period} tidak diperlukan dan tidak dapat diterima.",
  "entry.lock.approved":
    "Laporan {form} periode {period} untuk {unit} sudah disetujui dan dikunci. Admin Dinkes kabupaten/kota dapat membukanya kembali untuk koreksi.",
  "entry.lock.deadlinePassed":
    "Batas waktu laporan {form} periode {period} sudah lewat ({deadline}), jadi laporan ini terkunci dan tidak dapat dibuat, diubah atau dikirim. Admin Dinkes {district} dapat membuka kunci sementara bila ada alasan yang jelas.",
  "entry.save.conflict":
    "Laporan ini sudah berubah sejak halaman dibuka (misalnya sudah diperiksa verifikator atau disimpan dari tab lain). Muat ulang halaman; isian Anda tersimpan di peramban dan dapat dipulihkan.",
  "entry.save.approvedLocked":
    "Laporan ini sudah disetujui verifikator sehingga terkunci dan tidak dapat diubah. Jika ada yang perlu dikoreksi, minta admin Dinkes kabupaten/kota membukanya kembali.",
  "entry.save.keyReused": "Permintaan ini sudah dipakai untuk laporan lain. Muat ulang halaman, lalu simpan lagi.",
  "entry.save.keyMissing": "Formulir ini tidak lengkap (kunci pengiriman hilang). Muat ulang halaman; draf lokal Anda dapat dipulihkan.",
  "entry.save.notDraft": "Laporan ini sudah dikirim atau dikembalikan, jadi tidak disimpan otomatis. Simpan perubahan dengan tombol Simpan draf atau Kirim.",
  "entry.save.chooseIntent": "Pilih Simpan draf atau Kirim.",
  "entry.save.tooLarge": "Isian terlalu besar untuk dikirim. Periksa isian teks yang sangat panjang.",
  "entry.save.unreadable": "Isian formulir tidak terbaca. Muat ulang halaman; draf lokal Anda dapat dipulihkan.",
  "entry.prepare.unitNotFound": 'Unit dengan kode "{code}" tidak ditemukan. Periksa kodenya.',
  "entry.prepare.notPuskesmas": "{name} ({code}) bukan Puskesmas; laporan diisi per Puskesmas.",
  "entry.prepare.packageNotPublished": 'Paket templat "{package}" belum terbit.',
  "entry.prepare.formNotInPackage": 'Formulir "{form}" tidak ada dalam paket {package}.',
} as const;

export const en: Record<keyof typeof id, string> = {
  "entry.period.invalid": 'The period "{period}" is not valid. Write it like 2025-03 (month), 2025-Q1 (quarter) or 2025 (year).',
  "entry.period.unreadable": "{detail}",
  "entry.period.wrongType": 'This form is reported per {per}; write the period like {example}, not "{period}".',
  "entry.period.future": "Period {period} has not started yet; reports for the future cannot be accepted.",
  "entry.period.beforeEffective": "This form applies from period {from}; a report for period {period} is not needed and cannot be accepted.",
  "entry.lock.approved":
    "The {form} report for period {period} of {unit} has been approved and is locked. The district health office admin can reopen it for corrections.",
  "entry.lock.deadlinePassed":
    "The deadline for the {form} report for period {period} has passed ({deadline}), so this report is locked and cannot be created, changed or sent. The {district} health office admin can unlock it temporarily for a clear reason.",
  "entry.save.conflict":
    "This report has changed since the page was opened (for example a verifier reviewed it or it was saved from another tab). Reload the page; your answers are kept in the browser and can be restored.",
  "entry.save.approvedLocked":
    "This report has been approved by the verifier, so it is locked and cannot be changed. If something needs correcting, ask the district health office admin to reopen it.",
  "entry.save.keyReused": "This request was already used for another report. Reload the page, then save again.",
  "entry.save.keyMissing": "This form is incomplete (its submission key is missing). Reload the page; your local draft can be restored.",
  "entry.save.notDraft":
    "This report has already been submitted or returned, so it is not saved automatically. Save your changes with the Save draft or Submit button.",
  "entry.save.chooseIntent": "Choose Save draft or Submit.",
  "entry.save.tooLarge": "The answers are too large to send. Check for very long text answers.",
  "entry.save.unreadable": "The form's answers could not be read. Reload the page; your local draft can be restored.",
  "entry.prepare.unitNotFound": 'No unit with code "{code}" was found. Check the code.',
  "entry.prepare.notPuskesmas": "{name} ({code}) is not a Puskesmas; reports are filled in per Puskesmas.",
  "entry.prepare.packageNotPublished": 'The template package "{package}" has not been published yet.',
  "entry.prepare.formNotInPackage": 'The form "{form}" is not in package {package}.',
};
