/**
 * A district runs a whole evaluation meeting in Pantau, and the next meeting opens with its
 * actions and their effect (docs/decisions/027-meetings-and-actions.md to 032, docs/notifications.md). In Chromium, against
 * one server and a real SMTP server started here:
 *
 *   1. the operator of Puskesmas Sungai Durian sets their own email address and "immediate";
 *   2. the district admin of Kota Sawahlunto creates the September meeting through the form;
 *   3. presents it (1366×768 and 1920×1080), pages with a clicker's keys, selects a red bar,
 *      opens its explanation with E and agrees an action from it ("Tambah tindak lanjut");
 *      the meeting lists the action, the scorecard cell carries its marker;
 *   4. the "action assigned" email reaches the operator's own address within the scheduler's
 *      interval (PANTAU_REMINDER_SECONDS=10, the minimum);
 *   5. the operator finds it at home, adds a note, uploads a PDF and marks it done; the district
 *      verifier confirms it;
 *   6. the admin writes the minutes, ticks attendance, closes the meeting and downloads the
 *      notulen as PDF (text read back, page 1 rendered) and XLSX (opened with exceljs);
 *   7. the admin creates the October meeting, which shows the September action, its status and how
 *      its indicator moved since it was agreed.
 *
 * The server's clock is pinned (PANTAU_NOW: the demo data is generated up to 20 November 2026, as
 * in meetings.test.ts), so September is fully reported and October mostly. Three sign-ins.
 */
import fs from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import ExcelJS from "exceljs";
import type { Download, Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterAll, describe, expect, it } from "vitest";
import { PDF_FILLS } from "~/models/notulen-pdf.server";
import { countNear, pdfPagePixels, pdfPagePng, pdfText } from "../helpers/pdf";
import { accessibilityProblems, screenshot, SCREENSHOTS_DIR, STACK_TRACE_PATTERN, useE2E, waitForHydration } from "./harness";

// ---------------------------------------------------------------------------------------------
// A real SMTP server on 127.0.0.1, started before the app so the app's environment can name it.

interface Received {
  to: string[];
  subject: string;
  body: string;
}

/** Quoted-printable and encoded-word decoding, enough to read what nodemailer writes. */
function decodeQp(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, "");
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === "=" && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i], "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

function parseMessage(raw: string, to: string[]): Received {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  let body = raw.slice(split + 4);
  const subject = (/^Subject: (.*)$/im.exec(head)?.[1] ?? "")
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, data: string) =>
      enc.toUpperCase() === "B" ? Buffer.from(data, "base64").toString("utf8") : decodeQp(data.replace(/_/g, " ")),
    );
  const cte = /^Content-Transfer-Encoding: (.*)$/im.exec(head)?.[1]?.trim().toLowerCase();
  if (cte === "quoted-printable") body = decodeQp(body);
  else if (cte === "base64") body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return { to, subject, body: body.replace(/\r\n/g, "\n") };
}

const received: Received[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      received.push(
        parseMessage(
          Buffer.concat(chunks).toString("utf8"),
          session.envelope.rcptTo.map((r) => r.address),
        ),
      );
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
const SMTP_PORT = (smtp.server.address() as AddressInfo).port;
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

const PUBLIC_URL = "https://pantau.dinkes-sawahlunto.example.test";
const e2e = useE2E({
  name: "meeting-journey",
  env: {
    PANTAU_NOW: "2026-11-20T02:00:00Z",
    PANTAU_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    PANTAU_MAIL_FROM: "Pantau ILP <noreply@dinkes-sawahlunto.example.test>",
    PANTAU_PUBLIC_URL: PUBLIC_URL,
    PANTAU_REMINDER_SECONDS: "10",
  },
});

// ---------------------------------------------------------------------------------------------

const OPERATOR = "operator.sungaidurian";
const ADMIN = "admin.sawahlunto";
const VERIFIER = "verifikator.sawahlunto";
const OPERATOR_EMAIL = "pj.ilp@sungaidurian.example.test";
const SUNGAI_DURIAN = "P1373001";
const TITLE = "Rapat evaluasi ILP September 2026";
const NEXT_TITLE = "Rapat evaluasi ILP Oktober 2026";
const PROBLEM = "Capaian indikator merah di Sungai Durian pada September";
const CAUSE = "Sasaran belum terdata lengkap di dua nagari";
const PLAN = "Pendataan ulang sasaran bersama kader posyandu";
const DUE = "2026-12-15";
const SIZES = { small: { width: 1366, height: 768 }, large: { width: 1920, height: 1080 } } as const;

/** A small valid PDF (header, one page with a line of text, cross-reference table, trailer). */
function minimalPdf(text: string): Buffer {
  const content = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}
const EVIDENCE = minimalPdf("Daftar hadir pendataan ulang sasaran");

async function axeClean(page: Page, where: string) {
  expect(await accessibilityProblems(page), where).toEqual([]);
}

async function downloaded(page: Page, link: string): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link }).click()]);
  const file = await download.path();
  return { download, bytes: fs.readFileSync(file) };
}

