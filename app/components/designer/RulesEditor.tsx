/** Placeholder until the rules editor lands; the designer page imports it under this name. */
import type { EditorProps } from "./contract";

export function RulesEditor(props: EditorProps) {
  return <p className="muted">{props.pkg.rules.length}</p>;
}
