/**
 * Reminders and email (docs/notifications.md, docs/decisions/032-notifications-and-reminders.md).
 *
 * `serve` starts a scheduler that calls `runReminders` every PANTAU_REMINDER_SECONDS. A run:
 *   1. claims its time slot (`reminders:<slot>` in job_claim); the instance whose insert counts
 *      writes the slot's reminders: report deadlines once a day (`deadlines:<day>`), follow-up
 *      actions due within DUE_SOON_DAYS or overdue every slot;
 *   2. on every instance, releases the claims of failed sends after a back-off (and stale claims
 *      of a sender that stopped), at most MAX_ATTEMPTS tries each;
 *   3. sends the email of immediate-mode users (each notification claimed with
 *      `UPDATE … WHERE email_claimed_at IS NULL`) and, from the digest hour on, the daily digest
 *      of digest-mode users (claimed with `digest:<user>:<day>`), so each message goes out once
 *      however many instances share the database. A connection-level failure ends the run's email.
 * Notification uniqueness (user_id, event_key) makes every reminder reach a person once even when
 * a slot's work is repeated. Every step reads in bounded pages.
 */
import os from "node:os";
import crypto from "node:crypto";
import { previousPeriod } from "@engine";
import { ENTRY_LEVELS } from "~/auth/policy.server";
import type { DbOrTrx } from "~/auth/audit.server";
import { getDb } from "~/db/db.server";
import type { NotificationKind } from "~/db/schema";
import { isLocale, type Locale } from "~/i18n/catalog";
import { say } from "~/i18n/message";
import { env } from "~/env.server";
import { isConnectionFailure, mailerFromEnv, type Mailer, type MailMessage } from "~/server/mailer.server";
import { clock } from "~/utils/clock.server";
import { currentPeriodOf } from "./entry.server";
import { dateText, deadlineDate, LockCache } from "./locks.server";
import { excerpt, notificationText, notify, operatorsByUnit, safeLink } from "./notifications.server";
import { ancestorIds } from "./submissions.server";
import { effectivePackages, formDueIn, type EffectivePackage } from "./templates.server";
import { expectedWith, membershipsOf, reportOperatorsByUnit } from "./village-entry.server";

/** "Near": the deadline or due date is today or within this many days. */
export const DUE_SOON_DAYS = 3;
/** Overdue actions are reminded while their due date is at most this many days past (later ones were reminded then). */
export const OVERDUE_WINDOW_DAYS = 14;
/** Tries of one notification's email before it is given up. */
export const MAX_ATTEMPTS = 5;
/** Wait before the first retry; doubled for each later one. */
export const RETRY_BASE_MS = 5 * 60_000;
/** A notification older than this is no longer emailed (someone switching email on gets no backlog). */
export const EMAIL_MAX_AGE_DAYS = 3;
/** Rows read per page. */
export const PAGE = 200;
/** Emails (single or digest) sent per run, at most; the rest go in the next run. */
export const MAX_EMAILS_PER_RUN = 500;
/** Items listed in one digest; the rest are counted. */
export const DIGEST_ITEMS = 30;
/** A claim held this long with nothing recorded is a send that never finished (the instance stopped). */
export const STALE_CLAIM_MS = 60 * 60_000;
/** Claims older than this are deleted. */
const CLAIM_KEEP_DAYS = 30;

