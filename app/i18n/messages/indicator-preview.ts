/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "preview.error.role": "Pratinjau indikator hanya untuk admin nasional atau admin Dinkes.",
  "preview.error.noArea": "Unit wilayah Anda tidak ditemukan.",
  "preview.error.unreadable": "Draf paket tidak dapat dibaca.",
  "preview.error.notObject": "Draf paket harus berupa objek JSON.",
  "preview.error.noIndicator": "Indikator yang akan dipratinjau tidak ada di draf. Muat ulang halaman lalu coba lagi.",
  "preview.error.notComputable": "Indikator ini belum dapat dihitung. Perbaiki masalah berikut lalu coba lagi.",
  "preview.noData.forms":
    "Belum ada laporan terkirim untuk formulir {forms} (paket {package}) di {area}. Pratinjau dapat dihitung setelah Puskesmas mengirim laporan.",
  "preview.noData.indicator":
    "Belum ada laporan terkirim untuk formulir indikator ini (paket {package}) di {area}. Pratinjau dapat dihitung setelah Puskesmas mengirim laporan.",
  "preview.error.method": "Gunakan POST.",
  "preview.error.tooLarge": "Draf paket terlalu besar untuk dipratinjau (paling banyak {max} KB). Kecilkan paketnya.",
  "preview.error.incomplete": "Permintaan pratinjau tidak lengkap: kirim draf paket dan nomor indikator. Muat ulang halaman lalu coba lagi.",
} as const;

export const en: Record<keyof typeof id, string> = {
  "preview.error.role": "The indicator preview is for national admins and health office admins only.",
  "preview.error.noArea": "Your area's unit was not found.",
  "preview.error.unreadable": "The package draft cannot be read.",
  "preview.error.notObject": "The package draft must be a JSON object.",
  "preview.error.noIndicator": "The indicator to preview is not in the draft. Reload the page and try again.",
  "preview.error.notComputable": "This indicator cannot be computed yet. Fix the problems below and try again.",
  "preview.noData.forms":
    "No reports have been submitted yet for form {forms} (package {package}) in {area}. The preview can be computed once Puskesmas submit reports.",
  "preview.noData.indicator":
    "No reports have been submitted yet for this indicator's forms (package {package}) in {area}. The preview can be computed once Puskesmas submit reports.",
  "preview.error.method": "Use POST.",
  "preview.error.tooLarge": "The package draft is too large to preview (at most {max} KB). Make the package smaller.",
  "preview.error.incomplete": "The preview request is incomplete: send the package draft and the indicator number. Reload the page and try again.",
};
