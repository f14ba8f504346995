import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { writeAudit, type DbOrTrx } from "~/auth/audit.server";
import { assertSameOrigin } from "~/auth/csrf.server";
import { familiarDevice, rememberFamiliar } from "~/auth/familiar.server";
import { decoyPasswordHash, verifyPassword } from "~/auth/password.server";
import { createSession, getSessionUser } from "~/auth/session.server";
import { allowLoginAttempt, clientKeyOf, forgetFailures, reserveAttempt, type AttemptKey } from "~/auth/throttle.server";
import { getDb } from "~/db/db.server";
import { isDemoDatabase } from "~/models/demo.server";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { clientIp, formString, safeRedirectPath, readForm } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Masuk · Pantau ILP" }];

/** Public: the login page. A signed-in user goes straight home. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  if (user) throw redirect("/");
  return { demo: await isDemoDatabase() };
}

type Held = "address" | "pair" | "account";
const HELD_MESSAGE = { address: "login.throttled", pair: "login.waitPair", account: "login.waitAccount" } as const;

/**
 * Public: checks the password, throttled per client, per (username, client) and per username for
 * unfamiliar clients (docs/decisions/017-login-throttling.md); every attempt is audited. Whether
 * the username has an account changes nothing in the answer: same status, message, headers and
 * time (an unknown name spends the same scrypt time on a decoy hash, and the throttles are keyed
 * by the name as typed).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const { t } = await serverT(request);
  const ip = clientIp(context);
  const address = clientKeyOf(ip);
  const form = await readForm(request);
  // Cut after lower-casing too: "İ" becomes two characters, and the columns hold 64.
  const username = formString(form, "username", 64).trim().toLowerCase().slice(0, 64);
  const password = formString(form, "password", 200);
  const next = safeRedirectPath(formString(form, "next", 2000));
  const db = getDb();
  // For the audit rows and the password check only: no answer depends on it before the check.
  const user = username
    ? await db.selectFrom("app_user").select(["id", "password_hash", "active"]).where("username", "=", username).executeTakeFirst()
    : undefined;
  const audit = (trx: DbOrTrx, action: string, after: Record<string, unknown>) =>
    writeAudit(trx, { actorUserId: user?.id ?? null, action, entityType: "user", entityId: user?.id ?? null, after: { username, ...after }, ip });
  const held = async (trx: DbOrTrx, reason: Held, retryAfterMs: number) => {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    await audit(trx, "login_throttled", { reason, retryAfterSeconds: seconds });
    const wait = seconds === 1 ? t("login.oneSecond") : seconds < 120 ? t("login.seconds", { count: seconds }) : t("login.minutes", { count: Math.ceil(seconds / 60) });
    return data({ error: t(HELD_MESSAGE[reason], { wait }), username }, { status: 429, headers: { "Retry-After": String(seconds) } });
  };

  const byAddress = allowLoginAttempt(address);
  if (!byAddress.ok) return held(db, "address", byAddress.retryAfterMs);
  if (!username || !password) return data({ error: t("login.missing"), username }, { status: 400 });

  const device = await familiarDevice(request, username);
  const key: AttemptKey = { username, client: device ? `device:${device}` : `ip:${address}`, familiar: device !== null };
  const refused = await db.transaction().execute(async (trx) => {
    const gate = await reserveAttempt(trx, key);
    return gate.ok ? null : held(trx, gate.reason, gate.retryAfterMs);
  });
  if (refused) return refused;

  const ok = await verifyPassword(password, user?.password_hash ?? (await decoyPasswordHash()));
  if (!user || !ok || user.active !== 1) {
    await audit(db, "login_failed", { familiar: key.familiar });
    return data({ error: t("login.failed"), username }, { status: 401 });
  }
  const setCookie = await db.transaction().execute(async (trx) => {
    await forgetFailures(trx, key);
    const session = await createSession(trx, user.id);
    await writeAudit(trx, { actorUserId: user.id, action: "login", entityType: "session", entityId: session.sessionId.slice(0, 12), after: { familiar: key.familiar }, ip });
    return session.setCookie;
  });
  const headers = new Headers();
  headers.append("Set-Cookie", setCookie);
  headers.append("Set-Cookie", await rememberFamiliar(request, username));
  return redirect(next, { headers });
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
