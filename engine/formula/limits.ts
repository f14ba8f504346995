/**
 * Hard limits of the formula language (docs/security.md item 6). Every limit is enforced with a coded
 * error, so a hostile or accidental formula can never exhaust memory or the JS stack.
 *
 * `maxDepth` bounds *nesting*: parentheses, function calls and unary operators, which is what
 * drives the parser's recursion (between two such levels the parser only climbs the handful of
 * precedence levels). A flat chain `a + b + c + …` is parsed by a loop, not recursion, and is
 * bounded by `maxTokens` instead, so an indicator that sums a hundred fields is still accepted;
 * every tree walk therefore stays far below the JS stack limit.
 */
export const FORMULA_LIMITS = {
  maxLength: 2000,
  maxDepth: 64,
  maxSteps: 100000,
  maxTokens: 1000,
} as const;
