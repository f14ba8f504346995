/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "nav.actions": "Tindak lanjut",
};

export const en: Record<keyof typeof id, string> = {
  "nav.actions": "Follow-up actions",
};
