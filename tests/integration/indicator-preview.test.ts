/**
 * Indicator preview of the designer: a draft indicator is computed on the last
 * 6 months of real submissions inside the caller's area with exactly the scorecard's numbers;
 * formula problems come back with their position; only admins, and only their own area. A
 * draft reading in_group (docs/decisions/039-groups-in-formulas.md) gives, month by month, the
 * numbers of the published indicator under the scorecard's org-group filter.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TemplatePackage } from "@engine";
import { buildScorecard } from "~/models/scorecard.server";
import * as route from "~/routes/designer.preview-indicator";
import type { PreviewResponse } from "~/contracts/indicator-preview";
import { call, makeRequest, payloadOf, useDemoDatabase, puskesmasCode, statusOf } from "../helpers/app";
import { DIALECTS, type useTestDatabase } from "../helpers/db";

const UNTIL = "2025-06";
const MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"];
const national = (): TemplatePackage => JSON.parse(fs.readFileSync(path.resolve("seeds/packages/ilp-nasional.v1.json"), "utf8"));

type Answer = PreviewResponse;

describe.each(DIALECTS)("indicator preview on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie: Record<string, string> = {};

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabase(kind, UNTIL, {
      national: ["adm.nasional", [["national_admin", "ID"]]],
      sawahlunto: ["adm.sawahlunto", [["district_admin", "13.73"]]],
      facilitator: ["fas.nasional", [["facilitator", "ID"]]],
      operator: ["op.sungaidurian", [["puskesmas_operator", puskesmasCode("Sungai Durian")]]],
    }));
  }, 300_000);
  afterAll(() => handle.destroy());

  const preview = async (who: string | undefined, pkg: unknown, index: number | string, raw?: string) => {
    const res = await call(
      route.action,
      makeRequest("/designer/preview-indicator", {
        cookie: who ? cookie[who] : undefined,
        form: { document: raw ?? JSON.stringify(pkg), index: String(index) },
      }),
    );
    return { status: statusOf(res), body: res instanceof Response ? null : payloadOf<Answer>(res) };
  };

  it("computes a new draft indicator on the last 6 months, nation-wide for the national admin, with the scorecard's numbers", async () => {
    const pkg = national();
    const base = pkg.indicators.find((i) => i.key === "spm_01")!;
    // A draft copy under a new key that no published version has: the posted draft is what is computed.
    pkg.indicators.push({ ...base, key: "spm_01_draf", name: { id: "Salinan SPM 1" } });
    pkg.targets.push(...pkg.targets.filter((t) => t.indicator === "spm_01").map((t) => ({ ...t, indicator: "spm_01_draf" })));
    const { status, body } = await preview("national", pkg, pkg.indicators.length - 1);
    expect(status).toBe(200);
    if (body?.status !== "ok") throw new Error(JSON.stringify(body));
    expect(body.scope.code).toBe("ID");
    expect(body.periods.map((p) => p.period)).toEqual(MONTHS);
    for (const p of body.periods) {
      const card = await buildScorecard({ packageKey: "ilp-nasional", period: p.period, parentCode: "ID", indicators: ["spm_01"], trend: false });
      const cell = card.scorecard.total.cells[0];
      expect(cell.value).not.toBeNull();
      expect(p.value).toBeCloseTo(cell.value!, 9);
      expect(p.numerator).toBe(cell.numerator);
      expect(p.denominator).toBe(cell.denominator);
      expect(p.target).toBe(cell.target?.value ?? null);
      expect(p.band).toBe(cell.band);
    }
  });

  it("computes a draft counting units within a group (in_group): the published indicator's numbers under the group filter", async () => {
    const pkg = national();
    const base = pkg.indicators.find((i) => i.key === "ilp_puskesmas")!;
    expect(`${base.numerator} / ${base.denominator}`).toBe("count_units(sk_klaster and alur_layanan_klaster) / units()");
    pkg.indicators.push({
      ...base,
      key: "ilp_puskesmas_blud",
      name: { id: "ILP di Puskesmas BLUD" },
      numerator: "count_units(in_group(blud) and sk_klaster and alur_layanan_klaster)",
      denominator: "count_units(in_group(blud))",
    });
    const { status, body } = await preview("national", pkg, pkg.indicators.length - 1);
    expect(status).toBe(200);
    if (body?.status !== "ok") throw new Error(JSON.stringify(body));
    let members = 0;
    for (const p of body.periods) {
      const query = { packageKey: "ilp-nasional", period: p.period, parentCode: "ID", indicators: ["ilp_puskesmas"], trend: false };
      const filtered = (await buildScorecard({ ...query, orgGroup: "blud" })).scorecard.total.cells[0];
      const all = (await buildScorecard(query)).scorecard.total.cells[0];
      expect([p.period, p.numerator, p.denominator]).toEqual([p.period, filtered.numerator ?? 0, filtered.denominator ?? 0]);
      expect(p.denominator!).toBeLessThan(all.denominator!);
      members += p.denominator ?? 0;
    }
    expect(members).toBeGreaterThan(0);
  });

  it("computes what the draft says, not the published definition", async () => {
    const pkg = national();
    const i = pkg.indicators.findIndex((x) => x.key === "spm_01");
    const before = await preview("national", pkg, i);
    pkg.indicators[i] = { ...pkg.indicators[i], factor: 1000 };
    const after = await preview("national", pkg, i);
    const [b, a] = [before.body, after.body];
    if (b?.status !== "ok" || a?.status !== "ok") throw new Error("no preview");
    a.periods.forEach((p, k) => expect(p.value).toBeCloseTo(b.periods[k].value! * 10, 6));
  });

  it("gives a district admin their own district only (rows: its Puskesmas)", async () => {
    const pkg = national();
    const i = pkg.indicators.findIndex((x) => x.key === "spm_01");
    const { body } = await preview("sawahlunto", pkg, i);
    if (body?.status !== "ok") throw new Error(JSON.stringify(body));
    expect(body.scope.code).toBe("13.73");
    const card = await buildScorecard({ packageKey: "ilp-nasional", period: "2025-06", parentCode: "13.73", indicators: ["spm_01"], trend: false });
    const last = body.periods.at(-1)!;
    expect(body.scope.rows).toBe(card.rows.length);
    expect(last.numerator).toBe(card.scorecard.total.cells[0].numerator);
    expect(last.denominator).toBe(card.scorecard.total.cells[0].denominator);
  });

  it("returns formula problems at their position instead of numbers", async () => {
    const pkg = national();
    const i = pkg.indicators.findIndex((x) => x.key === "spm_01");
    pkg.indicators[i] = { ...pkg.indicators[i], numerator: "spm01_bumil_k66 + 1" };
    // A broken rule elsewhere in the draft does not block the preview of this indicator.
    pkg.rules[0] = { ...pkg.rules[0], left: "tidak_ada" };
    const { status, body } = await preview("national", pkg, i);
    expect(status).toBe(200);
    if (body?.status !== "problems") throw new Error(JSON.stringify(body));
    expect(body.problems).toEqual([expect.objectContaining({ pointer: `/indicators/${i}/numerator`, code: "UNKNOWN_IDENTIFIER", start: 0, end: 15 })]);
    expect(body.problems[0].message).toContain("spm01_bumil_k66");
  });

  it("says so when the package has no submissions", async () => {
    const pkg = { ...national(), key: "paket-baru" };
    const { body } = await preview("national", pkg, 0);
    expect(body?.status).toBe("nodata");
    expect(body && "message" in body ? body.message : "").toMatch(/Belum ada laporan/);
  });

  it("refuses bad input with a clear message", async () => {
    expect((await preview("national", null, 0, "{ bukan json")).body).toMatchObject({
      status: "problems",
      problems: [expect.objectContaining({ code: "NOT_JSON" })],
    });
    const big = JSON.stringify({ ...national(), description: { id: "x".repeat(3 * 1024 * 1024) } });
    const tooBig = await preview("national", null, 0, big);
    expect(tooBig.body?.status).toBe("problems");
    const huge = await call(
      route.action,
      makeRequest("/designer/preview-indicator", {
        cookie: cookie.national,
        headers: { "Content-Length": String(10 * 1024 * 1024) },
        form: { document: "{}", index: "0" },
      }),
    );
    expect(statusOf(huge)).toBe(413);
    const missing = await preview("national", national(), 999);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ status: "error" });
    expect((await preview("national", national(), "x")).status).toBe(400);
  });

  it("is for admins only", async () => {
    const pkg = national();
    expect((await preview("facilitator", pkg, 0)).status).toBe(403);
    expect((await preview("operator", pkg, 0)).status).toBe(403);
    expect([401, 403]).toContain((await preview(undefined, pkg, 0)).status);
  });
});
