// Formula language: lexer, parser, checker, compiler.
export * from './formula/index';

// Periods, targets, status, aggregation, scorecards, overlays (engine core).
export * from './documents';
export * from './period';
export * from './targets';
export * from './status';
export * from './facts';
export * from './aggregate';
export * from './facts-memory';
export * from './scorecard';
export * from './overlay';
export * from './overlay-derive';

// Schema intake gate, document and package validation, forms (rjsf derivation, submissions).
export * from './intake/index';
export * from './package/semantics';
export * from './package/validate';
export * from './package/diff';
export * from './forms/index';
export * from './rules';
