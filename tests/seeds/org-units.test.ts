import { describe, expect, it } from "vitest";
import { parseOrgUnitsCsv } from "@seeds/org-units";
import { DEMO_DISTRICTS, orgCsv, orgUnits, users } from "./helpers";

/** The levels a unit may sit under: a Posyandu under its village's Pustu or directly under the Puskesmas. */
const PARENT_LEVELS = {
  province: ["national"],
  district: ["province"],
  puskesmas: ["district"],
  pustu: ["puskesmas"],
  posyandu: ["pustu", "puskesmas"],
} as const;

describe("seeds/org-units.csv", () => {
  it("has the header and unique codes", () => {
    expect(orgCsv.split("\n")[0]).toBe("code,name,level,parent_code,note");
    const codes = orgUnits.map((u) => u.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("forms one tree rooted at ID with consistent levels", () => {
    const byCode = new Map(orgUnits.map((u) => [u.code, u]));
    const roots = orgUnits.filter((u) => u.parentCode === null);
    expect(roots.map((u) => [u.code, u.name, u.level])).toEqual([["ID", "Indonesia", "national"]]);
    for (const u of orgUnits) {
      if (u.level === "national") continue;
      const parent = byCode.get(u.parentCode ?? "");
      expect(parent, `${u.code} parent`).toBeDefined();
      expect(PARENT_LEVELS[u.level] as readonly string[], `${u.code} under ${parent!.level}`).toContain(parent!.level);
    }
    for (const code of ["13", "61", "64", "33"]) expect(byCode.get(code)?.level).toBe("province");
    for (const code of DEMO_DISTRICTS) {
      expect(byCode.get(code)?.level).toBe("district");
      expect(byCode.get(code)?.parentCode).toBe(code.split(".")[0]);
    }
  });

  it("has the expected number of Puskesmas per district", () => {
    const count = (d: string) => orgUnits.filter((u) => u.parentCode === d && u.level === "puskesmas").length;
    expect(count("13.73")).toBe(6);
    expect(count("61.05")).toBe(22);
    expect(count("64.74")).toBe(6);
    expect(count("33.28")).toBe(29);
    expect(count("33.24")).toBe(30);
  });

  it("keeps real names and marks generated ones", () => {
    const names = new Set(orgUnits.map((u) => u.name));
    for (const n of [
      "Sungai Durian",
      "Kolok Mudik",
      "Tebidah",
      "Dedai",
      "Bontang Utara I",
      "Bontang Utara II",
      "Bontang Selatan I",
      "Bontang Selatan II",
      "Bontang Barat",
      "Bontang Lestari",
      "Kaladawa",
      "Dukuhwaru",
      "Plantungan",
    ]) {
      expect(names.has(`Puskesmas ${n}`), n).toBe(true);
    }
    for (const u of orgUnits.filter((x) => x.level === "puskesmas")) {
      expect(u.code).toMatch(/^P\d{7}$/);
      expect(u.note === "generated").toBe(u.name.endsWith(" (contoh)"));
    }
  });

  it("puts 2–4 Pustu and 2–3 Posyandu under every Puskesmas, some Posyandu directly under it; Bontang has 15 Pustu", () => {
    const byCode = new Map(orgUnits.map((u) => [u.code, u]));
    const puskesmasOf = (u: (typeof orgUnits)[number]) =>
      byCode.get(u.parentCode!)!.level === "puskesmas" ? u.parentCode : byCode.get(u.parentCode!)!.parentCode;
    for (const p of orgUnits.filter((u) => u.level === "puskesmas")) {
      const pustu = orgUnits.filter((u) => u.level === "pustu" && u.parentCode === p.code);
      const posyandu = orgUnits.filter((u) => u.level === "posyandu" && puskesmasOf(u) === p.code);
      expect(pustu.length, p.name).toBeGreaterThanOrEqual(p.parentCode === "64.74" ? 1 : 2);
      expect(pustu.length, p.name).toBeLessThanOrEqual(4);
      expect(posyandu.length, p.name).toBeGreaterThanOrEqual(2);
      expect(posyandu.length, p.name).toBeLessThanOrEqual(3);
      expect(posyandu.some((u) => u.parentCode === p.code)).toBe(true);
      expect(posyandu.some((u) => byCode.get(u.parentCode!)!.level === "pustu")).toBe(true);
      for (const u of [...pustu, ...posyandu]) expect(u.code.startsWith(`${p.code}.`), u.code).toBe(true);
    }
    const bontang = new Set(orgUnits.filter((u) => u.parentCode === "64.74").map((u) => u.code));
    expect(orgUnits.filter((u) => u.level === "pustu" && bontang.has(u.parentCode!))).toHaveLength(15);
  });

  it("puts Posyandu ILP Kayu Gadang, a real name with its note, under Puskesmas Sungai Durian (through a Pustu)", () => {
    const byCode = new Map(orgUnits.map((u) => [u.code, u]));
    const kayuGadang = orgUnits.find((u) => u.name === "Posyandu ILP Kayu Gadang")!;
    expect(kayuGadang.level).toBe("posyandu");
    expect(kayuGadang.note).toContain("Jul 2024");
    const pustu = byCode.get(kayuGadang.parentCode!)!;
    expect(pustu.level).toBe("pustu");
    expect(byCode.get(pustu.parentCode!)!.name).toBe("Puskesmas Sungai Durian");
    // Every other village unit is generated: named "(contoh)" and noted so.
    for (const u of orgUnits.filter((x) => (x.level === "pustu" || x.level === "posyandu") && x !== kayuGadang)) {
      expect(u.note, u.code).toBe("generated");
      expect(u.name.endsWith(" (contoh)"), u.name).toBe(true);
      expect(u.name).toMatch(u.level === "pustu" ? /^Pustu / : /^Posyandu ILP /);
    }
  });

  it("rejects malformed CSV", () => {
    expect(() => parseOrgUnitsCsv("code,name\nID,Indonesia")).toThrow();
    expect(() => parseOrgUnitsCsv("code,name,level,parent_code,note\nID,Indonesia,negara,,")).toThrow();
  });
});

describe("seeds/users.json", () => {
  const roles = ["national_admin", "district_admin", "district_verifier", "puskesmas_operator", "village_operator", "facilitator"];
  const levelFor: Record<string, string[]> = {
    national_admin: ["national"],
    district_admin: ["district"],
    district_verifier: ["district"],
    puskesmas_operator: ["puskesmas"],
    village_operator: ["pustu"],
    facilitator: ["national", "province", "district"],
  };
  const byCode = new Map(orgUnits.map((u) => [u.code, u]));

  it("has unique usernames, known roles and existing scopes of the right level", () => {
    expect(new Set(users.map((u) => u.username)).size).toBe(users.length);
    for (const u of users) {
      expect(roles).toContain(u.role);
      expect(u.scopes.length).toBeGreaterThan(0);
      expect(u).not.toHaveProperty("password");
      for (const s of u.scopes) expect(levelFor[u.role], `${u.username} ${s}`).toContain(byCode.get(s)?.level);
    }
  });

  it("has an admin and a verifier for every demo district and the named operators", () => {
    for (const d of DEMO_DISTRICTS) {
      expect(
        users.some((u) => u.role === "district_admin" && u.scopes.includes(d)),
        d,
      ).toBe(true);
      expect(
        users.some((u) => u.role === "district_verifier" && u.scopes.includes(d)),
        d,
      ).toBe(true);
    }
    const operatorOf = (name: string) => users.find((u) => u.role === "puskesmas_operator" && byCode.get(u.scopes[0])?.name === `Puskesmas ${name}`);
    for (const n of ["Sungai Durian", "Kolok Mudik", "Plantungan", "Bontang Utara I"]) expect(operatorOf(n), n).toBeDefined();
    expect(users.find((u) => u.username === "operator.sungaidurian")?.scopes).toEqual(["P1373001"]);
    expect(users.some((u) => u.role === "facilitator" && u.scopes.length >= 2)).toBe(true);
  });

  it("has a village operator at a Pustu of Puskesmas Sungai Durian: the Pustu over Posyandu ILP Kayu Gadang", () => {
    const village = users.filter((u) => u.role === "village_operator");
    expect(village.map((u) => u.username)).toEqual(["operator.pustu.kayugadang"]);
    const [scope] = village[0].scopes;
    expect(village[0].scopes).toHaveLength(1);
    expect(byCode.get(scope)?.parentCode).toBe("P1373001");
    expect(orgUnits.some((u) => u.name === "Posyandu ILP Kayu Gadang" && u.parentCode === scope)).toBe(true);
  });
});
