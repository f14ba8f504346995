/**
 * The engine's server entry ("@engine/server"): the browser-safe entry plus what runs Ajv — the
 * schema intake gate, package and overlay validation, and submission validation. Server code
 * only (models, CLI, resource routes); see index.ts for why browser code must not import it.
 */
export * from "./index";
export * from "./intake/index";
export * from "./package/validate";
export * from "./forms/submission";
