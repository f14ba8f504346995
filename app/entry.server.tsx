import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./components/nonce";
import { ServerOnlyProvider } from "./components/server-only";
import { htmlResponseStream } from "./server/html-stream.server";

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = typeof loadContext.cspNonce === "string" ? loadContext.cspNonce : "";
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <ServerOnlyProvider value={loadContext.serverOnly ?? null}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </ServerOnlyProvider>
      </NonceProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          // React 18.3 can leave NUL bytes at its chunk boundaries before a multi-byte character
          // (decision 014): they are dropped on the way out, and small chunks joined for gzip.
          const body = htmlResponseStream();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  console.error(error);
}

// Background work the `serve` command starts in the build's own module instance (same database
// handle and caches as the routes): keeps the scorecards people look at computed (decision 013).
export { startScorecardWarmer } from "./models/scorecard-warmer.server";
// The columnar fact index the scorecards read once it is loaded (decision 040).
export { startFactIndex } from "./models/fact-index.server";
export { startReminderScheduler } from "./models/reminders.server";

// The session check of the body-size limits (app/server/body-limit.server.ts), against the
// build's own database handle.
export { sessionLocaleOf } from "./auth/session.server";
export { apiTokenOf } from "./auth/api.server";
