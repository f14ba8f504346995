/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "presentation.title": "Mode presentasi",
};

export const en: Record<keyof typeof id, string> = {
  "presentation.title": "Presentation mode",
};
