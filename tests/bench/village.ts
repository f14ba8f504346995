/**
 * The village-level benchmark (part of `npm run bench`; `--village-only` runs just this part):
 * the national tree of the main benchmark (10,268 Puskesmas; --quick: about a tenth) with about
 * 80,000 Pustu and 300,000 Posyandu below them, one month of Posyandu ILP recaps and Pustu ILP
 * reports for the nation, and:
 *  - org import time: the Pustu and Posyandu rows through the app's own CSV import (checked
 *    whole, stored in one transaction), as an admin's `org import` would;
 *  - a district's Puskesmas scorecard with the Posyandu and Pustu indicators, cold (cache
 *    emptied) and warm;
 *  - the national by-district scorecard with them, cold and warm;
 *  - the memory of this process (the server's code path) after the scorecards.
 * Reports are bulk-loaded like the main benchmark (validation bypassed; facts from the app's own
 * numericFacts, filed with their Puskesmas, district and province as storeSubmission files them).
 */
import { sql, type Kysely } from "kysely";
import type { Form, TemplatePackage } from "@engine";
import { migrateToLatest, openDb, setDbHandle, type DbHandle } from "~/db/db.server";
import type { Database } from "~/db/schema";
import { importOrgCsv } from "~/models/org-import.server";
import { buildScorecard, type ScorecardQuery } from "~/models/scorecard.server";
import { clearScorecardCache } from "~/models/scorecard-cache.server";
import { numericFacts, periodEndIndex } from "~/models/submissions.server";
import { buildTree, Prng, SEED, type OrgNode, type Tree } from "./dataset";
import { loadDataset, PACKAGE_KEY, readPackage } from "./load";
import { median, round } from "./timing";

export const VILLAGE_TOTALS = { pustu: 80_000, posyandu: 300_000 };
export const VILLAGE_PERIOD = "2025-01";
const POSYANDU_FORM = "posyandu_ilp_bulanan";
const PUSTU_FORM = "pustu_ilp_bulanan";

export interface VillageNode {
  code: string;
  name: string;
  level: "pustu" | "posyandu";
  parentCode: string;
  puskesmas: OrgNode;
}

/** Pustu and Posyandu under every Puskesmas of `tree`: most Posyandu under a Pustu, some directly under the Puskesmas. */
export function buildVillages(tree: Tree): VillageNode[] {
  const rng = new Prng(SEED ^ 0x7111a9e);
  const perPustu = VILLAGE_TOTALS.pustu / 10_268;
  const perPosyandu = VILLAGE_TOTALS.posyandu / 10_268;
  const out: VillageNode[] = [];
  for (const p of tree.puskesmas) {
    const pustu = Math.max(1, Math.round(perPustu * rng.range(0.5, 1.5)));
    const posyandu = Math.max(2, Math.round(perPosyandu * rng.range(0.5, 1.5)));
    const pustuCodes: string[] = [];
    for (let k = 1; k <= pustu; k++) {
      const code = `${p.code}.U${String(k).padStart(2, "0")}`;
      pustuCodes.push(code);
      out.push({ code, name: `Pustu Sintetis ${code}`, level: "pustu", parentCode: p.code, puskesmas: p });
    }
    for (let k = 1; k <= posyandu; k++) {
      const code = `${p.code}.Y${String(k).padStart(3, "0")}`;
      const parentCode = rng.chance(0.15) ? p.code : pustuCodes[k % pustuCodes.length];
      out.push({ code, name: `Posyandu Sintetis ${code}`, level: "posyandu", parentCode, puskesmas: p });
    }
  }
  return out;
}

