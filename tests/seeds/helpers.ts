/** Loads the committed seed files once for the seed tests. */
import fs from "node:fs";
import path from "node:path";
import type { DistrictOverlay, TemplatePackage } from "@engine/documents";
import { parseOrgUnitsCsv, type OrgUnitRow } from "@seeds/org-units";

const SEEDS = path.resolve(__dirname, "../../seeds");

export const readSeed = (rel: string): string => fs.readFileSync(path.join(SEEDS, rel), "utf8");

export const packageJson: unknown = JSON.parse(readSeed("packages/ilp-nasional.v1.json"));
export const pkg = packageJson as TemplatePackage;

export const overlayFiles: string[] = fs
  .readdirSync(path.join(SEEDS, "overlays"))
  .filter((f) => f.endsWith(".json"))
  .sort();
export const overlays: DistrictOverlay[] = overlayFiles.map((f) => JSON.parse(readSeed(`overlays/${f}`)) as DistrictOverlay);

export const orgCsv = readSeed("org-units.csv");
export const orgUnits: OrgUnitRow[] = parseOrgUnitsCsv(orgCsv);

export interface SeedUser {
  username: string;
  displayName: string;
  role: string;
  scopes: string[];
}
export const users = JSON.parse(readSeed("users.json")) as SeedUser[];

const unitByCode = new Map(orgUnits.map((u) => [u.code, u]));
/** The district a unit lies in (its own code for a district). */
function districtCode(code: string): string {
  let u = unitByCode.get(code);
  while (u && u.level !== "district") u = u.parentCode ? unitByCode.get(u.parentCode) : undefined;
  return u?.code ?? "";
}

/** District code of a Puskesmas, Pustu or Posyandu code. */
export const districtOf = new Map(orgUnits.filter((u) => ["puskesmas", "pustu", "posyandu"].includes(u.level)).map((u) => [u.code, districtCode(u.code)]));

/** The Puskesmas a Pustu or Posyandu belongs to (through its Pustu, or directly). */
export function puskesmasOf(code: string): string | undefined {
  let u = unitByCode.get(code);
  while (u && u.level !== "puskesmas") u = u.parentCode ? unitByCode.get(u.parentCode) : undefined;
  return u?.code;
}

export const DEMO_DISTRICTS = ["13.73", "61.05", "64.74", "33.28", "33.24"];
