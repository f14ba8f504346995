/**
 * Drafts kept in the browser (localStorage) so a lost connection or a closed tab loses nothing.
 * Keyed by Puskesmas, form and period; saved every few seconds while something changed, and at
 * once when the connection drops or returns.
 */
import { useCallback, useEffect, useRef, useState } from "react";

export interface LocalDraft {
  data: Record<string, unknown>;
  /** When the browser saved it (ISO, the browser's clock). */
  savedAt: string;
  /** Server revision the edits started from. */
  baseRevision: number;
}

export const AUTOSAVE_MS = 3_000;

export function draftStorageKey(unitCode: string, formKey: string, period: string): string {
  return `pantau:draft:${unitCode}:${formKey}:${period}`;
}

export function readLocalDraft(key: string): LocalDraft | null {
  try {
    const raw = window.localStorage.getItem(key);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as LocalDraft;
    return parsed && typeof parsed.data === "object" && parsed.data !== null ? parsed : null;
  } catch {
    return null;
  }
}

function writeLocalDraft(key: string, draft: LocalDraft): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the server draft remains the fallback.
  }
}

export function clearLocalDraft(key: string): void {
  try {
    window.localStorage.removeItem(key);
  } catch {
    // Nothing to clear.
  }
}

/** Same answers, ignoring key order and empty values. */
export function sameAnswers(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const norm = (d: Record<string, unknown>) =>
    JSON.stringify(
      Object.keys(d)
        .filter((k) => d[k] !== undefined && d[k] !== null && d[k] !== "")
        .sort()
        .map((k) => [k, d[k]]),
    );
  return norm(a) === norm(b);
}

/**
 * Autosaves `data` under `key` while `enabled`; returns whether the page is online and a
 * `saveNow` for explicit moments (before a submit that cannot reach the server) and `forget`.
 */
export function useLocalAutosave(key: string, data: Record<string, unknown>, baseRevision: number, enabled: boolean) {
  const latest = useRef({ data, baseRevision, dirty: false });
  const [online, setOnline] = useState(true);
  const [lastSaved, setLastSaved] = useState<string | null>(null);

  useEffect(() => {
    if (latest.current.data !== data) latest.current = { data, baseRevision, dirty: true };
  }, [data, baseRevision]);

  const saveNow = useCallback(() => {
    if (!enabled) return;
    const savedAt = new Date().toISOString();
    writeLocalDraft(key, { data: latest.current.data, savedAt, baseRevision: latest.current.baseRevision });
    latest.current.dirty = false;
    setLastSaved(savedAt);
  }, [key, enabled]);

  /** The server has the answers now: drop the local copy. */
  const forget = useCallback(() => {
    latest.current.dirty = false;
    clearLocalDraft(key);
    setLastSaved(null);
  }, [key]);

  useEffect(() => {
    setOnline(navigator.onLine);
    const timer = window.setInterval(() => {
      if (latest.current.dirty) saveNow();
    }, AUTOSAVE_MS);
    const onConnection = () => {
      setOnline(navigator.onLine);
      if (latest.current.dirty) saveNow();
    };
    const onHide = () => {
      if (latest.current.dirty) saveNow();
    };
    window.addEventListener("online", onConnection);
    window.addEventListener("offline", onConnection);
    window.addEventListener("pagehide", onHide);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("online", onConnection);
      window.removeEventListener("offline", onConnection);
      window.removeEventListener("pagehide", onHide);
    };
  }, [saveNow]);

  return { online, lastSaved, saveNow, forget };
}
