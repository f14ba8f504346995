/** Placeholder until the forms editor lands; the designer page imports it under this name. */
import type { EditorProps } from "./contract";

export function FormsEditor(props: EditorProps) {
  return <p className="muted">{props.pkg.forms.length}</p>;
}
