import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { assertSameOrigin } from "~/auth/csrf.server";
import { signIn } from "~/auth/login.server";
import { getSessionUser } from "~/auth/session.server";
import { isDemoDatabase } from "~/models/demo.server";
import { serverT } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { clientIp, formString, safeRedirectPath, readForm } from "~/utils/http.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.login");

/** Public: the login page. A signed-in user goes straight home. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  if (user) throw redirect("/");
  return { demo: await isDemoDatabase() };
}

/**
 * Public: signs in (`signIn` in app/auth/login.server.ts: throttles, password, audit, session).
 * A refusal comes back with the typed username, whether the account exists or not.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  await assertSameOrigin(request);
  const { t } = await serverT(request);
  const form = await readForm(request);
  // Cut after lower-casing too: "İ" becomes two characters, and the columns hold 64.
  const username = formString(form, "username", 64).trim().toLowerCase().slice(0, 64);
  const password = formString(form, "password", 200);
  const next = safeRedirectPath(formString(form, "next", 2000));
  const result = await signIn({ request, ip: clientIp(context), username, password }, t);
  if (!result.ok) return data({ error: result.error, username }, { status: result.status, headers: result.headers });
  return redirect(next, { headers: result.headers });
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
