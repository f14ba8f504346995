/**
 * Scorecards: org units × indicators with value, target, achievement, colour, trend and
 * completeness, a composite score and rank per row, and a total row computed by ratio of sums.
 *
 * Two steps keep the engine pure: planScorecard says which facts are needed (fields, windows,
 * forms), a fact provider (facts-memory.ts or the SQL layer) computes them, computeScorecard turns
 * them into cells. explainCell recomputes one cell with everything behind it.
 *
 * One file per phase: compile.ts (a package's indicators compiled once) → plan.ts (requests and
 * plans) → compute.ts (cells, scores, ranks, the total row) → explain.ts (one cell and its
 * summary); types.ts holds the results and the data they are computed from, format.ts the
 * numbers as shown.
 */
export type { CompiledIndicator, CompiledPackage, PackageField } from "./compile";
export { compilePackage } from "./compile";
export type { ScorecardRequest, ScorecardRowRef } from "./plan";
export { planScorecard, ScorecardRequestError, TOTAL_ROW_CODE } from "./plan";
export type { CellReason, CellTarget, Scorecard, ScorecardCell, ScorecardColumn, ScorecardData, ScorecardRow, Yardstick, Yardsticks } from "./types";
export { compositeScore, computeScorecard, nationalYardstick, packageYardstick, rankScores, unitsForIndicator } from "./compute";
export type { CellExplanation, ExplainForm, ExplainInput } from "./explain";
export { explainCell, summarizeExplanation, type SummaryReading } from "./explain";
export type { ScorecardMessageCode, ScorecardMessageParams } from "./scorecard-messages";
export { SCORECARD_MESSAGE_CODES, SCORECARD_MESSAGES, scorecardMessage } from "./scorecard-messages";
export { formatNumberId, roundForDisplay } from "./format";
