/**
 * Every line of an overlay's publish summary (OVERLAY_SUMMARY_MESSAGES) exists in Bahasa
 * Indonesia and English and is produced by some operation, as tests/engine/overlay-messages.test.ts
 * does for overlay problems. The Indonesian lines are what describeOverlay has always said (the
 * audit row keeps them); English uses the package's English texts where it has them.
 */
import { describe, expect, test } from "vitest";
import type { DistrictOverlay, OverlayOperation, Text } from "@engine/documents";
import { describeOverlay, describeOverlayLines } from "@engine/overlay-derive";
import { OVERLAY_SUMMARY_CODES, overlaySummaryMessage, type OverlaySummaryCode } from "@engine/overlay-summary-messages";
import { fixturePackage } from "./helpers";

const LEFTOVER = /\{\w*\}|\$\{|undefined|NaN|\[object Object\]/;
const INDONESIAN =
  /\b(diubah|menjadi|isian|formulir|bagian|indikator|aturan|baru|lokal|tahun|untuk|nasional|sebelumnya|hijau|kuning|dari|disembunyikan|ditambahkan|pada)\b/i;

const label = (id: string, en?: string): Text => (en ? { id, en } : { id });

function overlay(operations: OverlayOperation[]): DistrictOverlay {
  return { package: "ilp-uji", baseVersion: 1, district: "13.73", title: { id: "Penyesuaian" }, version: 2, operations };
}

const target = (scope: { level: string; org?: string }, value: number, indicator = "spm_01") =>
  ({ op: "setTarget", target: { indicator, year: 2025, scope, value, profile: { type: "flat" }, source: "x" } }) as OverlayOperation;

const OPERATIONS: OverlayOperation[] = [
  {
    op: "addForm",
    form: {
      key: "lokal_lokus",
      title: label("Lokus ILP kota", "City ILP focus"),
      periodType: "month",
      source: "lokal",
      sections: [{ key: "lokal_s", title: label("Kunjungan"), fields: [{ key: "lokal_rumah", type: "integer", label: label("Rumah") }] }],
    },
  },
  { op: "relabel", indicator: "spm_01", label: label("Ibu hamil (lokal)", "Pregnant women (local)") },
  { op: "relabel", field: "bumil_k6", label: label("Ibu hamil K6 (Sawahlunto)") },
  { op: "relabel", form: "spm_bulanan", section: "ibu", label: label("Kesehatan ibu", "Maternal health") },
  { op: "relabel", form: "spm_bulanan", label: label("Laporan SPM", "SPM report") },
  { op: "setBands", indicator: "spm_01", bands: { green: 95, yellow: 80 } },
  { op: "hideField", form: "spm_bulanan", field: "catatan" },
  {
    op: "addField",
    form: "spm_bulanan",
    section: "ibu",
    field: { key: "lokal_kader", type: "integer", label: label("Kader aktif", "Active cadres") },
    after: "bumil_k6",
  },
  {
    op: "addIndicator",
    indicator: { key: "lokal_kader_rasio", name: label("Rasio kader", "Cadre ratio"), group: "spm", numerator: "lokal_kader", source: "lokal" },
  } as unknown as OverlayOperation,
  {
    op: "addRule",
    rule: {
      key: "lokal_k6",
      form: "spm_bulanan",
      left: "bumil_k6",
      op: ">=",
      right: "0",
      severity: "error",
      message: label("K6 tidak negatif", "K6 is not negative"),
    },
  } as unknown as OverlayOperation,
  target({ level: "district", org: "13.73" }, 97),
  target({ level: "national" }, 100),
  target({ level: "puskesmas", org: "P1" }, 90, "lokal_kader_rasio"),
];

describe("overlay summary messages", () => {
  const base = fixturePackage();
  const doc = overlay(OPERATIONS);
  const lines = describeOverlayLines(base, doc);

  test("every code is produced by some operation, one line per operation", () => {
    expect(lines).toHaveLength(OPERATIONS.length);
    expect([...new Set(lines.map((l) => l.messageCode))].sort()).toEqual([...OVERLAY_SUMMARY_CODES].sort());
  });

  test("every line reads completely in both languages, and English has no Indonesian of its own", () => {
    for (const l of lines) {
      const code = l.messageCode as OverlaySummaryCode;
      const id = overlaySummaryMessage(code, l.params, "id");
      const en = overlaySummaryMessage(code, l.params, "en");
      expect(id, code).not.toMatch(LEFTOVER);
      expect(en, code).not.toMatch(LEFTOVER);
      expect(en, code).not.toBe(id);
      let bare = en;
      for (const v of Object.values(l.params).map(String)) bare = bare.split(v).join("");
      expect(bare, code).not.toMatch(INDONESIAN);
    }
  });

  test("the Indonesian summary keeps its wording; the English one uses the package's English texts", () => {
    expect(describeOverlay(base, doc)).toEqual([
      'Formulir lokal baru "Lokus ILP kota" (lokal_lokus) dengan 1 isian.',
      'Nama indikator "Pelayanan ibu hamil" diubah menjadi "Ibu hamil (lokal)".',
      'Label isian "Bumil K6" diubah menjadi "Ibu hamil K6 (Sawahlunto)".',
      'Judul bagian "ibu" formulir "spm_bulanan" diubah menjadi "Kesehatan ibu".',
      'Judul formulir "spm_bulanan" diubah menjadi "Laporan SPM".',
      'Batas warna indikator "Pelayanan ibu hamil": hijau ≥ 95%, kuning ≥ 80% dari target.',
      'Isian opsional "Catatan" disembunyikan dari formulir "spm_bulanan".',
      'Isian lokal baru "Kader aktif" (lokal_kader) ditambahkan ke formulir "spm_bulanan", bagian "ibu".',
      'Indikator lokal baru "Rasio kader" (lokal_kader_rasio).',
      'Aturan validasi lokal baru "K6 tidak negatif" (lokal_k6) pada formulir "spm_bulanan".',
      'Target "Pelayanan ibu hamil" tahun 2025 untuk kabupaten/kota 13.73: 97.',
      'Target "Pelayanan ibu hamil" tahun 2025 untuk nasional: 100 (sebelumnya 100).',
      'Target "Rasio kader" tahun 2025 untuk Puskesmas P1: 90.',
    ]);
    expect(describeOverlay(base, doc, "en")).toEqual([
      'New local form "City ILP focus" (lokal_lokus) with 1 field.',
      'The name of indicator "Pelayanan ibu hamil" is changed to "Pregnant women (local)".',
      'The label of field "Bumil K6" is changed to "Ibu hamil K6 (Sawahlunto)".',
      'The title of section "ibu" of form "spm_bulanan" is changed to "Maternal health".',
      'The title of form "spm_bulanan" is changed to "SPM report".',
      'Colour bands of indicator "Pelayanan ibu hamil": green at ≥ 95%, yellow at ≥ 80% of the target.',
      'Optional field "Catatan" is hidden from form "spm_bulanan".',
      'New local field "Active cadres" (lokal_kader) is added to form "spm_bulanan", section "ibu".',
      'New local indicator "Cadre ratio" (lokal_kader_rasio).',
      'New local validation rule "K6 is not negative" (lokal_k6) on form "spm_bulanan".',
      'Target for "Pelayanan ibu hamil", year 2025, for district 13.73: 97.',
      'Target for "Pelayanan ibu hamil", year 2025, for the national level: 100 (previously 100).',
      'Target for "Cadre ratio", year 2025, for Puskesmas P1: 90.',
    ]);
  });

  test("any locale other than English falls back to Bahasa Indonesia", () => {
    expect(describeOverlay(base, doc, "fr" as never)).toEqual(describeOverlay(base, doc));
  });
});
