/** A formula as code; with a character range, the part the error points at is marked. */
export function FormulaText({ formula, start, end }: { formula: string; start?: number | null; end?: number | null }) {
  if (start === null || start === undefined || end === null || end === undefined || start < 0 || start > formula.length) {
    return <code className="formula">{formula}</code>;
  }
  const stop = Math.max(start, Math.min(end, formula.length));
  const marked = formula.slice(start, stop);
  return (
    <code className="formula">
      {formula.slice(0, start)}
      <mark className="formula-error">{marked === "" ? "\u2002" : marked}</mark>
      {formula.slice(stop)}
    </code>
  );
}
