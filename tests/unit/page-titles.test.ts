/**
 * Page titles follow the root loader's locale (app/i18n/title.ts): every route's `meta` gives the
 * Indonesian title by default (unchanged wording) and an English one for an English reader.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { metaLocale, pageTitle } from "~/i18n/title";
import { id, en } from "~/i18n/messages/titles";

const matches = (locale: unknown) => [{ id: "root", data: { locale } }] as unknown as Parameters<typeof pageTitle>[0];

describe("page titles", () => {
  it("takes the locale from the root match, Indonesian without one", () => {
    expect(metaLocale(matches("en"))).toBe("en");
    expect(metaLocale(matches("id"))).toBe("id");
    expect(metaLocale(matches("fr"))).toBe("id");
    expect(metaLocale([] as unknown as Parameters<typeof pageTitle>[0])).toBe("id");
  });

  it("renders a title in the reader's language", () => {
    expect(pageTitle(matches("id"), "meta.locks")).toEqual([{ title: "Batas waktu dan buka kunci · Pantau ILP" }]);
    expect(pageTitle(matches("en"), "meta.locks")).toEqual([{ title: "Deadlines and unlocking · Pantau ILP" }]);
    expect(pageTitle(matches("en"), "meta.form", { form: "SPM" })).toEqual([{ title: "SPM · Pantau ILP" }]);
  });

  it("every title ends with the app's name, and no route keeps a literal title", () => {
    for (const text of [...Object.values(id), ...Object.values(en)]) if (text.includes("·")) expect(text).toMatch(/ · Pantau ILP$/);
    const dir = path.resolve(__dirname, "../../app/routes");
    for (const file of fs.readdirSync(dir)) {
      const source = fs.readFileSync(path.join(dir, file), "utf8");
      expect(source, file).not.toMatch(/title: ["`].*Pantau ILP/);
    }
  });
});
