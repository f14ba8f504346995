/** Messages of FHIR Measure and MeasureReport; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {};

export const en: Record<keyof typeof id, string> = {};
