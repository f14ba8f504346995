/**
 * Messages reach the reader in their language (docs/style.md, "Messages"): the same refusal
 * answers in Bahasa Indonesia by default and in English for a request with the English language
 * cookie — a guard's 403, a refused report, a scorecard period error and an unknown indicator.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { langCookie } from "~/i18n/locale.server";
import { importOverlay, importPackage } from "~/models/templates.server";
import { importForm, readImportFile } from "~/models/bulk-import.server";
import { getDb } from "~/db/db.server";
import * as fill from "~/routes/forms.$formKey.$period";
import * as locks from "~/routes/locks";
import * as rootRoute from "~/root";
import * as scorecards from "~/routes/scorecards";
import * as explain from "~/routes/scorecards_.explain";
import * as overlayDesigner from "~/routes/designer.overlay.$district.$key";
import * as importJob from "~/routes/imports.$id";
import * as users from "~/routes/users";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";
import { profilAnswers } from "../helpers/ilp-profil";

const SUNGAI_DURIAN = "P1373001";
const FORM = "ilp_profil";

function monthsAgo(n: number): string {
  const d = new Date();
  const index = d.getUTCFullYear() * 12 + d.getUTCMonth() - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}
const FUTURE = monthsAgo(-13);
/** Always past the 10-day default deadline. */
const PAST = monthsAgo(3);
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, "utf8"));

