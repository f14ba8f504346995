/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "audit.import.backfill": "Memulai impor data periode lalu (backfill)",
  "audit.submission.late_entry": "Mengimpor laporan periode lalu (entri terlambat)",
  "backfill.lateEntry": "Entri terlambat",
  "backfill.option.legend": "Impor data periode lalu (backfill)",
  "backfill.option.check": "Impor sebagai data periode lalu: terima baris yang batas waktunya sudah lewat",
  "backfill.option.help":
    "Khusus admin, untuk Puskesmas di {area}. Baris periode yang batas waktunya sudah lewat disimpan sebagai entri terlambat dan menunggu verifikasi seperti laporan lain. Periode itu tidak dibuka untuk operator, laporan yang sudah disetujui tetap terkunci, dan periode yang belum berjalan tetap ditolak.",
  "backfill.reason.label": "Alasan impor data periode lalu",
  "backfill.reason.help": "Wajib bila kotak di atas dicentang, {min}–{max} karakter. Alasan ini dicatat di log audit dan di riwayat setiap laporan.",
  "backfill.reason.missing":
    'Tulis alasan impor data periode lalu ({min}–{max} karakter), misalnya "Data 2025 dari aplikasi lama, kabupaten baru bergabung dengan Pantau".',
  "backfill.reason.short":
    "Alasan terlalu pendek ({length} karakter). Tulis minimal {min} karakter: dari mana datanya dan mengapa diimpor setelah batas waktu.",
  "backfill.reason.long": "Alasan terlalu panjang ({length} karakter); batasnya {max} karakter. Persingkat alasannya.",
  "backfill.refused": "Berkas tidak diproses: alasan impor data periode lalu belum benar. Tidak ada data yang disimpan.",
  "backfill.forbidden":
    "Hanya admin Dinkes kabupaten/kota (untuk wilayahnya) dan admin nasional yang dapat mengimpor data periode lalu. Impor tanpa pilihan ini, atau minta admin Dinkes mengimpornya.",
  "backfill.job.banner": "Alasan: {reason}",
  "backfill.job.bannerHelp":
    "Laporan periode yang batas waktunya sudah lewat disimpan sebagai entri terlambat dan menunggu verifikasi. Operator tetap tidak dapat mengubah periode itu.",
  "backfill.job.reports": "Laporan yang disimpan impor ini ({count})",
  "backfill.job.reportsCapped": "Ditampilkan {shown} laporan pertama dari {count}.",
  "backfill.job.unit": "Puskesmas",
  "backfill.job.period": "Periode",
  "backfill.job.mark": "Tanda",
  "backfill.job.history": "Riwayat",
  "backfill.job.historyOf": "Riwayat laporan {unit} periode {period}",
  "backfill.history.reportLate": "Laporan ini disimpan oleh impor data periode lalu (backfill) setelah batas waktunya.",
  "backfill.history.reason": "Alasan impor data periode lalu:",
  "backfill.verification.banner": "Laporan ini diimpor sebagai data periode lalu oleh {actor} pada {at}, setelah batas waktu {deadline}. Alasan: {reason}",
} as const;

export const en: Record<keyof typeof id, string> = {
  "audit.import.backfill": "Started an import of past periods (backfill)",
  "audit.submission.late_entry": "Imported a past period's report (late entry)",
  "backfill.lateEntry": "Late entry",
  "backfill.option.legend": "Import past periods (backfill)",
  "backfill.option.check": "Import as past-period data: accept rows whose deadline has passed",
  "backfill.option.help":
    "Admins only, for the Puskesmas of {area}. Rows of periods past their deadline are stored as late entries and wait for verification like any report. The period is not opened for operators, approved reports stay locked, and periods that have not begun are still refused.",
  "backfill.reason.label": "Reason for importing past periods",
  "backfill.reason.help": "Required when the box above is ticked, {min}–{max} characters. The reason is kept in the audit log and in every report's history.",
  "backfill.reason.missing":
    'Write the reason for importing past periods ({min}–{max} characters), e.g. "2025 data from the old application, the district has just joined Pantau".',
  "backfill.reason.short":
    "The reason is too short ({length} characters). Write at least {min} characters: where the data comes from and why it is imported after the deadline.",
  "backfill.reason.long": "The reason is too long ({length} characters); the limit is {max}. Shorten it.",
  "backfill.refused": "File not processed: the reason for importing past periods is not right yet. Nothing was stored.",
  "backfill.forbidden":
    "Only district health office admins (for their own district) and the national admin can import past periods. Import without this option, or ask your district admin to import it.",
  "backfill.job.banner": "Reason: {reason}",
  "backfill.job.bannerHelp":
    "Reports of periods past their deadline are stored as late entries and wait for verification. Operators still cannot change those periods.",
  "backfill.job.reports": "Reports stored by this import ({count})",
  "backfill.job.reportsCapped": "Showing the first {shown} of {count} reports.",
  "backfill.job.unit": "Puskesmas",
  "backfill.job.period": "Period",
  "backfill.job.mark": "Mark",
  "backfill.job.history": "History",
  "backfill.job.historyOf": "History of the report of {unit} for {period}",
  "backfill.history.reportLate": "This report was stored by an import of past periods (backfill) after its deadline.",
  "backfill.history.reason": "Reason for importing past periods:",
  "backfill.verification.banner": "This report was imported as past-period data by {actor} on {at}, after the deadline of {deadline}. Reason: {reason}",
};
