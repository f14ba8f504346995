import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { assertSameOrigin } from "~/auth/csrf.server";
import { isLocale } from "~/i18n/catalog";
import { langCookie } from "~/i18n/locale.server";
import { formString, safeRedirectPath, readForm } from "~/utils/http.server";

/** Public: only GET home; the language is chosen by POST. */
export async function loader() {
  return redirect("/");
}

/** Public by design: sets the language cookie (no data touched), same-origin only. */
export async function action({ request }: ActionFunctionArgs) {
  await assertSameOrigin(request);
  const form = await readForm(request);
  const locale = formString(form, "locale", 5);
  const back = safeRedirectPath(formString(form, "redirectTo", 500));
  if (!isLocale(locale)) return redirect(back);
  return redirect(back, { headers: { "Set-Cookie": await langCookie.serialize(locale) } });
}
