import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { en, id, translate } from "~/i18n/catalog";

describe("message catalogue", () => {
  it("has the same keys in Bahasa Indonesia and English, none empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(id).sort());
    for (const [key, value] of [...Object.entries(id), ...Object.entries(en)]) expect(value.trim(), key).not.toBe("");
  });

  it("uses the same placeholders in both languages", () => {
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
    for (const key of Object.keys(id) as Array<keyof typeof id>) expect(holes(en[key]), key).toBe(holes(id[key]));
  });

  it("defines each key in one module only (a spread would silently override)", () => {
    const dir = path.resolve("app/i18n/messages");
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    const sources = [path.resolve("app/i18n/catalog.ts"), ...fs.readdirSync(dir).map((f) => path.join(dir, f))];
    for (const file of sources) {
      const text = fs.readFileSync(file, "utf8");
      // Keys of the Indonesian block: the part before the English one.
      const idBlock = text.split(/export const en\b|const coreEn\b/)[0];
      for (const m of idBlock.matchAll(/^\s*"([a-z][A-Za-z0-9]*\.[A-Za-z0-9_.-]+)":/gm)) {
        const other = seen.get(m[1]);
        if (other) dupes.push(`${m[1]}: ${path.basename(other)} and ${path.basename(file)}`);
        else seen.set(m[1], file);
      }
    }
    expect(dupes).toEqual([]);
    expect(seen.size).toBe(Object.keys(id).length);
  });

  it("fills placeholders", () => {
    expect(translate("id", "home.greeting", { name: "Rina" })).toBe("Selamat datang, Rina");
    expect(translate("en", "home.greeting", { name: "Rina" })).toBe("Welcome, Rina");
  });

  it("every catalogue key used in app/ exists", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(e.name)) files.push(p);
      }
    };
    walk(path.resolve("app"));
    const missing: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\("([a-z][A-Za-z0-9]*\.[A-Za-z0-9_.-]+)"/g)) if (!(m[1] in id)) missing.push(`${path.basename(file)}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
