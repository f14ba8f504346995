/** Messages of org-unit groups in formulas (in_group, docs/decisions/039-groups-in-formulas.md); spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "designer.inGroup.unknownGroup":
    'Rumus memakai in_group({key}), tetapi kelompok "{key}" tidak ada atau tidak dapat Anda lihat, sehingga tidak ada unit yang terhitung di dalamnya. Periksa ejaan kuncinya, atau buat dulu kelompoknya di halaman Kelompok unit.',
  "indcheck.inGroupWithoutField":
    "count_units(in_group({group})) menghitung unit yang melaporkan formulir yang isiannya dibaca di dalam count_units, tetapi indikator ini tidak membaca isian apa pun di sana. Tambahkan isian, misalnya count_units(in_group({group}) and isian > 0) pada pembilang atau penyebut.",
};

export const en: Record<keyof typeof id, string> = {
  "designer.inGroup.unknownGroup":
    'The formula uses in_group({key}), but the group "{key}" does not exist or you cannot see it, so no unit counts as in it. Check the key\'s spelling, or create the group first on the Unit groups page.',
  "indcheck.inGroupWithoutField":
    "count_units(in_group({group})) counts the units that reported the forms whose fields are read inside count_units, but this indicator reads no field there. Add one, e.g. count_units(in_group({group}) and field > 0) in the numerator or denominator.",
};
