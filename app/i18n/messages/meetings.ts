/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "nav.meetings": "Rapat evaluasi",
};

export const en: Record<keyof typeof id, string> = {
  "nav.meetings": "Meetings",
};
