/**
 * A synthetic notulen for the PDF's tests and bench: a district meeting over `units` Puskesmas ×
 * `indicators` indicators with `actions` follow-up actions, deterministic (no clock, no random).
 */
import type { CellState } from "@engine";
import type { NotulenData, NotulenRow } from "~/models/notulen.server";

const STATES: CellState[] = ["green", "yellow", "red", "green", "incomplete", "nodata", "green", "red", "notarget", "yellow", "green"];

export const SAMPLE_GENERATED_AT = "2026-12-05T03:40:00.000Z";

export function sampleNotulen(options: { units?: number; indicators?: number; actions?: number; locale?: "id" | "en" } = {}): NotulenData {
  const { units = 40, indicators = 25, actions = 30, locale = "id" } = options;
  const en = locale === "en";
  const columns = Array.from({ length: indicators }, (_, i) => ({
    key: `ind_${i + 1}`,
    name: en ? `Indicator ${i + 1}: coverage of service ≥ target` : `Indikator ${i + 1}: cakupan pelayanan ≥ target`,
    unit: i % 3 === 0 ? "%" : null,
  }));
  const row = (code: string, name: string, seed: number): NotulenRow => {
    const cells = columns.map((_, i) => {
      const state = STATES[(seed * 7 + i * 3) % STATES.length];
      const value = state === "nodata" ? "–" : `${(40 + ((seed * 13 + i * 17) % 60)).toString()}${en ? "." : ","}${(seed + i) % 10}`;
      return { state, value };
    });
    // Nine reports expected a month; the least complete indicator of every third row misses some.
    return { code, name, cells, reports: { reported: seed % 3 === 1 ? 7 : 9, expected: 9 } };
  };
  const rows = Array.from({ length: units }, (_, i) => row(`P33240${String(i + 1).padStart(2, "0")}`, `Puskesmas Sukamaju ${i + 1}`, i));
  const people = (n: number, from: number) =>
    Array.from({ length: n }, (_, i) => ({
      name: `Petugas ${from + i}`,
      position: i % 2 === 0 ? "Kepala Puskesmas" : "Pengelola program",
      unit: `Puskesmas Sukamaju ${from + i}`,
    }));
  return {
    meetingId: 7,
    title: en ? "Quarterly evaluation meeting – Kendal" : "Rapat evaluasi triwulan – Kabupaten Kendal",
    kind: "evaluation",
    status: "closed",
    scopeNames: ["Kabupaten Kendal"],
    packageKey: "ilp-nasional",
    packageTitle: "ILP Nasional",
    groupName: null,
    period: "2026-11",
    periodLabel: en ? "November 2026" : "November 2026",
    meetingDate: "2026-12-03",
    location: "Aula Dinas Kesehatan Kendal",
    attendees: [{ name: "dr. Ayu Lestari", position: "Kepala Bidang P2P", unit: "Dinas Kesehatan Kendal" }, ...people(11, 1)],
    absent: people(2, 12),
    points: en
      ? "Immunisation coverage fell in four Puskesmas → outreach schedules were discussed.\nReports for October are still incomplete…"
      : "Cakupan imunisasi turun di empat Puskesmas → jadwal posyandu dibahas.\nLaporan Oktober masih belum lengkap…",
    decisions: en
      ? "Each Puskesmas with a red cell submits a plan by 10 December."
      : "Setiap Puskesmas dengan sel merah menyusun rencana paling lambat 10 Desember.",
    scorecard: { columns, rows, totalRow: row("33.24", "Kabupaten Kendal", 99) },
    scorecardProblem: null,
    actions: Array.from({ length: actions }, (_, i) => ({
      unit: `Puskesmas Sukamaju ${(i % units) + 1}`,
      indicator: i % 4 === 3 ? null : columns[i % indicators].name,
      problem: en ? `Coverage below target (${50 + i}%)` : `Cakupan di bawah target (${50 + i}%)`,
      cause: i % 5 === 0 ? null : en ? "Vaccine stock ran out in the second week" : "Stok vaksin habis pada minggu kedua",
      plan: en ? `Sweeping visits to every posyandu, action ${i + 1}` : `Sweeping ke semua posyandu – rencana tindak lanjut ${i + 1}`,
      responsibleUnit: `Puskesmas Sukamaju ${(i % units) + 1}`,
      person: i % 3 === 0 ? null : `Bidan Koordinator ${i + 1}`,
      dueDate: `2027-01-${String((i % 28) + 1).padStart(2, "0")}`,
      status: (["planned", "in_progress", "done", "cancelled"] as const)[i % 4],
      verified: i % 8 === 2,
    })),
    generatedAt: SAMPLE_GENERATED_AT,
    generatedBy: en ? "Admin Kendal" : "Admin Dinkes Kendal",
  };
}
