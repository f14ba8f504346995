/**
 * Environment, parsed once at start-up. A bad variable stops the app with a clear message
 * instead of failing later inside a request.
 */
import crypto from "node:crypto";

export interface AppEnv {
  port: number;
  databaseUrl: string | null;
  sessionSecrets: string[];
  production: boolean;
  /** Origins accepted for unsafe methods besides the request's own host. */
  trustedOrigins: string[];
  /** PANTAU_SCORECARD_WARM_SECONDS: how often the scorecard warmer checks for changes; 0 = off (decision 013). */
  scorecardWarmSeconds: number;
  /** Load the columnar fact index at start (PANTAU_FACT_INDEX, default on; decision 040). */
  factIndex: boolean;
  /** Outgoing email (docs/notifications.md); null when PANTAU_SMTP_URL is unset: no email is sent. */
  mail: MailEnv | null;
  /** PANTAU_REMINDER_SECONDS: how often the reminder scheduler runs; 0 = off (docs/decisions/032-notifications-and-reminders.md). */
  reminderSeconds: number;
  /** PANTAU_DIGEST_HOUR: the UTC hour (0–23) from which the day's digest is sent; default 0 = 07:00 WIB. */
  digestHour: number;
}

export interface MailEnv {
  /** PANTAU_SMTP_URL: smtp://user:pass@host:port (STARTTLS, required when there are credentials) or smtps://… (TLS from the start). */
  smtpUrl: string;
  /** PANTAU_MAIL_FROM: the sender, "Pantau ILP <noreply@dinkes.example.go.id>" or a bare address. */
  from: string;
  /** PANTAU_PUBLIC_URL: the app's address as users reach it, for links in email (no trailing slash). */
  publicUrl: string;
}

let cached: AppEnv | null = null;

export class EnvError extends Error {}

