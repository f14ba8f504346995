/**
 * The shared spreadsheet writer (app/utils/spreadsheet.server.ts, decision 016) on its own and
 * through the import templates: every CSV-injection shape, read back as "," (as written), ";"
 * (Excel in Indonesia), tab and blindly split CSV and as XLSX, starts no formula; numbers stay
 * numbers; quoting and the BOM.
 */
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Form } from "@engine";
import { templateCsv, templateXlsx } from "~/models/import-template.server";
import { csvText, neutraliseWorkbook, spreadsheetText, xlsxRow } from "~/utils/spreadsheet.server";
import { csvReadings, expectCsvSafe, expectInjectionsArrived, expectXlsxSafe, formulaLike, INJECTIONS, xlsxTexts } from "../helpers/spreadsheet";

/** Characters that matter here, often, and a few that do not. */
const risky = fc
  .array(
    fc.constantFrom(
      "=",
      "+",
      "-",
      "@",
      ",",
      ";",
      "\t",
      "\r",
      "\n",
      '"',
      "'",
      " ",
      "\u00A0",
      "\u200B",
      "\u2060",
      "\uFEFF",
      "\uFF1D",
      "\uFE66",
      "\uFF0D",
      "a",
      "1",
      "|",
    ),
    { maxLength: 12 },
  )
  .map((chars) => chars.join(""));

describe("csvText", () => {
  it("neutralises every injection shape, at the start and after a separator inside, however the file is split", () => {
    const csv = csvText([["kode", "nama", "jumlah"], ...INJECTIONS.map((s, i) => [s, s, -i])], { bom: true });
    const cells = expectCsvSafe(csv);
    expectInjectionsArrived(cells.flat());
    const nama = cells.slice(1).map((r) => r[1]);
    expect(nama).toEqual([
      "catatan;'=cmd|' /C calc'!A0",
      "'=1+1",
      "'+1",
      "'-1+1",
      "'@SUM(A1)",
      "'\uFF1D1+1",
      "'\u200B=1+1",
      "'   =1+1",
      "'\tTAB",
      "'\t'=1+1",
      "'\r'=1+1",
      "baris satu\n'=1+1",
      `kutip " di dalam;'-2+3`,
    ]);
  });

  it('keeps numbers numbers (a negative count is -5) and text text (a typed "-5" is \'-5)', () => {
    expect(csvText([[-5, 0, 12.5, "-5", "+62 812 555", Number.NaN, null, undefined, ""]])).toBe(`-5,0,12.5,"'-5","'+62 812 555",,,,\n`);
  });

  it("quotes fields with , ; tab, a quote or a line break, and every neutralised one; plain text stays bare", () => {
    expect(csvText([["a,b", "a;b", "a\tb", 'a"b', "a\nb", "Puskesmas Kaladawa", "3-4 kali", "– tidak ada", "#label"]])).toBe(
      `"a,b","a;b","a\tb","a""b","a\nb",Puskesmas Kaladawa,3-4 kali,– tidak ada,#label\n`,
    );
  });

  it("folds compatibility forms and skips invisible characters before the first visible one", () => {
    for (const s of ["\uFE661", "\uFF0B1", "\uFF0D1", "\uFF20x", "\u207C1", "\u2060=1", "\uFEFF=1", "\u00AD=1", "\u200D+1", "\u00A0-1+1", '"=1"']) {
      expect(spreadsheetText(s), JSON.stringify(s)).toBe(`'${s}`);
    }
  });

  it("writes the BOM only when asked (downloads yes, the CLI's standard output no)", () => {
    expect(csvText([["a"]], { bom: true })).toBe("\uFEFFa\n");
    expect(csvText([["a"]])).toBe("a\n");
  });

  it("any text, read back with , gives the text with apostrophes added only, and no reading starts a formula", () => {
    fc.assert(
      fc.property(fc.array(risky, { minLength: 1, maxLength: 4 }), (texts) => {
        const csv = csvText([["x", ...texts]]);
        for (const rows of Object.values(csvReadings(csv)))
          for (const cell of rows.flat()) expect(formulaLike(cell), JSON.stringify({ texts, cell })).toBe(false);
        expect(
          csvReadings(csv)
            [","][0].slice(1)
            .map((c) => c.replaceAll("'", "")),
        ).toEqual(texts.map((t) => t.replaceAll("'", "")));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("XLSX cells", () => {
  it("spreadsheetText is idempotent and never leaves a formula start", () => {
    fc.assert(
      fc.property(risky, (s) => {
        const once = spreadsheetText(s);
        expect(formulaLike(once)).toBe(false);
        expect(spreadsheetText(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it("neutraliseWorkbook turns every text cell safe, merged cells included, keeps numbers, and refuses a formula", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Data");
    ws.addRow([...INJECTIONS]);
    ws.addRow([-5, 0, "-5", ""]);
    ws.addRow(["=merged", ""]);
    ws.mergeCells("A3:B3");
    neutraliseWorkbook(wb);
    const back = await expectXlsxSafe(await wb.xlsx.writeBuffer());
    expectInjectionsArrived(xlsxTexts(back));
    const sheet = back.getWorksheet("Data")!;
    expect([sheet.getCell("A2").value, sheet.getCell("C2").value, sheet.getCell("A3").value]).toEqual([-5, "'-5", "'=merged"]);

    ws.getCell("D2").value = { formula: "1+1" };
    expect(() => neutraliseWorkbook(wb)).toThrow(/Data!D2/);
    expect(xlsxRow([-5, "=1", null, Number.POSITIVE_INFINITY])).toEqual([-5, "'=1", "", ""]);
  });
});

describe("import templates", () => {
  /** The seed's ILP profile with every label, type hint and help of its first fields replaced by an injection. */
  function hostileForm(): Form {
    const pkg = JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8")) as { forms: Form[] };
    const form = pkg.forms.find((f) => f.key === "ilp_profil")!;
    const fields = form.sections.flatMap((s) => s.fields).filter((f) => !f.calculate);
    INJECTIONS.forEach((shape, i) => {
      fields[i].label = { id: shape };
      fields[i].help = { id: shape };
      fields[i].unit = shape;
    });
    form.title = { id: INJECTIONS[0] };
    return form;
  }

  it("the CSV template carries admin-written labels without a formula start", () => {
    expectInjectionsArrived(expectCsvSafe(templateCsv(hostileForm(), [], null)).flat());
  });

  it("the XLSX template writes them as safe text cells on both sheets", async () => {
    const wb = await expectXlsxSafe(await templateXlsx(hostileForm(), [], null));
    expectInjectionsArrived(xlsxTexts(wb));
  });
});
