import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Presenter } from "~/components/presentation/Presenter";
import { explainSearchBase, selectionSearch } from "~/contracts/scorecard";
import { getDb } from "~/db/db.server";
import { useT } from "~/i18n/useT";
import { pageTitle } from "~/i18n/title";
import { buildPresentation, parseMode, parseSlide } from "~/models/presentation.server";
import { loadScorecard, resolveQuery, selectionProblem } from "~/models/scorecard-view.server";
import { orgGroupNote } from "~/models/scorecard-groups.server";
import styles from "~/styles/presentation.css";

export const links = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "presentation.title");

/**
 * The scorecard as projector slides: the same selection as /scorecards (and the same guards: a
 * scorecard role, a parent inside the viewer's area or 403), plus `mode=indicator|unit` and
 * `slide=`. Every slide is in the payload; changing slides makes no request.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { roots, locale, t, sel, url } = await loadScorecard(request);
  const back = { href: `/scorecards${selectionSearch(sel)}`, label: t("presentation.back") };
  const rawMode = url.searchParams.get("mode");
  const mode = parseMode(rawMode);
  const rawSlide = url.searchParams.get("slide");
  const slide = parseSlide(rawSlide);
  const refused = (error: string, status: number) =>
    data({ error, back, p: null, slide: 1, modeHref: null, explainBase: null, explainPageBase: null }, { status });
  if (!mode) return refused(t("presentation.error.mode", { mode: (rawMode ?? "").slice(0, 40) }), 400);
  if (slide === null) return refused(t("presentation.error.slide", { slide: (rawSlide ?? "").slice(0, 40) }), 400);
  try {
    const { query, parent, area, orgGroup } = await resolveQuery(sel, roots, t);
    const scope = parent?.name ?? area?.name ?? roots.map((r) => r.orgName).join(", ");
    // Every slide's subtitle says the group the units were limited to.
    const scopeName = orgGroup ? `${scope} (${orgGroupNote(orgGroup, locale)})` : scope;
    const p = await buildPresentation({ query, comparePeriod: null, mode, locale, scopeName, db: getDb() });
    const search = selectionSearch(sel);
    return {
      error: null,
      back,
      p,
      slide,
      modeHref: { indicator: `/scorecards/present${search}`, unit: `/scorecards/present${search}&mode=unit` },
      explainBase: `/scorecards/present/explain${explainSearchBase(sel)}`,
      explainPageBase: `/scorecards/explain${explainSearchBase(sel)}`,
    };
  } catch (e) {
    const problem = selectionProblem(e, locale);
    return refused(problem.message, problem.status);
  }
}

export default function ScorecardPresentation() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  if (!d.p || !d.modeHref) {
    return (
      <div className="page">
        <h1>{t("presentation.title")}</h1>
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
      key={`${d.p.mode}:${d.back.href}`}
      p={d.p}
      initialSlide={d.slide}
      back={d.back}
      modeHref={d.modeHref}
      explainBase={d.explainBase}
      explainPageBase={d.explainPageBase}
    />
  );
}
