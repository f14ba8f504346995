/** Messages of the lighter national scorecard page (explain on demand); spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "scorecardPage.word.green": "hijau",
  "scorecardPage.word.yellow": "kuning",
  "scorecardPage.word.red": "merah",
  "scorecardPage.word.nodata": "tanpa data",
  "scorecardPage.word.incomplete": "belum lengkap",
  "scorecardPage.word.notarget": "tanpa target",
  "scorecardPage.tip.loading": "Memuat penjelasan…",
  "scorecardPage.tip.open": "Tekan Enter atau klik untuk penjelasan lengkap.",
  "scorecardPage.tip.failed": "Penjelasan tidak dapat dimuat; klik sel untuk membuka halamannya.",
  "scorecardPage.completenessLegend": "Angka kecil di bawah nilai: kelengkapan laporan (%) bila belum 100%.",
};

export const en: Record<keyof typeof id, string> = {
  "scorecardPage.word.green": "green",
  "scorecardPage.word.yellow": "yellow",
  "scorecardPage.word.red": "red",
  "scorecardPage.word.nodata": "no data",
  "scorecardPage.word.incomplete": "incomplete",
  "scorecardPage.word.notarget": "no target",
  "scorecardPage.tip.loading": "Loading the explanation…",
  "scorecardPage.tip.open": "Press Enter or click for the full explanation.",
  "scorecardPage.tip.failed": "The explanation could not be loaded; click the cell to open its page.",
  "scorecardPage.completenessLegend": "Small figure under a value: reporting completeness (%) when below 100%.",
};
