/**
 * Resource route of the form builder's live preview: checks a form definition being built and
 * a set of sample answers with the server's real validation (the intake gate, the package
 * semantics and validateSubmission, the same Ajv validators as data entry). Admins only; it
 * reads and writes nothing, so there is no scope to check and nothing to audit.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { requireRole, requireUser } from "~/auth/guards.server";
import { ADMIN_ROLES } from "~/auth/policy.server";
import type { PreviewCheckResult } from "~/components/designer/forms/FormPreview";
import { serverT } from "~/i18n/locale.server";
import {
  checkPackageSemantics,
  DOCUMENT_MAX_BYTES,
  parseJsonDocument,
  validateDocument,
  validateSubmission,
  type DocumentError,
  type Form,
  type TemplatePackage,
} from "@engine/server";
import { formString, readForm } from "~/utils/http.server";

/** Sample answers: far above any configured form (the fill page allows the same). */
const MAX_DATA_CHARS = 200_000;
const MAX_HIDDEN_CHARS = 20_000;

type Refusal = PreviewCheckResult & { status: number };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, ADMIN_ROLES);
  const { locale, t } = await serverT(request, user);
  const refuse = (status: number, message: string) =>
    data<PreviewCheckResult>({ ok: false, definitionErrors: [], fieldErrors: {}, formErrors: [message] } satisfies Omit<Refusal, "status">, { status });
  if (request.method !== "POST") return refuse(405, t("formbuilder.route.method"));
  const body = await readForm(request);
  const formText = formString(body, "form", DOCUMENT_MAX_BYTES + 1);
  const dataText = formString(body, "data", MAX_DATA_CHARS + 1);
  const hiddenText = formString(body, "hidden", MAX_HIDDEN_CHARS + 1);
  if (dataText.length > MAX_DATA_CHARS || hiddenText.length > MAX_HIDDEN_CHARS) return refuse(413, t("formbuilder.route.dataTooLarge"));

  // The intake gate first: size and depth caps, forbidden keys, then the form's JSON Schema.
  const definition = (errors: DocumentError[], status = 422) =>
    data<PreviewCheckResult>(
      {
        ok: false,
        fieldErrors: {},
        formErrors: [],
        definitionErrors: errors.slice(0, 50).map((e) => ({ pointer: e.pointer, message: locale === "en" ? e.messageEn : e.message })),
      },
      { status },
    );
  const parsed = parseJsonDocument(formText, { maxBytes: DOCUMENT_MAX_BYTES });
  if (!parsed.ok) return definition(parsed.errors, parsed.errors.some((e) => e.code === "TOO_LARGE") ? 413 : 400);
  const shape = validateDocument("form", parsed.value);
  if (!shape.ok) return definition(shape.errors);
  const form = parsed.value as Form;
  // Formulas, show-if references, bounds and choices, as publishing would check them.
  const semantic = checkPackageSemantics(previewPackage(form), { allowLocalKeys: true }).map((e) => ({ ...e, pointer: e.pointer.replace(/^\/forms\/0/, "") }));
  if (semantic.length > 0) return definition(semantic);

  let answers: unknown;
  let hidden: unknown;
  try {
    answers = JSON.parse(dataText || "{}");
    hidden = JSON.parse(hiddenText || "[]");
  } catch {
    return refuse(400, t("formbuilder.route.badData"));
  }
  const hiddenFields = Array.isArray(hidden) ? hidden.filter((k): k is string => typeof k === "string") : [];
  // The compiled-validator cache is an LRU of bounded size, so previews cannot grow it without limit.
  const result = validateSubmission(form, answers, { locale, hiddenFields, formVersion: "designer-preview" });
  const fieldErrors: Record<string, string> = {};
  const formErrors: string[] = [];
  for (const e of result.errors) {
    if (e.field && !(e.field in fieldErrors)) fieldErrors[e.field] = e.message;
    else if (!e.field) formErrors.push(e.message);
  }
  return data<PreviewCheckResult>({ ok: result.ok, definitionErrors: [], fieldErrors, formErrors }, { status: 200 });
}

/** The form alone in a package, so the package's semantic checks run on it unchanged. */
function previewPackage(form: Form): TemplatePackage {
  return {
    key: "pratinjau",
    version: 1,
    title: { id: "Pratinjau" },
    owner: "pratinjau",
    source: "pratinjau",
    groups: [],
    forms: [form],
    indicators: [],
    targets: [],
    rules: [],
  };
}
