/**
 * ILP where it happens, on the demo data, in Chromium at 1366×768: the operator of Puskesmas
 * Sungai Durian enters the monthly recap of one of its Posyandu (brought to the Puskesmas by the
 * kader) for October 2026; the district verifier of Kota Sawahlunto sees the Posyandu ILP
 * indicator on the district's Puskesmas scorecard, drills from Sungai Durian to its Pustu and
 * Posyandu, finds the Posyandu's own row, and opens the Puskesmas cell's explanation, which names
 * the Posyandu among those that reported. Decisions 034, 035 and 037; screenshots
 * village-journey-*.png; axe-core on every page.
 *
 * The app runs at a fixed instant (PANTAU_NOW 2026-11-05: October is open until its deadline on
 * 10 November) and the demo is seeded up to it, so the numbers do not depend on today's date.
 * The chosen Posyandu's October report is removed before the test, so the operator starts from
 * an empty form whatever the generator decided for it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { accessibilityProblems, scorecardCell, screenshot, STACK_TRACE_PATTERN, useE2E, waitForHydration } from "./harness";

const PERIOD = "2026-10";
const POSYANDU = { code: "P1373001.Y03", name: "Posyandu ILP Anggrek Sungai Durian (contoh)" };
const FORM = "posyandu_ilp_bulanan";
const INDICATOR = "ilp_posyandu_siklus_hidup";
const e2e = useE2E({ name: "village-journey", env: { PANTAU_NOW: "2026-11-05T03:00:00Z", PANTAU_AUTOSAVE_SECONDS: "600" } });

beforeAll(async () => {
  const { openDb, setDbHandle } = await import("~/db/db.server");
  const handle = openDb(e2e.app.databaseUrl);
  setDbHandle(handle);
  try {
    const db = handle.db;
    const unit = await db.selectFrom("org_unit").select(["id", "level"]).where("code", "=", POSYANDU.code).executeTakeFirstOrThrow();
    expect(unit.level).toBe("posyandu");
    const old = await db
      .selectFrom("submission")
      .select("id")
      .where("org_unit_id", "=", unit.id)
      .where("form_key", "=", FORM)
      .where("period", "=", PERIOD)
      .execute();
    for (const s of old) {
      await db.deleteFrom("submission_value").where("submission_id", "=", s.id).execute();
      await db.deleteFrom("submission_revision").where("submission_id", "=", s.id).execute();
      await db.deleteFrom("submission").where("id", "=", s.id).execute();
    }
  } finally {
    await handle.destroy();
  }
}, 60_000);

async function checkPage(page: Page, where: string) {
  expect(await page.locator("main").innerText(), where).not.toMatch(STACK_TRACE_PATTERN);
  expect(await accessibilityProblems(page), `${where}: axe-core`).toEqual([]);
}

async function answer(page: Page, key: string, yes: boolean) {
  await page
    .locator(`#root_${key}`)
    .getByLabel(yes ? "Ya" : "Tidak", { exact: true })
    .check();
}

describe("a Posyandu recap from entry to the district's scorecard", () => {
  it("the Puskesmas operator enters it, the verifier sees the indicator and drills to the Posyandu", async () => {
    // 1. The operator of Sungai Durian, on behalf of its Posyandu.
    const op = await e2e.signedIn("operator.sungaidurian");
    const page = op.page;
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto("/forms");
    await waitForHydration(page);
    const section = page.locator(`section[data-unit="${POSYANDU.code}"]`);
    await section.waitFor();
    const link = section.getByRole("link", { name: new RegExp(`Rekap Bulanan Posyandu ILP ${PERIOD}`) });
    await link.click();
    await page.getByRole("heading", { level: 1, name: "Rekap Bulanan Posyandu ILP" }).waitFor();
    await waitForHydration(page);
    expect(new URL(page.url()).searchParams.get("unit")).toBe(POSYANDU.code);
    for (const key of ["posy_buka", "posy_layan_bumil", "posy_layan_balita", "posy_layan_remaja", "posy_layan_dewasa", "posy_layan_lansia"])
      await answer(page, key, true);
    const numbers: Record<string, number> = {
      posy_pengunjung: 84,
      posy_jumlah_kader: 7,
      posy_kader_aktif: 6,
      posy_kader_purwa: 3,
      posy_kader_madya: 2,
      posy_kader_utama: 0,
      posy_kunjungan_rumah: 12,
    };
    for (const [key, value] of Object.entries(numbers)) await page.locator(`#root_${key}`).fill(String(value));
    await expect.poll(() => page.locator("#root_posy_kelompok_dilayani").inputValue()).toBe("5");
    await checkPage(page, "Posyandu recap");
    await screenshot(page, "village-journey-01-recap");
    await page.getByRole("button", { name: "Kirim", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Laporan terkirim" }).waitFor();
    e2e.expectClean(op);

    // 2. The district verifier: the Posyandu indicator on the Puskesmas scorecard of Kota Sawahlunto.
    const ver = await e2e.signedIn("verifikator.sawahlunto");
    const v = ver.page;
    await v.setViewportSize({ width: 1366, height: 768 });
    await v.goto(`/scorecards?template=ilp-nasional&period=${PERIOD}&parent=13.73&group=ilp`);
    const table = v.getByRole("table", { name: /^Scorecard Kota Sawahlunto/ });
    await table.waitFor();
    await waitForHydration(v);
    const header = await table.locator("thead").innerText();
    expect(header).toContain("% Posyandu ILP melayani seluruh siklus hidup");
    const sungaiDurian = table.locator("tbody tr").filter({ has: v.getByRole("link", { name: "Lihat unit di bawah Puskesmas Sungai Durian" }) });
    const cell = await scorecardCell(table, sungaiDurian, INDICATOR);
    expect(await cell.innerText()).toMatch(/\d/);
    await checkPage(v, "district scorecard");
    await screenshot(v, "village-journey-02-district");

    // 3. Down to the village: Sungai Durian's Pustu and Posyandu, our Posyandu with its own 100 %.
    await sungaiDurian.getByRole("link", { name: "Lihat unit di bawah Puskesmas Sungai Durian" }).click();
    await v.waitForURL((u) => u.searchParams.get("parent") === "P1373001");
    const village = v.getByRole("table", { name: /^Scorecard Puskesmas Sungai Durian/ });
    await village.waitFor();
    await waitForHydration(v);
    const rowNames = await village.locator("tbody th[scope=row]").allInnerTexts();
    expect(rowNames.some((n) => n.includes("Posyandu ILP Kayu Gadang"))).toBe(true);
    expect(rowNames.some((n) => n.includes("Pustu Kayu Gadang"))).toBe(true);
    const ours = village.locator("tbody tr").filter({ hasText: POSYANDU.name });
    expect(await (await scorecardCell(village, ours, INDICATOR)).innerText()).toMatch(/^100/);
    await checkPage(v, "village rows");
    await screenshot(v, "village-journey-03-village");

    // 4. The Puskesmas' own cell explained: the Posyandu that reported, ours among them, by name.
    await (await scorecardCell(village, village.locator("tfoot tr"), INDICATOR)).click();
    await v.waitForURL((u) => u.pathname === "/scorecards/explain" && u.searchParams.get("row") === "P1373001");
    await v.getByRole("heading", { level: 1 }).waitFor();
    const reported = await v.locator(".sc-unit-list li").allInnerTexts();
    expect(reported.some((l) => l.includes(POSYANDU.name))).toBe(true);
    await checkPage(v, "explain of the Puskesmas cell");
    await screenshot(v, "village-journey-04-explain");
    e2e.expectClean(ver);
  }, 240_000);
});
