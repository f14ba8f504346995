/**
 * Every submission message exists in Bahasa Indonesia and English and is produced by some input
 * (the cases in ./submission-message-cases.ts), as tests/engine/overlay-messages.test.ts does for
 * overlay problems. A field's schema errors are intake messages, checked in intake-messages.test.ts.
 */
import { describe, expect, test } from "vitest";
import {
  INTAKE_MESSAGE_CODES,
  SUBMISSION_MESSAGE_CODES,
  SUBMISSION_MESSAGES,
  submissionMessage,
  submissionMessageErrorCode,
  type SubmissionOwnMessageCode,
} from "@engine/server";
import { SUBMISSION_MESSAGE_CASES } from "./submission-message-cases";

/** Text a message must never contain: an unfilled template or a value that was never there. */
const LEFTOVER = /\{\w*\}|\$\{|undefined|NaN|\[object Object\]/;

/**
 * The derived schema of a yes/no field checks `type: boolean` before its Ya/Tidak `oneOf`, so no
 * submitted value reaches SUBMISSION_YES_NO today; the message stays for a schema that changes that.
 */
const UNREACHABLE: SubmissionOwnMessageCode[] = ["SUBMISSION_YES_NO"];

const results = SUBMISSION_MESSAGE_CASES.map((c) => ({ name: c.name, errors: c.run() }));
const all = results.flatMap((r) => r.errors.map((e) => ({ name: r.name, locale: r.name.endsWith("(en)") ? ("en" as const) : ("id" as const), ...e })));

describe("submission messages", () => {
  test("every case reports at least one error, each with a message code of this table or the intake table", () => {
    const known: string[] = [...SUBMISSION_MESSAGE_CODES, ...INTAKE_MESSAGE_CODES];
    for (const r of results) {
      expect(r.errors.length, r.name).toBeGreaterThan(0);
      for (const e of r.errors) expect(known, `${r.name}: ${e.message}`).toContain(e.messageCode);
    }
  });

  test("the two tables share no message code", () => {
    expect(SUBMISSION_MESSAGE_CODES.filter((c) => (INTAKE_MESSAGE_CODES as string[]).includes(c))).toEqual([]);
  });

  test("every message code is exercised by some case, in both locales", () => {
    for (const locale of ["id", "en"]) {
      const seen = new Set(all.filter((e) => e.locale === locale).map((e) => e.messageCode));
      expect(
        SUBMISSION_MESSAGE_CODES.filter((code) => !seen.has(code)),
        locale,
      ).toEqual(UNREACHABLE);
    }
  });

  test("an error carries its rendering in the requested locale and in English, and the code of its message", () => {
    for (const e of all) {
      expect(e.message, e.name).toBe(submissionMessage(e.messageCode, e.params, e.locale));
      expect(e.messageEn, e.name).toBe(submissionMessage(e.messageCode, e.params, "en"));
      if (e.messageCode !== "SCHEMA_OTHER") expect(e.code, `${e.name}: ${e.messageCode}`).toBe(submissionMessageErrorCode(e.messageCode));
    }
  });

  test("every message reads completely in both languages, and they differ", () => {
    const params = [
      ...all.map((e) => ({ code: e.messageCode, params: e.params })),
      ...UNREACHABLE.map((code) => ({ code, params: { label: "Ada posyandu?" } })),
    ];
    for (const { code, params: p } of params) {
      const id = submissionMessage(code, p, "id");
      const en = submissionMessage(code, p, "en");
      expect(id, code).not.toMatch(LEFTOVER);
      expect(en, code).not.toMatch(LEFTOVER);
      expect(id.length, code).toBeGreaterThan(15);
      expect(en.length, code).toBeGreaterThan(15);
      expect(en, code).not.toBe(id);
    }
  });

  test("English messages carry no Bahasa Indonesia of their own (only labels the form gives)", () => {
    const indonesian = /\b(tidak|harus|wajib|Kiriman|isian|formulir|Pilihan|Pilih|dihitung)\b/;
    for (const e of all) {
      let en = submissionMessage(e.messageCode, e.params, "en");
      for (const v of Object.values(e.params).map(String)) en = en.split(v).join("");
      expect(en, `${e.name}: ${e.messageCode}`).not.toMatch(indonesian);
    }
  });

  test("each entry renders in both languages even without params", () => {
    for (const code of SUBMISSION_MESSAGE_CODES) {
      expect(typeof SUBMISSION_MESSAGES[code].id({}), code).toBe("string");
      expect(typeof SUBMISSION_MESSAGES[code].en({}), code).toBe("string");
    }
  });

  test("any locale other than English falls back to Bahasa Indonesia", () => {
    expect(submissionMessage("SUBMISSION_REQUIRED", { label: "K1" }, "fr" as never)).toBe(submissionMessage("SUBMISSION_REQUIRED", { label: "K1" }, "id"));
  });
});
