/**
 * The demo org-unit tree (`seeds/org-units.csv`, down to Pustu and Posyandu): parsing only, no I/O, so the loader, the demo
 * generator and the tests read the file the same way.
 */

export type OrgLevel = "national" | "province" | "district" | "puskesmas" | "pustu" | "posyandu";

/** One row of `seeds/org-units.csv`; `parentCode` is null for the national root. */
export interface OrgUnitRow {
  code: string;
  name: string;
  level: OrgLevel;
  parentCode: string | null;
  note: string;
}

export const ORG_CSV_HEADER = "code,name,level,parent_code,note";
const LEVELS: readonly OrgLevel[] = ["national", "province", "district", "puskesmas", "pustu", "posyandu"];

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  if (quoted) throw new Error(`Tanda kutip tidak ditutup: ${line}`);
  cells.push(cell);
  return cells;
}

/** Parses `seeds/org-units.csv`; throws on a wrong header, column count or level. */
export function parseOrgUnitsCsv(text: string): OrgUnitRow[] {
  const lines = text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .filter((line) => line.trim() !== "");
  if (lines[0] !== ORG_CSV_HEADER) throw new Error(`Header harus "${ORG_CSV_HEADER}", ditemukan "${lines[0]}"`);
  return lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line);
    if (cells.length !== 5) throw new Error(`Baris ${i + 2}: harus 5 kolom, ditemukan ${cells.length}`);
    const [code, name, level, parent, note] = cells;
    if (!(LEVELS as readonly string[]).includes(level)) throw new Error(`Baris ${i + 2}: level "${level}" tidak dikenal`);
    return { code, name, level: level as OrgLevel, parentCode: parent === "" ? null : parent, note };
  });
}
