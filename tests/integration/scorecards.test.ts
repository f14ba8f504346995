/**
 * The scorecard pages on the demo data: the loader shows exactly what the engine
 * computes, scope comes from the session, bad selections give clear messages, and the CSV and
 * XLSX downloads carry the same numbers.
 */
import ExcelJS from "exceljs";
import { membershipsByCode } from "../helpers/facts-agree";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeRowFacts, computeScorecard, formatNumberId, planScorecard, roundForDisplay, type ScorecardRequest } from "@engine";
import { getDb } from "~/db/db.server";
import { getOrgByCode, listChildren } from "~/models/org.server";
import { buildScorecard, explainScorecardCell, type ScorecardQuery } from "~/models/scorecard.server";
import { cacheFor, clearScorecardCache, readVersions } from "~/models/scorecard-cache.server";
import { selectionSearch } from "~/contracts/scorecard";
import { XLSX_FILLS, XLSX_FIRST_DATA_ROW, XLSX_TRANSPOSED_FIRST_ROW } from "~/models/scorecard-view.server";
import { effectivePackage } from "~/models/templates.server";
import { langCookie } from "~/i18n/locale.server";
import * as explainRoute from "~/routes/scorecards_.explain";
import * as exportRoute from "~/routes/scorecards_.export";
import * as page from "~/routes/scorecards";
import { SERVER_VIEW_KEY } from "~/components/scorecard/ScorecardTable";
import * as home from "~/routes/_index";
import { areaCompleteness } from "~/models/home.server";
import type { Grant } from "~/auth/session.server";
import { call, makeRequest, payloadOf, FACILITATOR_USERS, useDemoDatabase, puskesmasCode, statusOf } from "../helpers/app";
import { DIALECTS, type useTestDatabase } from "../helpers/db";
import { expectCsvSafe, expectInjectionsArrived, expectXlsxSafe, INJECTIONS, xlsxTexts } from "../helpers/spreadsheet";

const PERIOD = "2025-12";

type PageData = Awaited<ReturnType<typeof page.loader>> extends infer R ? (R extends { data: infer D } ? D : R) : never;

