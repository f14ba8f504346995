/** Messages of reporting levels and applies-to (who reports what); spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "levels.orgGroup.invalid":
    "Kelompok unit “{group}” tidak sah: kunci kelompok hanya huruf kecil, angka dan garis bawah (paling banyak 64). Pilih kelompok dari daftar.",
  "levels.orgGroup.unknown":
    "Kelompok unit “{group}” tidak ada atau tidak dapat Anda lihat. Pilih kelompok dari daftar di halaman Kelompok unit, atau hapus saringan kelompok.",
  "levels.orgGroup.noRows":
    "Tidak ada Puskesmas yang (atau yang Pustu/Posyandu-nya) menjadi anggota kelompok “{group}” pada periode {period}. Pilih periode atau kelompok lain, atau hapus saringan kelompok.",
};

export const en: Record<keyof typeof id, string> = {
  "levels.orgGroup.invalid":
    "Unit group “{group}” is not valid: a group key has only lower-case letters, digits and underscores (at most 64). Choose a group from the list.",
  "levels.orgGroup.unknown":
    "Unit group “{group}” does not exist or you may not see it. Choose a group from the list on the Unit groups page, or remove the group filter.",
  "levels.orgGroup.noRows":
    "No Puskesmas (nor any of its Pustu or Posyandu) was a member of group “{group}” in {period}. Choose another period or group, or remove the group filter.",
};