const counter = (page: Page) => page.getByTestId("slide-counter");

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

/** No scrollbars, no stack trace, axe-clean; then a screenshot. */
async function slideShot(page: Page, name: string) {
  const m = await page.evaluate(() => ({
    h: document.documentElement.scrollHeight <= window.innerHeight,
    w: document.documentElement.scrollWidth <= window.innerWidth,
  }));
  expect(m, `${name}: no scrollbars`).toEqual({ h: true, w: true });
  expect(await page.locator(".present").innerText()).not.toMatch(STACK_TRACE_PATTERN);
  await axeClean(page, name);
  await screenshot(page, name);
}

async function createMeeting(page: Page, title: string, period: string, date: string): Promise<number> {
  await page.goto("/meetings");
  await page.getByRole("heading", { level: 1, name: "Rapat evaluasi" }).waitFor();
  await waitForHydration(page);
  await page.getByRole("link", { name: "Buat rapat" }).click();
  await page.getByRole("heading", { level: 1, name: "Buat rapat" }).waitFor();
  await waitForHydration(page);
  await axeClean(page, "/meetings/new");
  // The admin's district is the scope and its Puskesmas are invited before anything is typed.
  await expect(page.getByRole("checkbox", { name: "Kota Sawahlunto (13.73)", exact: true }).isChecked()).resolves.toBe(true);
  await expect(page.getByRole("checkbox", { name: "Puskesmas Sungai Durian (Kota Sawahlunto)", exact: true }).isChecked()).resolves.toBe(true);
  await page.getByLabel("Paket indikator").selectOption("ilp-nasional");
  await page.getByLabel("Judul", { exact: true }).fill(title);
  await page.getByLabel("Periode yang dibahas").fill(period);
  await page.getByLabel("Tempat").fill("Aula Dinas Kesehatan Kota Sawahlunto");
  await page.getByLabel("Tanggal rapat").fill(date);
  await page.getByRole("button", { name: "Simpan rapat" }).click();
  await page.waitForURL(/\/meetings\/\d+\?created=\d+$/);
  await page.getByRole("heading", { level: 1, name: title }).waitFor();
  await waitForHydration(page);
  return Number(new URL(page.url()).pathname.split("/")[2]);
}

