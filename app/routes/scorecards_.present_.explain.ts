import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { forbidden, notFound, requireRole, requireUser } from "~/auth/guards.server";
import { inArea, mayReadMeeting, mayRunMeeting, SCORECARD_ROLES } from "~/auth/policy.server";
import type { ExplainView } from "~/contracts/scorecard-explain";
import { getDb } from "~/db/db.server";
import { translate } from "~/i18n/catalog";
import { localeOf } from "~/i18n/message";
import { getOrgByCode } from "~/models/org.server";
import { meetingForPresentation, meetingQuery, parseMeetingId } from "~/models/presentation.server";
import type { ScorecardQuery } from "~/models/scorecard.server";
import { explainForReader } from "~/models/scorecard-explain.server";
import { loadScorecard, resolveQuery, selectionProblem } from "~/models/scorecard-view.server";

/** `newActionHref`: "Tambah tindak lanjut" on this cell, for a runner (and at a meeting only while it is open). */
type Answer = { error: string | null; view: ExplainView | null; newActionHref?: string | null };

/**
 * One cell's explanation for the presentation's "E", loaded on demand (never embedded for every
 * cell). Either the scorecard selection (the guards of /scorecards/explain: a scorecard role, the
 * row inside the viewer's area) or `meeting=<id>` (a scorecard role, a meeting the viewer may
 * read, the row inside the meeting's scope). A runner of the cell's unit (and, at a meeting, of its
 * whole scope, the meeting open) also gets the link that records a follow-up action on the cell
 * (docs/decisions/030-action-tracker.md).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const row = (url.searchParams.get("row") ?? "").trim().slice(0, 64);
  const indicator = (url.searchParams.get("indicator") ?? "").trim().slice(0, 100);
  const meetingRaw = url.searchParams.get("meeting");
  let query: ScorecardQuery;
  let locale;
  let newAction: { unit: string; meetingId: number | null } | null = null;
  if (meetingRaw !== null) {
    const user = await requireUser(request);
    requireRole(user, SCORECARD_ROLES);
    locale = localeOf(user);
    const id = parseMeetingId(meetingRaw);
    if (id === null)
      return data<Answer>({ error: translate(locale, "presentation.error.meetingId", { id: meetingRaw.slice(0, 20) }), view: null }, { status: 400 });
    const m = await meetingForPresentation(getDb(), id);
    if (!m) throw notFound(user, "presentation.meeting.notFound");
    if (!mayReadMeeting(user, m.scope, m.invited)) throw forbidden(user, "presentation.meeting.forbidden");
    if (m.scope.length === 0) throw notFound(user, "presentation.meeting.noScope");
    if (!row || !indicator) return data<Answer>({ error: translate(locale, "scorecards.error.cell"), view: null }, { status: 400 });
    const unit = await getOrgByCode(getDb(), row);
    if (!unit || !m.scope.some((s) => unit.path.startsWith(s.path)))
      return data<Answer>({ error: translate(locale, "presentation.error.cell"), view: null }, { status: 404 });
    query = meetingQuery(m.meeting, m.scope);
    if (m.meeting.status === "open" && mayRunMeeting(user, m.scope) && mayRunMeeting(user, [unit])) newAction = { unit: unit.code, meetingId: id };
  } else {
    const loaded = await loadScorecard(request);
    locale = loaded.locale;
    if (!row || !indicator) return data<Answer>({ error: loaded.t("scorecards.error.cell"), view: null }, { status: 400 });
    try {
      ({ query } = await resolveQuery(loaded.sel, loaded.roots, loaded.t));
    } catch (e) {
      const problem = selectionProblem(e, locale);
      return data<Answer>({ error: problem.message, view: null }, { status: problem.status });
    }
    const unit = await getOrgByCode(getDb(), row);
    if (!unit) return data<Answer>({ error: loaded.t("scorecards.error.row", { code: row }), view: null }, { status: 404 });
    if (!inArea(loaded.roots, unit)) throw forbidden(locale, "scorecards.error.outOfScope", { name: unit.name });
    if (mayRunMeeting(loaded.user, [unit])) newAction = { unit: unit.code, meetingId: null };
  }
  try {
    const view = await explainForReader({ ...query, group: undefined, indicators: [indicator] }, { row, indicator }, locale);
    const newActionHref = newAction
      ? `/actions/new?${new URLSearchParams({
          package: query.packageKey,
          indicator,
          unit: newAction.unit,
          period: query.period,
          ...(newAction.meetingId !== null ? { meeting: String(newAction.meetingId) } : {}),
        })}`
      : null;
    return data<Answer>({ error: null, view, newActionHref });
  } catch (e) {
    const problem = selectionProblem(e, locale);
    return data<Answer>({ error: problem.message, view: null }, { status: problem.status });
  }
}
