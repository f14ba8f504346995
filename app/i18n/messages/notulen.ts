/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "notulen.title": "Notulen",
};

export const en: Record<keyof typeof id, string> = {
  "notulen.title": "Minutes",
};
