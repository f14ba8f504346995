/**
 * Presentation mode in Chromium, as a district admin in a meeting room: from the scorecard page
 * to the slides, through them with the keys a clicker sends, an explanation opened with E and
 * closed with Esc, the slide kept across a reload, unit slides, and a meeting's presentation
 * (a meeting row inserted into the server's database). At 1366×768 and 1920×1080: no scrollbars,
 * a slide title of at least 40 px, bar labels of at least 24 px, axe-clean. The app's clock stands
 * at a fixed instant (PANTAU_NOW).
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { openDb } from "~/db/db.server";
import { accessibilityProblems, screenshot, STACK_TRACE_PATTERN, useE2E, waitForHydration } from "./harness";

const NOW = "2026-12-03T12:00:00Z";
const e2e = useE2E({ name: "presentation", env: { PANTAU_NOW: NOW, PANTAU_ENV: "development" } });

const SIZES = { small: { width: 1366, height: 768 }, large: { width: 1920, height: 1080 } } as const;

const counter = (page: Page) => page.getByTestId("slide-counter");

/** "3 / 27" → [3, 27]. */
async function position(page: Page): Promise<[number, number]> {
  const text = (await counter(page).innerText()).trim();
  const m = /^(\d+) \/ (\d+)$/.exec(text);
  expect(m, `counter "${text}"`).not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

async function press(page: Page, key: string, expected: number) {
  await page.keyboard.press(key);
  await page.waitForFunction((n) => document.querySelector("[data-testid=slide-counter]")?.textContent?.trim().startsWith(`${n} /`), expected);
}

/** No scrollbars, a large title and large bar labels, no stack trace, axe-clean; then a screenshot. */
async function checkSlide(page: Page, name: string, size: keyof typeof SIZES) {
  const m = await page.evaluate(() => {
    const px = (sel: string) => {
      const el = document.querySelector(sel);
      return el ? parseFloat(getComputedStyle(el).fontSize) : null;
    };
    const root = document.documentElement;
    return {
      scrollHeight: root.scrollHeight,
      scrollWidth: root.scrollWidth,
      innerHeight: window.innerHeight,
      innerWidth: window.innerWidth,
      title: px(".present-title"),
      label: px(".pb-label"),
    };
  });
  expect(m.scrollHeight, `${name}: no vertical scrollbar`).toBeLessThanOrEqual(m.innerHeight);
  expect(m.scrollWidth, `${name}: no horizontal scrollbar`).toBeLessThanOrEqual(m.innerWidth);
  expect(m.title, `${name}: slide title size`).toBeGreaterThanOrEqual(40);
  if (m.label !== null && size === "small") expect(m.label, `${name}: bar label size`).toBeGreaterThanOrEqual(24);
  // Every slide fits: the last bar (or the slide's body) ends above the window's bottom.
  const below = await page.evaluate(() =>
    [...document.querySelectorAll(".present-slide *")]
      .filter((el) => el.getBoundingClientRect().bottom > window.innerHeight + 1)
      .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().bottom)}`),
  );
  if (below.length > 0) await screenshot(page, `presentation-${name}-${size}-overflow`);
  expect(below, `${name}: nothing below the window`).toEqual([]);
  expect(await page.locator(".present").innerText()).not.toMatch(STACK_TRACE_PATTERN);
  expect(await accessibilityProblems(page), name).toEqual([]);
  await screenshot(page, `presentation-${name}-${size}`);
}

describe("presentation mode", () => {
  it("opens from the scorecard page and moves through the slides with a clicker's keys", async () => {
    const session = await e2e.signedIn("admin.sawahlunto");
    const page = session.page;
    await page.setViewportSize(SIZES.small);
    await page.goto("/scorecards");
    await page.getByRole("table", { name: /^Scorecard/ }).waitFor();
    await waitForHydration(page);
    await page.getByRole("link", { name: "Presentasi", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/scorecards/present");
    await counter(page).waitFor();
    await waitForHydration(page);
    const [first, total] = await position(page);
    expect(first).toBe(1);
    expect(total).toBeGreaterThan(5);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Ringkasan: peringkat unit");
    expect(await page.locator(".present-note").first().innerText()).toContain("Aturan peringkat");
    await checkSlide(page, "overview", "small");

    await press(page, "ArrowRight", 2);
    const indicatorTitle = await page.getByRole("heading", { level: 1 }).innerText();
    expect(indicatorTitle).not.toBe("Ringkasan: peringkat unit");
    expect(await page.locator(".pb").count()).toBeGreaterThan(0);
    expect(await page.locator(".pb").count()).toBeLessThanOrEqual(10);
    expect(new URL(page.url()).hash).toBe("#slide-2");
    await press(page, "PageDown", 3);
    await press(page, "PageUp", 2);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(indicatorTitle);
    await press(page, "End", total);
    await press(page, "Home", 1);
    await press(page, " ", 2);
    await checkSlide(page, "indicator", "small");

    // Worst first: the state words never get better down the list (red before yellow before green).
    const order = { "di bawah target": 0, "mendekati target": 1, tercapai: 2 } as Record<string, number>;
    const words = (await page.locator(".pb-state").allInnerTexts()).map((w) => w.replace(/^\S+\s/, "").trim()).filter((w) => w in order);
    const ranks = words.map((w) => order[w]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));

    // E explains the selected bar (chosen with the down arrow), Esc closes it.
    await page.keyboard.press("ArrowDown");
    const chosen = await page.locator(".pb.is-selected .pb-label").innerText();
    await page.keyboard.press("e");
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("explanation").waitFor();
    expect(await dialog.getByRole("heading").innerText()).toContain(chosen);
    await checkSlide(page, "explanation", "small");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await position(page)).toEqual([2, total]);

    // A reload stays on the slide.
    await press(page, "ArrowRight", 3);
    await page.reload();
    await waitForHydration(page);
    await page.waitForFunction(() => document.querySelector("[data-testid=slide-counter]")?.textContent?.trim().startsWith("3 /"));

    // The same slides on a large screen.
    await page.setViewportSize(SIZES.large);
    await press(page, "Home", 1);
    await checkSlide(page, "overview", "large");
    await press(page, "ArrowRight", 2);
    await checkSlide(page, "indicator", "large");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("E");
    await page.getByRole("dialog").getByTestId("explanation").waitFor();
    await checkSlide(page, "explanation", "large");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });

    // F asks for full screen; refused or not, the slides go on.
    await page.keyboard.press("f");
    await press(page, "ArrowRight", 3);
    await page.evaluate(() => (document.fullscreenElement ? document.exitFullscreen() : undefined));

    // Unit slides: one per unit, with all its indicators.
    await page.setViewportSize(SIZES.small);
    await waitForHydration(page);
    await page.getByRole("link", { name: "Per unit", exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get("mode") === "unit");
    await waitForHydration(page);
    await press(page, "ArrowRight", 2);
    expect(await page.locator(".present-note").first().innerText()).toMatch(/Peringkat \d+ dari \d+|Tanpa peringkat/);
    await checkSlide(page, "unit", "small");
    await page.setViewportSize(SIZES.large);
    await checkSlide(page, "unit", "large");
    e2e.expectClean(session);
  });

  it("presents a meeting over its district, with a way back to the meeting", async () => {
    const handle = openDb(e2e.app.databaseUrl);
    let id: number;
    try {
      const db = handle.db;
      const district = await db.selectFrom("org_unit").select("id").where("code", "=", "13.73").executeTakeFirstOrThrow();
      const admin = await db.selectFrom("app_user").select("id").where("username", "=", "admin.sawahlunto").executeTakeFirstOrThrow();
      const at = "2026-12-03T12:00:00.000Z";
      const row = await db
        .insertInto("meeting")
        .values({
          kind: "evaluation",
          title: "Rapat evaluasi Oktober",
          owner_org_unit_id: district.id,
          package_key: "ilp-nasional",
          indicator_group: null,
          period: "2026-10",
          meeting_date: "2026-12-03",
          location: null,
          points: null,
          decisions: null,
          previous_meeting_id: null,
          created_by: admin.id,
          created_at: at,
          updated_at: at,
          closed_at: null,
          closed_by: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      id = row.id;
      await db.insertInto("meeting_scope").values({ meeting_id: id, org_unit_id: district.id }).execute();
      // An overdue follow-up action on one Puskesmas' cell of the first indicator the slides show.
      const unit = await db.selectFrom("org_unit").select("id").where("parent_id", "=", district.id).orderBy("code").executeTakeFirstOrThrow();
      await db
        .insertInto("follow_up_action")
        .values({
          meeting_id: id,
          district_id: district.id,
          org_unit_id: unit.id,
          package_key: "ilp-nasional",
          indicator_key: "ilp_puskesmas",
          period: "2026-10",
          baseline_value: null,
          problem: "Belum semua klaster berjalan",
          cause: null,
          plan: "Pendampingan klaster",
          responsible_org_unit_id: unit.id,
          responsible_person: null,
          responsible_user_id: null,
          due_date: "2026-11-30",
          status: "in_progress",
          done_at: null,
          done_by: null,
          verified_at: null,
          verified_by: null,
          created_by: admin.id,
          created_at: at,
          updated_at: at,
        })
        .execute();
    } finally {
      await handle.destroy();
    }
    const session = await e2e.signedIn("admin.sawahlunto");
    const page = session.page;
    await page.setViewportSize(SIZES.small);
    await page.goto(`/meetings/${id}/present?slide=2`);
    await counter(page).waitFor();
    await waitForHydration(page);
    expect((await position(page))[0]).toBe(2);
    expect(await page.getByRole("link", { name: /Kembali ke rapat/ }).getAttribute("href")).toBe(`/meetings/${id}`);
    expect(await page.locator(".present-sub").innerText()).toContain("Rapat evaluasi Oktober");
    // The cell with the overdue action says so in words, on the indicator's slide.
    expect(await page.locator(".pb-marker").allInnerTexts()).toEqual(["⚑ 1 tindak lanjut"]);
    expect(await page.locator(".pb-overdue").allInnerTexts()).toEqual(["⚠ 1 terlambat"]);
    await checkSlide(page, "meeting", "small");
    await page.keyboard.press("e");
    await page.getByRole("dialog").getByTestId("explanation").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    e2e.expectClean(session);
  });
});
