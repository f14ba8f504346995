/** Messages of the operator's path (fill page, due list, home); spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "entry.summary.title": "Ada masalah",
  "entry.summary.intro": "Perbaiki isian berikut, lalu kirim lagi. Isian Anda tidak hilang.",
  "entry.summary.warningsTitle": "Periksa juga peringatan berikut",
  "entry.summary.warningsOnly": "Periksa peringatan sebelum mengirim",
  "entry.summary.warningsIntro": "Perbaiki angkanya bila keliru; bila sudah benar, centang konfirmasi di bawah formulir lalu kirim lagi.",
  "entry.summary.confirmLink": "Centang konfirmasi peringatan",
  "entry.unitCode": "Kode Puskesmas: {code}",
  "home.unit": "{name} (kode {code})",
  "nav.menu": "Menu",
} as const;

export const en: Record<keyof typeof id, string> = {
  "entry.summary.title": "There is a problem",
  "entry.summary.intro": "Correct the answers below, then submit again. Nothing you typed is lost.",
  "entry.summary.warningsTitle": "Also check these warnings",
  "entry.summary.warningsOnly": "Check the warnings before submitting",
  "entry.summary.warningsIntro": "Correct the numbers if they are wrong; if they are right, tick the confirmation below the form and submit again.",
  "entry.summary.confirmLink": "Tick the warning confirmation",
  "entry.unitCode": "Puskesmas code: {code}",
  "home.unit": "{name} (code {code})",
  "nav.menu": "Menu",
};
