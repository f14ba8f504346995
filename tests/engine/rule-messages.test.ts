/**
 * A broken validation rule says which figures it compared, in the reader's language and written
 * the reader's way, and names the fields of its form it reads (the fill page shows it there).
 * Also: numbers as Indonesians and English readers write them, and which calculated fields the
 * fill page leaves out (bookkeeping fields).
 */
import { describe, expect, test } from "vitest";
import { bookkeepingFields, checkRules, RULE_MESSAGE_CODES, ruleMessage, type Form } from "@engine";
import { formatNumber } from "@engine/forms/text";
import { seedPackage } from "../helpers/seed-package";

const LEFTOVER = /\{\w*\}|\$\{|undefined|NaN|\[object Object\]/;
const form = (key: string) => seedPackage.forms.find((f) => f.key === key) as Form;

describe("rule messages", () => {
  test("a warning against a yearly sasaran names the sasaran and both figures, in Indonesian and English", () => {
    const values = { spm01_bumil_k6: 1300 };
    const yearly = { spm01_sasaran_bumil: 286 };
    const [id] = checkRules(seedPackage, "spm_bulanan", values, yearly, "id").filter((v) => v.rule === "spm01_lebih_sasaran");
    expect(id.severity).toBe("warning");
    expect(id.messageCode).toBe("RULE_VIOLATED");
    expect(id.message).toMatch(/^SPM 1: jumlah yang dilayani bulan ini melebihi sasaran setahun\./);
    expect(id.message).toContain(
      "Angka yang diperiksa: SPM 1 – Ibu hamil yang mendapat pelayanan antenatal sesuai standar (K6) = 1.300; SPM 1 – Sasaran ibu hamil = 286.",
    );
    // Only the rule's own form's fields are places on the page; the sasaran is on the yearly form.
    expect(id.fields).toEqual(["spm01_bumil_k6"]);
    const [en] = checkRules(seedPackage, "spm_bulanan", values, yearly, "en").filter((v) => v.rule === "spm01_lebih_sasaran");
    expect(en.message).toMatch(/^SPM 1: people served this month exceed the annual sasaran\./);
    expect(en.message).toContain("Figures checked: ");
    expect(en.message).toContain("= 1,300; SPM 1 – Estimated pregnant women = 286.");
    expect(en.messageEn).toBe(en.message);
    expect(id.messageEn).toBe(en.message);
  });

  test("an error between two fields of one form names both fields, so the page can mark both", () => {
    const [v] = checkRules(seedPackage, "ilp_profil", { jumlah_desa: 12, desa_pustu_ilp: 15 }, {}, "id");
    expect(v).toMatchObject({ rule: "desa_pustu_lebih_desa", severity: "error", fields: ["desa_pustu_ilp", "jumlah_desa"] });
    expect(v.message).toBe(
      "Desa/kelurahan dengan Pustu ILP tidak boleh melebihi jumlah desa/kelurahan di wilayah kerja. Angka yang diperiksa: Desa/kelurahan dengan Pustu ILP aktif = 15; Jumlah desa/kelurahan di wilayah kerja = 12.",
    );
  });

  test("every code is produced by some rule, and each reads completely in both languages", () => {
    const plain = {
      ...seedPackage,
      rules: [
        { key: "konstan", form: "ilp_profil", left: "2", op: "<=", right: "1", severity: "error", message: { id: "Selalu salah.", en: "Always wrong." } },
      ],
    };
    const seen = [
      ...checkRules(seedPackage, "ilp_profil", { jumlah_desa: 12, desa_pustu_ilp: 15 }),
      ...checkRules(plain as typeof seedPackage, "ilp_profil", {}),
    ];
    expect(new Set(seen.map((v) => v.messageCode))).toEqual(new Set(RULE_MESSAGE_CODES));
    for (const v of seen) {
      for (const locale of ["id", "en"] as const) {
        const text = ruleMessage(v.messageCode, v.params, locale);
        expect(text).not.toMatch(LEFTOVER);
        expect(text.length).toBeGreaterThan(10);
      }
      expect(ruleMessage(v.messageCode, v.params, "en")).not.toBe(ruleMessage(v.messageCode, v.params, "id"));
    }
  });

  test("the rules still run on the fields that can be read when others cannot", () => {
    const violations = checkRules(seedPackage, "ilp_profil", { jumlah_desa: 12, desa_pustu_ilp: 15, jumlah_posyandu: "banyak" });
    expect(violations.map((v) => v.rule)).toEqual(["desa_pustu_lebih_desa"]);
  });
});

describe("formatNumber", () => {
  test.each([
    [100000, "100.000", "100,000"],
    [286, "286", "286"],
    [12.5, "12,5", "12.5"],
    [-1234567.25, "-1.234.567,25", "-1,234,567.25"],
    [0, "0", "0"],
  ])("%s", (x, id, en) => {
    expect(formatNumber(x, "id")).toBe(id);
    expect(formatNumber(x, "en")).toBe(en);
  });
});

describe("bookkeepingFields", () => {
  test("are the calculated fields whose formula reads no field: the month count, not the Lokmin count", () => {
    expect(bookkeepingFields(form("ilp_profil"))).toEqual(["bulan_laporan"]);
    expect(bookkeepingFields(form("spm_bulanan"))).toEqual([]);
  });
});
