import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { writeAudit } from "~/auth/audit.server";
import { assertSameOrigin } from "~/auth/csrf.server";
import { decoyPasswordHash, verifyPassword } from "~/auth/password.server";
import { createSession, getSessionUser } from "~/auth/session.server";
import { accountLockMs, allowLoginAttempt } from "~/auth/throttle.server";
import { getDb, nowIso } from "~/db/db.server";
import { isDemoDatabase } from "~/models/demo.server";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { clientIp, formString, safeRedirectPath } from "~/utils/http.server";
import { clock } from "~/utils/clock.server";

export const meta: MetaFunction = () => [{ title: "Masuk · Pantau ILP" }];

/** Public: the login page. A signed-in user goes straight home. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  if (user) throw redirect("/");
  return { demo: await isDemoDatabase() };
}

/** Public: checks the password, throttled per client and per account, audited either way. */
export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const { t } = await serverT(request);
  const ip = clientIp(context);
  const form = await request.formData();
  const username = formString(form, "username", 64).trim().toLowerCase();
  const password = formString(form, "password", 200);
  const next = safeRedirectPath(formString(form, "next", 500));
  if (!allowLoginAttempt(ip)) {
    return data({ error: t("login.throttled"), username }, { status: 429, headers: { "Retry-After": "60" } });
  }
  if (!username || !password) return data({ error: t("login.missing"), username }, { status: 400 });

  const db = getDb();
  const user = await db
    .selectFrom("app_user")
    .select(["id", "password_hash", "active", "failed_logins", "locked_until"])
    .where("username", "=", username)
    .executeTakeFirst();
  const now = clock.ms();
  if (user?.locked_until && Date.parse(user.locked_until) > now) {
    const minutes = Math.max(1, Math.ceil((Date.parse(user.locked_until) - now) / 60_000));
    return data({ error: t("login.locked", { minutes }), username }, { status: 429 });
  }
  // Unknown users cost the same time as known ones, so timing does not reveal accounts.
  const ok = await verifyPassword(password, user?.password_hash ?? (await decoyPasswordHash()));
  if (!user || !ok || user.active !== 1) {
    await db.transaction().execute(async (trx) => {
      if (user) {
        const failures = user.failed_logins + 1;
        const lockMs = accountLockMs(failures);
        await trx
          .updateTable("app_user")
          .set({ failed_logins: failures, locked_until: lockMs ? new Date(now + lockMs).toISOString() : null })
          .where("id", "=", user.id)
          .execute();
      }
      await writeAudit(trx, { actorUserId: user?.id ?? null, action: "login_failed", entityType: "user", entityId: user?.id ?? null, after: { username }, ip });
    });
    return data({ error: t("login.failed"), username }, { status: 401 });
  }
  const setCookie = await db.transaction().execute(async (trx) => {
    await trx.updateTable("app_user").set({ failed_logins: 0, locked_until: null, updated_at: nowIso() }).where("id", "=", user.id).execute();
    const session = await createSession(trx, user.id);
    await writeAudit(trx, { actorUserId: user.id, action: "login", entityType: "session", entityId: session.sessionId.slice(0, 12), ip });
    return session.setCookie;
  });
  return redirect(next, { headers: { "Set-Cookie": setCookie } });
}

export default function LoginPage() {
  const t = useT();
  const { demo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const error = actionData && "error" in actionData ? actionData.error : null;
  return (
    <div className="page narrow">
      <div className="card login-card">
        <h1>{t("login.title")}</h1>
        <p className="muted">{t("login.intro")}</p>
        {error ? (
          <div className="alert error" role="alert" id="login-error">
            {error}
          </div>
        ) : null}
        <Form method="post" replace>
          <input type="hidden" name="next" value={params.get("next") ?? "/"} />
          <div className="field">
            <label htmlFor="username">{t("login.username")}</label>
            <input
              id="username"
              name="username"
              type="text"
              autoComplete="username"
              autoCapitalize="none"
              required
              maxLength={64}
              defaultValue={actionData?.username ?? ""}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "login-error" : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="password">{t("login.password")}</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required maxLength={128} />
          </div>
          <button type="submit" className="button" disabled={navigation.state === "submitting"}>
            {t("login.submit")}
          </button>
        </Form>
        {demo ? <p className="alert info login-demo">{t("login.demo")}</p> : null}
      </div>
    </div>
  );
}
