import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { PageHeader } from "~/components/PageHeader";
import { env } from "~/env.server";
import type { MessageKey } from "~/i18n/catalog";
import { say } from "~/i18n/message";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import { listNotifications, markAllRead, markRead, notificationSettings, saveNotificationSettings, unreadCount } from "~/models/notifications.server";
import { clientIp, formString, parseId, readForm } from "~/utils/http.server";
import styles from "~/styles/notifications.css";

/** The component's copies of the model's choices (a .server module is not in the browser bundle). */
const EMAIL_MODES = ["off", "immediate", "digest"] as const;
const MAX_EMAIL_CHARS = 254;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.notifications");
export const links = () => [{ rel: "stylesheet", href: styles }];

/** Every signed-in user, for their own notifications and settings only (the user comes from the session). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const page = Number(new URL(request.url).searchParams.get("page")?.slice(0, 4) ?? "1");
  const [list, unread, settings] = await Promise.all([
    listNotifications(user, Number.isInteger(page) ? page : 1),
    unreadCount(user.id),
    notificationSettings(user),
  ]);
  return { ...list, unread, settings, emailServer: env().mail !== null };
}

type ActionData = { ok: boolean; intent: string; message: string; field?: string; values: { email: string; mode: string } | null };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const intent = formString(form, "intent", 20);
  if (intent === "read" || intent === "open") {
    // An id that is not 1–9 digits is no notification's (and never reaches an integer column).
    const { link } = await markRead(user, parseId(formString(form, "id", 12)) ?? -1);
    if (intent === "open" && link) return redirect(link);
    return data<ActionData>({ ok: true, intent, message: say(user, "notifications.markedRead"), values: null });
  }
  if (intent === "readAll") {
    const count = await markAllRead(user);
    return data<ActionData>({ ok: true, intent, message: say(user, "notifications.allMarkedRead", { count }), values: null });
  }
  if (intent === "settings") {
    const values = { email: formString(form, "email", MAX_EMAIL_CHARS + 50), mode: formString(form, "mode", 20) };
    const result = await saveNotificationSettings({ user, email: values.email, mode: values.mode, ip: clientIp(context) });
    return result.ok
      ? data<ActionData>({ ok: true, intent, message: result.message, values: null })
      : data<ActionData>({ ok: false, intent, message: result.message, field: result.field, values }, { status: result.status });
  }
  return data<ActionData>({ ok: false, intent, message: say(user, "notifications.error.intent"), values: null }, { status: 400 });
}

function when(iso: string, locale: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(locale === "en" ? "en-GB" : "id-ID", {
        timeZone: "UTC",
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
      }) + " UTC";
}

export default function NotificationsPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const t = useT();
  const busy = navigation.state !== "idle";
  const settingsResult = result?.intent === "settings" ? result : undefined;
  const emailError = settingsResult && !settingsResult.ok && settingsResult.field === "email" ? settingsResult.message : null;
  const modeError = settingsResult && !settingsResult.ok && settingsResult.field === "mode" ? settingsResult.message : null;
  const email = settingsResult?.values ? settingsResult.values.email : d.settings.email;
  const mode = settingsResult?.values ? settingsResult.values.mode : d.settings.mode;
  const listResult = result && result.intent !== "settings" ? result : undefined;

  return (
    <div className="page notifications-page">
      <PageHeader title={t("notifications.title")} intro={t("notifications.intro")} />

      <section className="card" aria-labelledby="notif-list-title">
        <div className="notif-list-head">
          <h2 id="notif-list-title">{t("notifications.list.title")}</h2>
          <p className="notif-unread">{t("notifications.unreadCount", { count: d.unread })}</p>
          {d.unread > 0 ? (
            <Form method="post">
              <input type="hidden" name="intent" value="readAll" />
              <button type="submit" className="button secondary" disabled={busy}>
                {t("notifications.markAllRead")}
              </button>
            </Form>
          ) : null}
        </div>
        {listResult ? (
          <p className={listResult.ok ? "alert success" : "alert error"} role={listResult.ok ? "status" : "alert"}>
            {listResult.message}
          </p>
        ) : null}
        {d.items.length === 0 ? (
          <p className="empty">{t("notifications.empty")}</p>
        ) : (
          <ul className="notif-list">
            {d.items.map((n) => (
              <li key={n.id} className={n.read ? "notif-item" : "notif-item notif-unread-item"}>
                <div className="notif-text">
                  <span className="notif-state">{n.read ? t("notifications.read") : t("notifications.unread")}</span>
                  <p>{n.text}</p>
                  <time dateTime={n.createdAt}>{when(n.createdAt, t.locale)}</time>
                </div>
                <div className="notif-actions">
                  {n.link ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="open" />
                      <input type="hidden" name="id" value={n.id} />
                      <button type="submit" className="button" disabled={busy}>
                        {t("notifications.open")}
                      </button>
                    </Form>
                  ) : null}
                  {n.read ? null : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="read" />
                      <input type="hidden" name="id" value={n.id} />
                      <button type="submit" className="button secondary" disabled={busy}>
                        {t("notifications.markRead")}
                      </button>
                    </Form>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
        {d.page > 1 || d.hasMore ? (
          <nav className="notif-pager" aria-label={t("notifications.pages")}>
            {d.page > 1 ? <Link to={`?page=${d.page - 1}`}>{t("notifications.newer")}</Link> : null}
            <span>{t("notifications.page", { page: d.page })}</span>
            {d.hasMore ? <Link to={`?page=${d.page + 1}`}>{t("notifications.older")}</Link> : null}
          </nav>
        ) : null}
      </section>

      <section className="card" aria-labelledby="notif-settings-title">
        <h2 id="notif-settings-title">{t("notifications.settings.title")}</h2>
        <p>{t("notifications.settings.intro")}</p>
        {d.emailServer ? null : <p className="alert info">{t("notifications.settings.serverOff")}</p>}
        {settingsResult?.ok ? (
          <p className="alert success" role="status">
            {settingsResult.message}
          </p>
        ) : null}
        <Form method="post" className="notif-settings" noValidate>
          <input type="hidden" name="intent" value="settings" />
          <div className="field">
            <label htmlFor="notif-email">{t("notifications.settings.email")}</label>
            <input
              id="notif-email"
              name="email"
              type="email"
              autoComplete="email"
              maxLength={MAX_EMAIL_CHARS}
              defaultValue={email}
              key={`email-${email}`}
              aria-invalid={emailError ? true : undefined}
              aria-describedby={emailError ? "notif-email-error notif-email-help" : "notif-email-help"}
            />
            <span className="help" id="notif-email-help">
              {t("notifications.settings.emailHelp")}
            </span>
            {emailError ? (
              <span className="field-error" id="notif-email-error" role="alert">
                {emailError}
              </span>
            ) : null}
          </div>
          <fieldset className="field" aria-describedby={modeError ? "notif-mode-error" : undefined}>
            <legend>{t("notifications.settings.mode")}</legend>
            {EMAIL_MODES.map((m) => (
              <label key={m} className="notif-mode">
                <input type="radio" name="mode" value={m} defaultChecked={mode === m} key={`${m}-${mode}`} />
                {t(`notifications.settings.mode.${m}` as MessageKey)}
              </label>
            ))}
            {modeError ? (
              <span className="field-error" id="notif-mode-error" role="alert">
                {modeError}
              </span>
            ) : null}
          </fieldset>
          <button type="submit" className="button" disabled={busy}>
            {t("notifications.settings.save")}
          </button>
        </Form>
      </section>
    </div>
  );
}
