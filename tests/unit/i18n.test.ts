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
      for (const m of text.matchAll(/\bt\("([a-z]+\.[A-Za-z0-9_.]+)"/g)) if (!(m[1] in id)) missing.push(`${path.basename(file)}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
