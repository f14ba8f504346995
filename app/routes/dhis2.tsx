import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUserWithRole } from "~/auth/guards.server";
import { DHIS2_MAPPING_ROLES } from "~/auth/policy.server";
import { DataTable } from "~/components/DataTable";
import { PageHeader } from "~/components/PageHeader";
import { say, type LocalizedText } from "~/i18n/message";
import { pageTitle } from "~/i18n/title";
import { useT } from "~/i18n/useT";
import { importMappingCsv, mappingPage, MAX_MAPPING_BYTES, type MappingProblem } from "~/models/dhis2-mapping.server";
import { clientIp } from "~/utils/http.server";
import { MULTIPART_OVERHEAD_BYTES } from "~/utils/limits";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meta.dhis2");

/** The national admin: a package's DHIS2 mapping, what it points at that does not exist, and its CSV upload (docs/dhis2.md). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWithRole(request, DHIS2_MAPPING_ROLES);
  const key = new URL(request.url).searchParams.get("package")?.slice(0, 64) ?? null;
  return { ...(await mappingPage(key)), maxMb: MAX_MAPPING_BYTES / 1024 / 1024 };
}

type ActionData = { ok: boolean; message: string; problems?: MappingProblem[]; total?: number; packageKey?: string };

/** A mapping CSV: the role checked before the body is read, its size bounded before and while it arrives, then every row checked by the model. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireUserWithRole(request, DHIS2_MAPPING_ROLES);
  const fail = (status: number, message: string) => data<ActionData>({ ok: false, message }, { status });
  const tooLarge = () => fail(413, say(user, "exchange.mapping.tooLarge", { max: MAX_MAPPING_BYTES / 1024 / 1024 }));
  if (!(request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) return fail(400, say(user, "exchange.page.noFile"));
  const length = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(length) && length > MAX_MAPPING_BYTES + MULTIPART_OVERHEAD_BYTES) return tooLarge();
  let body: FormData;
  try {
    body = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_MAPPING_BYTES }));
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return tooLarge();
    return fail(400, say(user, "exchange.page.noFile"));
  }
  const packageKey = String(body.get("package") ?? "").slice(0, 64);
  const file = body.get("file");
  if (!file || typeof file === "string" || file.size === 0) return fail(400, say(user, "exchange.page.noFile"));
  const outcome = await importMappingCsv({ actor: user, packageKey, bytes: new Uint8Array(await file.arrayBuffer()), ip: clientIp(context) });
  if (outcome.ok) return data<ActionData>({ ok: true, message: say(user, "exchange.page.saved", outcome.counts), packageKey });
  return data<ActionData>(
    { ok: false, message: say(user, "exchange.page.problems", { count: outcome.total }), problems: outcome.problems, total: outcome.total, packageKey },
    { status: outcome.status },
  );
}

export default function Dhis2MappingPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const text = (x: LocalizedText) => (t.locale === "en" ? x.en : x.id);
  return (
    <div className="page">
      <PageHeader title={t("exchange.page.title")} intro={t("exchange.page.intro")} />
      {result ? (
        <div className={`alert ${result.ok ? "success" : "error"}`} role={result.ok ? "status" : "alert"}>
          {result.message}
        </div>
      ) : null}
      {result?.problems?.length ? (
        <section className="card" aria-labelledby="problems-title">
          <h2 id="problems-title">{t("exchange.page.problems", { count: result.total ?? result.problems.length })}</h2>
          <DataTable
            rows={result.problems}
            rowKey={(p, i) => `${p.line}-${i}`}
            stacked
            columns={[
              { header: t("exchange.page.col.line"), cell: (p) => (p.line > 0 ? t("exchange.page.line", { line: p.line }) : t("exchange.page.fileWide")) },
              { header: t("exchange.page.col.problem"), cell: (p) => text(p.text) },
            ]}
          />
        </section>
      ) : null}

      <section className="card" aria-labelledby="mapping-title">
        <h2 id="mapping-title">{d.selected ? t("exchange.page.table", { package: d.selected }) : t("exchange.page.title")}</h2>
        <Form method="get" className="form-row">
          <div className="field">
            <label htmlFor="package">{t("exchange.page.package")}</label>
            <select id="package" name="package" defaultValue={d.selected ?? ""}>
              {d.keys.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </div>
          <div className="button-row">
            <button type="submit" className="button secondary">
              {t("exchange.page.show")}
            </button>
          </div>
        </Form>
        {d.counts && d.total > 0 ? (
          <>
            <p>{t("exchange.page.counts", d.counts)}</p>
            <p>
              <a href={`/dhis2/mapping.csv?package=${encodeURIComponent(d.selected ?? "")}`} download>
                {t("exchange.page.download")}
              </a>
            </p>
            {d.problems.length > 0 ? (
              <div className="alert error" role="alert">
                <p>{t("exchange.page.broken", { count: d.problems.length })}</p>
                <ul>
                  {d.problems.slice(0, 50).map((p, i) => (
                    <li key={i}>{text(p)}</li>
                  ))}
                </ul>
              </div>
            ) : null}
            <DataTable
              rows={d.rows}
              rowKey={(r, i) => `${r.kind}-${r.pantau}-${i}`}
              stacked
              columns={[
                { header: t("exchange.page.col.kind"), cell: (r) => <code>{r.kind}</code> },
                { header: t("exchange.page.col.pantau"), rowHeader: true, cell: (r) => <code>{r.pantau || "–"}</code> },
                { header: t("exchange.page.col.dhis2"), cell: (r) => <code>{r.dhis2}</code> },
                { header: t("exchange.page.col.coc"), cell: (r) => (r.coc ? <code>{r.coc}</code> : "–") },
              ]}
            />
            {d.total > d.rows.length ? <p className="muted">{t("exchange.page.more", { count: d.total - d.rows.length })}</p> : null}
          </>
        ) : (
          <p>{t("exchange.page.none")}</p>
        )}
      </section>

      {d.selected ? (
        <section className="card" aria-labelledby="upload-title">
          <h2 id="upload-title">{t("exchange.page.upload")}</h2>
          <p className="muted">{t("exchange.page.uploadHelp")}</p>
          <Form method="post" encType="multipart/form-data">
            <input type="hidden" name="package" value={d.selected} />
            <div className="field">
              <label htmlFor="mapping-file">{t("exchange.page.file")}</label>
              <input id="mapping-file" name="file" type="file" accept=".csv,text/csv" required />
            </div>
            <div className="button-row">
              <button type="submit" className="button" disabled={busy}>
                {t("exchange.page.submit")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
