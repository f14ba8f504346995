/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "scorecards.transpose.on": "Tukar baris dan kolom",
  "scorecards.transpose.off": "Kembalikan baris dan kolom",
  "scorecards.transpose.help": "Indikator menjadi baris, unit menjadi kolom. Urutan unit tetap mengikuti pengurutan yang dipilih.",
  "scorecards.col.indicator": "Indikator",
  "scorecards.sortUnitsBy": "Urutkan unit menurut {column}",
  "scorecards.captionTransposed": "Scorecard {scope}, {period}. Baris: indikator menurut kelompok; kolom: unit.",
} as const;

export const en: Record<keyof typeof id, string> = {
  "scorecards.transpose.on": "Swap rows and columns",
  "scorecards.transpose.off": "Restore rows and columns",
  "scorecards.transpose.help": "Indicators become rows, units become columns. Units keep the chosen sort order.",
  "scorecards.col.indicator": "Indicator",
  "scorecards.sortUnitsBy": "Sort units by {column}",
  "scorecards.captionTransposed": "Scorecard {scope}, {period}. Rows: indicators by group; columns: units.",
};