function q(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function posyanduRecap(rng: Prng): Record<string, unknown> {
  const groups = ["posy_layan_bumil", "posy_layan_balita", "posy_layan_remaja", "posy_layan_dewasa", "posy_layan_lansia"];
  const data: Record<string, unknown> = Object.create(null);
  data.posy_buka = rng.chance(0.95);
  let served = 0;
  for (const g of groups) {
    const yes = rng.chance(0.8);
    data[g] = yes;
    if (yes) served++;
  }
  data.posy_kelompok_dilayani = served;
  data.posy_pengunjung = rng.int(10, 250);
  const kader = rng.int(3, 10);
  const aktif = Math.min(kader, rng.int(2, 10));
  data.posy_jumlah_kader = kader;
  data.posy_kader_aktif = aktif;
  const purwa = rng.int(0, aktif);
  const madya = rng.int(0, aktif - purwa);
  data.posy_kader_purwa = purwa;
  data.posy_kader_madya = madya;
  data.posy_kader_utama = 0;
  data.posy_kunjungan_rumah = rng.int(0, 40);
  return data;
}

function pustuReport(rng: Prng, posyanduHere: number): Record<string, unknown> {
  return {
    pustu_layanan_ilp: rng.chance(0.7),
    pustu_bidan: rng.chance(0.9),
    pustu_perawat: rng.chance(0.7),
    pustu_koordinator: rng.chance(0.8),
    pustu_pws_desa: rng.chance(0.6),
    pustu_kunjungan_rumah: rng.int(0, 80),
    pustu_jumlah_posyandu: posyanduHere,
    pustu_posyandu_dibina: rng.int(0, posyanduHere),
  };
}

export interface VillageResult {
  db: string;
  dataset: { puskesmas: number; pustu: number; posyandu: number; reports: number; values: number; period: string };
  orgImportMs: number;
  orgImportRows: number;
  reportsLoadMs: number;
  district: { code: string; puskesmas: number; posyandu: number; coldMs: number; warmMs: number; indicators: number };
  national: { districts: number; coldMs: number; warmMs: number; indicators: number };
  memory: { rssMiB: number; heapUsedMiB: number; maxRssMiB: number };
}

/** Loads the village dataset into a fresh database at `url` and times org import and the scorecards. */
export async function benchVillage(
  url: string,
  label: string,
  kind: "sqlite" | "postgres",
  options: { quick: boolean; runs: number; log: (m: string) => void },
): Promise<VillageResult> {
  const { log } = options;
  const tree = buildTree(options.quick ? 0.1 : 1);
  const villages = buildVillages(tree);
  const pkgDoc: TemplatePackage = readPackage();
  const forms = new Map<string, Form>(pkgDoc.forms.map((f) => [f.key, f]));
  if (!forms.has(POSYANDU_FORM) || !forms.has(PUSTU_FORM)) throw new Error(`the national package lacks ${POSYANDU_FORM} or ${PUSTU_FORM}`);
  const handle: DbHandle = openDb(url);
  setDbHandle(handle);
  try {
    await migrateToLatest(handle);
    // The national tree and package as in the main benchmark, with one month of Puskesmas reports.
    const holdOut = tree.puskesmas[0];
    await loadDataset(handle, tree, pkgDoc, { months: 1, holdOut });
    log(
      `${kind} village: national tree loaded (${tree.puskesmas.length} Puskesmas); importing ${villages.length} Pustu and Posyandu through the org CSV import…`,
    );

    // Org import through the app's own path: parents first (Pustu before the Posyandu under them).
    const rows = ["code,name,level,parent_code"];
    for (const v of villages) if (v.level === "pustu") rows.push(`${v.code},${v.name},pustu,${v.parentCode}`);
    for (const v of villages) if (v.level === "posyandu") rows.push(`${v.code},${v.name},posyandu,${v.parentCode}`);
    const t0 = performance.now();
    const imported = await importOrgCsv(rows.join("\n"));
    const orgImportMs = performance.now() - t0;
    if (imported.errors.length > 0) throw new Error(`org import refused the village rows: ${JSON.stringify(imported.errors.slice(0, 3))}`);
    log(`${kind} village: org import of ${imported.inserted} units in ${round(orgImportMs / 1000, 1)} s`);

    // One month of recaps and Pustu reports, bulk-loaded with their Puskesmas, district and province.
    const ids = new Map<string, { id: number; path: string }>();
    for (const r of await handle.db.selectFrom("org_unit").select(["id", "code", "path"]).where("level", "in", ["pustu", "posyandu"]).execute())
      ids.set(r.code, r);
    const posyanduUnder = new Map<string, number>();
    for (const v of villages) if (v.level === "posyandu") posyanduUnder.set(v.parentCode, (posyanduUnder.get(v.parentCode) ?? 0) + 1);
    const rng = new Prng(SEED ^ 0x7ec4);
    const monthIndex = periodEndIndex(VILLAGE_PERIOD);
    const at = "2025-02-05T03:00:00.000Z";
    let nextId = Number((await sql<{ n: number }>`select coalesce(max(id), 0) as n from submission`.execute(handle.db)).rows[0].n) + 1;
    let subRows: string[] = [];
    let valRows: string[] = [];
    let reports = 0;
    let values = 0;
    const flush = async () => {
      if (subRows.length === 0) return;
      const s = subRows;
      const v = valRows;
      subRows = [];
      valRows = [];
      await handle.db.transaction().execute(async (trx) => {
        const t = trx as unknown as Kysely<Database>;
        await sql
          .raw(
            `insert into submission (id, org_unit_id, puskesmas_id, district_id, province_id, package_key, package_version, overlay_id, form_key, period, year, month_index, status, data, revision, idempotency_key, return_note, created_by, created_at, updated_at, submitted_at, approved_at, approved_by) values ${s.join(",")}`,
          )
          .execute(t);
        for (let i = 0; i < v.length; i += 2000)
          await sql
            .raw(
              `insert into submission_value (submission_id, org_unit_id, puskesmas_id, district_id, province_id, package_key, form_key, field_key, year, month_index, value) values ${v.slice(i, i + 2000).join(",")}`,
            )
            .execute(t);
      });
    };
    const t1 = performance.now();
    for (const v of villages) {
      if (rng.chance(0.04)) continue; // a few do not report this month
      const unit = ids.get(v.code)!;
      const path = unit.path.split("/").filter(Boolean).map(Number);
      const [provinceId, districtId, puskesmasId] = [path[1], path[2], path[3]];
      const form = v.level === "posyandu" ? POSYANDU_FORM : PUSTU_FORM;
      const data = v.level === "posyandu" ? posyanduRecap(rng) : pustuReport(rng, posyanduUnder.get(v.code) ?? 0);
      const status = rng.chance(0.6) ? "approved" : "submitted";
      const id = nextId++;
      subRows.push(
        `(${id}, ${unit.id}, ${puskesmasId}, ${districtId}, ${provinceId}, ${q(PACKAGE_KEY)}, ${pkgDoc.version}, null, ${q(form)}, ${q(VILLAGE_PERIOD)}, 2025, ${monthIndex}, ${q(status)}, ${q(JSON.stringify(data))}, 1, null, null, null, ${q(at)}, ${q(at)}, ${q(at)}, ${status === "approved" ? q(at) : "null"}, null)`,
      );
      for (const f of numericFacts(forms.get(form)!, data)) {
        valRows.push(
          `(${id}, ${unit.id}, ${puskesmasId}, ${districtId}, ${provinceId}, ${q(PACKAGE_KEY)}, ${q(form)}, ${q(f.field)}, 2025, ${monthIndex}, ${f.value})`,
        );
        values++;
      }
      reports++;
      if (valRows.length >= 20_000) await flush();
    }
    await flush();
    if (kind === "postgres") {
      await sql`select setval(pg_get_serial_sequence('submission', 'id'), (select max(id) from submission))`.execute(handle.db);
      await sql`analyze`.execute(handle.db);
    }
    const reportsLoadMs = performance.now() - t1;
    log(`${kind} village: ${reports} reports, ${values} values loaded in ${round(reportsLoadMs / 1000, 1)} s`);

    const villageIndicators = pkgDoc.indicators.filter((i) => [i.numerator, i.denominator ?? ""].join(" ").match(/\b(posy|pustu)_/)).map((i) => i.key);
    const puskesmasIndicators = ["ilp_posyandu", "ilp_posyandu_5_kader", "ilp_desa_pustu"].filter((k) => pkgDoc.indicators.some((i) => i.key === k));
    const indicators = [...villageIndicators, ...puskesmasIndicators];

    // The district with the most Puskesmas: its Puskesmas scorecard.
    const biggest = [...tree.byDistrict.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    const district = tree.districts.find((d) => d.id === biggest[0])!;
    const districtQuery: ScorecardQuery = { packageKey: PACKAGE_KEY, period: VILLAGE_PERIOD, parentCode: district.code, indicators };
    const nationalQuery: ScorecardQuery = { packageKey: PACKAGE_KEY, period: VILLAGE_PERIOD, level: "district", indicators };
    const timed = async (query: ScorecardQuery) => {
      const cold: number[] = [];
      const warm: number[] = [];
      let cells = 0;
      for (let i = 0; i < options.runs; i++) {
        clearScorecardCache(handle.db);
        let t = performance.now();
        const r = await buildScorecard(query, handle.db);
        cold.push(performance.now() - t);
        cells = r.scorecard.rows.reduce((n, row) => n + row.cells.filter((c) => c.value !== null).length, 0);
        t = performance.now();
        await buildScorecard(query, handle.db);
        warm.push(performance.now() - t);
      }
      if (cells === 0) throw new Error(`the village scorecard has no values (${JSON.stringify(query)})`);
      return { coldMs: round(median(cold)), warmMs: round(median(warm), 2) };
    };
    log(
      `${kind} village: timing ${district.code}'s Puskesmas scorecard and the national by-district scorecard (${indicators.length} indicators), ${options.runs} runs…`,
    );
    const districtTimes = await timed(districtQuery);
    const nationalTimes = await timed(nationalQuery);
    const mem = process.memoryUsage();
    const posyanduInDistrict = villages.filter((v) => v.level === "posyandu" && v.puskesmas.parentId === district.id).length;
    return {
      db: label,
      dataset: {
        puskesmas: tree.puskesmas.length,
        pustu: villages.filter((v) => v.level === "pustu").length,
        posyandu: villages.filter((v) => v.level === "posyandu").length,
        reports,
        values,
        period: VILLAGE_PERIOD,
      },
      orgImportMs: Math.round(orgImportMs),
      orgImportRows: imported.inserted,
      reportsLoadMs: Math.round(reportsLoadMs),
      district: { code: district.code, puskesmas: biggest[1].length, posyandu: posyanduInDistrict, indicators: indicators.length, ...districtTimes },
      national: { districts: tree.districts.length, indicators: indicators.length, ...nationalTimes },
      memory: {
        rssMiB: Math.round(mem.rss / 2 ** 20),
        heapUsedMiB: Math.round(mem.heapUsed / 2 ** 20),
        maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      },
    };
  } finally {
    await handle.destroy();
  }
}

export function villageLines(r: VillageResult): string {
  return [
    `village level (${r.db}): ${r.dataset.puskesmas} Puskesmas, ${r.dataset.pustu} Pustu, ${r.dataset.posyandu} Posyandu; ${r.dataset.reports} reports (${r.dataset.values} values) for ${r.dataset.period}`,
    `  org import of ${r.orgImportRows} village units: ${round(r.orgImportMs / 1000, 1)} s`,
    `  district ${r.district.code} (${r.district.puskesmas} Puskesmas, ${r.district.posyandu} Posyandu), ${r.district.indicators} indicators: cold ${r.district.coldMs} ms, warm ${r.district.warmMs} ms`,
    `  national by district (${r.national.districts} rows): cold ${r.national.coldMs} ms, warm ${r.national.warmMs} ms`,
    `  memory: rss ${r.memory.rssMiB} MiB, heap ${r.memory.heapUsedMiB} MiB, peak rss ${r.memory.maxRssMiB} MiB`,
  ].join("\n");
}
