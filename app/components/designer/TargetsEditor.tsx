/** Placeholder until the targets editor lands; the designer page imports it under this name. */
import type { EditorProps } from "./contract";

export function TargetsEditor(props: EditorProps) {
  return <p className="muted">{props.pkg.targets.length}</p>;
}