describe.each(DIALECTS)("messages in the reader's language on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  let english = "";

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    expect((await importPackage(readJson("seeds/packages/ilp-nasional.v1.json"), { userId: null })).ok).toBe(true);
    expect((await importOverlay(readJson("seeds/overlays/1373-kota-sawahlunto.json"), { userId: null })).ok).toBe(true);
    cookie.national = await cookieFor(await insertUser("adm.nasional", [["national_admin", "ID"]]));
    cookie.admin = await cookieFor(await insertUser("adm.sawahlunto", [["district_admin", "13.73"]]));
    cookie.op = await cookieFor(await insertUser("op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]));
    english = (await langCookie.serialize("en")).split(";")[0];
  });
  afterAll(() => handle.destroy());

  const as = (who: string, lang: "id" | "en") => (lang === "en" ? `${cookie[who]}; ${english}` : cookie[who]);

  it("a guard's 403 in the reader's language", async () => {
    const id = await call(users.loader, makeRequest("/users", { cookie: as("op", "id") }));
    expect(statusOf(id)).toBe(403);
    expect(await (id as Response).text()).toBe("Anda tidak berhak membuka atau mengubah data ini.");
    const en = await call(users.loader, makeRequest("/users", { cookie: as("op", "en") }));
    expect(statusOf(en)).toBe(403);
    expect(await (en as Response).text()).toBe("You are not allowed to open or change this data.");
  });

  let keyCounter = 0;
  async function submit(lang: "id" | "en", period: string) {
    const form = {
      intent: "submit",
      data: JSON.stringify(profilAnswers()),
      idempotencyKey: `msg-key-${kind}-${++keyCounter}`.padEnd(24, "x"),
      baseRevision: "0",
    };
    const res = await call(fill.action, makeRequest(`/forms/${FORM}/${period}`, { cookie: as("op", lang), form }), { formKey: FORM, period });
    return { status: statusOf(res), errors: payloadOf<{ formErrors: string[] }>(res).formErrors.join(" ") };
  }

  it("the fill page's form title in the reader's language", async () => {
    const title = async (lang: "id" | "en") =>
      payloadOf<{ title: string }>(await call(fill.loader, makeRequest(`/forms/${FORM}/${PAST}`, { cookie: as("op", lang) }), { formKey: FORM, period: PAST }))
        .title;
    expect(await title("id")).toBe("Profil Implementasi ILP Puskesmas");
    expect(await title("en")).toBe("Puskesmas ILP implementation profile");
  });

  it("a report for a future period is refused in the reader's language", async () => {
    expect(await submit("id", FUTURE)).toEqual({ status: 400, errors: `Periode ${FUTURE} belum berjalan; laporan untuk masa depan tidak dapat diterima.` });
    expect(await submit("en", FUTURE)).toEqual({ status: 400, errors: `Period ${FUTURE} has not started yet; reports for the future cannot be accepted.` });
  });

  it("a report past its deadline is refused in the reader's language, the date included", async () => {
    const id = await submit("id", PAST);
    expect(id.status).toBe(409);
    expect(id.errors).toMatch(
      new RegExp(
        `^Batas waktu laporan .+ periode ${PAST} sudah lewat \\(\\d{1,2} [A-Z][a-z]+ \\d{4}\\), jadi laporan ini terkunci .* Admin Dinkes Kota Sawahlunto dapat`,
      ),
    );
    const en = await submit("en", PAST);
    expect(en.status).toBe(409);
    expect(en.errors).toMatch(
      new RegExp(
        `^The deadline for the .+ report for period ${PAST} has passed \\(\\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \\d{4}\\), so this report is locked`,
      ),
    );
    expect(en.errors).toContain("The Kota Sawahlunto health office admin can unlock it");
  });

  it("a scorecard period error in the reader's language, the engine's detail included", async () => {
    const page = async (lang: "id" | "en") => {
      const res = await call(scorecards.loader, makeRequest("/scorecards?period=2025-13", { cookie: as("national", lang) }));
      return { status: statusOf(res), error: payloadOf<{ error: string }>(res).error };
    };
    expect(await page("id")).toEqual({
      status: 400,
      error: 'Periode tidak dapat dipakai. Bulan 13 pada periode "2025-13" tidak ada; bulan harus 01 sampai 12.',
    });
    expect(await page("en")).toEqual({
      status: 400,
      error: 'The period cannot be used. There is no month 13 in period "2025-13"; the month must be 01 to 12.',
    });
  });

  it("an explanation of an unknown indicator in the reader's language", async () => {
    const page = async (lang: "id" | "en") => {
      const res = await call(explain.loader, makeRequest("/scorecards/explain?period=2025-03&row=*&indicator=tidak_ada", { cookie: as("national", lang) }));
      return { status: statusOf(res), error: payloadOf<{ error: string }>(res).error };
    };
    expect(await page("id")).toEqual({ status: 400, error: 'Indikator "tidak_ada" tidak ada dalam paket ini. Pilih indikator dari daftar.' });
    expect(await page("en")).toEqual({ status: 400, error: 'Indicator "tidak_ada" is not in this package. Choose an indicator from the list.' });
  });

  it("an adaptation's publish summary in the reader's language, with the package's English texts", async () => {
    const summary = async (lang: "id" | "en") => {
      const params = { district: "13.73", key: "ilp-nasional" };
      const res = await call(overlayDesigner.loader, makeRequest("/designer/overlay/13.73/ilp-nasional", { cookie: as("admin", lang) }), params);
      return payloadOf<{ summary: string[] }>(res).summary;
    };
    const id = await summary("id");
    const en = await summary("en");
    expect(id).toHaveLength(7);
    expect(en).toHaveLength(7);
    expect(id[0]).toBe(
      'Isian lokal baru "Posyandu ILP yang mencatat layanan langsung di RME/Simpus" (lokal_posyandu_ilp_rme) ditambahkan ke formulir "ilp_profil", bagian "posyandu".',
    );
    expect(en[0]).toBe(
      'New local field "Posyandu ILP recording services directly in the RME/Simpus" (lokal_posyandu_ilp_rme) is added to form "ilp_profil", section "posyandu".',
    );
    expect(id[1]).toBe('Indikator lokal baru "% Posyandu ILP dengan pencatatan elektronik" (lokal_posyandu_rme).');
    expect(en[1]).toBe('New local indicator "% Posyandu ILP with electronic recording" (lokal_posyandu_rme).');
    expect(en.slice(3).every((line) => line.startsWith("Target for "))).toBe(true);
  });

  it("an unknown request on an import job in the reader's language", async () => {
    const resume = async (lang: "id" | "en") => {
      const res = await call(importJob.action, makeRequest("/imports/1", { cookie: as("op", lang), form: { intent: "x" } }), { id: "1" });
      return { status: statusOf(res), text: await (res as Response).text() };
    };
    expect(await resume("id")).toEqual({ status: 400, text: "Permintaan tidak dikenal." });
    expect(await resume("en")).toEqual({ status: 400, text: "Unknown request." });
  });

  it("an import file of the wrong form is refused in the reader's language, the form's own title included", async () => {
    const target = (await importForm("ilp-nasional", FORM))!;
    const bytes = new TextEncoder().encode(`org_unit,period,bukan_isian\n${SUNGAI_DURIAN},${PAST},1\n`);
    const id = await readImportFile(bytes, target, "id");
    expect(id.ok).toBe(false);
    if (!id.ok) expect(id.message).toContain('Kolom bukan_isian bukan isian formulir "Profil Implementasi ILP Puskesmas".');
    const en = await readImportFile(bytes, target, "en");
    expect(en.ok).toBe(false);
    if (!en.ok) {
      expect(en.message).toContain('Column bukan_isian is not a field of form "Puskesmas ILP implementation profile".');
      expect(en.message).not.toMatch(/Kolom|formulir/);
    }
  });

  it("page titles in the reader's language, from the root loader's locale", async () => {
    const title = async (lang: "id" | "en") => {
      const root = await call(rootRoute.loader, makeRequest("/locks", { cookie: as("admin", lang) }));
      const matches = [{ id: "root", data: payloadOf<{ locale: string }>(root) }] as unknown as Parameters<typeof locks.meta>[0]["matches"];
      return (locks.meta({ matches } as Parameters<typeof locks.meta>[0]) as Array<{ title: string }>)[0].title;
    };
    expect(await title("id")).toBe("Batas waktu dan buka kunci · Pantau ILP");
    expect(await title("en")).toBe("Deadlines and unlocking · Pantau ILP");
  });

  it("a district admin's deadline, refused and saved, in the reader's language", async () => {
    const district = await getDb().selectFrom("org_unit").select("id").where("code", "=", "13.73").executeTakeFirstOrThrow();
    const deadline = async (lang: "id" | "en", days: string) => {
      const form = { intent: "deadline", orgUnitId: String(district.id), periodType: "month", days };
      return payloadOf<{ message: string }>(await call(locks.action, makeRequest("/locks", { cookie: as("admin", lang), form }))).message;
    };
    expect(await deadline("id", "x")).toBe("Isi jumlah hari dengan bilangan bulat 0 sampai 120, misalnya 10.");
    expect(await deadline("en", "x")).toBe("Enter the number of days as a whole number from 0 to 120, for example 10.");
    expect(await deadline("id", "15")).toBe("Batas waktu bulanan disimpan: 15 hari setelah periode berakhir.");
    expect(await deadline("en", "15")).toBe("The monthly deadline was saved: 15 days after the period ends.");
  });
});
