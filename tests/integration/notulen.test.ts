/**
 * The meeting record (notulen) as PDF and XLSX on SQLite and PostgreSQL, on the demo data so the
 * scorecard has values: a Kendal meeting with its scope, participants and actions inserted
 * straight into the tables; who may download it (the district admin, an operator inside the
 * scope, an invited operator from elsewhere) and who may not (another district's admin, an
 * operator outside the scope), unknown and malformed ids, the file's text and cells, the
 * reader's language, formula neutralisation and the audit row.
 */
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/db/db.server";
import { langCookie } from "~/i18n/locale.server";
import { buildScorecard } from "~/models/scorecard.server";
import { getPublishedPackage } from "~/models/templates.server";
import { XLSX_FILLS } from "~/models/scorecard-view.server";
import { NOTULEN_XLSX_FIRST_SCORECARD_ROW } from "~/models/notulen-xlsx.server";
import * as pdfRoute from "~/routes/meetings.$id_.notulen[.pdf]";
import * as xlsxRoute from "~/routes/meetings.$id_.notulen[.xlsx]";
import { call, makeRequest, useDemoDatabaseAt } from "../helpers/app";
import { DIALECTS, type useTestDatabase } from "../helpers/db";
import { pdfPagePng, pdfText } from "../helpers/pdf";

// Early December: October is mostly reported.
const AS_OF = "2026-12-03T12:00:00.000Z";
const PERIOD = "2026-10";
const PKG = "ilp-nasional";
const SCREENSHOTS = path.resolve("tests/artifacts/screenshots");

