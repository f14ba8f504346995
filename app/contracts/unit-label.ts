/**
 * A unit's name labelled with its level ("Posyandu" + "Melati" → "Posyandu Melati"), without
 * repeating the level when the name already begins with it ("Posyandu Melati" stays as it is).
 * Shared by the operator's report list and home (docs/decisions/035-village-reporting.md).
 */
export function unitLabel(levelWord: string, name: string): string {
  const n = name.toLocaleLowerCase();
  const level = levelWord.toLocaleLowerCase();
  return n === level || n.startsWith(`${level} `) ? name : `${levelWord} ${name}`;
}