const INSTANCE = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`.slice(0, 64);

export interface ReminderOptions {
  /** Where email goes; default: the environment's mailer (null: no email). */
  mailer?: Mailer | null;
  /** The scheduler's interval: the length of one claimed slot (default five minutes). */
  intervalMs?: number;
  /** Who claims ("host:pid:random"); tests name their two schedulers. */
  instance?: string;
  log?: (message: string) => void;
  /** The UTC hour from which the day's digest goes out; default PANTAU_DIGEST_HOUR. */
  digestHour?: number;
}

export interface ReminderRun {
  /** This instance won the slot and wrote its reminders. */
  slot: boolean;
  /** New deadline notifications (near and passed), or null when another instance had the day. */
  deadlines: number | null;
  actions: number;
  emails: EmailRun;
}

export interface EmailRun {
  sent: number;
  failed: number;
  digests: number;
  digestsFailed: number;
  /** Claims of failed sends released for another try. */
  released: number;
  /** Stale claims (the sender stopped between claim and send) counted as failed attempts. */
  stale: number;
  /** The run stopped sending at a connection-level failure; the rest waits for the next run. */
  stopped: boolean;
}

export interface DeliverOptions {
  instance?: string;
  log?: (m: string) => void;
  /** The UTC hour from which the day's digest goes out; default PANTAU_DIGEST_HOUR. */
  digestHour?: number;
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Inserts a job_claim; true for the one instance whose insert counted. */
export async function claimJob(db: DbOrTrx, key: string, instance = INSTANCE): Promise<boolean> {
  const result = await db
    .insertInto("job_claim")
    .values({ claim_key: key, claimed_by: instance.slice(0, 64), claimed_at: clock.iso() })
    .onConflict((oc) => oc.column("claim_key").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

async function releaseJob(db: DbOrTrx, key: string): Promise<void> {
  await db.deleteFrom("job_claim").where("claim_key", "=", key).execute();
}

/** The slot a run at `now` belongs to: the instant rounded down to the interval, to the minute. */
export function slotKey(now: Date, intervalMs: number): string {
  const step = Math.max(60_000, intervalMs);
  return `reminders:${new Date(Math.floor(now.getTime() / step) * step).toISOString().slice(0, 16)}`;
}

/** One scheduler run (see the module comment); never throws for a failed email. */
export async function runReminders(db: DbOrTrx = getDb(), options: ReminderOptions = {}): Promise<ReminderRun> {
  const now = clock.now();
  const instance = options.instance ?? INSTANCE;
  const slot = await claimJob(db, slotKey(now, options.intervalMs ?? 300_000), instance);
  let deadlines: number | null = null;
  let actions = 0;
  if (slot) {
    const dayKey = `deadlines:${now.toISOString().slice(0, 10)}`;
    if (await claimJob(db, dayKey, instance)) {
      try {
        deadlines = await remindDeadlines(db, now);
        await pruneClaims(db, now);
      } catch (e) {
        // Let the next slot try the day again.
        await releaseJob(db, dayKey);
        throw e;
      }
    }
    actions = await remindActions(db, now);
  }
  const mailer = options.mailer === undefined ? mailerFromEnv() : options.mailer;
  const emails = mailer
    ? await deliverEmails(db, mailer, { instance, log: options.log, digestHour: options.digestHour })
    : { sent: 0, failed: 0, digests: 0, digestsFailed: 0, released: 0, stale: 0, stopped: false };
  return { slot, deadlines, actions, emails };
}

async function pruneClaims(db: DbOrTrx, now: Date): Promise<void> {
  const before = new Date(now.getTime() - CLAIM_KEEP_DAYS * 86_400_000).toISOString();
  await db.deleteFrom("job_claim").where("claimed_at", "<", before).execute();
}

// ---------------------------------------------------------------------------------------------
// Report deadlines

/**
 * deadline_near / deadline_passed for every Puskesmas, Pustu and Posyandu someone enters reports
 * for (an active Puskesmas operator of its Puskesmas, or village operator of its Pustu), to those
 * operators: each form due in its current or previous period and expected from that unit then
 * (its levels and groups, docs/decisions/035-village-reporting.md; as the operator's home lists
 * them) whose report is not submitted, when the deadline is within DUE_SOON_DAYS or has passed.
 * Returns how many notifications were new. The units someone enters for are read in pages of
 * PAGE, each with the Pustu and Posyandu below it.
 */
export async function remindDeadlines(db: DbOrTrx = getDb(), now = clock.now()): Promise<number> {
  const today = now.toISOString().slice(0, 10);
  const soon = addDays(today, DUE_SOON_DAYS);
  const cache = new LockCache();
  const packagesOf = new Map<number | null, Promise<Array<{ key: string; effective: EffectivePackage }>>>();
  let created = 0;
  let after = 0;
  // A Pustu with its own village operator lies under a Puskesmas with an operator too: each unit once.
  const seen = new Set<number>();
  for (;;) {
    // The units someone enters for (a page of them), then every unit of their subtrees: a Pustu or
    // Posyandu lies at most two levels below (parent_id, indexed), never a LIKE over the whole tree.
    const roots = await db
      .selectFrom("role_grant as g")
      .innerJoin("app_user as u", "u.id", "g.user_id")
      .innerJoin("org_unit as o", "o.id", "g.org_unit_id")
      .select("o.id")
      .distinct()
      .where("u.active", "=", 1)
      .where((eb) =>
        eb.or([
          eb.and([eb("g.role", "=", "puskesmas_operator"), eb("o.level", "=", "puskesmas")]),
          eb.and([eb("g.role", "=", "village_operator"), eb("o.level", "=", "pustu")]),
        ]),
      )
      .where("o.id", ">", after)
      .orderBy("o.id")
      .limit(PAGE)
      .execute();
    if (roots.length === 0) break;
    after = roots[roots.length - 1].id;
    const rootIds = roots.map((r) => r.id);
    const units = (
      await db
        .selectFrom("org_unit as o")
        .select(["o.id", "o.code", "o.name", "o.path", "o.level"])
        .where("o.level", "in", [...ENTRY_LEVELS])
        .where((eb) =>
          eb.or([
            eb("o.id", "in", rootIds),
            eb("o.parent_id", "in", rootIds),
            eb("o.parent_id", "in", eb.selectFrom("org_unit as c").select("c.id").where("c.parent_id", "in", rootIds)),
          ]),
        )
        .orderBy("o.id")
        .execute()
    ).filter((u) => !seen.has(u.id));
    for (const u of units) seen.add(u.id);
    const [operators, memberships] = await Promise.all([
      reportOperatorsByUnit(db, units),
      membershipsOf(
        db,
        units.map((u) => u.id),
      ),
    ]);
    for (const unit of units) {
      const recipients = operators.get(unit.id) ?? [];
      const { districtId } = ancestorIds(unit);
      let packages = packagesOf.get(districtId);
      if (!packages) packagesOf.set(districtId, (packages = effectivePackages(districtId, db)));
      const due: Array<{ key: string; formKey: string; title: { id: string; en?: string }; period: string; periodType: "month" | "quarter" | "year" }> = [];
      for (const { key, effective } of await packages) {
        for (const form of effective.package.forms) {
          const current = currentPeriodOf(form, now);
          for (const period of [current, previousPeriod(current)]) {
            if (formDueIn(effective, form.key, period) && expectedWith(form, unit, memberships.get(unit.id) ?? [], period))
              due.push({ key, formKey: form.key, title: form.title, period, periodType: form.periodType });
          }
        }
      }
      if (due.length === 0) continue;
      const submitted = await db
        .selectFrom("submission")
        .select(["package_key", "form_key", "period"])
        .where("org_unit_id", "=", unit.id)
        .where("period", "in", [...new Set(due.map((d) => d.period))])
        .where("status", "in", ["submitted", "approved"])
        .execute();
      const done = new Set(submitted.map((s) => `${s.package_key}|${s.form_key}|${s.period}`));
      for (const d of due) {
        if (done.has(`${d.key}|${d.formKey}|${d.period}`)) continue;
        const deadline = deadlineDate(d.period, (await cache.deadlineDays(db, unit, d.periodType)).days);
        const kind: NotificationKind | null = today > deadline ? "deadline_passed" : deadline <= soon ? "deadline_near" : null;
        if (!kind) continue;
        created += await notify(db, recipients, {
          kind,
          eventKey: `${kind}:${unit.id}:${d.key}:${d.formKey}:${d.period}`,
          params: { form: d.title.id, form_en: d.title.en || d.title.id, period: d.period, unit: unit.name, date: deadline },
          link: `/forms/${encodeURIComponent(d.formKey)}/${encodeURIComponent(d.period)}?unit=${encodeURIComponent(unit.code)}`,
          orgUnitId: unit.id,
        });
      }
    }
    if (roots.length < PAGE) break;
  }
  return created;
}

// ---------------------------------------------------------------------------------------------
// Follow-up actions

/**
 * action_due (due today or within DUE_SOON_DAYS) and action_overdue (due date passed, up to
 * OVERDUE_WINDOW_DAYS ago) for planned and in-progress actions, to the responsible unit's active
 * operators as they are now (the responsible account among them while it still operates that
 * unit: someone moved elsewhere no longer receives the unit's problems). Returns how many
 * notifications were new.
 */
export async function remindActions(db: DbOrTrx = getDb(), now = clock.now()): Promise<number> {
  const today = now.toISOString().slice(0, 10);
  const soon = addDays(today, DUE_SOON_DAYS);
  const oldest = addDays(today, -OVERDUE_WINDOW_DAYS);
  let created = 0;
  let after = 0;
  for (;;) {
    const actions = await db
      .selectFrom("follow_up_action as a")
      .innerJoin("org_unit as o", "o.id", "a.responsible_org_unit_id")
      .select(["a.id", "a.problem", "a.due_date", "a.responsible_org_unit_id", "o.name as unit"])
      .where("a.status", "in", ["planned", "in_progress"])
      .where("a.due_date", ">=", oldest)
      .where("a.due_date", "<=", soon)
      .where("a.id", ">", after)
      .orderBy("a.id")
      .limit(PAGE)
      .execute();
    if (actions.length === 0) break;
    after = actions[actions.length - 1].id;
    const operators = await operatorsByUnit(
      db,
      actions.map((x) => x.responsible_org_unit_id),
    );
    for (const a of actions) {
      const recipients = operators.get(a.responsible_org_unit_id) ?? [];
      const kind: NotificationKind = a.due_date < today ? "action_overdue" : "action_due";
      const problem = excerpt(a.problem);
      created += await notify(db, recipients, {
        kind,
        eventKey: `${kind}:${a.id}`,
        params: { problem, unit: a.unit, due: a.due_date },
        link: `/actions/${a.id}`,
        orgUnitId: a.responsible_org_unit_id,
      });
    }
    if (actions.length < PAGE) break;
  }
  return created;
}

// ---------------------------------------------------------------------------------------------
// Email

interface Pending {
  id: number;
  kind: string;
  params_json: string;
  link: string | null;
  created_at: string;
  email_error: string | null;
}

/** A failed send's answer as stored in email_error: one line, bounded. */
function errorText(e: unknown): string {
  const detail = e instanceof Error ? e.message : String(e);
  return detail.replace(/\s+/g, " ").slice(0, 500);
}

/** One notification's email in the recipient's language, with the link. */
export function notificationEmail(
  locale: Locale,
  n: Pick<Pending, "kind" | "params_json" | "link">,
  mailer: Pick<Mailer, "publicUrl">,
): Omit<MailMessage, "to"> {
  // One line: a problem text typed with line breaks must not spill into the mail headers.
  const text = notificationText(locale, n.kind, n.params_json).replace(/\s+/g, " ");
  const url = `${mailer.publicUrl}${safeLink(n.link) ?? "/notifications"}`;
  const settings = `${mailer.publicUrl}/notifications`;
  return {
    subject: say(locale, "notifications.email.subject", { text: text.length > 150 ? `${text.slice(0, 149)}…` : text }),
    text: [text, "", say(locale, "notifications.email.open", { url }), "", "--", say(locale, "notifications.email.footer", { url: settings })].join("\n"),
  };
}

/** A digest of several notifications in the recipient's language. */
export function digestEmail(
  locale: Locale,
  items: ReadonlyArray<Pick<Pending, "kind" | "params_json" | "link">>,
  more: number,
  day: string,
  mailer: Pick<Mailer, "publicUrl">,
): Omit<MailMessage, "to"> {
  const settings = `${mailer.publicUrl}/notifications`;
  const lines = items.flatMap((n) => [`- ${notificationText(locale, n.kind, n.params_json)}`, `  ${mailer.publicUrl}${safeLink(n.link) ?? "/notifications"}`]);
  return {
    subject: say(locale, "notifications.email.digestSubject", { count: items.length + more, date: dateText(day)[locale] }),
    text: [
      say(locale, "notifications.email.digestIntro"),
      "",
      ...lines,
      ...(more > 0 ? ["", say(locale, "notifications.email.digestMore", { count: more, url: settings })] : []),
      "",
      "--",
      say(locale, "notifications.email.footer", { url: settings }),
    ].join("\n"),
  };
}

/**
 * Sends what is due: first records sends whose record failed earlier, releases failed and stale
 * claims, then sends each immediate-mode user's new notifications one by one, then (from the
 * digest hour on) each digest-mode user's daily digest. Recipients are always the notification
 * owner's own app_user.email. A failed send is recorded in email_error and never thrown; a
 * connection-level failure (the server cannot be reached or hangs) ends the run's email, leaving
 * the rest unclaimed for the next run.
 */
export async function deliverEmails(db: DbOrTrx, mailer: Mailer, options: DeliverOptions = {}): Promise<EmailRun> {
  const log = options.log ?? ((m: string) => console.error(m));
  const run: EmailRun = { sent: 0, failed: 0, digests: 0, digestsFailed: 0, released: 0, stale: 0, stopped: false };
  if (!(await recordUnrecorded(db, log))) return run;
  await releaseClaims(db, run);
  await sendImmediate(db, mailer, run, log);
  if (!run.stopped) await sendDigests(db, mailer, run, log, options.instance ?? INSTANCE, options.digestHour ?? env().digestHour);
  return run;
}

/**
 * Sends the server accepted whose emailed_at could not be written (the database refused the
 * write). They keep their claim, so they are not sent again; this process writes emailed_at at
 * the start of its next runs, before the stale-claim rule could take them for sends that never
 * finished. Bounded; lost only if the process stops before the database is back.
 */
const unrecorded: Array<{ ids: number[]; claimedAt: string; emailedAt: string }> = [];
const UNRECORDED_KEEP = 1000;

/** Writes emailed_at of a send the server accepted; a database failure is logged and the claim stays. */
async function recordSent(db: DbOrTrx, ids: number[], claimedAt: string, log: (m: string) => void): Promise<void> {
  const emailedAt = clock.iso();
  try {
    await markSent(db, ids, claimedAt, emailedAt);
  } catch (e) {
    log(`Email of notification ${ids.join(", ")} was sent but not recorded (it keeps its claim and is not sent again): ${errorText(e)}`);
    unrecorded.push({ ids, claimedAt, emailedAt });
    if (unrecorded.length > UNRECORDED_KEEP) unrecorded.shift();
  }
}

async function markSent(db: DbOrTrx, ids: number[], claimedAt: string, emailedAt: string): Promise<void> {
  await db
    .updateTable("notification")
    .set({ emailed_at: emailedAt, email_error: null })
    .where("id", "in", ids)
    .where("email_claimed_at", "=", claimedAt)
    .where("emailed_at", "is", null)
    .execute();
}

/** Writes what recordSent could not; false (logged) when the database still refuses. */
async function recordUnrecorded(db: DbOrTrx, log: (m: string) => void): Promise<boolean> {
  while (unrecorded.length > 0) {
    const { ids, claimedAt, emailedAt } = unrecorded[0];
    try {
      await markSent(db, ids, claimedAt, emailedAt);
    } catch (e) {
      log(`Email sent earlier still not recorded: ${errorText(e)}`);
      return false;
    }
    unrecorded.shift();
  }
  return true;
}

/** A failed send: its answer and one more attempt; the claim stays until releaseClaims frees it. */
async function recordFailure(db: DbOrTrx, ids: number[], claimedAt: string, e: unknown): Promise<void> {
  await db
    .updateTable("notification")
    .set((eb) => ({ email_error: errorText(e), email_attempts: eb("email_attempts", "+", 1) }))
    .where("id", "in", ids)
    .where("email_claimed_at", "=", claimedAt)
    .execute();
}

/**
 * Frees the claims that may be tried again, up to MAX_ATTEMPTS tries and only while the
 * notification is still emailed (EMAIL_MAX_AGE_DAYS):
 * - a failed send (email_error set) once its back-off passed (each try waits twice as long);
 * - a stale claim (no error, not emailed, older than STALE_CLAIM_MS): the instance stopped
 *   between claim and send; counted as a failed attempt.
 * Only rows that can be released are read, oldest claim first, so given-up and waiting ones do
 * not crowd out the rest.
 */
async function releaseClaims(db: DbOrTrx, run: EmailRun): Promise<void> {
  const now = clock.ms();
  const iso = (ms: number) => new Date(ms).toISOString();
  const staleBefore = iso(now - STALE_CLAIM_MS);
  const waiting = new Set(unrecorded.flatMap((u) => u.ids));
  const rows = await db
    .selectFrom("notification_pref as p")
    .innerJoin("notification as n", "n.user_id", "p.user_id")
    .select(["n.id", "n.email_claimed_at", "n.email_attempts", "n.email_error"])
    .where("p.email_mode", "!=", "off")
    .where("n.emailed_at", "is", null)
    .where("n.email_claimed_at", "is not", null)
    .where("n.email_attempts", "<", MAX_ATTEMPTS)
    .where("n.created_at", ">=", emailSince())
    .where((eb) =>
      eb.or([
        eb.and([eb("n.email_error", "is", null), eb("n.email_claimed_at", "<=", staleBefore)]),
        ...Array.from({ length: MAX_ATTEMPTS }, (_, attempts) =>
          eb.and([
            eb("n.email_error", "is not", null),
            eb("n.email_attempts", "=", attempts),
            eb("n.email_claimed_at", "<=", iso(now - RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1))),
          ]),
        ),
      ]),
    )
    .orderBy("n.email_claimed_at")
    .orderBy("n.id")
    .limit(PAGE * 5)
    .execute();
  for (const f of rows) {
    if (waiting.has(f.id)) continue;
    // Only the claim that was read: another instance may have released and re-claimed it meanwhile.
    const claimed = db.updateTable("notification").where("id", "=", f.id).where("email_claimed_at", "=", f.email_claimed_at).where("emailed_at", "is", null);
    if (f.email_error !== null) {
      const result = await claimed.set({ email_claimed_at: null }).executeTakeFirst();
      run.released += Number(result.numUpdatedRows ?? 0);
    } else {
      // The last allowed attempt keeps its claim: given up like a failed one.
      const result = await claimed
        .where("email_error", "is", null)
        .set((eb) => ({
          email_error: "The send did not finish: claimed over an hour ago with no result (the sending instance stopped?).",
          email_attempts: eb("email_attempts", "+", 1),
          email_claimed_at: f.email_attempts + 1 >= MAX_ATTEMPTS ? f.email_claimed_at : null,
        }))
        .executeTakeFirst();
      run.stale += Number(result.numUpdatedRows ?? 0);
    }
  }
}

function emailSince(): string {
  return new Date(clock.ms() - EMAIL_MAX_AGE_DAYS * 86_400_000).toISOString();
}

/** Logs a failed send; true when it was a connection-level failure, which ends the run's email. */
function failedSend(run: EmailRun, log: (m: string) => void, what: string, e: unknown): boolean {
  const stop = isConnectionFailure(e);
  if (stop) run.stopped = true;
  log(`${what}: ${e instanceof Error ? e.message : String(e)}${stop ? " (the mail server cannot be reached: no more email this run)" : ""}`);
  return stop;
}

async function sendImmediate(db: DbOrTrx, mailer: Mailer, run: EmailRun, log: (m: string) => void): Promise<void> {
  const rows = await db
    .selectFrom("notification_pref as p")
    .innerJoin("app_user as u", "u.id", "p.user_id")
    .innerJoin("notification as n", "n.user_id", "p.user_id")
    .select(["n.id", "n.kind", "n.params_json", "n.link", "n.created_at", "n.email_error", "u.email", "u.locale"])
    .where("p.email_mode", "=", "immediate")
    .where("u.active", "=", 1)
    .where("u.email", "is not", null)
    .where("n.email_claimed_at", "is", null)
    .where("n.emailed_at", "is", null)
    .where("n.email_attempts", "<", MAX_ATTEMPTS)
    .where("n.created_at", ">=", emailSince())
    .orderBy("n.id")
    .limit(MAX_EMAILS_PER_RUN)
    .execute();
  for (const n of rows) {
    const claimedAt = clock.iso();
    // The claim clears the previous try's answer: an error then always belongs to this claim.
    const claim = await db
      .updateTable("notification")
      .set({ email_claimed_at: claimedAt, email_error: null })
      .where("id", "=", n.id)
      .where("email_claimed_at", "is", null)
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows ?? 0) !== 1) continue;
    const locale: Locale = isLocale(n.locale) ? n.locale : "id";
    try {
      await mailer.send({ to: n.email!, ...notificationEmail(locale, n, mailer) });
    } catch (e) {
      // Only the send counts as a failed attempt.
      run.failed++;
      const stop = failedSend(run, log, `Email of notification ${n.id}`, e);
      await recordFailure(db, [n.id], claimedAt, e);
      if (stop) return;
      continue;
    }
    run.sent++;
    // Outside the send's try: the server has the message, so a database failure here must not make it a failed (retried) one.
    await recordSent(db, [n.id], claimedAt, log);
  }
}

/**
 * The daily digests: only from the digest hour (UTC) on, each digest-mode user's notifications
 * created before that hour today and not yet emailed, in one email; claimed per user and day.
 * What comes after the hour waits for the next day's digest.
 */
async function sendDigests(db: DbOrTrx, mailer: Mailer, run: EmailRun, log: (m: string) => void, instance: string, digestHour: number): Promise<void> {
  const day = clock.today();
  const cutoff = `${day}T${String(digestHour).padStart(2, "0")}:00:00.000Z`;
  if (clock.iso() < cutoff) return;
  const since = emailSince();
  let after = 0;
  for (;;) {
    const users = await db
      .selectFrom("notification_pref as p")
      .innerJoin("app_user as u", "u.id", "p.user_id")
      .select(["u.id", "u.email", "u.locale"])
      .where("p.email_mode", "=", "digest")
      .where("u.active", "=", 1)
      .where("u.email", "is not", null)
      .where("u.id", ">", after)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("notification as n")
            .select("n.id")
            .whereRef("n.user_id", "=", "u.id")
            .where("n.email_claimed_at", "is", null)
            .where("n.emailed_at", "is", null)
            .where("n.email_attempts", "<", MAX_ATTEMPTS)
            .where("n.created_at", ">=", since)
            .where("n.created_at", "<", cutoff),
        ),
      )
      .orderBy("u.id")
      .limit(PAGE)
      .execute();
    if (users.length === 0) return;
    after = users[users.length - 1].id;
    for (const u of users) {
      if (run.sent + run.digests >= MAX_EMAILS_PER_RUN) return;
      const key = `digest:${u.id}:${day}`;
      if (!(await claimJob(db, key, instance))) continue;
      const claimedAt = clock.iso();
      const pending = await db
        .selectFrom("notification")
        .select("id")
        .where("user_id", "=", u.id)
        .where("email_claimed_at", "is", null)
        .where("emailed_at", "is", null)
        .where("email_attempts", "<", MAX_ATTEMPTS)
        .where("created_at", ">=", since)
        .where("created_at", "<", cutoff)
        .execute();
      const ids = pending.map((p) => p.id);
      if (ids.length > 0) {
        await db
          .updateTable("notification")
          .set({ email_claimed_at: claimedAt, email_error: null })
          .where("id", "in", ids)
          .where("email_claimed_at", "is", null)
          .execute();
      }
      const mine: Pending[] = ids.length
        ? await db
            .selectFrom("notification")
            .select(["id", "kind", "params_json", "link", "created_at", "email_error"])
            .where("id", "in", ids)
            .where("email_claimed_at", "=", claimedAt)
            .where("emailed_at", "is", null)
            .orderBy("created_at", "desc")
            .orderBy("id", "desc")
            .execute()
        : [];
      if (mine.length === 0) {
        // Nothing left to send after all: the day stays open for a later run.
        await releaseJob(db, key);
        continue;
      }
      const locale: Locale = isLocale(u.locale) ? u.locale : "id";
      const mineIds = mine.map((m) => m.id);
      try {
        await mailer.send({ to: u.email!, ...digestEmail(locale, mine.slice(0, DIGEST_ITEMS), Math.max(0, mine.length - DIGEST_ITEMS), day, mailer) });
      } catch (e) {
        run.digestsFailed++;
        const stop = failedSend(run, log, `Digest of user ${u.id}`, e);
        await recordFailure(db, mineIds, claimedAt, e);
        // Today's digest was not delivered: once the back-off frees its notifications, a later run may claim the day again.
        await releaseJob(db, key);
        if (stop) return;
        continue;
      }
      run.digests++;
      await recordSent(db, mineIds, claimedAt, log);
    }
    if (users.length < PAGE) return;
  }
}

// ---------------------------------------------------------------------------------------------
// The scheduler

export interface ReminderScheduler {
  /** One run now (after the one under way, if any). */
  tick(): Promise<ReminderRun | null>;
  stop(): Promise<void>;
}

let current: ReminderScheduler | null = null;

/**
 * Starts the reminder scheduler in the server process: a first run right away, then one every
 * `intervalMs`. The timer does not keep the process alive; errors are logged and the loop goes
 * on. One per process.
 */
export function startReminderScheduler(options: { intervalMs: number; log?: (m: string) => void }, db: DbOrTrx = getDb()): ReminderScheduler {
  if (current) return current;
  const log = options.log ?? ((m: string) => console.error(m));
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const run = async (): Promise<ReminderRun | null> => {
    try {
      return await runReminders(db, { intervalMs: options.intervalMs, log });
    } catch (e) {
      log(`Reminders: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  };
  const tick = () => {
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    return next;
  };
  const loop = async () => {
    await tick();
    if (!stopped) {
      timer = setTimeout(loop, options.intervalMs);
      timer.unref();
    }
  };
  void loop();
  current = {
    tick,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chain;
      current = null;
    },
  };
  return current;
}
