import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { writeAudit } from "~/auth/audit.server";
import { assertSameOrigin } from "~/auth/csrf.server";
import { clearSessionCookie, destroySession, getSessionUser } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import { clientIp } from "~/utils/http.server";

/** Logout is a POST only; a GET goes home (which sends anonymous users to /login). */
export async function loader() {
  return redirect("/");
}

/** Ends the session in the database (revocation), audits it, clears the cookie. */
export async function action({ request, context }: ActionFunctionArgs) {
  await assertSameOrigin(request);
  const user = await getSessionUser(request);
  if (!user) return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookie() } });
  const setCookie = await getDb()
    .transaction()
    .execute(async (trx) => {
      await writeAudit(trx, { actorUserId: user.id, action: "logout", entityType: "session", entityId: user.sessionId.slice(0, 12), ip: clientIp(context) });
      return destroySession(trx, user.sessionId);
    });
  return redirect("/login", { headers: { "Set-Cookie": setCookie } });
}
