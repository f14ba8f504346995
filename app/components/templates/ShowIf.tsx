import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";
import { pickText } from "./text";

type ShowIfValue = { bool: boolean } | { text: { id: string; en?: string } } | { raw: string } | null;

export interface ShowIfProps {
  showIf: {
    match: "all" | "any";
    clauses: Array<{ field: string; fieldLabel: { id: string; en?: string } | null; op: string; value: ShowIfValue }>;
  };
}

/** A show-if condition in plain words: "Tampil bila «Label» sama dengan 5 dan …". */
export function ShowIf({ showIf }: ShowIfProps) {
  const t = useT();
  const valueText = (v: ShowIfValue): string => {
    if (v === null) return "";
    if ("bool" in v) return v.bool ? t("templates.value.yes") : t("templates.value.no");
    if ("text" in v) return `“${pickText(v.text, t.locale)}”`;
    return v.raw;
  };
  const joiner = showIf.match === "all" ? t("templates.showIf.and") : t("templates.showIf.or");
  return (
    <span className="show-if">
      {t("templates.showIf.when")}{" "}
      {showIf.clauses.map((c, i) => (
        <span key={i}>
          {i > 0 ? ` ${joiner} ` : null}
          <q>{c.fieldLabel ? pickText(c.fieldLabel, t.locale) : c.field}</q> {t(`templates.op.${c.op}` as MessageKey)}
          {c.value !== null ? ` ${valueText(c.value)}` : null}
        </span>
      ))}
    </span>
  );
}
