/**
 * A complete, valid ilp_profil report of the seed package (no rule warnings), shared by the
 * entry, lock, history, import and export tests. `overrides` replace or add answers.
 */
export function profilAnswers(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sk_klaster: true,
    sk_klaster_nomor: "440/12/PKM-SD/2025",
    sotk_revisi: true,
    pj_klaster_ditetapkan: true,
    sosialisasi_staf: true,
    alur_layanan_klaster: true,
    rme_satusehat: "penuh",
    jumlah_desa: 10,
    desa_pustu_ilp: 5,
    jumlah_posyandu: 20,
    posyandu_ilp: 10,
    posyandu_5_kader: 10,
    jumlah_kader: 100,
    kader_purwa: 30,
    kader_madya: 20,
    kader_utama: 10,
    kader_belum_sertifikat: 40,
    lokmin_bulanan: true,
    ...overrides,
  };
}

/** The same report as spreadsheet cells: yes/no as "ya"/"tidak", as an operator types them. */
export function profilCells(overrides: Record<string, string | number> = {}): Record<string, string | number> {
  const cells: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(profilAnswers())) {
    cells[key] = value === true ? "ya" : value === false ? "tidak" : (value as string | number);
  }
  return { ...cells, ...overrides };
}
