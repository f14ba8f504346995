/**
 * Notifications (docs/decisions/027-meetings-and-actions.md): one row per person and event, made
 * in the same transaction as the change that causes it. (user_id, event_key) is unique, so an
 * event reaches a person once however many times, and on however many app instances, it is
 * raised. What is shown is rendered from `kind` and `params` in the reader's language.
 */
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { notFound } from "~/auth/guards.server";
import type { SessionUser } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import type { EmailMode, NotificationKind } from "~/db/schema";
import { isEmailAddress } from "~/env.server";
import type { Locale, MessageKey } from "~/i18n/catalog";
import { localeOf, say, type Reader } from "~/i18n/message";
import { dateText } from "~/models/locks.server";
import { clock } from "~/utils/clock.server";
import { safeRedirectPath } from "~/utils/http.server";

export interface NotificationEvent {
  kind: NotificationKind;
  /** Unique per person: "action_assigned:42", "meeting_invitation:7". */
  eventKey: string;
  /** Message parameters (titles, names, dates); rendered when shown. */
  params: Record<string, string | number>;
  /** An app path ("/actions/42"); never an outside address. */
  link?: string | null;
  orgUnitId?: number | null;
}

/** Records `event` for each of `userIds` (duplicates and people who already have it are skipped); returns how many were new. */
export async function notify(db: DbOrTrx, userIds: readonly number[], event: NotificationEvent): Promise<number> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return 0;
  const at = clock.iso();
  const rows = ids.map((userId) => ({
    user_id: userId,
    kind: event.kind,
    event_key: event.eventKey,
    params_json: JSON.stringify(event.params),
    link: event.link ?? null,
    org_unit_id: event.orgUnitId ?? null,
    created_at: at,
  }));
  const result = await db
    .insertInto("notification")
    .values(rows)
    .onConflict((oc) => oc.columns(["user_id", "event_key"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** The active accounts holding a Puskesmas-operator grant on `orgUnitId`: who answers for that unit's reports and actions. */
export async function operatorsOf(db: DbOrTrx, orgUnitId: number): Promise<number[]> {
  return (await operatorsByUnit(db, [orgUnitId])).get(orgUnitId) ?? [];
}

/** The same for several units at once: unit id → its active operators' account ids (units without any are left out). */
export async function operatorsByUnit(db: DbOrTrx, orgUnitIds: readonly number[]): Promise<Map<number, number[]>> {
  const byUnit = new Map<number, number[]>();
  if (orgUnitIds.length === 0) return byUnit;
  const rows = await db
    .selectFrom("role_grant")
    .innerJoin("app_user", "app_user.id", "role_grant.user_id")
    .select(["role_grant.org_unit_id", "app_user.id"])
    .where("role_grant.org_unit_id", "in", [...new Set(orgUnitIds)])
    .where("role_grant.role", "=", "puskesmas_operator")
    .where("app_user.active", "=", 1)
    .execute();
  for (const r of rows) byUnit.set(r.org_unit_id, [...(byUnit.get(r.org_unit_id) ?? []), r.id]);
  return byUnit;
}

/** A long text cut for a notification's parameters: at most `n` characters, with "…" when cut. */
export const excerpt = (s: string, n = 120) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// ---------------------------------------------------------------------------------------------
// Reading: the notification centre (app/routes/notifications.tsx) and the header's count.

/** Notifications per page of the notification centre. */
export const PAGE_SIZE = 20;
/** Pages reachable through ?page= (older ones are past any use). */
export const MAX_PAGE = 50;

export interface NotificationItem {
  id: number;
  kind: NotificationKind;
  text: string;
  link: string | null;
  createdAt: string;
  read: boolean;
}

/** Text params that are dates ("2026-12-10") are shown as "10 Desember 2026" / "10 December 2026". */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const PLACEHOLDERS: Record<NotificationKind, readonly string[]> = {
  report_returned: ["form", "period"],
  deadline_near: ["form", "period", "unit", "date"],
  deadline_passed: ["form", "period", "unit", "date"],
  action_assigned: ["unit", "problem", "due"],
  action_due: ["unit", "problem", "due"],
  action_overdue: ["unit", "problem", "due"],
  action_done: ["unit", "problem"],
  meeting_invitation: ["title", "date"],
};

/** "2030-02" → "Februari 2030" / "February 2030", "2030-Q1" → "Triwulan I 2030" / "Q1 2030"; anything else as it is. */
export function periodText(period: string, locale: Locale): string {
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) return dateText(`${period}-01`)[locale].replace(/^1 /, "");
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return locale === "en" ? `Q${quarter[2]} ${quarter[1]}` : `Triwulan ${["I", "II", "III", "IV"][Number(quarter[2]) - 1]} ${quarter[1]}`;
  return period;
}

/**
 * The text of a notification for `reader`, from its kind and stored params. A param `x` may come
 * with an English variant `x_en`; a param missing from an older or a caller's row shows as "–";
 * an unknown kind gets a general sentence.
 */
export function notificationText(reader: Reader, kind: string, paramsJson: string | Record<string, unknown>): string {
  const locale = localeOf(reader);
  let params: Record<string, unknown> = {};
  if (typeof paramsJson === "string") {
    try {
      const parsed: unknown = JSON.parse(paramsJson);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) params = parsed as Record<string, unknown>;
    } catch {
      params = {};
    }
  } else params = paramsJson;
  const names = PLACEHOLDERS[kind as NotificationKind];
  if (!names) return say(locale, "notifications.kind.unknown");
  const vars: Record<string, string> = {};
  for (const name of names) {
    const localized = locale === "en" ? (params[`${name}_en`] ?? params[name]) : params[name];
    let value = typeof localized === "string" || typeof localized === "number" ? String(localized).trim() : "";
    if (ISO_DATE.test(value)) value = dateText(value)[locale];
    else if (name === "period") value = periodText(value, locale);
    vars[name] = value || say(locale, "notifications.missing");
  }
  return say(locale, `notifications.kind.${kind}` as MessageKey, vars);
}

/** The app path a notification leads to, or null: only same-site paths are ever linked. */
export function safeLink(link: string | null): string | null {
  if (!link) return null;
  const safe = safeRedirectPath(link, "");
  return safe === "" ? null : safe;
}

/** The signed-in user's notifications, newest first, one page; `hasMore` when an older page exists. */
export async function listNotifications(
  user: SessionUser,
  page = 1,
  db: DbOrTrx = getDb(),
): Promise<{ items: NotificationItem[]; page: number; hasMore: boolean }> {
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), MAX_PAGE);
  const rows = await db
    .selectFrom("notification")
    .select(["id", "kind", "params_json", "link", "created_at", "read_at"])
    .where("user_id", "=", user.id)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(PAGE_SIZE + 1)
    .offset((current - 1) * PAGE_SIZE)
    .execute();
  const items = rows.slice(0, PAGE_SIZE).map((r) => ({
    id: r.id,
    kind: r.kind,
    text: notificationText(user, r.kind, r.params_json),
    link: safeLink(r.link),
    createdAt: r.created_at,
    read: r.read_at !== null,
  }));
  return { items, page: current, hasMore: rows.length > PAGE_SIZE && current < MAX_PAGE };
}

