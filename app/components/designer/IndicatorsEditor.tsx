/** Placeholder until the indicators editor lands; the designer page imports it under this name. */
import type { EditorProps } from "./contract";

export function IndicatorsEditor(props: EditorProps) {
  return <p className="muted">{props.pkg.indicators.length}</p>;
}
