import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { forbidden, hasRole, notFound, requireUser } from "~/auth/guards.server";
import { mayReadMeeting, SCORECARD_ROLES } from "~/auth/policy.server";
import { Presenter } from "~/components/presentation/Presenter";
import { getDb } from "~/db/db.server";
import { translate, type MessageKey } from "~/i18n/catalog";
import { localeOf } from "~/i18n/message";
import { pageTitle } from "~/i18n/title";
import { buildPresentation, meetingForPresentation, meetingQuery, parseMeetingId, parseMode, parseSlide } from "~/models/presentation.server";
import { selectionProblem } from "~/models/scorecard-view.server";
import styles from "~/styles/presentation.css";

export const links = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "presentation.title");

/** A plain-text 400 in the reader's language (shown by the error boundary). */
function badRequest(text: string): Response {
  return new Response(text, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * A meeting's package, indicator group and period as projector slides over its scope (see
 * meetingQuery). 404 for an unknown meeting, 403 unless the viewer may read it (mayReadMeeting).
 * "Improved/declined" compares with the period of the meeting this one follows up, else the
 * previous period of the same type. Explanations ("E") need a scorecard role.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = localeOf(user);
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const url = new URL(request.url);
  const id = parseMeetingId(params.id);
  if (id === null) throw badRequest(t("presentation.error.meetingId", { id: (params.id ?? "").slice(0, 20) }));
  const rawMode = url.searchParams.get("mode");
  const mode = parseMode(rawMode);
  if (!mode) throw badRequest(t("presentation.error.mode", { mode: (rawMode ?? "").slice(0, 40) }));
  const rawSlide = url.searchParams.get("slide");
  const slide = parseSlide(rawSlide);
  if (slide === null) throw badRequest(t("presentation.error.slide", { slide: (rawSlide ?? "").slice(0, 40) }));

  const m = await meetingForPresentation(getDb(), id);
  if (!m) throw notFound(user, "presentation.meeting.notFound");
  if (!mayReadMeeting(user, m.scope, m.invited)) throw forbidden(user, "presentation.meeting.forbidden");
  if (m.scope.length === 0) throw notFound(user, "presentation.meeting.noScope");

  const back = { href: `/meetings/${id}`, label: t("presentation.backMeeting") };
  const here = `/meetings/${id}/present`;
  const canExplain = hasRole(user, SCORECARD_ROLES);
  try {
    const p = await buildPresentation({
      query: meetingQuery(m.meeting, m.scope),
      comparePeriod: m.previousPeriod,
      mode,
      locale,
      scopeName: m.scope.map((u) => u.name).join(", "),
      db: getDb(),
    });
    return {
      error: null,
      title: t("presentation.meeting.title", { title: m.meeting.title }),
      back,
      p,
      slide,
      modeHref: { indicator: here, unit: `${here}?mode=unit` },
      explainBase: canExplain ? `/scorecards/present/explain?meeting=${id}&` : null,
    };
  } catch (e) {
    const problem = selectionProblem(e, locale);
    return data({ error: problem.message, title: m.meeting.title, back, p: null, slide: 1, modeHref: null, explainBase: null }, { status: problem.status });
  }
}

export default function MeetingPresentation() {
  const d = useLoaderData<typeof loader>();
  if (!d.p || !d.modeHref) {
    return (
      <div className="page">
        <h1>{d.title}</h1>
        <div className="alert error" role="alert">
          {d.error}
        </div>
        <p>
          <Link to={d.back.href}>← {d.back.label}</Link>
        </p>
      </div>
    );
  }
  return (
    <Presenter
      key={d.p.mode}
      p={{ ...d.p, scopeName: `${d.title} · ${d.p.scopeName}` }}
      initialSlide={d.slide}
      back={d.back}
      modeHref={d.modeHref}
      explainBase={d.explainBase}
      explainPageBase={null}
    />
  );
}