/** How many of the user's notifications are unread: one count on notification_user_idx (the header asks on every page). */
export async function unreadCount(userId: number, db: DbOrTrx = getDb()): Promise<number> {
  const row = await db
    .selectFrom("notification")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Marks one of the user's own notifications read and returns its link. Another user's id, or one
 * that does not exist, is 404 (whether it exists elsewhere is not told) and changes nothing.
 */
export async function markRead(user: SessionUser, notificationId: number, db: DbOrTrx = getDb()): Promise<{ link: string | null }> {
  const row = Number.isSafeInteger(notificationId)
    ? await db.selectFrom("notification").select(["id", "link", "read_at"]).where("id", "=", notificationId).where("user_id", "=", user.id).executeTakeFirst()
    : undefined;
  if (!row) throw notFound(user, "notifications.error.notFound");
  if (row.read_at === null) {
    await db
      .updateTable("notification")
      .set({ read_at: clock.iso() })
      .where("id", "=", row.id)
      .where("user_id", "=", user.id)
      .where("read_at", "is", null)
      .execute();
  }
  return { link: safeLink(row.link) };
}

/** Marks all of the user's own unread notifications read; returns how many. */
export async function markAllRead(user: SessionUser, db: DbOrTrx = getDb()): Promise<number> {
  const result = await db
    .updateTable("notification")
    .set({ read_at: clock.iso() })
    .where("user_id", "=", user.id)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Settings: the user's own email address and email choice.

export const EMAIL_MODES: readonly EmailMode[] = ["off", "immediate", "digest"];
export const MAX_EMAIL_CHARS = 254;

export interface NotificationSettings {
  email: string;
  mode: EmailMode;
}

export async function notificationSettings(user: SessionUser, db: DbOrTrx = getDb()): Promise<NotificationSettings> {
  const row = await db
    .selectFrom("app_user")
    .leftJoin("notification_pref", "notification_pref.user_id", "app_user.id")
    .select(["app_user.email", "notification_pref.email_mode"])
    .where("app_user.id", "=", user.id)
    .executeTakeFirst();
  return { email: row?.email ?? "", mode: row?.email_mode ?? "off" };
}

export type SettingsResult = { ok: true; message: string } | { ok: false; status: number; message: string; field: "email" | "mode" };

/**
 * Stores the signed-in user's own email address and email choice, with an audit row in the same
 * transaction. The user comes from the session: nobody sets another account's address.
 */
export async function saveNotificationSettings(input: { user: SessionUser; email: string; mode: string; ip?: string | null }): Promise<SettingsResult> {
  const { user } = input;
  const email = input.email.trim();
  if (email.length > MAX_EMAIL_CHARS) return { ok: false, status: 400, message: say(user, "notifications.error.emailTooLong"), field: "email" };
  if (email !== "" && !isEmailAddress(email)) {
    return { ok: false, status: 400, message: say(user, "notifications.error.emailInvalid", { value: email.slice(0, 80) }), field: "email" };
  }
  if (!(EMAIL_MODES as readonly string[]).includes(input.mode))
    return { ok: false, status: 400, message: say(user, "notifications.error.mode"), field: "mode" };
  const mode = input.mode as EmailMode;
  if (mode !== "off" && email === "") return { ok: false, status: 400, message: say(user, "notifications.error.emailNeeded"), field: "email" };
  const at = clock.iso();
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const before = await notificationSettings(user, trx);
      await trx
        .updateTable("app_user")
        .set({ email: email || null, updated_at: at })
        .where("id", "=", user.id)
        .execute();
      await trx
        .insertInto("notification_pref")
        .values({ user_id: user.id, email_mode: mode, updated_at: at })
        .onConflict((oc) => oc.column("user_id").doUpdateSet({ email_mode: mode, updated_at: at }))
        .execute();
      await writeAudit(trx, {
        actorUserId: user.id,
        action: "notification.settings",
        entityType: "app_user",
        entityId: user.id,
        before: { email: before.email || null, mode: before.mode },
        after: { email: email || null, mode },
        ip: input.ip,
      });
    });
  return { ok: true, message: say(user, "notifications.settings.saved") };
}
