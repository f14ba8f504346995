/**
 * The designer's one problem list (app/components/designer/problems.ts): the browser's checks
 * and the server's answer together, one entry per place, every counter reading it; national
 * targets in a district's adaptation count nothing; pointers described in words.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { collectProblems, describePointer } from "~/components/designer/problems";
import { tabOfPointer } from "~/components/designer/DesignerShell";
import { problemsUnder, type DesignerContext } from "~/contracts/designer";
import { translate, type MessageKey } from "~/i18n/catalog";
import type { TemplatePackage } from "@engine";

const pkg = (): TemplatePackage => JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8"));
const context = (over: Partial<DesignerContext> = {}): DesignerContext => ({
  mode: "package",
  locale: "id",
  readOnly: false,
  published: {},
  orgUnits: [],
  currentYear: 2026,
  packageKey: "ilp-nasional",
  version: 2,
  ...over,
});
const tId = (key: MessageKey, vars?: Record<string, string | number>) => translate("id", key, vars);
const tEn = (key: MessageKey, vars?: Record<string, string | number>) => translate("en", key, vars);

describe("the designer's problem list", () => {
  it("the national package has none", () => {
    expect(collectProblems(pkg(), context(), [], "id")).toEqual([]);
  });

  it("lists every problem at once, client and server, once per place; tabs and items add up to the header", () => {
    const doc = pkg();
    doc.indicators[0] = { ...doc.indicators[0], group: "" };
    doc.indicators[1] = { ...doc.indicators[1], name: { id: "" } };
    doc.forms[0].sections[0].fields[0] = { ...doc.forms[0].sections[0].fields[0], label: { id: "" } };
    const server = [
      // The server says the group is empty too: the browser's message stands for that place.
      { pointer: "/indicators/0/group", message: "Nilai ini tidak boleh kosong", code: "MIN_LENGTH" },
      { pointer: "/indicators/1/name/id", message: "Nilai ini tidak boleh kosong. Isi teksnya.", code: "MIN_LENGTH" },
      { pointer: "/title/id", message: "Judul paket kosong", code: "MIN_LENGTH" },
    ];
    const all = collectProblems(doc, context(), server, "id");
    expect(all.map((p) => p.pointer)).toEqual(["/forms/0/sections/0/fields/0/label/id", "/indicators/0/group", "/indicators/1/name", "/title/id"]);
    expect(all.find((p) => p.pointer === "/indicators/0/group")!.message).toBe(tId("indcheck.groupMissing", { group: "" }));
    const byTab = ["forms", "indicators", "targets", "rules", "json"].map((tab) => all.filter((p) => tabOfPointer(p.pointer) === tab).length);
    expect(byTab).toEqual([1, 2, 0, 0, 1]);
    expect(byTab.reduce((a, b) => a + b, 0)).toBe(all.length);
    expect(problemsUnder(all, "/forms/0").length + problemsUnder(all, "/indicators").length + problemsUnder(all, "/title").length).toBe(all.length);

    // Fixed in the browser: gone at once, before any save or check.
    doc.indicators[0] = { ...doc.indicators[0], group: pkg().indicators[0].group };
    expect(collectProblems(doc, context(), [], "id").map((p) => p.pointer)).toEqual(["/forms/0/sections/0/fields/0/label/id", "/indicators/1/name"]);
  });

  it("counts nothing for the national targets of a district's adaptation, but flags the district's own", () => {
    const doc = pkg();
    const overlay = context({ mode: "overlay", districtCode: "13.73", orgUnits: [{ code: "13.73", name: "Kota Sawahlunto", level: "district" }] });
    expect(doc.targets.some((t) => t.scope.level === "national")).toBe(true);
    expect(collectProblems(doc, overlay, [], "id")).toEqual([]);
    doc.targets.push({ ...doc.targets[0], scope: { level: "district", org: "13.73" }, value: -1 });
    const own = collectProblems(doc, overlay, [], "id");
    expect(own.map((p) => p.pointer)).toEqual([`/targets/${doc.targets.length - 1}/value`]);
  });

  it("says where a problem is in words, in both languages", () => {
    const doc = pkg();
    const form = doc.forms[1];
    const field = form.sections[0].fields[0];
    expect(describePointer(doc, "/forms/1/sections/0/fields/0/label/id", tId, "id")).toBe(
      `Formulir ${form.title.id} › Bagian ${form.sections[0].title.id} › Kolom ${field.label.id} › Label`,
    );
    expect(describePointer(doc, "/forms/1/sections/0/fields/0/label/id", tEn, "en")).toBe(
      `Form ${form.title.en ?? form.title.id} › Section ${form.sections[0].title.en ?? form.sections[0].title.id} › Field ${field.label.en ?? field.label.id} › Label`,
    );
    expect(describePointer(doc, "/indicators/0/group", tId, "id")).toBe(`Indikator ${doc.indicators[0].name.id} › Kelompok`);
    expect(describePointer(doc, "/title/id", tId, "id")).toBe("Paket › Judul");
    expect(describePointer(doc, "/indicators/999/group", tEn, "en")).toBe("Package");
  });
});
