import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { menuFor } from "~/auth/policy.server";
import { getSessionUser } from "~/auth/session.server";
import { useNonce } from "~/components/nonce";
import type { Role } from "~/db/schema";
import { translate, type Locale, type MessageKey } from "~/i18n/catalog";
import { getLocale } from "~/i18n/locale.server";
import { useT } from "~/i18n/useT";
import { unreadCount } from "~/models/notifications.server";
import { useEffect, useState } from "react";
import styles from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/**
 * A classic inline script after the stylesheet waits for it before it runs, and the parser waits for
 * the script: the body is parsed only once the styles are in, so Chromium's first frame comes at the
 * parser's first pause and lays out a screenful, not the rows it parsed while the stylesheet was
 * on its way (on the national scorecard, hundreds). Not empty: an empty inline script is not run.
 */
const STYLESHEET_GATE = "/* first paint after the stylesheet */";

export const meta: MetaFunction = () => [{ title: "Pantau ILP" }];

/**
 * Public by design: it returns only the signed-in user's own name, roles and unread-notification
 * count (or null) and the language, so the shell can render; every child route guards itself.
 * The count is one indexed query (notification_user_idx), as it runs on every page.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  const locale = await getLocale(request, user);
  return {
    locale,
    user: user
      ? {
          displayName: user.displayName,
          username: user.username,
          roles: [...new Set(user.grants.map((g) => g.role))] as Role[],
          menu: menuFor(user.grants.map((g) => g.role)),
          scopes: user.grants.map((g) => ({ role: g.role, name: g.orgName, code: g.orgCode })),
          unread: await unreadCount(user.id),
        }
      : null,
  };
}

type RootData = Awaited<ReturnType<typeof loader>>;

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<RootData>("root");
  return (
    <html lang={data?.locale ?? "id"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        {/* Holds the parser until the stylesheet is in, so the first frame comes early, with little
            of a long page parsed (docs/decisions/045-first-paint-before-the-table.md). */}
        <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: STYLESHEET_GATE }} />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function LanguageSwitch() {
  const t = useT();
  const location = useLocation();
  const next = t.locale === "id" ? "en" : "id";
  return (
    <Form method="post" action="/lang" className="lang-switch">
      <input type="hidden" name="locale" value={next} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" className="link-button" title={t("lang.switch")} lang={next}>
        {next === "en" ? "English" : "Bahasa Indonesia"}
      </button>
    </Form>
  );
}

/** The page frame; also drawn around error pages so the user keeps navigation and logout. */
function Shell({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<RootData>("root");
  const t = useT();
  const user = data?.user ?? null;
  // On a phone the menu and the user box fold behind one button, so the header stays one line.
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  useEffect(() => setMenuOpen(false), [pathname]);
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skip")}
      </a>
      <header className={menuOpen ? "topbar menu-open" : "topbar"}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ILP
          </span>
          <span>
            <strong>{t("app.name")}</strong>
            <small>{t("app.tagline")}</small>
          </span>
        </div>
        {user ? (
          <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="topbar-panel" onClick={() => setMenuOpen((o) => !o)}>
            {t("nav.menu")}
            <span className="menu-caret" aria-hidden="true" />
          </button>
        ) : null}
        <div className="topbar-panel" id="topbar-panel">
          {user ? (
            <nav aria-label={t("nav.main")} className="mainnav">
              <ul>
                {user.menu.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} end={item.to === "/"}>
                      {t(item.label)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <div className="userbox">
            <LanguageSwitch />
            {user ? (
              <>
                <NavLink to="/notifications" className={user.unread > 0 ? "notif-badge has-unread" : "notif-badge"}>
                  {t("notifications.header.count", { count: user.unread })}
                  <span className="visually-hidden"> {t("notifications.header.unread")}</span>
                </NavLink>
                <span className="who">
                  <span className="who-name">{user.displayName}</span>
                  <small>{user.roles.map((r) => t(`role.${r}` as MessageKey)).join(", ")}</small>
                </span>
                <Form method="post" action="/logout">
                  <button type="submit" className="button secondary">
                    {t("nav.logout")}
                  </button>
                </Form>
              </>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

export default function App() {
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

/** The one shared error boundary: a clear message in the user's language, never a stack trace. */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<RootData>("root");
  const locale: Locale = data?.locale ?? "id";
  let status = 500;
  let detail: string | null = null;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    // Our own thrown responses carry a message for the user; the router's internal ones (no route,
    // no action) carry framework text, which is never shown.
    const internal = (error as { internal?: boolean }).internal === true;
    if (!internal && typeof error.data === "string" && error.data.length < 300) detail = error.data;
  }
  const key = (["400", "401", "403", "404", "405", "413", "415", "429"].includes(String(status)) ? `error.${status}` : "error.500") as MessageKey;
  const card = (
    <div className="page narrow">
      <div className="card error-card" role="alert">
        <h1>{translate(locale, "error.title")}</h1>
        <p>{detail ?? translate(locale, key)}</p>
        <p>
          <a href="/">{translate(locale, "error.back")}</a>
        </p>
      </div>
    </div>
  );
  // Without root data (the root loader itself failed) the shell cannot be drawn.
  return data ? <Shell>{card}</Shell> : <main id="main">{card}</main>;
}
