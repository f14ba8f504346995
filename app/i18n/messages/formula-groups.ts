/** Messages of org-unit groups in formulas (in_group, docs/decisions/039-groups-in-formulas.md); spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "designer.inGroup.unknownGroup":
    'Rumus memakai in_group({key}), tetapi kelompok "{key}" tidak ada atau tidak dapat Anda lihat, sehingga tidak ada unit yang terhitung di dalamnya. Periksa ejaan kuncinya, atau buat dulu kelompoknya di halaman Kelompok unit.',
};

export const en: Record<keyof typeof id, string> = {
  "designer.inGroup.unknownGroup":
    'The formula uses in_group({key}), but the group "{key}" does not exist or you cannot see it, so no unit counts as in it. Check the key\'s spelling, or create the group first on the Unit groups page.',
};