describe.each(DIALECTS)("notulen downloads on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let cookie: Record<string, string> = {};
  let meetingId: number;
  let withoutPackage: number;
  let indicatorName: string;

  const get = async (route: typeof pdfRoute | typeof xlsxRoute, who: string | null, id: string, ext: "pdf" | "xlsx") => {
    const session = who?.endsWith(":en") ? `${cookie[who.slice(0, -3)]}; ${(await langCookie.serialize("en")).split(";")[0]}` : who ? cookie[who] : undefined;
    const res = await call(route.loader, makeRequest(`/meetings/${id}/notulen.${ext}`, { cookie: session }), { id });
    expect(res).toBeInstanceOf(Response);
    return res as Response;
  };

  beforeAll(async () => {
    ({ handle, cookie } = await useDemoDatabaseAt(kind, AS_OF, {
      admin: ["adm.kendal", [["district_admin", "33.24"]]],
      otherAdmin: ["adm.sawahlunto", [["district_admin", "13.73"]]],
      opInside: ["op.plantungan", [["puskesmas_operator", "P3324001"]]],
      guest: ["op.sungaidurian", [["puskesmas_operator", "P1373001"]]],
      opOutside: ["op.kolokmudik", [["puskesmas_operator", "P1373002"]]],
    }));
    const db = getDb();
    const unit = async (code: string) => (await db.selectFrom("org_unit").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
    const user = async (username: string) => (await db.selectFrom("app_user").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id;
    await db.updateTable("app_user").set({ display_name: "Admin Dinkes Kendal" }).where("username", "=", "adm.kendal").execute();
    const kendal = await unit("33.24");
    const plantungan = await unit("P3324001");
    const admin = await user("adm.kendal");
    const pkg = (await getPublishedPackage(PKG))!.document;
    const indicator = pkg.indicators[0];
    indicatorName = indicator.name.id;
    const at = "2026-12-03T09:00:00.000Z";
    const meeting = await db
      .insertInto("meeting")
      .values({
        kind: "evaluation",
        title: "Rapat evaluasi Oktober – Kabupaten Kendal",
        owner_org_unit_id: kendal,
        package_key: PKG,
        indicator_group: null,
        period: PERIOD,
        meeting_date: "2026-12-03",
        location: "Aula Dinkes Kendal",
        points: "Cakupan ≥ target di sebagian besar Puskesmas → Plantungan tertinggal.",
        decisions: "Plantungan menyusun rencana sweeping.",
        previous_meeting_id: null,
        created_by: admin,
        created_at: at,
        updated_at: at,
        closed_at: null,
        closed_by: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    meetingId = meeting.id;
    await db.insertInto("meeting_scope").values({ meeting_id: meetingId, org_unit_id: kendal }).execute();
    // A meeting whose package is no longer published, with nothing recorded yet.
    withoutPackage = (
      await db
        .insertInto("meeting")
        .values({
          kind: "lokmin",
          title: "Lokmin tanpa paket",
          owner_org_unit_id: kendal,
          package_key: "paket-yang-ditarik",
          indicator_group: null,
          period: PERIOD,
          meeting_date: "2026-12-04",
          location: null,
          points: null,
          decisions: null,
          previous_meeting_id: null,
          created_by: admin,
          created_at: at,
          updated_at: at,
          closed_at: null,
          closed_by: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    await db.insertInto("meeting_scope").values({ meeting_id: withoutPackage, org_unit_id: kendal }).execute();
    await db
      .insertInto("meeting_participant")
      .values([
        { meeting_id: meetingId, org_unit_id: null, user_id: admin, name: null, position: "Kepala Bidang Kesmas", attended: 1 },
        { meeting_id: meetingId, org_unit_id: plantungan, user_id: null, name: "dr. Sari Wulandari", position: "Kepala Puskesmas", attended: 1 },
        { meeting_id: meetingId, org_unit_id: null, user_id: await user("op.sungaidurian"), name: null, position: "Tamu kaji banding", attended: 1 },
        { meeting_id: meetingId, org_unit_id: null, user_id: null, name: "Bapak Joko Susilo", position: "Camat", attended: 0 },
      ])
      .execute();
    const action = (problem: string, plan: string, indicatorKey: string | null, status: "planned" | "done") => ({
      meeting_id: meetingId,
      district_id: kendal,
      org_unit_id: plantungan,
      package_key: indicatorKey ? PKG : null,
      indicator_key: indicatorKey,
      period: indicatorKey ? PERIOD : null,
      baseline_value: null,
      problem,
      cause: "Stok vaksin habis",
      plan,
      responsible_org_unit_id: plantungan,
      responsible_person: "Bidan Rina",
      responsible_user_id: null,
      due_date: "2027-01-15",
      status,
      done_at: null,
      done_by: null,
      verified_at: null,
      verified_by: null,
      created_by: admin,
      created_at: at,
      updated_at: at,
    });
    await db
      .insertInto("follow_up_action")
      .values([
        action("Cakupan di bawah target", "Sweeping ke semua posyandu Plantungan", indicator.key, "planned"),
        action('=HYPERLINK("https://evil.example","klik")', "Rapat koordinasi lintas sektor", null, "done"),
      ])
      .execute();
  }, 300_000);
  afterAll(() => handle.destroy());

  it("gives the district admin the PDF: headers, meeting, scorecard rows as /scorecards computes them, actions, page numbers; audited", async () => {
    const res = await get(pdfRoute, "admin", String(meetingId), "pdf");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="notulen-2026-12-03-rapat-evaluasi.pdf"');
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBeLessThan(3 * 1024 * 1024);
    const pages = await pdfText(bytes);
    const all = pages.join("\n");
    expect(pages[0]).toContain("Rapat evaluasi Oktober – Kabupaten Kendal");
    expect(pages[0]).toContain("Kabupaten Kendal");
    expect(pages[0]).toContain("Oktober 2026");
    expect(pages[0]).toContain("3 Desember 2026");
    expect(all).toContain("Cakupan ≥ target di sebagian besar Puskesmas → Plantungan tertinggal.");
    // Attendees (the account's display name, the named person) and the invited who did not come.
    expect(all).toContain("Hadir (3)");
    expect(all).toContain("Admin Dinkes Kendal");
    expect(all).toContain("dr. Sari Wulandari");
    // The invited operator's unit comes from their grant.
    expect(all).toContain("op.sungaidurian Tamu kaji banding Puskesmas Sungai Durian");
    expect(all).toContain("Diundang, tidak hadir (1)");
    expect(all).toContain("Bapak Joko Susilo");
    // The scorecard: every Puskesmas of Kendal with the reports of its least complete indicator, as buildScorecard counts them.
    const result = await buildScorecard({ packageKey: PKG, period: PERIOD, parentCode: "33.24" });
    expect(result.scorecard.rows.length).toBeGreaterThan(1);
    expect(result.scorecard.rows.some((r) => r.cells.some((c) => c.value !== null))).toBe(true);
    for (const row of result.scorecard.rows) {
      const worst = row.cells.filter((c) => c.expected > 0).sort((a, b) => a.reported / a.expected - b.reported / b.expected)[0];
      expect(all).toContain(`${row.name} ${worst.reported}/${worst.expected}`);
    }
    expect(all).toContain("Keterangan");
    expect(all).toContain("Merah: di bawah target");
    // The actions.
    expect(all).toContain("Rencana tindak lanjut (2)");
    expect(all).toContain("Sweeping ke semua posyandu Plantungan");
    expect(all).toContain("Bidan Rina");
    expect(all).toContain("2027-01-15");
    expect(all).toContain(`Puskesmas Plantungan ${indicatorName}`);
    if (kind === "sqlite") {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      fs.writeFileSync(path.join(SCREENSHOTS, "notulen-demo-page1.png"), pdfPagePng(bytes, 1, 60));
    }
    // Generated by whom and when (the clock), page x of y.
    expect(all).toContain("oleh Admin Dinkes Kendal");
    expect(all).toMatch(/Dibuat 2026-12-03 \d\d:\d\d UTC/);
    pages.forEach((p, i) => expect(p).toContain(`Halaman ${i + 1} dari ${pages.length}`));
    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "meeting.notulen")
      .where("entity_id", "=", String(meetingId))
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(audit[0].after_json!)).toMatchObject({ format: "pdf", actions: 2 });
  });

  it("gives the XLSX with the meeting, the coloured scorecard and the actions, formulas neutralised", async () => {
    const res = await get(xlsxRoute, "admin", String(meetingId), "xlsx");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="notulen-2026-12-03-rapat-evaluasi.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Rapat", "Scorecard", "Tindak lanjut"]);
    const texts = (ws: ExcelJS.Worksheet) => {
      const out: string[] = [];
      ws.eachRow((r) => r.eachCell((c) => out.push(String(c.value))));
      return out;
    };
    const meeting = texts(wb.getWorksheet("Rapat")!);
    expect(meeting).toContain("Aula Dinkes Kendal");
    expect(meeting).toContain("dr. Sari Wulandari");
    expect(meeting).toContain("Bapak Joko Susilo");
    expect(meeting).toContain("Plantungan menyusun rencana sweeping.");

    const sc = wb.getWorksheet("Scorecard")!;
    const result = await buildScorecard({ packageKey: PKG, period: PERIOD, parentCode: "33.24" });
    const plantungan = result.scorecard.rows.find((r) => r.code === "P3324001")!;
    let found = false;
    sc.eachRow((row, n) => {
      if (n < NOTULEN_XLSX_FIRST_SCORECARD_ROW || row.getCell(1).value !== "P3324001") return;
      found = true;
      const worst = plantungan.cells.filter((c) => c.expected > 0).sort((a, b) => a.reported / a.expected - b.reported / b.expected)[0];
      expect(row.getCell(3).value).toBe(`${worst.reported}/${worst.expected}`);
      // Columns in the page's order: compare the set of fills with the row's states.
      const fills = plantungan.cells.map((_, i) => (row.getCell(4 + i).fill as ExcelJS.FillPattern).fgColor?.argb).sort();
      expect(fills).toEqual(plantungan.cells.map((c) => XLSX_FILLS[c.state].color).sort());
    });
    expect(found).toBe(true);
    expect(texts(sc)).toContain("Merah: di bawah target");

    const actions = texts(wb.getWorksheet("Tindak lanjut")!);
    expect(actions).toContain("Sweeping ke semua posyandu Plantungan");
    expect(actions).toContain("Bidan Rina");
    expect(actions).toContain("Selesai");
    expect(actions).toContain(`'=HYPERLINK("https://evil.example","klik")`);
  });

  it("lets an operator inside the scope and an invited operator from elsewhere read it", async () => {
    expect((await get(pdfRoute, "opInside", String(meetingId), "pdf")).status).toBe(200);
    expect((await get(xlsxRoute, "guest", String(meetingId), "xlsx")).status).toBe(200);
    const res = await get(pdfRoute, "guest", String(meetingId), "pdf");
    expect(res.status).toBe(200);
    expect((await pdfText(new Uint8Array(await res.arrayBuffer()))).join(" ")).toContain("Sweeping ke semua posyandu Plantungan");
  });

  it("refuses another district's admin and an operator outside the scope (403), in their language", async () => {
    for (const [route, ext] of [
      [pdfRoute, "pdf"],
      [xlsxRoute, "xlsx"],
    ] as const) {
      for (const who of ["otherAdmin", "opOutside"]) {
        const res = await get(route, who, String(meetingId), ext);
        expect(res.status, `${who} ${ext}`).toBe(403);
        expect(await res.text()).toContain("tidak diundang");
      }
    }
    const en = await get(pdfRoute, "otherAdmin:en", String(meetingId), "pdf");
    expect(en.status).toBe(403);
    expect(await en.text()).toContain("not invited");
  });

  it("answers an unknown or malformed id with 404, never a 500; anonymous goes to the login", async () => {
    for (const id of ["999999", "0", "-1", "abc", "1e3", "12345678901234567890", String(meetingId) + ".5"]) {
      const res = await get(pdfRoute, "admin", id, "pdf");
      expect(res.status, id).toBe(404);
      expect(await res.text()).toContain("Rapat tidak ditemukan.");
    }
    expect((await get(xlsxRoute, "admin", "999999", "xlsx")).status).toBe(404);
    const anonymous = await get(pdfRoute, null, String(meetingId), "pdf");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login/);
  });

  it("still gives the notulen of a meeting whose scorecard cannot be built, saying why", async () => {
    const res = await get(pdfRoute, "admin", String(withoutPackage), "pdf");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="notulen-2026-12-04-lokmin.pdf"');
    const all = (await pdfText(new Uint8Array(await res.arrayBuffer()))).join("\n");
    expect(all).toContain("Lokmin tanpa paket");
    expect(all).toContain("Scorecard tidak dapat disusun");
    expect(all).toContain("paket-yang-ditarik");
    expect(all).toContain("Hadir (0)");
    expect(all).toContain("Rencana tindak lanjut (0)");
    const xlsx = await get(xlsxRoute, "admin", String(withoutPackage), "xlsx");
    expect(xlsx.status).toBe(200);
  });

  it("writes the notulen in English for an English reader", async () => {
    const res = await get(pdfRoute, "admin:en", String(meetingId), "pdf");
    expect(res.status).toBe(200);
    const all = (await pdfText(new Uint8Array(await res.arrayBuffer()))).join("\n");
    expect(all).toContain("MINUTES · Evaluation meeting");
    expect(all).toContain("October 2026");
    expect(all).toContain("Present (3)");
    expect(all).toContain("Follow-up actions (2)");
    expect(all).toContain("Red: below target");
    expect(all).toMatch(/Page 1 of \d+/);
    const xres = await get(xlsxRoute, "admin:en", String(meetingId), "xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xres.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Meeting", "Scorecard", "Follow-up"]);
  });
});
