/**
 * Scorecards within an org-unit group and down to the village
 * (docs/decisions/037-scorecard-group-filter.md), on SQLite and PostgreSQL, over the small world
 * of tests/helpers/village-scorecard.ts: the group choices each viewer may read; rows and values
 * from members only, with a membership that starts in July; unknown and unreadable groups refused
 * alike (404, a message, a way out without the filter); compare within a group; the exports and
 * the presentation saying which group; a Puskesmas drilled to its Pustu and Posyandu, Puskesmas
 * indicators said in words there, and the explanation naming the Posyandu.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectionSearch } from "~/contracts/scorecard";
import * as page from "~/routes/scorecards";
import * as compare from "~/routes/scorecards_.compare";
import * as explain from "~/routes/scorecards_.explain";
import * as exportRoute from "~/routes/scorecards_.export";
import * as present from "~/routes/scorecards_.present";
import { clock } from "~/utils/clock.server";
import { langCookie } from "~/i18n/locale.server";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { BLUD, MARCH, SEPTEMBER, TERPENCIL, seedVillageScorecard, U, VILLAGE_PACKAGE_KEY } from "../helpers/village-scorecard";

type Data<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>> extends infer R ? (R extends { data: infer D } ? D : R) : never;
type PageData = Data<typeof page.loader>;
type CompareData = Data<typeof compare.loader>;
type ExplainData = Data<typeof explain.loader>;

const Q = `?template=${VILLAGE_PACKAGE_KEY}&period=${SEPTEMBER}`;

describe.each(DIALECTS)("scorecards within a group and down to the village on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  let english = "";

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    clock.set("2026-01-20T12:00:00.000Z");
    await seedOrgTree();
    await seedVillageScorecard();
    cookie.fasJateng = await cookieFor(
      await insertUser("fas.jateng", [
        ["facilitator", U.tegal],
        ["facilitator", U.kendal],
      ]),
    );
    cookie.fasNational = await cookieFor(await insertUser("fas.nasional", [["facilitator", "ID"]]));
    cookie.verTegal = await cookieFor(await insertUser("ver.tegal", [["district_verifier", U.tegal]]));
    cookie.admKendal = await cookieFor(await insertUser("adm.kendal", [["district_admin", U.kendal]]));
    cookie.admTegal = await cookieFor(await insertUser("adm.tegal", [["district_admin", U.tegal]]));
    cookie.verSawahlunto = await cookieFor(await insertUser("ver.sawahlunto", [["district_verifier", U.sawahlunto]]));
    cookie.operator = await cookieFor(await insertUser("op.kaladawa", [["puskesmas_operator", U.kaladawa]]));
    english = (await langCookie.serialize("en")).split(";")[0];
  }, 120_000);
  afterAll(async () => {
    clock.set(null);
    await handle.destroy();
  });

  const get = (route: { loader: unknown }, path: string, who: string, lang?: "en") =>
    call(route.loader, makeRequest(path, { cookie: lang ? `${cookie[who]}; ${english}` : cookie[who] }));
  const pageOf = async (search: string, who: string, lang?: "en") => {
    const res = await get(page, `/scorecards${search}`, who, lang);
    return { status: statusOf(res), d: payloadOf<PageData>(res) };
  };
  const compareOf = async (search: string, who: string) => {
    const res = await get(compare, `/scorecards/compare${search}`, who);
    return { status: statusOf(res), d: payloadOf<CompareData>(res) };
  };
  /** Row code → formatted value of one indicator on a page's view. */
  const values = (d: PageData, indicator: string) => {
    const i = d.view!.columns.findIndex((c) => c.key === indicator);
    return Object.fromEntries(d.view!.rows.map((r) => [r.code, r.cells[i].value]));
  };
  const totalOf = (d: PageData, indicator: string) => d.view!.total.cells[d.view!.columns.findIndex((c) => c.key === indicator)].value;

  it("offers the groups each viewer may read: national first, then the area's district groups, owners named", async () => {
    const labels = async (who: string) => (await pageOf(Q, who)).d.orgGroups.map((g) => `${g.key}: ${g.label}`);
    expect(await labels("fasJateng")).toEqual([`${BLUD}: Puskesmas BLUD (Indonesia)`, `${TERPENCIL}: Puskesmas terpencil Kendal (Kabupaten Kendal)`]);
    expect(await labels("admKendal")).toEqual([`${BLUD}: Puskesmas BLUD (Indonesia)`, `${TERPENCIL}: Puskesmas terpencil Kendal (Kabupaten Kendal)`]);
    // Tegal's district admin and verifier do not see Kendal's group.
    expect(await labels("verTegal")).toEqual([`${BLUD}: Puskesmas BLUD (Indonesia)`]);
    expect(await labels("admTegal")).toEqual([`${BLUD}: Puskesmas BLUD (Indonesia)`]);
    expect((await pageOf(Q, "fasJateng", "en")).d.orgGroups[0].label).toBe("BLUD Puskesmas (Indonesia)");
    expect(statusOf(await get(page, `/scorecards${Q}&orgGroup=${BLUD}`, "operator"))).toBe(403);
  });

  it("refuses an unknown group and another district's group alike: 404, a message, the typed key kept, a link without the filter", async () => {
    for (const [key, who, expected] of [
      [TERPENCIL, "verTegal", 404],
      [TERPENCIL, "admTegal", 404],
      ["tidak_ada", "fasJateng", 404],
      ["<b>x</b>", "fasJateng", 400],
    ] as const) {
      const { status, d } = await pageOf(`${Q}&parent=${U.tegal}&orgGroup=${encodeURIComponent(key)}`, who);
      expect(status, key).toBe(expected);
      expect(d.view).toBeNull();
      expect(d.error).toBe(
        `Kelompok unit "${key}" tidak ada atau tidak dapat Anda lihat. Pilih kelompok lain pada "Kelompok unit", atau tampilkan scorecard tanpa filter kelompok.`,
      );
      expect(d.sel.orgGroup).toBe(key);
      expect(d.withoutGroup).toBe(`/scorecards${selectionSearch({ ...d.sel, orgGroup: null })}`);
      expect(d.withoutGroup).not.toContain("orgGroup");
      expect(d.withoutGroup).toContain(`parent=${U.tegal}`);
    }
    const en = await pageOf(`${Q}&orgGroup=${TERPENCIL}`, "verTegal", "en");
    expect(en.d.error).toMatch(/^The unit group "terpencil_uji" does not exist or you may not see it\./);
    // The same refusal everywhere the selection goes.
    const exported = (await get(exportRoute, `/scorecards/export${Q}&orgGroup=${TERPENCIL}&format=csv`, "verTegal")) as Response;
    expect(exported.status).toBe(404);
    expect(await exported.text()).toMatch(/^Kelompok unit "terpencil_uji" tidak ada/);
    expect(statusOf(await get(present, `/scorecards/present${Q}&orgGroup=${TERPENCIL}`, "verTegal"))).toBe(404);
    expect(statusOf(await get(explain, `/scorecards/explain${Q}&orgGroup=${TERPENCIL}&row=${U.kaladawa}&indicator=kunjungan`, "verTegal"))).toBe(404);
    const cmp = await compareOf(`${Q}&orgGroup=${TERPENCIL}&units=${U.kaladawa},${U.dukuhwaru}`, "verTegal");
    expect(cmp.status).toBe(404);
    expect(cmp.d.withoutGroup).toBe(`/scorecards/compare?template=${VILLAGE_PACKAGE_KEY}&period=${SEPTEMBER}&units=${U.kaladawa}&units=${U.dukuhwaru}`);
    // Kendal's admin reads Kendal's group.
    expect((await pageOf(`${Q}&orgGroup=${TERPENCIL}`, "admKendal")).status).toBe(200);
  });

  it("limits Puskesmas rows to members and computes every value from members' reports only", async () => {
    const all = await pageOf(`${Q}&parent=${U.tegal}`, "fasJateng");
    expect(all.d.groupNote).toBeNull();
    expect(totalOf(all.d, "kunjungan")).toBe("40,0");
    const blud = await pageOf(`${Q}&parent=${U.tegal}&orgGroup=${BLUD}`, "fasJateng");
    expect(blud.status).toBe(200);
    expect(blud.d.groupNote).toBe("Hanya anggota kelompok Puskesmas BLUD");
    expect(values(blud.d, "kunjungan")).toEqual({ [U.kaladawa]: "80,0", [U.dukuhwaru]: "30,0" });
    expect(totalOf(blud.d, "kunjungan")).toBe("55,0");
    expect((await pageOf(`${Q}&parent=${U.tegal}&orgGroup=${BLUD}`, "fasJateng", "en")).d.groupNote).toBe("Members of group BLUD Puskesmas only");
    // Districts side by side: each district over its member Puskesmas.
    const districts = await pageOf(`${Q}&level=district&orgGroup=${BLUD}`, "fasJateng");
    expect(values(districts.d, "kunjungan")).toEqual({ [U.tegal]: "55,0", [U.kendal]: "90,0" });
  });

  it("counts a Puskesmas from the month its membership starts: in March only the January member", async () => {
    const march = await pageOf(`?template=${VILLAGE_PACKAGE_KEY}&period=${MARCH}&parent=${U.tegal}&orgGroup=${BLUD}`, "fasJateng");
    expect(march.status).toBe(200);
    expect(values(march.d, "kunjungan")).toEqual({ [U.kaladawa]: "80,0" });
    expect(totalOf(march.d, "kunjungan")).toBe("80,0");
  });

  it("compares two districts over their member Puskesmas, offers members only, and says so", async () => {
    const plain = await compareOf(`${Q}&units=${U.tegal},${U.kendal}`, "fasJateng");
    expect(plain.d.view!.indicators.find((i) => i.key === "kunjungan")!.cells.map((c) => c.value)).toEqual(["40,0", "55,0"]);
    expect(plain.d.view!.groupNote).toBeNull();
    const blud = await compareOf(`${Q}&orgGroup=${BLUD}&units=${U.tegal},${U.kendal}`, "fasJateng");
    expect(blud.status).toBe(200);
    expect(blud.d.view!.indicators.find((i) => i.key === "kunjungan")!.cells.map((c) => c.value)).toEqual(["55,0", "90,0"]);
    expect(blud.d.view!.groupNote).toMatch(/^Hanya anggota kelompok Puskesmas BLUD: kolom kabupaten\/kota dihitung dari Puskesmas anggotanya saja/);
    expect(blud.d.keep.orgGroup).toBe(BLUD);
    // Puskesmas of Tegal: only members may be added (Dukuhwaru, a member in September), not Margasari.
    const pkm = await compareOf(`${Q}&orgGroup=${BLUD}&units=${U.kaladawa},${U.margasari}`, "fasJateng");
    expect(pkm.d.view!.candidates.map((c) => c.code)).toEqual([U.dukuhwaru]);
    const pkmAll = await compareOf(`${Q}&units=${U.kaladawa},${U.margasari}`, "fasJateng");
    expect(pkmAll.d.view!.candidates.map((c) => c.code)).toContain(U.dukuhwaru);
    expect(pkmAll.d.view!.candidates.length).toBeGreaterThan(1);
    // In March, Dukuhwaru was not yet a member.
    const march = await compareOf(`?template=${VILLAGE_PACKAGE_KEY}&period=${MARCH}&orgGroup=${BLUD}&units=${U.kaladawa},${U.margasari}`, "fasJateng");
    expect(march.d.view!.candidates).toEqual([]);
  });

  it("names the group in the CSV, the XLSX, the file name and on every presentation slide", async () => {
    const csv = (await get(exportRoute, `/scorecards/export${Q}&parent=${U.tegal}&orgGroup=${BLUD}&format=csv`, "fasJateng")) as Response;
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Disposition")).toContain(`-${U.tegal}-${BLUD}.csv`);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r?\n/);
    expect(lines[0].split(",").at(-1)).toBe("kelompok_unit");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual([U.kaladawa, U.dukuhwaru, U.tegal]);
    for (const l of lines.slice(1)) expect(l.split(",").at(-1)).toBe(BLUD);
    const plain = (await get(exportRoute, `/scorecards/export${Q}&parent=${U.tegal}&format=csv`, "fasJateng")) as Response;
    expect((await plain.text()).split(/\r?\n/)[0]).not.toContain("kelompok_unit");

    const xlsx = (await get(exportRoute, `/scorecards/export${Q}&parent=${U.tegal}&orgGroup=${BLUD}&format=xlsx`, "fasJateng")) as Response;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    expect(wb.getWorksheet("Scorecard")!.getRow(4).getCell(3).value).toBe("Hanya anggota kelompok Puskesmas BLUD");

    const p = payloadOf(await get(present, `/scorecards/present${Q}&parent=${U.tegal}&orgGroup=${BLUD}`, "fasJateng"));
    expect(p.p.scopeName).toBe("Kabupaten Tegal (Hanya anggota kelompok Puskesmas BLUD)");
    expect(p.back.href).toContain(`orgGroup=${BLUD}`);
    expect(p.explainBase).toContain(`orgGroup=${BLUD}`);

    // The explanation of Tegal's total: members' reports only, and it says so.
    const e = payloadOf<ExplainData>(
      await get(explain, `/scorecards/explain${Q}&parent=${U.tegal}&orgGroup=${BLUD}&row=${U.tegal}&indicator=kunjungan`, "fasJateng"),
    );
    expect(e.groupNote).toBe("Hanya anggota kelompok Puskesmas BLUD");
    expect(e.view!.valueText).toBe("55,0 %");
    expect(e.view!.forms[0].complete.map((u) => u.code).sort()).toEqual([U.kaladawa, U.dukuhwaru]);
    expect(e.back).toContain(`orgGroup=${BLUD}`);
  });

  it("drills from a district's Puskesmas to its Pustu and Posyandu, each row its own reports, Puskesmas indicators in words", async () => {
    const district = await pageOf(`${Q}&parent=${U.sawahlunto}`, "verSawahlunto");
    const drill = Object.fromEntries(district.d.view!.rows.map((r) => [r.code, r.drillable]));
    expect(drill[U.ujiDesa]).toBe(true);
    expect(drill[U.tanpaDesa]).toBe(false);

    const village = await pageOf(`${Q}&parent=${U.ujiDesa}`, "verSawahlunto");
    expect(village.status).toBe(200);
    expect(village.d.view!.rows.map((r) => r.code).sort()).toEqual([U.pustu, U.melati, U.mawar, U.anggrek].sort());
    expect(village.d.crumbs.map((c) => c.code)).toEqual([U.sawahlunto, U.ujiDesa]);
    expect(village.d.view!.rows.every((r) => !r.drillable)).toBe(true);
    const ki = village.d.view!.columns.findIndex((c) => c.key === "kunjungan");
    const pi = village.d.view!.columns.findIndex((c) => c.key === "penimbangan");
    for (const r of village.d.view!.rows) expect(r.cells[ki], r.code).toEqual({ indicator: "kunjungan", state: "nodata", value: "", offLevel: true });
    const pustu = village.d.view!.rows.find((r) => r.code === U.pustu)!;
    expect(pustu.cells[pi].offLevel).toBe(true);
    expect(values(village.d, "penimbangan")).toMatchObject({ [U.melati]: "80,0", [U.mawar]: "50,0", [U.anggrek]: "–" });
    expect(village.d.view!.rows.find((r) => r.code === U.anggrek)!.cells[pi].offLevel).toBeUndefined();

    const csv = (await get(exportRoute, `/scorecards/export${Q}&parent=${U.ujiDesa}&format=csv`, "verSawahlunto")) as Response;
    const text = await csv.text();
    expect(text).toContain("tidak_diukur_di_tingkat_ini");
    const xlsx = (await get(exportRoute, `/scorecards/export${Q}&parent=${U.ujiDesa}&format=xlsx`, "verSawahlunto")) as Response;
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const cells: unknown[] = [];
    wb.getWorksheet("Scorecard")!.eachRow((row) => row.eachCell((c) => cells.push(c.value)));
    expect(cells).toContain("Tidak ada data di tingkat ini");
    const p = payloadOf(await get(present, `/scorecards/present${Q}&parent=${U.ujiDesa}`, "verSawahlunto"));
    expect(p.error).toBeNull();
    expect(p.p.scopeName).toBe("Puskesmas Uji Desa");
    // The Puskesmas indicator has no slide; the Posyandu one lists Anggrek as without data, not the Pustu.
    const slides = p.p.slides.filter((s: { kind: string }) => s.kind === "indicator");
    expect(slides.map((s: { indicator: string }) => s.indicator)).toEqual(["penimbangan"]);
    expect(slides[0].bars.map((b: { name: string }) => b.name)).toEqual(["Posyandu Mawar", "Posyandu Melati"]);
    expect(slides[0].noData.map((u: { name: string }) => u.name)).toEqual(["Posyandu Anggrek"]);
    const units = payloadOf(await get(present, `/scorecards/present${Q}&parent=${U.ujiDesa}&mode=unit`, "verSawahlunto"));
    const pustuSlide = units.p.slides.find((s: { kind: string; unitCode?: string }) => s.kind === "unit" && s.unitCode === U.pustu);
    expect(pustuSlide.noData).toEqual([]);
  });

  it("explains a Puskesmas cell of a Posyandu indicator with the Posyandu that reported and those that did not, by name", async () => {
    const res = await get(explain, `/scorecards/explain${Q}&parent=${U.sawahlunto}&row=${U.ujiDesa}&indicator=penimbangan`, "verSawahlunto");
    expect(statusOf(res)).toBe(200);
    const d = payloadOf<ExplainData>(res);
    expect(d.view!.valueText).toBe("66,7 %");
    const form = d.view!.forms.find((f) => f.form === "posyandu_bulanan")!;
    expect(form.complete.map((u) => u.name)).toEqual(["Posyandu Mawar", "Posyandu Melati"]);
    expect(form.notReported.map((u) => u.name)).toEqual(["Posyandu Anggrek"]);
    // Another district's verifier may not open it.
    expect(statusOf(await get(explain, `/scorecards/explain${Q}&row=${U.ujiDesa}&indicator=penimbangan`, "verTegal"))).toBe(403);
  });
});
