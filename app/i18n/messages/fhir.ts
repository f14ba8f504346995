/** Messages of FHIR Measure and MeasureReport; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "fhir.error.forbidden": "Ekspor FHIR hanya untuk peran yang boleh melihat scorecard (admin, verifikator kabupaten/kota, fasilitator).",
  "fhir.error.periodRequired": "Periode wajib diisi, misalnya 2025-03, 2025-Q1 atau 2025.",
  "fhir.error.package": 'Paket "{package}" versi {version} belum terbit atau tidak ada. Periksa kunci paket di halaman Templat.',
  "fhir.error.level": 'Tingkat "{level}" tidak dikenal. Pilih provinsi (province), kabupaten/kota (district) atau Puskesmas (puskesmas).',
};

export const en: Record<keyof typeof id, string> = {
  "fhir.error.forbidden": "The FHIR export is for roles that may view scorecards (admins, district verifiers, facilitators).",
  "fhir.error.periodRequired": "The period is required, e.g. 2025-03, 2025-Q1 or 2025.",
  "fhir.error.package": 'Package "{package}" version {version} is not published or does not exist. Check the package key on the Templates page.',
  "fhir.error.level": 'Unknown level "{level}". Choose province, district or puskesmas.',
};
