/** Messages of scorecard group filters, compare within a group and village drill-down; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "groupFilter.label": "Kelompok unit",
  "groupFilter.all": "Semua unit",
  "groupFilter.help": "Bandingkan yang setara: hanya unit yang menjadi anggota kelompok ini (atau berada di bawah anggota) pada periode yang dipilih.",
  "groupFilter.option": "{name} ({owners})",
  "groupFilter.applied": "Hanya anggota kelompok {name}",
  "groupFilter.error.unknown":
    'Kelompok unit "{key}" tidak ada atau tidak dapat Anda lihat. Pilih kelompok lain pada "Kelompok unit", atau tampilkan scorecard tanpa filter kelompok.',
  "groupFilter.removeFilter": "Tampilkan tanpa filter kelompok",
  "groupFilter.offLevel": "Tidak ada data di tingkat ini",
  "groupFilter.offLevelCell": "{indicator} untuk {row}: tidak ada data di tingkat ini (indikator tingkat Puskesmas)",
  "groupFilter.rows.village": "Pustu dan Posyandu di {name}",
  "groupFilter.villageNote":
    "Baris Pustu dan Posyandu menghitung laporannya sendiri; indikator yang dilaporkan Puskesmas tertulis \u201cTidak ada data di tingkat ini\u201d.",
  "groupFilter.compare.applied":
    "Hanya anggota kelompok {name}: kolom kabupaten/kota dihitung dari Puskesmas anggotanya saja, dan hanya anggota yang dapat ditambahkan.",
};

export const en: Record<keyof typeof id, string> = {
  "groupFilter.label": "Unit group",
  "groupFilter.all": "All units",
  "groupFilter.help": "Compare like with like: only units that were members of this group (or lie below a member) during the chosen period.",
  "groupFilter.option": "{name} ({owners})",
  "groupFilter.applied": "Members of group {name} only",
  "groupFilter.error.unknown":
    'The unit group "{key}" does not exist or you may not see it. Choose another group under "Unit group", or show the scorecard without the group filter.',
  "groupFilter.removeFilter": "Show without the group filter",
  "groupFilter.offLevel": "No data at this level",
  "groupFilter.offLevelCell": "{indicator} for {row}: no data at this level (a Puskesmas-level indicator)",
  "groupFilter.rows.village": "Pustu and Posyandu of {name}",
  "groupFilter.villageNote": "Pustu and Posyandu rows count their own reports; indicators the Puskesmas reports read \u201cNo data at this level\u201d.",
  "groupFilter.compare.applied": "Members of group {name} only: district columns are computed from their member Puskesmas only, and only members can be added.",
};
