/** Email and reminder settings: all three mail variables or none, checked at start-up with a clear Indonesian message. */
import { describe, expect, it } from "vitest";
import { EnvError, isEmailAddress, readEnv } from "~/env.server";
import { periodText } from "~/models/notifications.server";
import { digestEmail, notificationEmail, slotKey } from "~/models/reminders.server";
import { isConnectionFailure, transportOptions } from "~/server/mailer.server";

const vars = (v: Record<string, string>) => v as NodeJS.ProcessEnv;
const MAIL = {
  PANTAU_SMTP_URL: "smtps://pantau:s%40ndi@mail.dinkes.example.go.id:465",
  PANTAU_MAIL_FROM: "Pantau ILP <noreply@dinkes.example.go.id>",
  PANTAU_PUBLIC_URL: "https://pantau.example.go.id/",
};

describe("email and reminder settings", () => {
  it("turns email off without PANTAU_SMTP_URL and reads all three variables with it", () => {
    expect(readEnv(vars({})).mail).toBeNull();
    expect(readEnv(vars(MAIL)).mail).toEqual({ smtpUrl: MAIL.PANTAU_SMTP_URL, from: MAIL.PANTAU_MAIL_FROM, publicUrl: "https://pantau.example.go.id" });
  });

  it.each([
    [{ ...MAIL, PANTAU_SMTP_URL: "http://mail.example" }, /PANTAU_SMTP_URL harus diawali smtp:\/\/ atau smtps:\/\//],
    [{ ...MAIL, PANTAU_SMTP_URL: "not a url" }, /PANTAU_SMTP_URL harus berbentuk/],
    [{ ...MAIL, PANTAU_MAIL_FROM: "" }, /PANTAU_MAIL_FROM wajib diisi/],
    [{ ...MAIL, PANTAU_MAIL_FROM: "noreply" }, /PANTAU_MAIL_FROM wajib diisi/],
    [{ ...MAIL, PANTAU_PUBLIC_URL: "" }, /PANTAU_PUBLIC_URL wajib diisi/],
    [{ ...MAIL, PANTAU_PUBLIC_URL: "ftp://pantau.example" }, /PANTAU_PUBLIC_URL wajib diisi/],
  ])("refuses incomplete or malformed email settings (%#)", (source, message) => {
    expect(() => readEnv(vars(source))).toThrow(EnvError);
    expect(() => readEnv(vars(source))).toThrow(message);
  });

  it("runs reminders every five minutes, off under tests, 0 turns them off, and refuses nonsense", () => {
    expect(readEnv(vars({})).reminderSeconds).toBe(300);
    expect(readEnv(vars({ NODE_ENV: "test" })).reminderSeconds).toBe(0);
    expect(readEnv(vars({ NODE_ENV: "test", PANTAU_REMINDER_SECONDS: "60" })).reminderSeconds).toBe(60);
    expect(readEnv(vars({ PANTAU_REMINDER_SECONDS: "0" })).reminderSeconds).toBe(0);
    for (const bad of ["5", "1.5", "abc", "90000"]) expect(() => readEnv(vars({ PANTAU_REMINDER_SECONDS: bad }))).toThrow(/PANTAU_REMINDER_SECONDS harus 0/);
  });

  it("sends digests from 00:00 UTC (07:00 WIB) by default, or from PANTAU_DIGEST_HOUR, and refuses other hours", () => {
    expect(readEnv(vars({})).digestHour).toBe(0);
    expect(readEnv(vars({ PANTAU_DIGEST_HOUR: "2" })).digestHour).toBe(2);
    expect(readEnv(vars({ PANTAU_DIGEST_HOUR: " 23 " })).digestHour).toBe(23);
    for (const bad of ["24", "-1", "7.5", "abc", "1e1", "007"]) {
      expect(() => readEnv(vars({ PANTAU_DIGEST_HOUR: bad }))).toThrow(EnvError);
      expect(() => readEnv(vars({ PANTAU_DIGEST_HOUR: bad }))).toThrow(/PANTAU_DIGEST_HOUR harus jam UTC 0–23/);
    }
  });

  it("requires STARTTLS when an smtp: URL carries credentials, so they never go out in clear text", () => {
    const base = { from: "noreply@dinkes.example.go.id", publicUrl: "https://pantau.example.go.id" };
    expect(transportOptions({ ...base, smtpUrl: "smtp://pantau:s%40ndi@mail.example.go.id:587" })).toMatchObject({
      host: "mail.example.go.id",
      port: 587,
      secure: false,
      requireTLS: true,
      auth: { user: "pantau", pass: "s@ndi" },
    });
    expect(transportOptions({ ...base, smtpUrl: "smtp://pantau@mail.example.go.id" })).toMatchObject({ port: 587, requireTLS: true });
    // smtps: is TLS from the start.
    expect(transportOptions({ ...base, smtpUrl: MAIL.PANTAU_SMTP_URL })).toMatchObject({ port: 465, secure: true, requireTLS: false, auth: { pass: "s@ndi" } });
    // A relay without credentials: STARTTLS when offered, nothing secret to protect.
    const relay = transportOptions({ ...base, smtpUrl: "smtp://relay.dinkes.local:25" });
    expect(relay).toMatchObject({ port: 25, secure: false, requireTLS: false, auth: undefined });
    expect(relay).toMatchObject({ connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 15_000, pool: false });
  });

  it("tells a mail server that cannot be reached from one refused recipient", () => {
    const error = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(code), { code, ...extra });
    for (const code of ["ECONNECTION", "ESOCKET", "ETIMEDOUT", "EDNS", "ETLS", "EAUTH", "EPROTOCOL"]) expect(isConnectionFailure(error(code))).toBe(true);
    expect(isConnectionFailure(error("ESOCKET", { originalCode: "ECONNREFUSED" }))).toBe(true);
    expect(isConnectionFailure(error("ECONNREFUSED"))).toBe(true);
    for (const code of ["EENVELOPE", "EMESSAGE"]) expect(isConnectionFailure(error(code, { responseCode: 550 }))).toBe(false);
    expect(isConnectionFailure(new Error("no code"))).toBe(false);
    expect(isConnectionFailure("ECONNREFUSED")).toBe(false);
  });

  it("accepts ordinary addresses and refuses spaces, display names and header tricks", () => {
    for (const ok of ["nama@puskesmas.go.id", "a.b+c@sub.example.co.id"]) expect(isEmailAddress(ok)).toBe(true);
    for (const bad of ["nama", "nama@", "@x.id", "a b@x.id", "Nama <a@x.id>", "a@x.id\r\nBcc: b@y.id", "a@x", "a@-x.id", `${"a".repeat(65)}@x.id`]) {
      expect(isEmailAddress(bad)).toBe(false);
    }
  });

  it("rounds a run to its slot, so instances running in one interval claim the same key", () => {
    expect(slotKey(new Date("2030-03-08T10:07:59Z"), 300_000)).toBe("reminders:2030-03-08T10:05");
    expect(slotKey(new Date("2030-03-08T10:09:59Z"), 300_000)).toBe("reminders:2030-03-08T10:05");
    expect(slotKey(new Date("2030-03-08T10:10:00Z"), 300_000)).toBe("reminders:2030-03-08T10:10");
  });

  it("writes an email in the recipient's language with the app's own link only", () => {
    const mailer = { publicUrl: "https://pantau.example.go.id" };
    const n = { kind: "action_overdue", params_json: JSON.stringify({ problem: "K1 rendah", unit: "Puskesmas A", due: "2030-03-07" }), link: "/actions/4" };
    const id = notificationEmail("id", n, mailer);
    expect(id.subject).toBe("[Pantau ILP] Tindak lanjut Puskesmas A terlambat sejak 7 Maret 2030: K1 rendah.");
    expect(id.text).toContain("Buka: https://pantau.example.go.id/actions/4");
    const en = notificationEmail("en", { ...n, link: "//evil.example/x" }, mailer);
    expect(en.subject).toBe("[Pantau ILP] Follow-up action of Puskesmas A is overdue since 7 March 2030: K1 rendah.");
    expect(en.text).toContain("Open: https://pantau.example.go.id/notifications");
    expect(en.text).not.toContain("evil");
    const typed = notificationEmail(
      "id",
      { ...n, params_json: JSON.stringify({ problem: "baris satu\r\nBcc: x@y.id", unit: "A", due: "2030-03-07" }) },
      mailer,
    );
    expect(typed.subject).not.toMatch(/[\r\n]/);
    const digest = digestEmail("en", [n, n], 3, "2030-03-08", mailer);
    expect(digest.subject).toBe("[Pantau ILP] 5 new notifications (8 March 2030)");
    expect(digest.text).toContain("…and 3 more.");
  });

  it("writes periods out in the reader's language", () => {
    expect(periodText("2030-02", "id")).toBe("Februari 2030");
    expect(periodText("2030-02", "en")).toBe("February 2030");
    expect(periodText("2030-Q3", "id")).toBe("Triwulan III 2030");
    expect(periodText("2030-Q3", "en")).toBe("Q3 2030");
    expect(periodText("2030", "en")).toBe("2030");
    expect(periodText("2030-13", "id")).toBe("2030-13");
  });
});
