/**
 * Every intake message exists in Bahasa Indonesia and English and is produced by some input
 * (the cases in ./intake-message-cases.ts), as tests/engine/overlay-messages.test.ts does for
 * overlay problems.
 */
import { describe, expect, test } from "vitest";
import { INTAKE_MESSAGE_CODES, INTAKE_MESSAGES, intakeMessage, type IntakeMessageCode } from "@engine/server";
import { INTAKE_MESSAGE_CASES } from "./intake-message-cases";

/** Text a message must never contain: an unfilled template or a value that was never there. */
const LEFTOVER = /\{\w*\}|\$\{|undefined|NaN|\[object Object\]/;

const results = INTAKE_MESSAGE_CASES.map((c) => ({ name: c.name, errors: c.run() }));
const all = results.flatMap((r) => r.errors.map((e) => ({ name: r.name, ...e })));

describe("intake messages", () => {
  test("every case reports at least one error, each with a message code of the table", () => {
    for (const r of results) {
      expect(r.errors.length, r.name).toBeGreaterThan(0);
      for (const e of r.errors) expect(INTAKE_MESSAGE_CODES, `${r.name}: ${e.message}`).toContain(e.messageCode);
    }
  });

  test("every message code is exercised by some case", () => {
    const seen = new Set(all.map((e) => e.messageCode));
    expect(INTAKE_MESSAGE_CODES.filter((code) => !seen.has(code))).toEqual([]);
  });

  test("an error carries both renderings of its message and the code of its message", () => {
    for (const e of all) {
      const code = e.messageCode as IntakeMessageCode;
      expect(e.message, e.name).toBe(intakeMessage(code, e.params, "id"));
      expect(e.messageEn, e.name).toBe(intakeMessage(code, e.params, "en"));
      // Ajv's other keywords keep the code of their keyword (TOO_MANY for maxProperties …).
      if (code !== "SCHEMA_OTHER") expect(e.code, `${e.name}: ${code}`).toBe(INTAKE_MESSAGES[code].code);
    }
  });

  test("every exercised message reads completely in both languages, and they differ", () => {
    for (const e of all) {
      const code = e.messageCode as IntakeMessageCode;
      const id = intakeMessage(code, e.params, "id");
      const en = intakeMessage(code, e.params, "en");
      expect(id, `${e.name}: ${code}`).not.toMatch(LEFTOVER);
      expect(en, `${e.name}: ${code}`).not.toMatch(LEFTOVER);
      expect(id.length, code).toBeGreaterThan(15);
      expect(en.length, code).toBeGreaterThan(15);
      expect(en, code).not.toBe(id);
    }
  });

  test("English messages carry no Bahasa Indonesia of their own (only what the user typed)", () => {
    const indonesian = /\b(tidak|harus|wajib|Nilai|Properti|Kata|kunci|Dokumen|Pola|Skema|butir|teks|isian)\b/;
    for (const e of all) {
      const code = e.messageCode as IntakeMessageCode;
      const values = Object.values(e.params ?? {}).map(String);
      let en = intakeMessage(code, e.params, "en");
      for (const v of values) en = en.split(v).join("");
      expect(en, `${e.name}: ${code}`).not.toMatch(indonesian);
    }
  });

  test("each entry renders in both languages even without params", () => {
    for (const code of INTAKE_MESSAGE_CODES) {
      expect(typeof INTAKE_MESSAGES[code].id({}), code).toBe("string");
      expect(typeof INTAKE_MESSAGES[code].en({}), code).toBe("string");
    }
  });

  test("any locale other than English falls back to Bahasa Indonesia", () => {
    expect(intakeMessage("JSON_TOO_DEEP", { maxDepth: 32 }, "fr" as never)).toBe(intakeMessage("JSON_TOO_DEEP", { maxDepth: 32 }, "id"));
  });
});
