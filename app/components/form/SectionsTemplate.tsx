import type { ObjectFieldTemplateProps } from "@rjsf/utils";

interface UiSection {
  key: string;
  title: string;
  description?: string;
  fields: string[];
}

/**
 * Draws the flat form under section headings from `uiSchema["ui:sections"]`
 * (docs/decisions/001-flat-form-data.md). Fields hidden by show-if are not drawn at all.
 */
export function SectionsTemplate(props: ObjectFieldTemplateProps) {
  const sections = ((props.uiSchema as Record<string, unknown> | undefined)?.["ui:sections"] ?? []) as UiSection[];
  const byName = new Map(props.properties.map((p) => [p.name, p]));
  const placed = new Set(sections.flatMap((s) => s.fields));
  const rest = props.properties.filter((p) => !placed.has(p.name) && !p.hidden);
  return (
    <div className="form-sections">
      {sections.map((section) => {
        const visible = section.fields.map((k) => byName.get(k)).filter((p) => p && !p.hidden);
        if (visible.length === 0) return null;
        return (
          <fieldset key={section.key} className="form-section" aria-labelledby={`section-${section.key}`}>
            <h2 id={`section-${section.key}`} className="form-section-title">
              {section.title}
            </h2>
            {section.description ? <p className="help">{section.description}</p> : null}
            {visible.map((p) => (
              <div key={p!.name} id={`field-${p!.name}`} className="form-field">
                {p!.content}
              </div>
            ))}
          </fieldset>
        );
      })}
      {rest.map((p) => (
        <div key={p.name} id={`field-${p.name}`} className="form-field">
          {p.content}
        </div>
      ))}
    </div>
  );
}
