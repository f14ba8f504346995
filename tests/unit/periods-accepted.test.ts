import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { TemplatePackage } from "@engine";
import type { Locale } from "~/i18n/catalog";
import { render } from "~/i18n/message";
import { parseCell, periodProblem as problemOf } from "~/models/submissions.server";

const pkg = JSON.parse(fs.readFileSync("seeds/packages/ilp-nasional.v1.json", "utf8")) as TemplatePackage;
const form = (key: string) => pkg.forms.find((f) => f.key === key)!;
const now = new Date("2026-11-23T10:00:00Z");
/** The problem as a reader of `locale` sees it (a catalogue message), or null. */
const periodProblem = (f: TemplatePackage["forms"][number], period: string, at: Date, locale: Locale = "id") => {
  const problem = problemOf(f, period, at);
  return problem && render(locale, problem);
};

describe("which periods a submission may be for", () => {
  it("accepts a period once it has begun, refuses one that has not", () => {
    expect(periodProblem(form("spm_sasaran"), "2026", now)).toBeNull();
    expect(periodProblem(form("spm_sasaran"), "2027", now)).toMatch(/belum berjalan/);
    expect(periodProblem(form("spm_bulanan"), "2026-11", now)).toBeNull();
    expect(periodProblem(form("spm_bulanan"), "2026-12", now)).toMatch(/belum berjalan/);
    expect(periodProblem(form("bok_triwulan"), "2026-Q4", now)).toBeNull();
    expect(periodProblem(form("bok_triwulan"), "2027-Q1", now)).toMatch(/belum berjalan/);
  });

  it("requires the form's own period type, with an example", () => {
    expect(periodProblem(form("spm_bulanan"), "2025-Q1", now)).toMatch(/per bulan.*2025-03/);
    expect(periodProblem(form("bok_triwulan"), "2025-03", now)).toMatch(/per triwulan.*2025-Q1/);
    expect(periodProblem(form("spm_bulanan"), "2025-13", now)).toMatch(/01 sampai 12/);
  });

  it("says the same in English", () => {
    expect(periodProblem(form("spm_bulanan"), "2026-12", now, "en")).toBe("Period 2026-12 has not started yet; reports for the future cannot be accepted.");
    expect(periodProblem(form("bok_triwulan"), "2025-03", now, "en")).toBe('This form is reported per quarter; write the period like 2025-Q1, not "2025-03".');
    expect(periodProblem(form("spm_bulanan"), "2025-13", now, "en")).toBe('There is no month 13 in period "2025-13"; the month must be 01 to 12.');
  });
});

describe("CSV cells", () => {
  const field = (type: string) => ({ key: "x", type, label: { id: "X" }, choices: [{ value: "penuh", label: { id: "Penuh", en: "Full" } }] }) as never;
  it("reads numbers with a decimal point or comma, and refuses text", () => {
    expect(parseCell(field("number"), "12.5")).toEqual({ value: 12.5 });
    expect(parseCell(field("number"), "12,5")).toEqual({ value: 12.5 });
    expect(parseCell(field("integer"), " 7 ")).toEqual({ value: 7 });
    expect(parseCell(field("integer"), "tujuh")).toHaveProperty("error");
    expect(parseCell(field("integer"), "")).toEqual({ value: undefined });
  });
  it("reads yes/no words and choice labels", () => {
    expect(parseCell(field("boolean"), "Ya")).toEqual({ value: true });
    expect(parseCell(field("boolean"), "tidak")).toEqual({ value: false });
    expect(parseCell(field("boolean"), "mungkin")).toHaveProperty("error");
    expect(parseCell(field("choice"), "Penuh")).toEqual({ value: "penuh" });
    expect(parseCell(field("choice"), "full")).toEqual({ value: "penuh" });
  });
});
