/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "scorecards.query.outOfScope": "Unit ini di luar cakupan Anda.",
  "scorecards.query.noChildren": "{name} tidak memiliki unit di bawahnya untuk dibandingkan.",
  "scorecards.query.noUnits": "Tidak ada unit pada tingkat ini dalam cakupan Anda.",
  "scorecards.query.template": 'Templat "{template}" tidak ditemukan atau belum terbit.',
  "scorecards.query.chooseUnits": "Pilih unit untuk dibandingkan.",
  "scorecards.query.mixedLevels": "Unit yang dibandingkan harus berada pada tingkat yang sama.",
  "scorecards.query.levelNotComparable": 'Tingkat "{level}" tidak dapat dibandingkan.',
} as const;

export const en: Record<keyof typeof id, string> = {
  "scorecards.query.outOfScope": "This unit is outside your area.",
  "scorecards.query.noChildren": "{name} has no units below it to compare.",
  "scorecards.query.noUnits": "There are no units at this level in your area.",
  "scorecards.query.template": 'Template "{template}" does not exist or is not published.',
  "scorecards.query.chooseUnits": "Choose units to compare.",
  "scorecards.query.mixedLevels": "The units compared must be at the same level.",
  "scorecards.query.levelNotComparable": 'Level "{level}" cannot be compared.',
};