export function readEnv(source: NodeJS.ProcessEnv = process.env): AppEnv {
  // `serve` always runs React's production build (it sets NODE_ENV=production for that) and
  // keeps the operator's own choice here: PANTAU_ENV, or NODE_ENV as it was at start-up.
  const production = (source.PANTAU_ENV ?? source.NODE_ENV) === "production";
  const port = Number(source.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new EnvError(`PORT harus bilangan bulat 1–65535, bukan "${source.PORT}".`);
  }
  const databaseUrl = source.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl) && !/^sqlite:/.test(databaseUrl)) {
    throw new EnvError(`DATABASE_URL harus diawali postgres:// (PostgreSQL) atau sqlite:<berkas>; kosongkan untuk SQLite bawaan data/pantau.sqlite.`);
  }
  let secrets = (source.SESSION_SECRET ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (secrets.length === 0) {
    if (production) throw new EnvError("SESSION_SECRET wajib diisi di produksi (minimal 32 karakter acak).");
    // Development and tests: a per-process secret. Sessions live in the database, so a
    // restart only invalidates cookie signatures, which forces a new login.
    secrets = [crypto.randomBytes(32).toString("hex")];
  }
  if (production && secrets.some((s) => s.length < 32)) {
    throw new EnvError("SESSION_SECRET terlalu pendek: gunakan minimal 32 karakter acak.");
  }
  const trustedOrigins = (source.TRUSTED_ORIGINS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const warm = (source.PANTAU_SCORECARD_WARM_SECONDS ?? "").trim();
  const scorecardWarmSeconds = warm === "" ? 15 : Number(warm);
  if (!Number.isInteger(scorecardWarmSeconds) || scorecardWarmSeconds < 0 || scorecardWarmSeconds > 3600) {
    throw new EnvError(`PANTAU_SCORECARD_WARM_SECONDS harus bilangan bulat 0–3600 (0 = mati), bukan "${source.PANTAU_SCORECARD_WARM_SECONDS}".`);
  }
  const indexSetting = (source.PANTAU_FACT_INDEX ?? "").trim();
  if (indexSetting !== "" && indexSetting !== "0" && indexSetting !== "1") {
    throw new EnvError(
      `PANTAU_FACT_INDEX harus 1 (indeks fakta di memori, bawaan) atau 0 (scorecard dihitung dengan SQL), bukan "${source.PANTAU_FACT_INDEX}".`,
    );
  }
  const factIndex = indexSetting !== "0";
  readFakeNow(source);
  const mail = readMailEnv(source);
  const reminder = (source.PANTAU_REMINDER_SECONDS ?? "").trim();
  // Off by default under test runners, so a test server does not write reminders nobody asked for.
  const testing = (source.PANTAU_ENV ?? source.NODE_ENV) === "test";
  const reminderSeconds = reminder === "" ? (testing ? 0 : 300) : Number(reminder);
  if (!Number.isInteger(reminderSeconds) || (reminderSeconds !== 0 && (reminderSeconds < 10 || reminderSeconds > 86400))) {
    throw new EnvError(`PANTAU_REMINDER_SECONDS harus 0 (mati) atau bilangan bulat 10–86400, bukan "${source.PANTAU_REMINDER_SECONDS}".`);
  }
  const hour = (source.PANTAU_DIGEST_HOUR ?? "").trim();
  const digestHour = hour === "" ? 0 : /^\d{1,2}$/.test(hour) ? Number(hour) : NaN;
  if (!Number.isInteger(digestHour) || digestHour < 0 || digestHour > 23) {
    throw new EnvError(`PANTAU_DIGEST_HOUR harus jam UTC 0–23 (0 = 07.00 WIB, 1 = 08.00 WIB), bukan "${source.PANTAU_DIGEST_HOUR}".`);
  }
  return { port, databaseUrl, sessionSecrets: secrets, production, trustedOrigins, scorecardWarmSeconds, factIndex, mail, reminderSeconds, digestHour };
}

const ADDRESS = /^[^\s@<>()",;:\\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** An email address as Pantau accepts one: local@domain.tld, no spaces, no display name, at most 254 characters. */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value);
}

/** The email settings, checked: all three variables or none (PANTAU_SMTP_URL unset turns email off). */
export function readMailEnv(source: NodeJS.ProcessEnv = process.env): MailEnv | null {
  const smtpUrl = source.PANTAU_SMTP_URL?.trim() ?? "";
  if (!smtpUrl) return null;
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new EnvError("PANTAU_SMTP_URL harus berbentuk smtp://pengguna:sandi@host:port atau smtps://pengguna:sandi@host:port.");
  }
  if ((url.protocol !== "smtp:" && url.protocol !== "smtps:") || !url.hostname) {
    throw new EnvError("PANTAU_SMTP_URL harus diawali smtp:// atau smtps:// dan memuat nama host, misalnya smtps://pantau:sandi@mail.dinkes.go.id:465.");
  }
  const from = source.PANTAU_MAIL_FROM?.trim() ?? "";
  const bare = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  if (!isEmailAddress(bare) || /[\r\n]/.test(from)) {
    throw new EnvError(
      `PANTAU_MAIL_FROM wajib diisi bila PANTAU_SMTP_URL diisi: alamat pengirim seperti "Pantau ILP <noreply@dinkes.go.id>", bukan "${from}".`,
    );
  }
  const publicUrl = (source.PANTAU_PUBLIC_URL?.trim() ?? "").replace(/\/+$/, "");
  let parsed: URL | null;
  try {
    parsed = new URL(publicUrl);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:") || parsed.search || parsed.hash || parsed.username) {
    throw new EnvError(
      `PANTAU_PUBLIC_URL wajib diisi bila PANTAU_SMTP_URL diisi: alamat aplikasi untuk tautan di email, seperti https://pantau.dinkes.go.id, bukan "${publicUrl}".`,
    );
  }
  return { smtpUrl, from, publicUrl };
}

/**
 * PANTAU_NOW, checked: the instant (ms) the app's clock starts at, or null when unset. Demos and
 * tests only: refused in production. A date (2028-02-29, midnight UTC) or an instant with its
 * zone (2028-02-29T10:00:00Z); an impossible date (2027-02-29) is refused, not rolled over.
 */
export function readFakeNow(source: NodeJS.ProcessEnv = process.env): number | null {
  const raw = source.PANTAU_NOW?.trim();
  if (!raw) return null;
  if ((source.PANTAU_ENV ?? source.NODE_ENV) === "production") {
    throw new EnvError("PANTAU_NOW hanya untuk demo dan pengujian; hapus variabel ini di produksi agar aplikasi memakai jam server.");
  }
  const m = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(raw);
  const at = m ? Date.parse(m[2] ? raw : `${raw}T00:00:00Z`) : NaN;
  // The date must exist as written (Date.parse rolls 2027-02-29 over to 1 March).
  const day = m ? Date.parse(`${m[1]}T00:00:00Z`) : NaN;
  const exists = Number.isFinite(at) && Number.isFinite(day) && new Date(day).toISOString().slice(0, 10) === m![1];
  if (!exists) throw new EnvError(`PANTAU_NOW harus tanggal ISO yang ada, seperti 2028-02-29 atau 2028-02-29T10:00:00Z, bukan "${raw}".`);
  return at;
}

export function env(): AppEnv {
  cached ??= readEnv();
  return cached;
}