describe("a district runs a whole evaluation meeting in Pantau, and the next meeting opens with its actions and their effect", () => {
  let meetingId = 0;
  let actionId = 0;
  let redUnit = SUNGAI_DURIAN;
  let unitName = "";

  it("1. the Puskesmas operator asks for each notification by email, at their own address", async () => {
    const s = await e2e.signedIn(OPERATOR);
    const page = s.page;
    await page.setViewportSize(SIZES.small);
    await page.goto("/notifications");
    await page.getByRole("heading", { level: 1, name: "Notifikasi" }).waitFor();
    await waitForHydration(page);
    await page.getByLabel("Alamat email").fill(OPERATOR_EMAIL);
    await page.getByLabel("Setiap notifikasi", { exact: false }).check();
    await page.getByRole("button", { name: "Simpan pengaturan" }).click();
    await page.getByText("Pengaturan email disimpan.").waitFor();
    await expect(page.getByLabel("Alamat email").inputValue()).resolves.toBe(OPERATOR_EMAIL);
    await expect(page.getByLabel("Setiap notifikasi", { exact: false }).isChecked()).resolves.toBe(true);
    await axeClean(page, "/notifications");
    await screenshot(page, "journey-01-operator-email");
    e2e.expectClean(s);
  });

  it("2. the district admin creates the meeting through the form and lands on it", async () => {
    const s = await e2e.signedIn(ADMIN);
    const page = s.page;
    await page.setViewportSize(SIZES.small);
    meetingId = await createMeeting(page, TITLE, "2026-09", "2026-11-20");
    await page.getByText(/Rapat tersimpan\. Undangan terkirim ke \d+ akun\./).waitFor();
    await expect(page.getByRole("link", { name: "Presentasi" }).getAttribute("href")).resolves.toBe(`/meetings/${meetingId}/present`);
    await axeClean(page, "/meetings/<id>");
    await screenshot(page, "journey-02-meeting-created");
    e2e.expectClean(s);
  });

  it("3. presents it, and agrees an action on a red bar from its explanation", async () => {
    const s = await e2e.signedIn(ADMIN);
    const page = s.page;
    await page.setViewportSize(SIZES.small);
    await page.goto(`/meetings/${meetingId}`);
    await waitForHydration(page);
    await page.getByRole("link", { name: "Presentasi" }).click();
    await page.waitForURL((u) => u.pathname === `/meetings/${meetingId}/present`);
    await counter(page).waitFor();
    await waitForHydration(page);
    const [first, total] = await position(page);
    expect(first).toBe(1);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Ringkasan: peringkat unit");
    await slideShot(page, "journey-present-overview-1366");
    await page.setViewportSize(SIZES.large);
    await slideShot(page, "journey-present-overview-1920");
    await page.setViewportSize(SIZES.small);

    // A clicker's keys: next and back.
    await press(page, "ArrowRight", 2);
    await press(page, "PageDown", 3);
    await press(page, "PageUp", 2);
    await slideShot(page, "journey-present-indicator-1366");

    // The first indicator slide with a red bar of Sungai Durian (else of any unit: said in the report).
    const redBar = (code: string | null) => page.locator(code ? `.pb.state-red:not(.is-incomplete)[data-code="${code}"]` : ".pb.state-red:not(.is-incomplete)");
    let at = 2;
    while ((await redBar(SUNGAI_DURIAN).count()) === 0 && at < total) await press(page, "ArrowRight", ++at);
    if ((await redBar(SUNGAI_DURIAN).count()) === 0) {
      await press(page, "Home", 1);
      at = 2;
      await press(page, "ArrowRight", 2);
      while ((await redBar(null).count()) === 0 && at < total) await press(page, "ArrowRight", ++at);
      redUnit = (await redBar(null).first().getAttribute("data-code"))!;
    }
    expect(await redBar(redUnit).count(), "a red bar in September").toBeGreaterThan(0);
    const codes = await page.locator(".pb").evaluateAll((els) => els.map((el) => el.getAttribute("data-code")));
    const index = codes.indexOf(redUnit);
    for (let i = 0; i <= index; i++) await page.keyboard.press("ArrowDown");
    await expect(page.locator(".pb.is-selected").getAttribute("data-code")).resolves.toBe(redUnit);
    const indicator = (await page.locator(".pb.is-selected").getAttribute("data-indicator"))!;
    unitName = await page.locator(".pb.is-selected .pb-label").innerText();
    await page.keyboard.press("e");
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("explanation").waitFor();
    expect(await dialog.getByRole("heading").innerText()).toContain(unitName);
    const add = dialog.getByRole("link", { name: "Tambah tindak lanjut" });
    const href = new URL((await add.getAttribute("href"))!, e2e.app.baseUrl);
    expect(href.pathname).toBe("/actions/new");
    expect(Object.fromEntries(href.searchParams)).toEqual({
      package: "ilp-nasional",
      indicator,
      unit: redUnit,
      period: "2026-09",
      meeting: String(meetingId),
    });
    await slideShot(page, "journey-present-explanation-1366");
    await page.setViewportSize(SIZES.large);
    await slideShot(page, "journey-present-explanation-1920");
    await page.setViewportSize(SIZES.small);

    const [slide] = await position(page);
    await add.click();
    await page.waitForURL((u) => u.pathname === "/actions/new" && u.searchParams.get("meeting") === String(meetingId));
    await page.getByRole("heading", { level: 1, name: "Tambah tindak lanjut" }).waitFor();
    await waitForHydration(page);
    await axeClean(page, "/actions/new from the presentation");
    await page.getByLabel("Masalah", { exact: true }).fill(PROBLEM);
    await page.getByLabel("Penyebab", { exact: true }).fill(CAUSE);
    await page.getByLabel("Rencana tindak lanjut (RTL)").fill(PLAN);
    await page.getByLabel("Nama penanggung jawab").fill("Bidan koordinator");
    await page.getByLabel("Tenggat").fill(DUE);
    await page.getByLabel("Unit penanggung jawab").selectOption(SUNGAI_DURIAN);
    await screenshot(page, "journey-03-action-new");
    await page.getByRole("button", { name: "Simpan tindak lanjut" }).click();
    await page.waitForURL(/\/actions\/\d+$/);
    await page.getByRole("heading", { level: 1, name: /^Tindak lanjut #\d+$/ }).waitFor();
    await waitForHydration(page);
    actionId = Number(new URL(page.url()).pathname.split("/")[2]);
    await page.getByText("Direncanakan", { exact: true }).first().waitFor();
    await axeClean(page, "/actions/<id> as the admin");

    // Back returns to the slide (kept in the URL hash), whose bar now carries the action's marker.
    for (let i = 0; i < 2 && new URL(page.url()).pathname !== `/meetings/${meetingId}/present`; i++) await page.goBack();
    await page.waitForURL((u) => u.pathname === `/meetings/${meetingId}/present`);
    await page.waitForFunction((n) => document.querySelector("[data-testid=slide-counter]")?.textContent?.trim().startsWith(`${n} /`), slide);
    await page.locator(`.pb[data-code="${redUnit}"][data-indicator="${indicator}"] .pb-marker`).getByText("1 tindak lanjut").waitFor();
    await slideShot(page, "journey-present-marker-1366");

    // Back at the meeting: the action is among those agreed.
    await page.goto(`/meetings/${meetingId}`);
    await waitForHydration(page);
    const agreed = page.locator("section", { has: page.getByRole("heading", { level: 2, name: "Tindak lanjut yang disepakati" }) });
    await agreed.getByRole("link", { name: `Buka tindak lanjut ${actionId}: ${PROBLEM}` }).waitFor();
    await expect(agreed.locator(`tr[data-action="${actionId}"]`).innerText()).resolves.toContain(PLAN);
    await axeClean(page, "/meetings/<id> with its action");
    await screenshot(page, "journey-04-meeting-action");

    // And the scorecard of the meeting's selection marks the cell.
    await page.getByRole("link", { name: "Lihat scorecard" }).click();
    await page.waitForURL((u) => u.pathname === "/scorecards" && u.searchParams.get("period") === "2026-09");
    await page.getByRole("table", { name: /^Scorecard/ }).waitFor();
    await waitForHydration(page);
    const row = page.locator("tr", { has: page.getByRole("rowheader", { name: unitName.replace(/^Puskesmas /, "") }) }).first();
    const marked = row.locator("td.a");
    await expect(marked.count()).resolves.toBe(1);
    await expect(marked.locator("button > i").textContent()).resolves.toContain("ada tindak lanjut");
    await marked.scrollIntoViewIfNeeded();
    await screenshot(page, "journey-05-scorecard-marker");
    e2e.expectClean(s);
  });

  it("4. the action-assigned email reaches the operator's own address within the scheduler's interval", async () => {
    const assigned = () => received.find((m) => m.to.includes(OPERATOR_EMAIL) && m.subject.includes("Tindak lanjut baru"));
    await expect.poll(() => assigned() !== undefined, { timeout: 90_000, interval: 500 }).toBe(true);
    const mail = assigned()!;
    expect(mail.to).toEqual([OPERATOR_EMAIL]);
    expect(mail.subject).toBe(`[Pantau ILP] Tindak lanjut baru untuk Puskesmas Sungai Durian: ${PROBLEM}. Tenggat 15 Desember 2026.`);
    expect(mail.body).toContain(`Tindak lanjut baru untuk Puskesmas Sungai Durian: ${PROBLEM}. Tenggat 15 Desember 2026.`);
    expect(mail.body).toContain(`Buka: ${PUBLIC_URL}/actions/${actionId}`);
    expect(mail.body).toContain(`Ubah pengaturan di ${PUBLIC_URL}/notifications`);
    // Email goes only to addresses people set for themselves: nobody else here has one.
    for (const m of received) expect(m.to).toEqual([OPERATOR_EMAIL]);
  });

  it("5. the operator works the action and marks it done; the district verifier confirms it", async () => {
    const s = await e2e.signedIn(OPERATOR);
    const page = s.page;
    await page.setViewportSize(SIZES.small);
    await page.goto("/");
    await waitForHydration(page);
    await page.getByRole("heading", { level: 2, name: "Tindak lanjut Puskesmas Anda" }).waitFor();
    const badge = page.locator("header .notif-badge");
    expect(Number(/^Notifikasi \((\d+)\)/.exec(await badge.innerText())?.[1] ?? 0)).toBeGreaterThan(0);
    await axeClean(page, "/ as the operator");
    await screenshot(page, "journey-06-operator-home");
    await page.getByRole("link", { name: `Perbarui: ${PROBLEM}` }).click();
    await page.waitForURL(`**/actions/${actionId}`);
    await waitForHydration(page);

    await page.getByLabel("Catatan", { exact: true }).fill("Pendataan ulang di 3 dari 5 nagari selesai");
    await page.getByRole("button", { name: "Tambah catatan" }).click();
    await page.getByText("Catatan kemajuan ditambahkan.").waitFor();
    await page.getByText("Pendataan ulang di 3 dari 5 nagari selesai").waitFor();

    expect((await pdfText(EVIDENCE)).join(" "), "the evidence is a readable PDF").toContain("Daftar hadir pendataan ulang sasaran");
    await page.getByLabel(/^Berkas bukti/).setInputFiles({ name: "daftar hadir.pdf", mimeType: "application/pdf", buffer: EVIDENCE });
    await page.getByRole("button", { name: "Unggah" }).click();
    await page.getByText("Berkas daftar_hadir.pdf diunggah.").waitFor();
    const back = await downloaded(page, "Unduh daftar_hadir.pdf");
    expect(back.download.suggestedFilename()).toBe("daftar_hadir.pdf");
    expect(back.bytes.equals(EVIDENCE)).toBe(true);
    await axeClean(page, "/actions/<id> as the operator");

    await page.getByRole("button", { name: "Tandai selesai" }).click();
    await page.getByText("Tindak lanjut ditandai selesai. Dinkes akan mengonfirmasi.").waitFor();
    await page.getByText("(menunggu konfirmasi)", { exact: true }).first().waitFor();
    await screenshot(page, "journey-07-operator-done");
    e2e.expectClean(s);

    const v = await e2e.signedIn(VERIFIER);
    const vp = v.page;
    await vp.setViewportSize(SIZES.small);
    await vp.goto("/");
    await waitForHydration(vp);
    await vp.getByRole("heading", { level: 2, name: "Tindak lanjut menunggu konfirmasi" }).waitFor();
    await vp.getByRole("link", { name: `Periksa: ${PROBLEM}` }).click();
    await vp.waitForURL(`**/actions/${actionId}`);
    await waitForHydration(vp);
    await axeClean(vp, "/actions/<id> as the verifier");
    await vp.getByRole("button", { name: "Konfirmasi selesai" }).click();
    await vp.getByText("Selesai dikonfirmasi.").waitFor();
    await vp.getByText(/Dikonfirmasi oleh Verifikator Dinkes Kota Sawahlunto/).waitFor();
    await screenshot(vp, "journey-08-verifier-confirmed");
    e2e.expectClean(v);
  });

  it("6. the admin writes the minutes, ticks attendance, closes the meeting and downloads the notulen (PDF and XLSX)", async () => {
    const s = await e2e.signedIn(ADMIN);
    const page = s.page;
    await page.setViewportSize(SIZES.small);
    await page.goto(`/meetings/${meetingId}`);
    await waitForHydration(page);
    await page.getByLabel("Pokok bahasan").fill("Capaian September Sungai Durian di bawah target; sasaran belum terdata lengkap.");
    await page.getByLabel("Keputusan").fill("Pendataan ulang sasaran bersama kader sebelum pertengahan Desember.");
    await page.getByRole("button", { name: "Simpan notulen" }).click();
    await page.getByRole("status").getByText("Notulen tersimpan.").waitFor();
    await page.getByRole("checkbox", { name: "Puskesmas Sungai Durian hadir" }).check();
    await page.getByRole("button", { name: "Simpan kehadiran" }).click();
    await page.getByRole("status").getByText("Kehadiran tersimpan.").waitFor();
    await expect(page.getByRole("checkbox", { name: "Puskesmas Sungai Durian hadir" }).isChecked()).resolves.toBe(true);
    await page.getByRole("button", { name: "Tutup rapat" }).click();
    await page.getByRole("status").getByText("Rapat ditutup. Notulen tidak dapat diubah lagi.").waitFor();
    // The message comes with the action's answer; the status with the page's data revalidated just after.
    await page.locator('[data-status="closed"]').waitFor();
    await expect(page.getByLabel("Pokok bahasan").count()).resolves.toBe(0);
    await axeClean(page, "/meetings/<id> closed");
    await screenshot(page, "journey-09-meeting-closed");

    const pdf = await downloaded(page, "Unduh notulen (PDF)");
    expect(pdf.download.suggestedFilename()).toMatch(/\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const text = (await pdfText(pdf.bytes)).join("\n").replace(/\s+/g, " ");
    expect(text).toContain(TITLE);
    expect(text).toContain("Sungai Durian");
    expect(text).toContain(PLAN);
    expect(text).toContain("Halaman 1 dari");
    const png = pdfPagePng(pdf.bytes, 1, 60);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(SCREENSHOTS_DIR, "journey-notulen-page1.png"), png);
    const rgbOf = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
    const pixels = pdfPagePixels(pdf.bytes, 1, 60);
    expect(pixels.width).toBeGreaterThan(pixels.height);
    expect(countNear(pixels, rgbOf(PDF_FILLS.red)), "red cells on page 1").toBeGreaterThan(0);
    expect(countNear(pixels, rgbOf(PDF_FILLS.green)), "green cells on page 1").toBeGreaterThan(0);

    const xlsx = await downloaded(page, "Unduh notulen (XLSX)");
    expect(xlsx.download.suggestedFilename()).toMatch(/\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const cells: string[] = [];
    book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((c) => cells.push(String(c.text ?? "")))));
    expect(
      cells.some((c) => c.includes(PROBLEM)),
      "the action's problem in the XLSX",
    ).toBe(true);
    expect(
      cells.some((c) => c.includes(PLAN)),
      "the action's RTL in the XLSX",
    ).toBe(true);
    e2e.expectClean(s);
  });

  it("7. the next meeting opens with the previous meeting's action, its status and how its indicator moved", async () => {
    const s = await e2e.signedIn(ADMIN);
    const page = s.page;
    await page.setViewportSize(SIZES.small);
    await createMeeting(page, NEXT_TITLE, "2026-10", "2026-12-18");
    const section = page.getByTestId("followup");
    await section.getByRole("heading", { level: 2, name: "Tindak lanjut rapat sebelumnya" }).waitFor();
    await section.getByText(`Dari rapat "${TITLE}" (20 November 2026, periode September 2026)`, { exact: false }).waitFor();
    const row = section.locator("tr[data-followup]");
    await expect(row.count()).resolves.toBe(1);
    const text = await row.innerText();
    expect(text).toContain(PROBLEM);
    expect(text).toContain("Selesai");
    expect(text).toContain("dikonfirmasi");
    // The value when agreed → October's, in numbers, or "no data yet" said in words.
    expect(text).toMatch(
      /\d[\d.]*,\d → (\d[\d.]*,\d \((naik|turun) [\d.]+,\d poin, (membaik|memburuk)[^)]*\)|\d[\d.]*,\d \(tetap\)|belum ada data periode ini)/,
    );
    await axeClean(page, "/meetings/<next id>");
    await screenshot(page, "journey-10-next-meeting-followup");
    for (const one of e2e.sessions) e2e.expectClean(one);
  });
});
