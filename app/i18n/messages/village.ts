/** Messages of village-level reporting (Pustu and Posyandu reports, village operators); spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "role.village_operator": "Operator Pustu/desa",
  "village.refuse.entryLevel": "{unit} ({code}) adalah unit tingkat {level}; laporan diisi per Puskesmas, Pustu atau Posyandu. Pilih unit yang benar.",
  "village.refuse.level":
    'Formulir "{form}" tidak berlaku untuk {unit} ({code}): formulir ini diisi oleh {levels}, sedangkan unit ini {level}. Pilih formulir unit ini dari daftar Laporan.',
  "village.refuse.notMember":
    'Formulir "{form}" tidak berlaku untuk {unit} ({code}) pada periode {period}: formulir ini hanya untuk anggota kelompok {groups}, dan unit ini tidak menjadi anggota pada bulan mana pun dalam periode itu. Jika keanggotaannya keliru, minta admin Dinkes memperbaikinya di halaman Kelompok unit.',
  "village.access.otherVillage":
    "Unit {code} bukan wilayah kerja Anda: operator Pustu/desa hanya mengisi laporan Pustu-nya sendiri dan Posyandu di bawahnya. Pilih unit dari daftar Laporan.",
  "village.access.notYourUnit": "Unit {code} bukan wilayah kerja Anda. Pilih unit dari daftar Laporan.",
  "village.forms.title": "Laporan",
  "village.forms.intro":
    "Formulir yang wajib diisi oleh setiap unit Anda — Puskesmas, Pustu dan Posyandu — untuk periode berjalan dan sebelumnya. Laporan yang sudah disetujui terkunci.",
  "village.forms.unitCode": "Kode {code}",
  "village.forms.noneForUnit": "Tidak ada formulir yang wajib diisi unit ini pada periode ini.",
  "village.forms.colUnit": "Unit",
  "village.forms.jump": "Langsung ke unit",
  "village.forms.onBehalf": "Diisi oleh operator atas nama {unit}",
  "village.org.posyanduParent":
    "Posyandu {code} ({name}) harus berada langsung di bawah Pustu atau Puskesmas, bukan di bawah {parent} yang bertingkat {level}. Perbaiki kolom parent_code.",
  "village.org.parentLevel": "Unit {code} ({name}) bertingkat {level} harus berada di bawah tingkat {want}, bukan di bawah {parent} ({parentLevel}).",
  "village.levels.or": " atau ",
};

export const en: Record<keyof typeof id, string> = {
  "role.village_operator": "Village operator",
  "village.refuse.entryLevel": "{unit} ({code}) is a unit of level {level}; reports are filled in per Puskesmas, Pustu or Posyandu. Choose the right unit.",
  "village.refuse.level":
    'The form "{form}" does not apply to {unit} ({code}): it is filled in by {levels}, and this unit is a {level}. Choose one of this unit\'s forms from the Reports list.',
  "village.refuse.notMember":
    'The form "{form}" does not apply to {unit} ({code}) in {period}: it is only for members of the group {groups}, and this unit was not a member in any month of that period. If the membership is wrong, ask the district admin to correct it on the Org-unit groups page.',
  "village.access.otherVillage":
    "The unit {code} is not in your work area: a village operator fills in reports only for their own Pustu and the Posyandu under it. Choose a unit from the Reports list.",
  "village.access.notYourUnit": "The unit {code} is not in your work area. Choose a unit from the Reports list.",
  "village.forms.title": "Reports",
  "village.forms.intro":
    "The forms each of your units — Puskesmas, Pustu and Posyandu — is expected to fill in, for the current and the previous period. Approved reports are locked.",
  "village.forms.unitCode": "Code {code}",
  "village.forms.noneForUnit": "No form is expected from this unit for these periods.",
  "village.forms.colUnit": "Unit",
  "village.forms.jump": "Go to a unit",
  "village.forms.onBehalf": "Filled in by the operator on behalf of {unit}",
  "village.org.posyanduParent":
    "Posyandu {code} ({name}) must sit directly under a Pustu or a Puskesmas, not under {parent}, which is of level {level}. Correct the parent_code column.",
  "village.org.parentLevel": "The unit {code} ({name}) of level {level} must sit under level {want}, not under {parent} ({parentLevel}).",
  "village.levels.or": " or ",
};
