import type { MessageKey } from "~/i18n/catalog";
import { useT } from "~/i18n/useT";

/** Where an element of an effective package comes from: national, local (the district's) or overridden. */
export function OriginBadge({ origin }: { origin: "national" | "local" | "overridden" | null }) {
  const t = useT();
  if (!origin) return null;
  return <span className={`badge origin origin-${origin}`}>{t(`templates.origin.${origin}` as MessageKey)}</span>;
}
