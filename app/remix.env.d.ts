/// <reference types="@remix-run/dev" />

import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
  interface AppLoadContext {
    cspNonce?: string;
    clientIp?: string;
    /** A document request (not a `.data` request of client-side navigation): the page's HTML carries what it shows. */
    documentRequest?: boolean;
    /** Data a loader hands to the server rendering only, never serialised into the page (app/components/server-only.tsx). */
    serverOnly?: Map<string, unknown>;
  }
}
