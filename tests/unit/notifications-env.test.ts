/** Email and reminder settings: all three mail variables or none, checked at start-up with a clear Indonesian message. */
import { describe, expect, it } from "vitest";
import { EnvError, isEmailAddress, readEnv } from "~/env.server";
import { periodText } from "~/models/notifications.server";
import { digestEmail, notificationEmail, slotKey } from "~/models/reminders.server";

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