describe.each(DIALECTS)("scorecard pages on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie: Record<string, string> = {};

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabase(kind, PERIOD, {
      ...FACILITATOR_USERS,
      operator: ["op.sungaidurian", [["puskesmas_operator", puskesmasCode("Sungai Durian")]]],
      verifier: ["ver.sawahlunto", [["district_verifier", "13.73"]]],
    }));
  }, 300_000);
  afterAll(() => handle.destroy());

  const get = async (mod: { loader: unknown }, search: string, who?: string) =>
    call(mod.loader, makeRequest(`/scorecards${search}`, { cookie: who ? cookie[who] : undefined }));
  const pageData = async (search: string, who: string) => payloadOf<PageData>(await get(page, search, who));

  it("shows a national facilitator the provinces with exactly the engine's numbers", async () => {
    const d = await pageData(`?period=${PERIOD}`, "national");
    expect(d.error).toBeNull();
    const view = d.view!;
    const db = getDb();
    const national = (await getOrgByCode(db, "ID"))!;
    const provinces = await listChildren(db, national.id);
    expect(view.rows.map((r) => r.code).sort()).toEqual(provinces.map((p) => p.code).sort());
    expect(view.parent?.code).toBe("ID");

    // Against the SQL-backed model ...
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: "ID" });
    // ... and against the engine's in-memory reference on the same stored submissions.
    const pkg = (await effectivePackage("ilp-nasional", null))!.package;
    const request: ScorecardRequest = {
      period: PERIOD,
      rows: provinces.map((p) => ({ code: p.code, name: p.name, level: p.level })),
      total: { code: "ID", name: national.name, level: "national" },
    };
    const units = await db
      .selectFrom("org_unit as o")
      .leftJoin("org_unit as p", "p.id", "o.parent_id")
      .select(["o.code", "o.name", "o.level", "o.path", "p.code as parentCode"])
      .execute();
    const subs = await db
      .selectFrom("submission as s")
      .innerJoin("org_unit as o", "o.id", "s.org_unit_id")
      .select(["o.code", "s.form_key", "s.period", "s.status", "s.data"])
      .execute();
    // The demo's group memberships too: the BLUD form is expected from members of `blud` only (decision 034).
    const memberships = await membershipsByCode(db);
    expect(
      Object.values(memberships)
        .flat()
        .filter((m) => m.groupKey === "blud").length,
    ).toBeGreaterThan(0);
    const facts = computeRowFacts(planScorecard(pkg, request), {
      orgUnits: units.map((u) => ({ code: u.code, name: u.name, level: u.level, parentCode: u.parentCode, path: u.path })),
      submissions: subs.map((s) => ({ org: s.code, form: s.form_key, period: s.period, status: s.status, values: JSON.parse(s.data) })),
      memberships,
    });
    const orgChains = Object.fromEntries([
      ...provinces.map((p) => [
        p.code,
        [
          { code: "ID", level: "national" },
          { code: p.code, level: "province" },
        ],
      ]),
      ["ID", [{ code: "ID", level: "national" }]],
    ]);
    const memory = computeScorecard(pkg, request, { facts, orgChains });

    let coloured = 0;
    for (const reference of [built.scorecard, memory]) {
      for (const row of reference.rows) {
        const shown = view.rows.find((r) => r.code === row.code)!;
        expect(shown.rank).toBe(row.rank);
        expect(shown.score).toBe(formatNumberId(row.score, 1));
        row.cells.forEach((cell, i) => {
          const column = reference.columns[i];
          const viewCell = shown.cells.find((c) => c.indicator === cell.indicator)!;
          expect(viewCell.value, `${row.code} ${cell.indicator}`).toBe(formatNumberId(cell.value, column.decimals));
          expect(viewCell.state, `${row.code} ${cell.indicator}`).toBe(cell.state);
          if (["green", "yellow", "red"].includes(cell.state)) coloured++;
        });
      }
      reference.total.cells.forEach((cell, i) => {
        expect(view.total.cells.find((c) => c.indicator === cell.indicator)!.value).toBe(formatNumberId(cell.value, reference.columns[i].decimals));
      });
    }
    expect(coloured).toBeGreaterThan(0);
    expect(view.lastChange).not.toBeNull();
    expect(view.noData).toBe(false);
    // Default order is by rank.
    const ranks = view.rows.map((r) => r.rank).filter((r): r is number => r !== null);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it("gives a trend arrow that compares achievement both achievements, so a rising value beside a falling arrow is explained", async () => {
    let withBoth = 0;
    let valueUpArrowDown = 0;
    for (const parent of ["33.28", "13.73", "61.05"]) {
      const d = await pageData(`?period=${PERIOD}&parent=${parent}&ytd=1`, "national");
      const built = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: parent, ytd: true, scopePaths: undefined });
      for (const row of built.scorecard.rows) {
        const shown = d.view!.rows.find((r) => r.code === row.code)!;
        for (const cell of row.cells) {
          const v = shown.cells.find((c) => c.indicator === cell.indicator)!;
          if (!cell.trend) continue;
          if (cell.trend.basis === "achievement" && cell.trend.arrow !== "flat") {
            withBoth++;
            expect(v.trend?.achievements, `${row.code} ${cell.indicator}`).toEqual([
              formatNumberId(cell.trend.previous, 1),
              formatNumberId(cell.trend.current, 1),
            ]);
            if (cell.trend.arrow === "down" && cell.previous?.value != null && cell.value! > cell.previous.value) valueUpArrowDown++;
          } else expect(v.trend?.achievements, `${row.code} ${cell.indicator}`).toBeUndefined();
        }
      }
    }
    expect(withBoth).toBeGreaterThan(0);
    // The case that needs the percentages: year to date the value rises while its achievement falls.
    expect(valueUpArrowDown).toBeGreaterThan(0);
    // The explanation says what the arrow compares, with both achievements.
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: "33.28", ytd: true });
    const row = built.scorecard.rows.find((r) => r.cells.some((c) => c.trend?.basis === "achievement" && c.trend.arrow === "down"))!;
    const cell = row.cells.find((c) => c.trend?.basis === "achievement" && c.trend.arrow === "down")!;
    const res = (await get(explainRoute, `?period=${PERIOD}&parent=33.28&ytd=1&row=${row.code}&indicator=${cell.indicator}`, "national")) as unknown;
    const e = payloadOf<{ view: { trend: { byAchievement: { from: string; to: string } | null } } }>(res).view;
    expect(e.trend?.byAchievement).toEqual({ from: formatNumberId(cell.trend!.previous, 1), to: formatNumberId(cell.trend!.current, 1) });
  });

  it("sorts on the server by any indicator column, shareably", async () => {
    const d = await pageData(`?period=${PERIOD}&parent=33.24&sort=spm_01&dir=desc`, "jateng");
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: "33.24", indicators: ["spm_01"] });
    const values = built.scorecard.rows.map((r) => ({ code: r.code, v: r.cells[0].value }));
    const expected = values
      .filter((x) => x.v !== null)
      .sort((a, b) => b.v! - a.v! || (a.code < b.code ? -1 : 1))
      .map((x) => x.code);
    expect(d.view!.rows.map((r) => r.code).slice(0, expected.length)).toEqual(expected);
    // Top 5 in that order; the total row still stands for every unit.
    const top = await pageData(`?period=${PERIOD}&parent=33.24&sort=spm_01&dir=desc&limit=5`, "jateng");
    expect(top.view!.rows.map((r) => r.code)).toEqual(d.view!.rows.slice(0, 5).map((r) => r.code));
    expect(top.view!.rowCount).toBe(d.view!.rows.length);
    expect(top.view!.total).toEqual(d.view!.total);
  });

  it("defaults a two-district facilitator to their districts side by side, and drills down", async () => {
    const d = await pageData(`?period=${PERIOD}`, "jateng");
    expect(d.view!.rows.map((r) => r.code).sort()).toEqual(["33.24", "33.28"]);
    expect(d.view!.rows.every((r) => r.drillable)).toBe(true);
    const down = await pageData(`?period=${PERIOD}&parent=33.28`, "jateng");
    expect(down.view!.rows.length).toBeGreaterThan(0);
    expect(down.view!.rows.every((r) => r.level === "puskesmas")).toBe(true);
    expect(down.crumbs.map((c) => c.code)).toEqual(["33.28"]);
    // A Puskesmas drills down to its own Pustu and Posyandu (decision 037) exactly when it has some.
    const db = getDb();
    const withVillages = new Set(
      (
        await db
          .selectFrom("org_unit as v")
          .innerJoin("org_unit as p", "p.id", "v.parent_id")
          .select("p.code")
          .where("v.level", "in", ["pustu", "posyandu"])
          .where("p.level", "=", "puskesmas")
          .execute()
      ).map((r) => r.code),
    );
    expect(Object.fromEntries(down.view!.rows.map((r) => [r.code, r.drillable]))).toEqual(
      Object.fromEntries(down.view!.rows.map((r) => [r.code, withVillages.has(r.code)])),
    );
    const pkm = down.view!.rows.find((r) => r.drillable)!;
    const village = await pageData(`?period=${PERIOD}&parent=${pkm.code}`, "jateng");
    const pkmPath = (await getOrgByCode(db, pkm.code))!.path;
    const own = await db.selectFrom("org_unit").select("code").where("level", "in", ["pustu", "posyandu"]).where("path", "like", `${pkmPath}%`).execute();
    expect(own.length).toBeGreaterThan(0);
    expect(village.view!.rows.map((r) => r.code).sort()).toEqual(own.map((u) => u.code).sort());
    expect(village.view!.rows.every((r) => !r.drillable)).toBe(true);
    expect(village.crumbs.map((c) => c.code)).toEqual(["33.28", pkm.code]);
  });

  it("refuses a parent outside the user's grants with 403 and a clear message", async () => {
    const res = await get(page, `?period=${PERIOD}&parent=13.73`, "jateng");
    expect(statusOf(res)).toBe(403);
    expect(await (res as Response).text()).toMatch(/Kota Sawahlunto.*di luar wilayah kerja Anda/);
    // The parent's own province too, and the export and explain routes alike.
    expect(statusOf(await get(page, `?period=${PERIOD}&parent=33`, "jateng"))).toBe(403);
    expect(statusOf(await get(exportRoute, `?period=${PERIOD}&parent=13.73&format=csv`, "jateng"))).toBe(403);
    expect(statusOf(await get(explainRoute, `?period=${PERIOD}&parent=13.73&row=13.73&indicator=spm_01`, "jateng"))).toBe(403);
    // A row outside the area, even with a parent inside it.
    expect(statusOf(await get(explainRoute, `?period=${PERIOD}&parent=33.28&row=${puskesmasCode("Sungai Durian")}&indicator=spm_01`, "jateng"))).toBe(403);
  });

  it("refuses operators and sends anonymous users to the login page", async () => {
    for (const mod of [page, exportRoute, explainRoute]) {
      expect(statusOf(await get(mod, `?period=${PERIOD}&format=csv`, "operator"))).toBe(403);
      const anon = (await get(mod, `?period=${PERIOD}`)) as Response;
      expect(anon.status).toBe(302);
      expect(anon.headers.get("Location")).toMatch(/^\/login\?next=/);
    }
  });

  it("lets a district verifier see the Puskesmas of their district only", async () => {
    const d = await pageData(`?period=${PERIOD}`, "verifier");
    expect(d.view!.parent?.code).toBe("13.73");
    expect(statusOf(await get(page, `?period=${PERIOD}&parent=ID`, "verifier"))).toBe(403);
  });

  it("says what is wrong with an unknown template, a bad period, a group or a unit that does not exist", async () => {
    const unknown = await get(page, `?period=${PERIOD}&template=tidak-ada`, "national");
    expect(statusOf(unknown)).toBe(404);
    expect(payloadOf<PageData>(unknown).error).toMatch(/Templat "tidak-ada" tidak ditemukan/);
    const bad = await get(page, "?period=2025-13", "national");
    expect(statusOf(bad)).toBe(400);
    expect(payloadOf<PageData>(bad).error).toMatch(/Bulan 13/);
    expect(statusOf(await get(page, `?period=${PERIOD}&group=xyz`, "national"))).toBe(400);
    expect(statusOf(await get(page, `?period=${PERIOD}&parent=99.99`, "national"))).toBe(404);
    expect(statusOf(await get(page, `?period=${PERIOD}&level=posyandu`, "national"))).toBe(400);
    // A period without data is not an error: the page says so.
    const empty = await pageData("?period=2030-01", "national");
    expect(empty.error).toBeNull();
    expect(empty.view!.noData).toBe(true);
    // ... and where the data are: the newest month with counted reports (monthly forms are the finest).
    const db = getDb();
    const newest = async (forms: string[], districtCode?: string) => {
      let q = db.selectFrom("submission").select("period").where("form_key", "in", forms).where("status", "in", ["submitted", "approved"]);
      if (districtCode) q = q.where("district_id", "=", (await getOrgByCode(db, districtCode))!.id);
      return (await q.orderBy("month_index", "desc").executeTakeFirst())?.period ?? null;
    };
    expect(empty.latest).toBe(await newest(["spm_bulanan", "ilp_profil"]));
    expect(empty.latest).toMatch(/^\d{4}-\d{2}$/);
    const all = await pageData(`?period=${PERIOD}`, "national");
    expect(all.view!.noData).toBe(false);
    expect(all.latest).toBeNull();
    // BLUD is quarterly: a month without a quarter's end shows nothing, and points to the newest quarter of the rows' own reports.
    const blud = await pageData(`?period=2025-11&group=blud&parent=33.24`, "jateng");
    expect(blud.view!.noData).toBe(true);
    const bludLatest = await newest(["blud_triwulan"], "33.24");
    expect(bludLatest).toMatch(/^\d{4}-Q[1-4]$/);
    expect(blud.latest).toBe(bludLatest);
    // Tegal files no BLUD report at all: nothing to point to.
    const none = await pageData(`?period=2025-11&group=blud&parent=33.28`, "jateng");
    expect(none.view!.noData).toBe(true);
    expect(none.latest).toBeNull();
  });

  it("explains a cell with the same value as the scorecard, and the units behind it", async () => {
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: "13.73", indicators: ["spm_01"] });
    const row = built.scorecard.rows.find((r) => r.cells[0].value !== null)!;
    const res = await get(explainRoute, `?period=${PERIOD}&parent=13.73&row=${row.code}&indicator=spm_01`, "verifier");
    expect(statusOf(res)).toBe(200);
    const d = payloadOf(res) as {
      view: {
        value: number;
        state: string;
        summary: string;
        forms: Array<{ complete: Array<{ code: string; name: string }>; incomplete: Array<{ code: string; name: string }> }>;
      };
    };
    expect(d.view.value).toBeCloseTo(row.cells[0].value!, 9);
    expect(d.view.state).toBe(row.cells[0].state);
    const contributing = d.view.forms.flatMap((f) => [...f.complete, ...f.incomplete]);
    expect(contributing.length).toBeGreaterThan(0);
    expect(contributing[0].name).not.toBe(contributing[0].code);
    // The summary in the reader's language: Indonesian by default, English with the English cookie.
    expect(d.view.summary).toMatch(/^(Hijau|Kuning|Merah|Data belum lengkap|Belum ada target)\./);
    const en = (await langCookie.serialize("en")).split(";")[0];
    const english = await call(
      explainRoute.loader,
      makeRequest(`/scorecards/explain?period=${PERIOD}&parent=13.73&row=${row.code}&indicator=spm_01`, { cookie: `${cookie.verifier}; ${en}` }),
    );
    expect((payloadOf(english) as { view: { summary: string } }).view.summary).toMatch(/^(Green|Yellow|Red|Incomplete data|No target yet)\. Value /);
    const missing = await get(explainRoute, `?period=${PERIOD}&parent=13.73&indicator=spm_01`, "verifier");
    expect(statusOf(missing)).toBe(400);
    // Without JavaScript a scorecard cell is a button of a GET form: `c=<row>.<column index>` and the form's `columns` (decision 041).
    const viaForm = await get(explainRoute, `?period=${PERIOD}&parent=13.73&columns=spm_02+spm_01&c=${row.code}.1`, "verifier");
    expect(statusOf(viaForm)).toBe(200);
    expect((payloadOf(viaForm) as { view: { value: number; indicator: { key: string } } }).view.value).toBeCloseTo(row.cells[0].value!, 9);
    expect(statusOf(await get(explainRoute, `?period=${PERIOD}&parent=13.73&columns=spm_01&c=${row.code}.7`, "verifier"))).toBe(400);
    // The total row of a side-by-side view (no parent) is explained too.
    const total = await get(explainRoute, `?period=${PERIOD}&row=*&indicator=spm_01`, "jateng");
    expect(statusOf(total)).toBe(200);
    expect((payloadOf(total) as { view: { row: { code: string } } }).view.row.code).toBe("*");
    // A Puskesmas of the area that is not a row of the chosen view is a clear 400, not a crash.
    const notARow = await get(explainRoute, `?period=${PERIOD}&row=${puskesmasCode("Kaladawa")}&indicator=spm_01`, "jateng");
    expect(statusOf(notARow)).toBe(400);
  });

  it("explains a unit's cell from that row's facts alone with exactly the scorecard's numbers, every indicator", async () => {
    const q: ScorecardQuery = { packageKey: "ilp-nasional", period: PERIOD, parentCode: "33.24" };
    const built = await buildScorecard(q);
    let compared = 0;
    for (const row of built.scorecard.rows.slice(0, 3)) {
      for (const c of row.cells) {
        const e = await explainScorecardCell(q, { row: row.code, indicator: c.indicator });
        expect([e.value, e.state, e.achievement, e.completeness], `${row.code} ${c.indicator}`).toEqual([c.value, c.state, c.achievement, c.completeness]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it("redirects format=csv to the export and downloads CSV with a BOM", async () => {
    const redirect = (await get(page, `?period=${PERIOD}&parent=33.24&format=csv`, "jateng")) as Response;
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get("Location")!;
    expect(location).toMatch(/^\/scorecards\/export\?/);
    const res = (await call(exportRoute.loader, makeRequest(location, { cookie: cookie.jateng }))) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="scorecard-ilp-nasional-2025-12-33\.24\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
    const lines = text.trim().split("\n");
    expect(lines[0].startsWith("kode,nama,peringkat,skor,")).toBe(true);
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: "33.24" });
    expect(lines).toHaveLength(built.scorecard.rows.length + 2);
    const first = built.scorecard.rows[0];
    const cols = lines[1].split(",");
    expect(cols[0]).toBe(first.code);
    expect(cols[4]).toBe(first.cells[0].value === null ? "" : String(roundForDisplay(first.cells[0].value, built.scorecard.columns[0].decimals)));
    expect(statusOf(await get(page, `?period=${PERIOD}&format=pdf`, "jateng"))).toBe(400);
  });

  it("keeps unit names from running as spreadsheet formulas in the CSV and both XLSX layouts", async () => {
    // Tegal's first Puskesmas renamed to every injection shape, restored afterwards.
    const district = (await getOrgByCode(getDb(), "33.28"))!;
    const units = (await listChildren(getDb(), district.id)).slice(0, INJECTIONS.length);
    try {
      for (const [i, u] of units.entries()) await getDb().updateTable("org_unit").set({ name: INJECTIONS[i] }).where("id", "=", u.id).execute();
      const res = (await get(exportRoute, `?period=${PERIOD}&parent=33.28&format=csv`, "jateng")) as Response;
      const rows = expectCsvSafe(await res.text());
      expectInjectionsArrived(rows.map((r) => r[1]));
      expect(rows.find((r) => r[0] === units[0].code)![1]).toBe("catatan;'=cmd|' /C calc'!A0");
      for (const transpose of ["", "&transpose=1"]) {
        const xlsx = (await get(exportRoute, `?period=${PERIOD}&parent=33.28&format=xlsx${transpose}`, "jateng")) as Response;
        expect(xlsx.status).toBe(200);
        const wb = await expectXlsxSafe(await xlsx.arrayBuffer());
        expectInjectionsArrived(xlsxTexts(wb));
      }
    } finally {
      for (const u of units) await getDb().updateTable("org_unit").set({ name: u.name }).where("id", "=", u.id).execute();
    }
  });

  it("downloads an XLSX with title, coloured cells and the right numbers", async () => {
    const res = (await get(exportRoute, `?period=${PERIOD}&parent=33.28&format=xlsx`, "jateng")) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet("Scorecard")!;
    expect(String(ws.getCell("A1").value)).toContain("Kabupaten Tegal");
    expect(String(ws.getCell("A2").value)).toContain("Desember 2025");
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: "33.28" });
    // Rows are in rank order; find the row by its code in column A.
    const target = built.scorecard.rows.find((r) => r.cells.some((c) => c.value !== null))!;
    let rowNo = XLSX_FIRST_DATA_ROW;
    while (ws.getCell(rowNo, 1).value !== target.code) rowNo++;
    const header = ws.getRow(XLSX_FIRST_DATA_ROW - 1);
    const colIndex = built.scorecard.columns.findIndex((c, i) => target.cells[i].value !== null);
    const column = built.scorecard.columns[colIndex];
    let xcol = 5;
    while (!String(header.getCell(xcol).value).startsWith(column.name)) xcol++;
    const cell = ws.getCell(rowNo, xcol);
    expect(cell.value).toBe(roundForDisplay(target.cells[colIndex].value!, column.decimals));
    const fill = cell.fill as ExcelJS.FillPattern;
    expect(fill.fgColor?.argb).toBe(XLSX_FILLS[target.cells[colIndex].state].color);
    expect(wb.getWorksheet("Detail")!.getCell("A1").value).toBe("kode");
  });

  it("a document request carries the rows in the HTML only: the loader data keep no row and no cell (decision 041)", async () => {
    const search = `?period=${PERIOD}&level=district`;
    const serverOnly = new Map<string, unknown>();
    const doc = payloadOf<PageData>(
      await call(
        page.loader,
        makeRequest(`/scorecards${search}`, { cookie: cookie.national }),
        {},
        { clientIp: "10.0.0.1", documentRequest: true, serverOnly },
      ),
    );
    const full = (await pageData(search, "national")).view!;
    expect(full.rows.length).toBeGreaterThan(1);
    const view = doc.view!;
    expect(view.rows).toEqual([]);
    expect(view.total.cells).toEqual([]);
    expect(view.inHtml).toEqual({ rows: full.rows.length });
    // The server rendering gets the whole view, with the same rows as a client-side navigation's data.
    const kept = serverOnly.get(SERVER_VIEW_KEY) as typeof full;
    expect(kept.rows.map((r) => r.code)).toEqual(full.rows.map((r) => r.code));
    expect(kept.rows[0].cells.length).toBe(full.columns.length);
    // What travels as loader data does not grow with the rows: the view is no larger than one without rows or total cells.
    const empty = { ...full, rows: [], total: { ...full.total, cells: [] }, inHtml: { rows: full.rows.length } };
    expect(JSON.stringify(view).length).toBeLessThanOrEqual(JSON.stringify(empty).length);
  });

  it("transposes with transpose=1: the same view, the parameter kept in sort, drill-down, export and explain links", async () => {
    const plain = await pageData(`?period=${PERIOD}&parent=33.24&sort=spm_01&dir=desc`, "jateng");
    const d = await pageData(`?period=${PERIOD}&parent=33.24&sort=spm_01&dir=desc&transpose=1`, "jateng");
    expect(plain.sel.transpose).toBe(false);
    expect(d.sel.transpose).toBe(true);
    // The numbers and the unit order do not change; only the drawing does.
    expect({ ...d.view!, generatedAt: "" }).toEqual({ ...plain.view!, generatedAt: "" });
    for (const changes of [{ format: "xlsx" }, { sort: "name" }, { parent: "33.24" }, { row: "x", indicator: "spm_01" }, { print: "1" }]) {
      expect(new URLSearchParams(selectionSearch(d.sel, changes)).get("transpose")).toBe("1");
      expect(new URLSearchParams(selectionSearch(plain.sel, changes)).has("transpose")).toBe(false);
    }
    expect(new URLSearchParams(selectionSearch(d.sel, { transpose: null })).has("transpose")).toBe(false);
    // The export link of a transposed page downloads, keeping the parameter through the redirect.
    const redirect = (await get(page, `${selectionSearch(d.sel, { format: "xlsx" })}`, "jateng")) as Response;
    expect(redirect.status).toBe(302);
    expect(new URL(redirect.headers.get("Location")!, "http://x").searchParams.get("transpose")).toBe("1");
    const res = (await call(exportRoute.loader, makeRequest(redirect.headers.get("Location")!, { cookie: cookie.jateng }))) as Response;
    expect(res.status).toBe(200);
    // The XLSX is transposed like the page: unit codes across row 6 in the page's order, the total last; one row per indicator with its coloured cells.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet("Scorecard")!;
    const view = d.view!;
    const codes = view.rows.map((r) => r.code).concat(view.total.code);
    codes.forEach((code, i) => expect(ws.getCell(XLSX_TRANSPOSED_FIRST_ROW - 3, 3 + i).value).toBe(code));
    view.rows.forEach((r, i) => expect(ws.getCell(XLSX_TRANSPOSED_FIRST_ROW - 2, 3 + i).value).toBe(r.rank ?? ""));
    const built = await buildScorecard({ packageKey: "ilp-nasional", period: PERIOD, parentCode: "33.24" });
    const byCode = new Map([...built.scorecard.rows, built.scorecard.total].map((r) => [r.code, r]));
    view.columns.forEach((c, k) => {
      const xr = XLSX_TRANSPOSED_FIRST_ROW + k;
      expect(String(ws.getCell(xr, 2).value).startsWith(c.name), c.key).toBe(true);
      const ci = built.scorecard.columns.findIndex((x) => x.key === c.key);
      codes.forEach((code, i) => {
        const cell = byCode.get(code)!.cells[ci];
        const xc = ws.getCell(xr, 3 + i);
        expect(xc.value, `${code} ${c.key}`).toBe(cell.value === null ? "–" : roundForDisplay(cell.value, built.scorecard.columns[ci].decimals));
        expect((xc.fill as ExcelJS.FillPattern).fgColor?.argb).toBe(XLSX_FILLS[cell.state].color);
      });
    });
    // Anything but "1" is not transposed.
    expect((await pageData(`?period=${PERIOD}&parent=33.24&transpose=yes`, "jateng")).sel.transpose).toBe(false);
  });

  it("the home page lists reporting completeness per area, least complete first, with a scorecard link each", async () => {
    const db = getDb();
    const grantOf = async (code: string): Promise<Grant> => {
      const o = (await getOrgByCode(db, code))!;
      return { role: "facilitator", orgUnitId: o.id, orgCode: o.code, orgName: o.name, orgLevel: o.level, orgPath: o.path };
    };
    const expected = async (code: string) => {
      const d = (await getOrgByCode(db, code))!;
      const units = await db.selectFrom("org_unit").select("id").where("level", "=", "puskesmas").where("path", "like", `${d.path}%`).execute();
      // Puskesmas with a counted report of their own: their Pustu's and Posyandu's reports do not make them reported (decision 035).
      const reported = await db
        .selectFrom("submission")
        .select("org_unit_id")
        .distinct()
        .where("district_id", "=", d.id)
        .where(
          "org_unit_id",
          "in",
          units.map((u) => u.id),
        )
        .where("period", "=", PERIOD)
        .where("status", "in", ["submitted", "approved"])
        .execute();
      return { puskesmas: units.length, reported: reported.length };
    };
    const jateng = await areaCompleteness([await grantOf("33.28"), await grantOf("33.24")], PERIOD);
    expect(jateng.map((a) => a.code).sort()).toEqual(["33.24", "33.28"]);
    for (const a of jateng) {
      expect(a.level).toBe("district");
      expect({ puskesmas: a.puskesmas, reported: a.reported }).toEqual(await expected(a.code));
      expect(a.completeness).toBe(Math.round((a.reported / a.puskesmas) * 100));
    }
    const national = await areaCompleteness([await grantOf("ID")], PERIOD);
    expect(national.length).toBe((await db.selectFrom("org_unit").select("id").where("level", "=", "district").execute()).length);
    expect(national.map((a) => a.completeness)).toEqual([...national.map((a) => a.completeness)].sort((x, y) => (x ?? 101) - (y ?? 101)));
    // More districts than the home page lists one by one: summed per province.
    const provinces = await areaCompleteness([await grantOf("ID")], PERIOD, 2);
    expect(provinces.every((a) => a.level === "province")).toBe(true);
    expect(provinces.reduce((n, a) => n + a.puskesmas, 0)).toBe(national.reduce((n, a) => n + a.puskesmas, 0));
    expect(provinces.reduce((n, a) => n + a.reported, 0)).toBe(national.reduce((n, a) => n + a.reported, 0));
    const jatengProvince = provinces.find((a) => a.code === "33")!;
    expect(jatengProvince.reported).toBe(jateng.reduce((n, a) => n + a.reported, 0));
    // The page: two or more areas are listed (the month before today's), one area is what the tiles say.
    const homeOf = async (who: string) => payloadOf<{ areas: unknown[] | null }>(await call(home.loader, makeRequest("/", { cookie: cookie[who] })));
    expect((await homeOf("jateng")).areas).toHaveLength(2);
    expect((await homeOf("verifier")).areas).toBeNull();
  });

  describe("live cache (decision 009)", () => {
    const query: ScorecardQuery = { packageKey: "ilp-nasional", period: PERIOD, level: "district" };
    const cell = (r: Awaited<ReturnType<typeof buildScorecard>>, row: string, indicator: string) =>
      r.scorecard.rows.find((x) => x.code === row)!.cells.find((c) => c.indicator === indicator)!;
    /** The same scorecard computed without any cache (inside a transaction nothing is cached). */
    const uncached = (q: ScorecardQuery) =>
      getDb()
        .transaction()
        .execute((trx) => buildScorecard(q, trx));

    it("serves a repeat from memory and equals an uncached computation", async () => {
      const first = await buildScorecard(query);
      const again = await buildScorecard(query);
      expect(again).toBe(first);
      const fresh = await uncached(query);
      expect(fresh).not.toBe(first);
      expect(JSON.stringify(fresh.scorecard)).toBe(JSON.stringify(first.scorecard));
      expect(fresh.lastChange).toBe(first.lastChange);
    });

    it("the month before reuses this month's trend columns: only its own previous windows are read, and the numbers equal an uncached computation", async () => {
      const db = getDb();
      clearScorecardCache(db);
      await buildScorecard(query);
      const thisMonth = cacheFor(db)!.stats.windowFactsComputed;
      const before = { ...cacheFor(db)!.stats };
      const q = { ...query, period: "2025-11" };
      const view = await buildScorecard(q);
      const computed = cacheFor(db)!.stats.windowFactsComputed - before.windowFactsComputed;
      // Current and previous windows come in pairs: half of them were already read as this month's trend.
      expect(computed).toBeGreaterThan(0);
      expect(computed * 2).toBe(thisMonth);
      expect(JSON.stringify(view.scorecard)).toBe(JSON.stringify((await uncached(q)).scorecard));
      // And the other way round: the month itself is now fully known, as is its trend.
      clearScorecardCache(db);
      await buildScorecard(q);
      const after = { ...cacheFor(db)!.stats };
      const again = await buildScorecard(query);
      expect((cacheFor(db)!.stats.windowFactsComputed - after.windowFactsComputed) * 2).toBe(thisMonth);
      expect(JSON.stringify(again.scorecard)).toBe(JSON.stringify((await uncached(query)).scorecard));
    });

    it("an indicator group or a single indicator reuses the full view's rows: no row is read again, and the numbers equal an uncached computation", async () => {
      const db = getDb();
      await buildScorecard(query);
      const groups = ["spm", "ilp", "bok", "blud"];
      for (const selection of [...groups.map((group) => ({ group })), { indicators: ["spm_01", "ilp_puskesmas"] }]) {
        const q = { ...query, ...selection };
        const stats = { ...cacheFor(db)!.stats };
        const view = await buildScorecard(q);
        expect(cacheFor(db)!.stats.rowMisses - stats.rowMisses, JSON.stringify(selection)).toBe(0);
        expect(view.scorecard.columns.length).toBeGreaterThan(0);
        expect(JSON.stringify(view.scorecard), JSON.stringify(selection)).toBe(JSON.stringify((await uncached(q)).scorecard));
      }
    });

    it("shows a change made through ANY write path at the next request, recomputing only that district's rows", async () => {
      const db = getDb();
      const before = await buildScorecard(query);
      // A raw write no model function knows about: the triggers still bump the district's version.
      const target = await db
        .selectFrom("submission_value as v")
        .innerJoin("org_unit as d", "d.id", "v.district_id")
        .select(["v.submission_id", "v.district_id", "d.code"])
        .where("v.field_key", "=", "spm01_bumil_k6")
        .where("v.month_index", "=", 2025 * 12 + 11)
        .orderBy("v.submission_id")
        .executeTakeFirstOrThrow();
      const versionsBefore = await readVersions(db);
      const stats = { ...cacheFor(db)!.stats };
      await db
        .updateTable("submission_value")
        .set((eb) => ({ value: eb("value", "+", 1000) }))
        .where("submission_id", "=", target.submission_id)
        .where("field_key", "=", "spm01_bumil_k6")
        .execute();
      const versionsAfter = await readVersions(db);
      expect(versionsAfter.byDistrict.get(Number(target.district_id))).toBeGreaterThan(versionsBefore.byDistrict.get(Number(target.district_id)) ?? 0);
      expect(versionsAfter.global).toBe(versionsBefore.global);
      const after = await buildScorecard(query);
      expect(after).not.toBe(before);
      expect(cell(after, target.code, "spm_01").numerator).toBe((cell(before, target.code, "spm_01").numerator ?? 0) + 1000);
      // Only the changed district's row was recomputed; every other row came from the row cache.
      const now = cacheFor(db)!.stats;
      expect(now.rowMisses - stats.rowMisses).toBe(1);
      expect(now.rowHits - stats.rowHits).toBe(after.scorecard.rows.length - 1);
      expect(JSON.stringify(after.scorecard)).toBe(JSON.stringify((await uncached(query)).scorecard));

      // Deleting facts (a returned report) and publishing nothing else: seen too, and put back.
      await db
        .updateTable("submission_value")
        .set((eb) => ({ value: eb("value", "-", 1000) }))
        .where("submission_id", "=", target.submission_id)
        .where("field_key", "=", "spm01_bumil_k6")
        .execute();
      expect(cell(await buildScorecard(query), target.code, "spm_01").numerator).toBe(cell(before, target.code, "spm_01").numerator);
    });

    it("a draft changes nothing a scorecard shows: no version bump, no new 'last change' (migration 007)", async () => {
      const db = getDb();
      const district = (await getOrgByCode(db, "33.24"))!;
      const one = await db
        .selectFrom("submission")
        .select(["id", "status", "updated_at"])
        .where("district_id", "=", district.id)
        .where("status", "=", "submitted")
        .orderBy("id")
        .executeTakeFirstOrThrow();
      // Counted → draft is a change (its numbers leave the scorecard) ...
      await db.updateTable("submission").set({ status: "draft" }).where("id", "=", one.id).execute();
      const before = await buildScorecard(query);
      const versions = await readVersions(db);
      // ... but typing in the draft (autosave every 20 s) is not.
      const stamp = "2099-06-01T00:00:00.000Z";
      await db.updateTable("submission").set({ updated_at: stamp }).where("id", "=", one.id).execute();
      expect((await readVersions(db)).digest).toBe(versions.digest);
      const same = await buildScorecard(query);
      expect(same).toBe(before);
      expect(same.lastChange).not.toBe(stamp);
      expect((await uncached(query)).lastChange).toBe(before.lastChange);
      // Submitting it is a change again, and its time is the data's last change.
      await db.updateTable("submission").set({ status: one.status }).where("id", "=", one.id).execute();
      expect((await readVersions(db)).byDistrict.get(district.id)).toBeGreaterThan(versions.byDistrict.get(district.id)!);
      const after = await buildScorecard(query);
      expect(after).not.toBe(before);
      expect(after.lastChange).toBe(stamp);
      await db.updateTable("submission").set({ updated_at: one.updated_at }).where("id", "=", one.id).execute();
    });

    it("a change to the org tree invalidates every row, and lastChange follows submission updates", async () => {
      const db = getDb();
      const before = await buildScorecard(query);
      const versions = await readVersions(db);
      await db.updateTable("org_unit").set({ note: "cache test" }).where("code", "=", "33.24").execute();
      expect((await readVersions(db)).global).toBeGreaterThan(versions.global);
      const stats = { ...cacheFor(db)!.stats };
      const after = await buildScorecard(query);
      expect(after).not.toBe(before);
      expect(cacheFor(db)!.stats.rowMisses - stats.rowMisses).toBe(after.scorecard.rows.length);
      const stamp = "2099-01-01T00:00:00.000Z";
      const one = await db
        .selectFrom("submission")
        .select("id")
        .where("district_id", "=", (await getOrgByCode(db, "13.73"))!.id)
        .orderBy("id")
        .executeTakeFirstOrThrow();
      await db.updateTable("submission").set({ updated_at: stamp }).where("id", "=", one.id).execute();
      expect((await buildScorecard(query)).lastChange).toBe(stamp);
      expect((await buildScorecard({ ...query, level: undefined, parentCode: "13.73" })).lastChange).toBe(stamp);
      expect((await buildScorecard({ ...query, level: undefined, parentCode: "33.24" })).lastChange).not.toBe(stamp);
    });
  });
});
