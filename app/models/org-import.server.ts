/**
 * Org-unit import from CSV (`code,name,level,parent_code[,note]`): every row checked, errors
 * per row in Bahasa Indonesia, and all rows stored in one transaction or none.
 */
import { parse } from "csv-parse/sync";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { getDb } from "~/db/db.server";
import type { OrgLevel } from "~/db/schema";
import { both } from "~/i18n/message";
import { allowedParentLevels, insertOrgUnits, isOrgLevel, type OrgInput } from "./org.server";
import { levelWords } from "./village-entry.server";

export interface RowError {
  row: number;
  column?: string;
  /** In Bahasa Indonesia. */
  message: string;
  /** In English, where the check has it. */
  messageEn?: string;
}

const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Units with these codes, asked in slices (a bound parameter list has limits: 32,766 in SQLite). */
async function unitsByCode(db: DbOrTrx, codes: readonly string[]): Promise<Array<{ code: string; level: string }>> {
  const out: Array<{ code: string; level: string }> = [];
  for (let i = 0; i < codes.length; i += CODE_SLICE) {
    out.push(
      ...(await db
        .selectFrom("org_unit")
        .select(["code", "level"])
        .where("code", "in", codes.slice(i, i + CODE_SLICE))
        .execute()),
    );
  }
  return out;
}

const CODE_SLICE = 1000;

/** Parses and checks the rows against each other and the existing tree; stores nothing. */
export async function checkOrgCsv(db: DbOrTrx, text: string): Promise<{ units: OrgInput[]; errors: RowError[] }> {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (err) {
    return { units: [], errors: [{ row: 0, message: `Berkas CSV tidak dapat dibaca: ${(err as Error).message}` }] };
  }
  const [header, ...rows] = records;
  const expected = ["code", "name", "level", "parent_code"];
  if (!header || expected.some((c, i) => header[i]?.toLowerCase() !== c)) {
    return {
      units: [],
      errors: [{ row: 1, message: `Baris judul harus "code,name,level,parent_code" (kolom note boleh ditambahkan), bukan "${(header ?? []).join(",")}".` }],
    };
  }
  const errors: RowError[] = [];
  const units: OrgInput[] = [];
  const inFile = new Map<string, OrgLevel>();
  /** The first row of each code (a national tree has 400,000 rows: no scans per row). */
  const rowOf = new Map<string, number>();
  rows.forEach((cells, i) => {
    const row = i + 2;
    const [code = "", name = "", level = "", parentCode = "", note = ""] = cells;
    if (!CODE_PATTERN.test(code))
      errors.push({ row, column: "code", message: `Kode "${code}" tidak sah: gunakan huruf, angka, titik, garis bawah atau tanda hubung (maks. 64).` });
    else if (inFile.has(code)) errors.push({ row, column: "code", message: `Kode ${code} muncul lebih dari sekali.` });
    if (!name || name.length > 200) errors.push({ row, column: "name", message: "Nama wajib diisi (maks. 200 karakter)." });
    if (!isOrgLevel(level)) {
      errors.push({ row, column: "level", message: `Tingkat "${level}" tidak dikenal: pilih national, province, district, puskesmas, pustu atau posyandu.` });
      return;
    }
    inFile.set(code, level);
    if (!rowOf.has(code)) rowOf.set(code, row);
    units.push({ code, name, level, parentCode: parentCode || null, note: note || null });
  });
  const parentCodes = [...new Set(units.map((u) => u.parentCode).filter((c): c is string => !!c && !inFile.has(c)))];
  const existingParents = await unitsByCode(db, parentCodes);
  const levelOf = new Map<string, string>([...existingParents.map((p) => [p.code, p.level] as const), ...inFile]);
  const existingCodes = new Set((await unitsByCode(db, [...inFile.keys()])).map((r) => r.code));
  units.forEach((u) => {
    const row = rowOf.get(u.code)!;
    if (existingCodes.has(u.code)) errors.push({ row, column: "code", message: `Unit dengan kode ${u.code} sudah ada.` });
    const wantParents = allowedParentLevels(u.level);
    if (wantParents.length === 0) {
      if (u.parentCode) errors.push({ row, column: "parent_code", message: "Unit tingkat nasional tidak boleh memiliki induk." });
      return;
    }
    const want = wantParents.join("/");
    if (!u.parentCode) {
      errors.push({ row, column: "parent_code", message: `Unit tingkat ${u.level} wajib memiliki induk tingkat ${want}.` });
      return;
    }
    const parentLevel = levelOf.get(u.parentCode);
    if (!parentLevel) errors.push({ row, column: "parent_code", message: `Induk ${u.parentCode} tidak ada di berkas maupun di basis data.` });
    else if (!(wantParents as readonly string[]).includes(parentLevel)) {
      const params = { row, code: u.code, name: u.name, parent: u.parentCode, level: both(`level.${parentLevel as OrgLevel}`) };
      const text =
        u.level === "posyandu"
          ? both("village.org.posyanduParent", params)
          : both("village.org.parentLevel", { ...params, level: both(`level.${u.level}`), want: levelWords(wantParents), parentLevel: params.level });
      errors.push({ row, column: "parent_code", message: text.id, messageEn: text.en });
    }
  });
  return { units, errors: errors.sort((a, b) => a.row - b.row) };
}

/** Checks then stores all rows in one transaction; with any error nothing is stored. */
export async function importOrgCsv(
  text: string,
  actor: { userId: number | null; ip?: string | null } = { userId: null },
): Promise<{ inserted: number; errors: RowError[] }> {
  const db = getDb();
  return db.transaction().execute(async (trx) => {
    const { units, errors } = await checkOrgCsv(trx, text);
    if (errors.length > 0) return { inserted: 0, errors };
    const inserted = await insertOrgUnits(trx, units);
    await writeAudit(trx, { actorUserId: actor.userId, action: "org.import", entityType: "org_unit", after: { count: inserted }, ip: actor.ip });
    return { inserted, errors: [] };
  });
}
