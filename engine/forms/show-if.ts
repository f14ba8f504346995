/**
 * Show-if conditions: evaluation and pruning of the values of hidden fields.
 *
 * Semantics: a hidden field counts as unanswered for every condition. Comparisons with an
 * unanswered field are false (also `ne`); use `empty`/`filled` to test for an answer.
 * Multichoice answers `eq`/`ne` test membership.
 */
import type { Condition, ConditionClause, Form } from "../../schemas/types.generated";
import { fieldsOf, getOwn, isEmptyValue, setOwn } from "./text";

type Data = Record<string, unknown>;

function clauseHolds(clause: ConditionClause, data: Data): boolean {
  const value = getOwn(data, clause.field);
  if (clause.op === "filled") return !isEmptyValue(value);
  if (clause.op === "empty") return isEmptyValue(value);
  if (isEmptyValue(value) || clause.value === undefined) return false;
  const expected = clause.value;
  switch (clause.op) {
    case "eq":
      return Array.isArray(value) ? value.includes(expected) : value === expected;
    case "ne":
      return Array.isArray(value) ? !value.includes(expected) : value !== expected;
    default: {
      const comparable = (typeof value === "number" && typeof expected === "number") || (typeof value === "string" && typeof expected === "string");
      if (!comparable) return false;
      const a = value as number | string;
      const b = expected as number | string;
      if (clause.op === "gt") return a > b;
      if (clause.op === "gte") return a >= b;
      if (clause.op === "lt") return a < b;
      return a <= b;
    }
  }
}

/** True when the condition holds for `data` (flat `{fieldKey: value}`). */
export function evaluateShowIf(condition: Condition, data: Data): boolean {
  const results = condition.clauses.map((c) => clauseHolds(c, data));
  return condition.match === "any" ? results.some(Boolean) : results.every(Boolean);
}

/** Copy of `data` without the given keys (own properties only, no prototype setter). */
export function withoutKeys(data: Data, drop: ReadonlySet<string>): Data {
  const out: Data = {};
  for (const key of Object.keys(data)) if (!drop.has(key)) setOwn(out, key, data[key]);
  return out;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * Keys of fields hidden by show-if for this data. Fixpoint: a field hidden in one round counts
 * as unanswered in the next, which may show or hide others (chains, `empty` conditions).
 * `prepare` lets the caller recompute derived values (calculated fields) on each round's view.
 */
export function hiddenByShowIf(form: Form, data: Data, prepare: (view: Data, hidden: ReadonlySet<string>) => Data = (view) => view): Set<string> {
  const conditional = fieldsOf(form).filter((f) => f.showIf !== undefined);
  let hidden = new Set<string>();
  // Converges in (longest show-if chain + 1) rounds for acyclic conditions; the cap only
  // matters for cyclic ones, which package validation refuses.
  for (let round = 0; round <= conditional.length + 1; round++) {
    const view = prepare(withoutKeys(data, hidden), hidden);
    const next = new Set(conditional.filter((f) => !evaluateShowIf(f.showIf!, view)).map((f) => f.key));
    if (sameSet(next, hidden)) break;
    hidden = next;
  }
  return hidden;
}

/** Drops the values of fields hidden by show-if (to a fixpoint). Returns a new object. */
export function pruneHidden(form: Form, data: Data): Data {
  return withoutKeys(data, hiddenByShowIf(form, data));
}
