/**
 * Every overlay message exists in Bahasa Indonesia and English and is produced by some input
 * (the cases in ./overlay-message-cases.ts), as tests/engine/formula/cases.test.ts does for
 * formula errors.
 */
import { describe, expect, test } from "vitest";
import { applyOverlay, rebaseOverlay } from "@engine/overlay";
import { deriveOverlay } from "@engine/overlay-derive";
import { OVERLAY_MESSAGE_CODES, OVERLAY_MESSAGES, overlayMessage, type OverlayMessageCode } from "@engine/overlay-messages";
import { OVERLAY_MESSAGE_CASES, type CaseProblem } from "./overlay-message-cases";

const engine = { applyOverlay, rebaseOverlay, deriveOverlay };

/** Text a message must never contain: an unfilled template or a value that was never there. */
const LEFTOVER = /\{\w*\}|\$\{|undefined|NaN|\[object Object\]/;

const results: Array<{ name: string; problems: CaseProblem[] }> = OVERLAY_MESSAGE_CASES.map((c) => ({ name: c.name, problems: c.run(engine) }));
const all = results.flatMap((r) => r.problems.map((p) => ({ name: r.name, ...p })));

describe("overlay messages", () => {
  test("every case reports at least one problem, each with a message code", () => {
    for (const r of results) {
      expect(r.problems.length, r.name).toBeGreaterThan(0);
      for (const p of r.problems) expect(OVERLAY_MESSAGE_CODES, `${r.name}: ${p.message}`).toContain(p.messageCode);
    }
  });

  test("every message code is exercised by some case", () => {
    const seen = new Set(all.map((p) => p.messageCode));
    expect(OVERLAY_MESSAGE_CODES.filter((code) => !seen.has(code))).toEqual([]);
  });

  test("a problem carries its Bahasa Indonesia rendering and the code of its message", () => {
    for (const p of all) {
      const code = p.messageCode as OverlayMessageCode;
      expect(p.message, p.name).toBe(overlayMessage(code, p.params, "id"));
      // A rebase reason keeps the code of the problem it explains (a relabel may miss any element).
      if (!code.startsWith("REBASE_")) expect(p.code, `${p.name}: ${code}`).toBe(OVERLAY_MESSAGES[code].code);
    }
  });

  test("every exercised message reads completely in both languages, and they differ", () => {
    for (const p of all) {
      const code = p.messageCode as OverlayMessageCode;
      const id = overlayMessage(code, p.params, "id");
      const en = overlayMessage(code, p.params, "en");
      expect(id, `${p.name}: ${code}`).not.toMatch(LEFTOVER);
      expect(en, `${p.name}: ${code}`).not.toMatch(LEFTOVER);
      expect(id.length, code).toBeGreaterThan(20);
      expect(en.length, code).toBeGreaterThan(20);
      expect(en, code).not.toBe(id);
    }
  });

  test("English messages carry no Bahasa Indonesia of their own (only what the user typed or the formula checker said)", () => {
    const indonesian = /\b(tidak|harus|isian|formulir|bagian|aturan|Kembalikan|nasional|wilayah|kosong)\b/;
    for (const p of all) {
      const code = p.messageCode as OverlayMessageCode;
      const values = Object.values(p.params ?? {}).map(String);
      let en = overlayMessage(code, p.params, "en");
      for (const v of values) en = en.split(v).join("");
      expect(en, `${p.name}: ${code}`).not.toMatch(indonesian);
    }
  });

  test("each entry renders in both languages even without params", () => {
    for (const code of OVERLAY_MESSAGE_CODES) {
      expect(typeof OVERLAY_MESSAGES[code].id({}), code).toBe("string");
      expect(typeof OVERLAY_MESSAGES[code].en({}), code).toBe("string");
    }
  });

  test("any locale other than English falls back to Bahasa Indonesia", () => {
    expect(overlayMessage("FORM_REMOVED", { form: "f" }, "fr" as never)).toBe(overlayMessage("FORM_REMOVED", { form: "f" }, "id"));
  });
});
