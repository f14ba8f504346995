/** Messages of the national package's village-level forms and demo; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "formbuilder.reporting.title": "Siapa yang melapor",
  "formbuilder.reporting.levels": "Tingkat pelapor",
  "formbuilder.reporting.levelsHelp": "Unit tingkat mana yang mengisi formulir ini. Pilih minimal satu; bila hanya Puskesmas, formulir berlaku seperti biasa.",
  "formbuilder.reporting.level.puskesmas": "Puskesmas",
  "formbuilder.reporting.level.pustu": "Pustu",
  "formbuilder.reporting.level.posyandu": "Posyandu",
  "formbuilder.reporting.lastLevel": "Minimal satu tingkat pelapor harus dipilih.",
  "formbuilder.reporting.groups": "Hanya untuk kelompok unit",
  "formbuilder.reporting.groupsHelp":
    "Kosongkan agar semua unit tingkat di atas wajib mengisi. Bila dipilih, hanya unit yang menjadi anggota salah satu kelompok ini pada periode laporan yang wajib mengisi.",
  "formbuilder.reporting.groupsNone": "Belum ada kelompok yang dapat Anda lihat. Kelompok dibuat di halaman Kelompok unit.",
  "formbuilder.reporting.groupOption": "{name} ({key}, {owner})",
  "formbuilder.reporting.typeKey": "Atau ketik kunci kelompok",
  "formbuilder.reporting.addKey": "Tambahkan kunci",
  "formbuilder.reporting.badKey": "Kunci kelompok hanya huruf kecil a–z, angka dan garis bawah (maks. 64), misalnya blud.",
  "formbuilder.reporting.chosen": "Kelompok terpilih",
  "formbuilder.reporting.remove": "Hapus kelompok {key}",
  "formbuilder.reporting.unknown": "tidak dikenal",
  "designer.where.prop.reportingLevels": "Tingkat pelapor",
  "designer.where.prop.appliesTo": "Hanya untuk kelompok unit",
  "designer.appliesTo.unknownGroup":
    'Kelompok "{key}" tidak ada atau tidak dapat Anda lihat, sehingga tidak ada unit yang wajib mengisi formulir ini lewat kelompok itu. Pilih kelompok dari daftar, periksa ejaan kuncinya, atau buat dulu kelompoknya di halaman Kelompok unit.',
};

export const en: Record<keyof typeof id, string> = {
  "formbuilder.reporting.title": "Who reports",
  "formbuilder.reporting.levels": "Reporting levels",
  "formbuilder.reporting.levelsHelp": "Which units fill this form. Choose at least one; with Puskesmas alone the form works as before.",
  "formbuilder.reporting.level.puskesmas": "Puskesmas",
  "formbuilder.reporting.level.pustu": "Pustu",
  "formbuilder.reporting.level.posyandu": "Posyandu",
  "formbuilder.reporting.lastLevel": "At least one reporting level must be chosen.",
  "formbuilder.reporting.groups": "Only for unit groups",
  "formbuilder.reporting.groupsHelp":
    "Leave empty so every unit of the levels above reports. When groups are chosen, only units that are members of one of them during the report's period report.",
  "formbuilder.reporting.groupsNone": "There are no groups you can see yet. Groups are created on the Unit groups page.",
  "formbuilder.reporting.groupOption": "{name} ({key}, {owner})",
  "formbuilder.reporting.typeKey": "Or type a group key",
  "formbuilder.reporting.addKey": "Add key",
  "formbuilder.reporting.badKey": "A group key has only lower-case letters a–z, digits and underscores (at most 64), e.g. blud.",
  "formbuilder.reporting.chosen": "Chosen groups",
  "formbuilder.reporting.remove": "Remove group {key}",
  "formbuilder.reporting.unknown": "unknown",
  "designer.where.prop.reportingLevels": "Reporting levels",
  "designer.where.prop.appliesTo": "Only for unit groups",
  "designer.appliesTo.unknownGroup":
    'The group "{key}" does not exist or you cannot see it, so no unit is expected to fill this form through it. Choose a group from the list, check the key\'s spelling, or create the group first on the Unit groups page.',
};
