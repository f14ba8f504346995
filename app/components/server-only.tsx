/**
 * Data a loader hands to the server's rendering of a document only, never serialised into the
 * page's loader data: the national scorecard's rows are written once, as the table's HTML, and
 * the browser adopts that HTML when it hydrates (docs/decisions/041-lighter-scorecard-page.md).
 * The loader puts the value in `context.serverOnly` (a Map made per request in
 * app/server/http.server.ts); the server entry provides the Map to the React tree.
 */
import { createContext, useContext } from "react";
import type { AppLoadContext } from "@remix-run/node";

const ServerOnlyContext = createContext<Map<string, unknown> | null>(null);
export const ServerOnlyProvider = ServerOnlyContext.Provider;

/** The value a loader kept under `key` for this document's rendering; null in the browser. */
export function useServerOnly<T>(key: string): T | null {
  return (useContext(ServerOnlyContext)?.get(key) as T | undefined) ?? null;
}

/** Keeps `value` for the server rendering when the request is a document request; false otherwise (a `.data` request or a direct call). */
export function keepForDocument(context: AppLoadContext | undefined, key: string, value: unknown): boolean {
  if (!context?.documentRequest || !context.serverOnly) return false;
  context.serverOnly.set(key, value);
  return true;
}
