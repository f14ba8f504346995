/**
 * The "Terbitkan" tab of the package designer: asks the server what publishing the saved draft
 * would change (plain-language diff, indicators and submissions affected, refusals) and
 * publishes only after an explicit confirmation. Unsaved changes must be saved first: what gets
 * published is the stored draft at the shown revision, never the browser's copy.
 */
import { useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { AspectChange, PackageDiff } from "@engine";
import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { pickText } from "~/components/templates/text";
import type { DesignerProblem } from "~/contracts/designer";
import { useDesignerState } from "./state";

interface PreviewData {
  revision: number;
  problems: DesignerProblem[];
  refusals: DesignerProblem[];
  diff: PackageDiff | null;
  submissionsAffected: number;
  previousVersion: number | null;
  effectiveFrom: { proposed: string; current: string };
}

type PreviewAnswer = { ok: true; preview: PreviewData };
type PublishAnswer = { ok: false; problems: DesignerProblem[]; revision: number; message?: string };

export function PublishPanel({ packageKey, version }: { packageKey: string; version: number }) {
  const t = useT();
  const state = useDesignerState();
  const previewer = useFetcher<PreviewAnswer>();
  const publisher = useFetcher<PublishAnswer>();
  const [confirmed, setConfirmed] = useState(false);
  // Empty until the preview proposes a month; "YYYY-MM" strings compare in calendar order.
  const [effectiveFrom, setEffectiveFrom] = useState("");
  const [retroactive, setRetroactive] = useState(false);
  const preview = previewer.data?.ok ? previewer.data.preview : null;
  const txt = (x: { id: string; en?: string }) => pickText(x, t.locale);

  const load = () => {
    setConfirmed(false);
    previewer.submit({ intent: "preview" }, { method: "post" });
  };
  // Load once when the tab opens, and again after each save (a new revision).
  useEffect(() => {
    if (!state.dirty) load();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload on a new revision only, not on every render's new load()
  }, [state.revision]);

  const refusedAnswer = publisher.state === "idle" && publisher.data && publisher.data.ok === false ? publisher.data : null;
  useEffect(() => {
    if (refusedAnswer && refusedAnswer.problems.length > 0) state.setProblems(refusedAnswer.problems);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- react to a new refusal only; state is a new object each render
  }, [refusedAnswer]);

  const aspect = (a: AspectChange<string>) => (
    <>
      {t(`designer.aspect.${a.aspect}` as MessageKey)}: <span className="diff-before">{a.before || "–"}</span> →{" "}
      <span className="diff-after">{a.after || "–"}</span>
    </>
  );

  useEffect(() => {
    if (preview && effectiveFrom === "") setEffectiveFrom(preview.effectiveFrom.proposed);
  }, [preview, effectiveFrom]);
  const isRetroactive = preview !== null && effectiveFrom !== "" && effectiveFrom < preview.effectiveFrom.proposed;

  const diff = preview?.diff ?? null;
  const stale = preview !== null && preview.revision !== state.revision;
  const canPublish = preview !== null && !stale && !state.dirty && preview.problems.length === 0 && diff !== null;

  return (
    <section className="publish-panel" aria-labelledby="publish-title">
      <h2 id="publish-title">{t("designer.publish.title", { version })}</h2>
      {state.dirty ? (
        <div className="alert warning" role="status">
          {t("designer.publish.saveFirst")}
        </div>
      ) : null}
      <div className="button-row">
        <button type="button" className="button secondary" onClick={load} disabled={previewer.state !== "idle" || state.dirty}>
          {t("designer.publish.refresh")}
        </button>
      </div>
      {previewer.state !== "idle" ? <p className="muted">{t("designer.publish.loading")}</p> : null}

      {preview && preview.refusals.length > 0 ? (
        <div className="alert error publish-refusals" role="alert">
          <p>{t("designer.publish.refusals")}</p>
          <ul>
            {preview.refusals.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {preview && preview.problems.length > preview.refusals.length ? (
        <div className="alert error" role="alert">
          {t("designer.publish.hasProblems", { count: preview.problems.length - preview.refusals.length })}
        </div>
      ) : null}

      {diff ? (
        <div className="publish-diff" data-testid="publish-diff">
          <p>
            {diff.fromVersion === null
              ? t("designer.diff.first", { version: diff.toVersion })
              : t("designer.diff.against", { from: diff.fromVersion, to: diff.toVersion })}
          </p>
          {diff.empty ? <p className="muted">{t("designer.diff.none")}</p> : null}

          {diff.meta.length > 0 ? (
            <>
              <h3>{t("designer.diff.package")}</h3>
              <ul>
                {diff.meta.map((a, i) => (
                  <li key={i}>{aspect(a)}</li>
                ))}
              </ul>
            </>
          ) : null}

          {diff.forms.added.length +
            diff.forms.removed.length +
            diff.forms.changed.length +
            diff.sections.added.length +
            diff.sections.removed.length +
            diff.sections.changed.length >
          0 ? (
            <>
              <h3>{t("designer.diff.forms")}</h3>
              <ul>
                {diff.forms.added.map((f) => (
                  <li key={`fa-${f.key}`}>
                    <span className="diff-added">{t("designer.diff.added")}</span> {t("designer.diff.form", { title: txt(f.title), key: f.key })}
                  </li>
                ))}
                {diff.forms.removed.map((f) => (
                  <li key={`fr-${f.key}`}>
                    <span className="diff-removed">{t("designer.diff.removed")}</span> {t("designer.diff.form", { title: txt(f.title), key: f.key })}
                  </li>
                ))}
                {diff.forms.changed.map((f) => (
                  <li key={`fc-${f.key}`}>
                    <span className="diff-changed">{t("designer.diff.changed")}</span> {t("designer.diff.form", { title: txt(f.title), key: f.key })}
                    <ul>
                      {f.aspects.map((a, i) => (
                        <li key={i}>{aspect(a)}</li>
                      ))}
                    </ul>
                  </li>
                ))}
                {diff.sections.added.map((s) => (
                  <li key={`sa-${s.form}-${s.key}`}>
                    <span className="diff-added">{t("designer.diff.added")}</span>{" "}
                    {t("designer.diff.section", { title: txt(s.title), key: s.key, form: s.form })}
                  </li>
                ))}
                {diff.sections.removed.map((s) => (
                  <li key={`sr-${s.form}-${s.key}`}>
                    <span className="diff-removed">{t("designer.diff.removed")}</span>{" "}
                    {t("designer.diff.section", { title: txt(s.title), key: s.key, form: s.form })}
                  </li>
                ))}
                {diff.sections.changed.map((s) => (
                  <li key={`sc-${s.form}-${s.key}`}>
                    <span className="diff-changed">{t("designer.diff.changed")}</span>{" "}
                    {t("designer.diff.sectionRenamed", { before: txt(s.before), title: txt(s.title), key: s.key })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}

          {diff.fields.added.length + diff.fields.removed.length + diff.fields.changed.length > 0 ? (
            <>
              <h3>{t("designer.diff.fields")}</h3>
              <ul>
                {diff.fields.added.map((f) => (
                  <li key={`a-${f.key}`}>
                    <span className="diff-added">{t("designer.diff.added")}</span> {t("designer.diff.field", { label: txt(f.label), key: f.key, form: f.form })}{" "}
                    ({t(`templates.type.${f.type}` as MessageKey)})
                  </li>
                ))}
                {diff.fields.removed.map((f) => (
                  <li key={`r-${f.key}`}>
                    <span className="diff-removed">{t("designer.diff.removed")}</span>{" "}
                    {t("designer.diff.field", { label: txt(f.label), key: f.key, form: f.form })}
                  </li>
                ))}
                {diff.fields.changed.map((f) => (
                  <li key={`c-${f.key}`}>
                    <span className="diff-changed">{t("designer.diff.changed")}</span>{" "}
                    {t("designer.diff.field", { label: txt(f.label), key: f.key, form: f.form })}
                    <ul>
                      {f.aspects.map((a, i) => (
                        <li key={i}>{aspect(a)}</li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
            </>
          ) : null}

          {diff.indicators.added.length +
            diff.indicators.removed.length +
            diff.indicators.changed.length +
            diff.affectedIndicators.length +
            diff.groups.added.length +
            diff.groups.removed.length +
            diff.groups.changed.length >
          0 ? (
            <>
              <h3>{t("designer.diff.indicators")}</h3>
              <ul>
                {diff.indicators.added.map((i) => (
                  <li key={`ia-${i.key}`}>
                    <span className="diff-added">{t("designer.diff.added")}</span> {t("designer.diff.indicator", { name: txt(i.name), key: i.key })}
                  </li>
                ))}
                {diff.indicators.removed.map((i) => (
                  <li key={`ir-${i.key}`}>
                    <span className="diff-removed">{t("designer.diff.removed")}</span> {t("designer.diff.indicator", { name: txt(i.name), key: i.key })}
                  </li>
                ))}
                {diff.indicators.changed.map((i) => (
                  <li key={`ic-${i.key}`}>
                    <span className="diff-changed">{t("designer.diff.changed")}</span> {t("designer.diff.indicator", { name: txt(i.name), key: i.key })}
                    <ul>
                      {i.aspects.map((a, n) => (
                        <li key={n}>{aspect(a)}</li>
                      ))}
                    </ul>
                  </li>
                ))}
                {diff.groups.added.length + diff.groups.removed.length + diff.groups.changed.length > 0 ? (
                  <li>
                    {t("designer.diff.groups", {
                      added: diff.groups.added.join(", ") || "–",
                      removed: diff.groups.removed.join(", ") || "–",
                      changed: diff.groups.changed.join(", ") || "–",
                    })}
                  </li>
                ) : null}
              </ul>
              {diff.affectedIndicators.length > 0 ? (
                <div className="alert warning">
                  <p>{t("designer.diff.affectedIntro")}</p>
                  <ul>
                    {diff.affectedIndicators.map((i) => (
                      <li key={`af-${i.key}`}>{t("designer.diff.affected", { name: txt(i.name), key: i.key, fields: i.fields.join(", ") })}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
            </>
          ) : null}

          {diff.targets.added.length + diff.targets.removed.length + diff.targets.changed.length > 0 ? (
            <>
              <h3>{t("designer.diff.targets")}</h3>
              <p>
                {t("designer.diff.targetCounts", {
                  added: diff.targets.added.length,
                  removed: diff.targets.removed.length,
                  changed: diff.targets.changed.length,
                })}
              </p>
              <ul>
                {[...diff.targets.changed, ...diff.targets.added, ...diff.targets.removed].slice(0, 30).map((x, i) => (
                  <li key={i}>
                    {t("designer.diff.target", {
                      indicator: x.indicator,
                      year: x.year,
                      scope: `${t(`level.${x.level}` as MessageKey)}${x.org ? ` ${x.org}` : ""}`,
                      before: x.before ?? "–",
                      after: x.after ?? "–",
                    })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}

          {diff.rules.added.length + diff.rules.removed.length + diff.rules.changed.length > 0 ? (
            <>
              <h3>{t("designer.diff.rules")}</h3>
              <ul>
                {diff.rules.added.map((r) => (
                  <li key={`ra-${r.key}`}>
                    <span className="diff-added">{t("designer.diff.added")}</span> {t("designer.diff.rule", { message: txt(r.message), key: r.key })}
                  </li>
                ))}
                {diff.rules.removed.map((r) => (
                  <li key={`rr-${r.key}`}>
                    <span className="diff-removed">{t("designer.diff.removed")}</span> {t("designer.diff.rule", { message: txt(r.message), key: r.key })}
                  </li>
                ))}
                {diff.rules.changed.map((r) => (
                  <li key={`rc-${r.key}`}>
                    <span className="diff-changed">{t("designer.diff.changed")}</span> {t("designer.diff.rule", { message: txt(r.message), key: r.key })}
                    <ul>
                      {r.aspects.map((a, n) => (
                        <li key={n}>{aspect(a)}</li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
            </>
          ) : null}

          <h3>{t("designer.diff.submissions")}</h3>
          <p data-testid="submissions-affected">
            {preview && preview.submissionsAffected > 0
              ? t("designer.diff.submissionsAffected", { count: preview.submissionsAffected, forms: diff.changedForms.join(", ") })
              : t("designer.diff.submissionsNone")}
          </p>
        </div>
      ) : null}

      {preview && !state.dirty ? (
        <publisher.Form method="post" className="publish-form">
          <input type="hidden" name="intent" value="publish" />
          <input type="hidden" name="revision" value={String(preview.revision)} />
          <div className="field publish-effective">
            <label htmlFor="publish-effective-from">{t("designer.publish.effectiveFrom")}</label>
            <input
              id="publish-effective-from"
              type="month"
              name="effectiveFrom"
              value={effectiveFrom}
              pattern="[0-9]{4}-[0-9]{2}"
              aria-describedby="publish-effective-help"
              onChange={(e) => {
                setEffectiveFrom(e.target.value);
                setRetroactive(false);
              }}
            />
            <p id="publish-effective-help" className="help">
              {t("designer.publish.effectiveFromHelp", { proposed: preview.effectiveFrom.proposed })}
            </p>
            {diff && diff.forms.added.length > 0 && effectiveFrom ? (
              <p data-testid="publish-new-forms">
                {t("designer.publish.newForms", { forms: diff.forms.added.map((f) => txt(f.title)).join(", "), month: effectiveFrom })}
              </p>
            ) : null}
          </div>
          {isRetroactive ? (
            <div className="alert warning publish-retroactive" role="alert">
              <p>{t("designer.publish.retroactiveWarning", { month: effectiveFrom })}</p>
              <label className="publish-confirm">
                <input type="checkbox" name="retroactive" value="yes" checked={retroactive} onChange={(e) => setRetroactive(e.target.checked)} />
                <span>{t("designer.publish.retroactiveConfirm", { month: effectiveFrom })}</span>
              </label>
            </div>
          ) : null}
          <label className="publish-confirm">
            <input type="checkbox" name="confirm" value="yes" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} disabled={!canPublish} />
            <span>{t("designer.publish.confirm", { key: packageKey, version })}</span>
          </label>
          <button type="submit" className="button" disabled={!canPublish || !confirmed || (isRetroactive && !retroactive) || publisher.state !== "idle"}>
            {t("designer.publish.submit", { version })}
          </button>
        </publisher.Form>
      ) : null}
      {refusedAnswer?.message ? (
        <div className="alert error" role="alert">
          {refusedAnswer.message}
        </div>
      ) : null}
    </section>
  );
}
