/**
 * Every package message exists in Bahasa Indonesia and English and is produced by some input
 * (the cases in ./package-message-cases.ts), as tests/engine/overlay-messages.test.ts does for
 * overlay problems.
 */
import { describe, expect, test } from "vitest";
import { INTAKE_MESSAGE_CODES, PACKAGE_MESSAGE_CODES, PACKAGE_MESSAGES, packageMessage, type PackageMessageCode } from "@engine/server";
import { PACKAGE_MESSAGE_CASES } from "./package-message-cases";

/** Text a message must never contain: an unfilled template or a value that was never there. */
const LEFTOVER = /\{\w*\}|\$\{|undefined|NaN|\[object Object\]/;

const results = PACKAGE_MESSAGE_CASES.map((c) => ({ name: c.name, errors: c.run() }));
const all = results.flatMap((r) => r.errors.map((e) => ({ name: r.name, ...e })));

describe("package messages", () => {
  test("every case reports at least one error, each with a message code of the table", () => {
    for (const r of results) {
      expect(r.errors.length, r.name).toBeGreaterThan(0);
      for (const e of r.errors) expect(PACKAGE_MESSAGE_CODES, `${r.name}: ${e.message}`).toContain(e.messageCode);
    }
  });

  test("package and intake messages share no code (validatePackage reports both)", () => {
    expect(PACKAGE_MESSAGE_CODES.filter((c) => (INTAKE_MESSAGE_CODES as string[]).includes(c))).toEqual([]);
  });

  test("every message code is exercised by some case", () => {
    const seen = new Set(all.map((e) => e.messageCode));
    expect(PACKAGE_MESSAGE_CODES.filter((code) => !seen.has(code))).toEqual([]);
  });

  test("an error carries both renderings of its message and the code of its message", () => {
    for (const e of all) {
      const code = e.messageCode as PackageMessageCode;
      expect(e.message, e.name).toBe(packageMessage(code, e.params, "id"));
      expect(e.messageEn, e.name).toBe(packageMessage(code, e.params, "en"));
      expect(e.code, `${e.name}: ${code}`).toBe(PACKAGE_MESSAGES[code].code);
    }
  });

  test("every exercised message reads completely in both languages, and they differ", () => {
    for (const e of all) {
      const code = e.messageCode as PackageMessageCode;
      const id = packageMessage(code, e.params, "id");
      const en = packageMessage(code, e.params, "en");
      expect(id, `${e.name}: ${code}`).not.toMatch(LEFTOVER);
      expect(en, `${e.name}: ${code}`).not.toMatch(LEFTOVER);
      expect(id.length, code).toBeGreaterThan(20);
      expect(en.length, code).toBeGreaterThan(20);
      expect(en, code).not.toBe(id);
    }
  });

  test("English messages carry no Bahasa Indonesia of their own (only keys, labels and pointers of the package)", () => {
    const indonesian = /\b(tidak|harus|Kunci|isian|formulir|Bagian|Kelompok|Indikator|Pilih|Rumus|nilai|kabupaten)\b/;
    for (const e of all) {
      const code = e.messageCode as PackageMessageCode;
      let en = packageMessage(code, e.params, "en");
      for (const v of Object.values(e.params ?? {}).map(String)) en = en.split(v).join("");
      expect(en, `${e.name}: ${code}`).not.toMatch(indonesian);
    }
  });

  test("each entry renders in both languages even without params", () => {
    for (const code of PACKAGE_MESSAGE_CODES) {
      expect(typeof PACKAGE_MESSAGES[code].id({}), code).toBe("string");
      expect(typeof PACKAGE_MESSAGES[code].en({}), code).toBe("string");
    }
  });

  test("any locale other than English falls back to Bahasa Indonesia", () => {
    expect(packageMessage("UNKNOWN_FORM", { form: "f" }, "fr" as never)).toBe(packageMessage("UNKNOWN_FORM", { form: "f" }, "id"));
  });
});
