/**
 * Server autosave of a report's draft (decision 007): while the answers changed since the server last
 * had them, every `intervalMs` they are posted as a draft to the page's autosave route. Plain
 * fetch, not a Remix fetcher: a dropped connection must not replace the page with an error
 * boundary; the browser copy (localDraft.ts) keeps everything meanwhile and the next tick retries.
 */
import { useEffect, useRef, useState } from "react";

export interface AutosaveState {
  /** A save is on its way: the page's own buttons wait for it (one revision at a time). */
  saving: boolean;
  /** When the server last stored the answers (ISO time), this session. */
  savedAt: string | null;
  /** Revision of the report the server answered with (0 before any autosave). */
  revision: number;
  /** The last autosave was refused (invalid answers, lock, conflict): its first message. */
  refused: string | null;
}

/** An idempotency key from the browser's CSPRNG (crypto.randomUUID needs a secure context). */
function randomKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function useServerAutosave(options: {
  url: string;
  data: Record<string, unknown>;
  /** Revision the page was loaded with. */
  baseRevision: number;
  /** Answers as the server has them when the page opened. */
  serverData: Record<string, unknown>;
  enabled: boolean;
  intervalMs: number;
  onSaved?: () => void;
}): AutosaveState {
  const [state, setState] = useState<AutosaveState>({ saving: false, savedAt: null, revision: 0, refused: null });
  const latest = useRef(options);
  latest.current = options;
  const sent = useRef(JSON.stringify(options.serverData));
  const revision = useRef(options.baseRevision);
  const busy = useRef(false);

  // A newer revision from the loader (after a manual save) is the base from then on.
  useEffect(() => {
    if (options.baseRevision > revision.current) revision.current = options.baseRevision;
  }, [options.baseRevision]);

  useEffect(() => {
    if (!options.enabled) return;
    const timer = window.setInterval(() => {
      const { url, data, onSaved } = latest.current;
      if (busy.current || !navigator.onLine) return;
      const json = JSON.stringify(data);
      if (json === sent.current) return;
      busy.current = true;
      setState((s) => ({ ...s, saving: true }));
      const body = new FormData();
      body.set("data", json);
      body.set("idempotencyKey", randomKey());
      body.set("baseRevision", String(revision.current));
      fetch(url, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(async (res) => {
          const result = (await res.json()) as { ok: boolean; revision?: number; formErrors?: string[]; fieldErrors?: Record<string, string> };
          // Either way these answers were answered for: an invalid draft is not re-sent until it changes.
          sent.current = json;
          if (result.ok && typeof result.revision === "number") {
            revision.current = result.revision;
            setState({ saving: false, savedAt: new Date().toISOString(), revision: result.revision, refused: null });
            onSaved?.();
          } else {
            const message = result.formErrors?.[0] ?? Object.values(result.fieldErrors ?? {})[0] ?? null;
            setState((s) => ({ ...s, saving: false, refused: message }));
          }
        })
        .catch(() => setState((s) => ({ ...s, saving: false })))
        .finally(() => {
          busy.current = false;
        });
    }, options.intervalMs);
    return () => window.clearInterval(timer);
  }, [options.enabled, options.intervalMs]);

  return state;
}
