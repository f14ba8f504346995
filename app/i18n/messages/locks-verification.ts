/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "locks.error.periodType": "Pilih jenis periode: bulan, triwulan atau tahun.",
  "locks.error.deadlineDays": "Isi jumlah hari dengan bilangan bulat 0 sampai {max}, misalnya 10.",
  "locks.done.deadline": "Batas waktu {type} disimpan: {days} hari setelah periode berakhir.",
  "locks.error.unit": "Pilih Puskesmas (atau seluruh kabupaten/kota) dari daftar.",
  "locks.error.unitScope": "Buka kunci berlaku untuk satu Puskesmas atau seluruh kabupaten/kota.",
  "locks.error.form": "Pilih formulir dari daftar.",
  "locks.error.periodOfForm": "Formulir ini dilaporkan per {per}; tulis periode seperti {example}.",
  "locks.error.reason": "Tulis alasan membuka kunci (misalnya koreksi data imunisasi atas permintaan Puskesmas).",
  "locks.error.reasonTooLong": "Alasan terlalu panjang; batasnya {max} karakter.",
  "locks.error.unlockDays": "Masa buka kunci 1 sampai {max} hari.",
  "locks.scope.district": "seluruh Puskesmas {name}",
  "locks.done.granted": "Kunci {form} periode {period} dibuka untuk {scope} sampai {date}.",
  "locks.done.grantedReopened":
    "Kunci {form} periode {period} dibuka untuk {scope} sampai {date}. {count} laporan yang sudah disetujui dibuka kembali untuk koreksi.",
  "locks.error.alreadyRevoked": "Izin ini sudah dicabut sebelumnya.",
  "locks.error.expired": "Izin ini sudah berakhir; tidak perlu dicabut.",
  "locks.done.revoked": "Izin buka kunci {form} periode {period} dicabut.",
  "locks.error.intent": "Permintaan tidak dikenal. Muat ulang halaman lalu coba lagi.",
  "verification.error.noteRequired": "Tulis catatan untuk operator: apa yang perlu diperbaiki.",
  "verification.error.noteTooLong": "Catatan terlalu panjang; batasnya 2.000 karakter.",
  "verification.error.statusChanged":
    'Laporan ini sekarang berstatus "{status}", bukan "dikirim". Tidak ada yang diubah. Muat ulang halaman untuk melihat versi terbaru.',
  "verification.error.changedMeanwhile":
    "Operator mengubah laporan ini setelah Anda membukanya. Tidak ada yang diubah. Muat ulang halaman untuk melihat versi terbaru.",
  "verification.error.chooseDecision": "Pilih Setujui atau Kembalikan.",
} as const;

export const en: Record<keyof typeof id, string> = {
  "locks.error.periodType": "Choose a period type: month, quarter or year.",
  "locks.error.deadlineDays": "Enter the number of days as a whole number from 0 to {max}, for example 10.",
  "locks.done.deadline": "The {type} deadline was saved: {days} days after the period ends.",
  "locks.error.unit": "Choose a Puskesmas (or the whole district) from the list.",
  "locks.error.unitScope": "An unlock applies to one Puskesmas or to the whole district.",
  "locks.error.form": "Choose a form from the list.",
  "locks.error.periodOfForm": "This form is reported per {per}; write the period like {example}.",
  "locks.error.reason": "Write the reason for unlocking (for example correcting immunisation data at the Puskesmas' request).",
  "locks.error.reasonTooLong": "The reason is too long; the limit is {max} characters.",
  "locks.error.unlockDays": "An unlock lasts 1 to {max} days.",
  "locks.scope.district": "every Puskesmas in {name}",
  "locks.done.granted": "The lock on {form} for period {period} is open for {scope} until {date}.",
  "locks.done.grantedReopened":
    "The lock on {form} for period {period} is open for {scope} until {date}. {count} approved reports were reopened for correction.",
  "locks.error.alreadyRevoked": "This permission was already revoked.",
  "locks.error.expired": "This permission has already expired; there is nothing to revoke.",
  "locks.done.revoked": "The unlock permission for {form}, period {period}, was revoked.",
  "locks.error.intent": "Unknown request. Reload the page and try again.",
  "verification.error.noteRequired": "Write a note for the operator: what needs to be fixed.",
  "verification.error.noteTooLong": "The note is too long; the limit is 2,000 characters.",
  "verification.error.statusChanged": 'This report now has status "{status}", not "submitted". Nothing was changed. Reload the page to see the latest version.',
  "verification.error.changedMeanwhile":
    "The operator changed this report after you opened it. Nothing was changed. Reload the page to see the latest version.",
  "verification.error.chooseDecision": "Choose Approve or Return.",
};
