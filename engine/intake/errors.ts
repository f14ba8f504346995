/** Error shape shared by the intake gate, document validation and package validation. */
export interface DocumentError {
  /** JSON pointer (RFC 6901) to the offending value; "" is the document itself. */
  pointer: string;
  /** Stable code; tests and the UI key on it. */
  code: string;
  /**
   * Key of the message in its table (INTAKE_MESSAGES, PACKAGE_MESSAGES); absent where the text
   * comes from elsewhere (a formula error: see `formulaCode`).
   */
  messageCode?: string;
  /** What the message needs (limits, keys, labels); see the table's header. */
  params?: Readonly<Record<string, string | number>>;
  /** Bahasa Indonesia: what is wrong and how to fix it. */
  message: string;
  /** English version of `message`. */
  messageEn: string;
  /** Formula errors only: character range of the problem inside the formula string. */
  start?: number;
  end?: number;
  /** Formula errors only: the formula checker's own error code (e.g. UNKNOWN_IDENTIFIER). */
  formulaCode?: string;
  /** CIRCULAR only: the keys forming the cycle, first key repeated at the end. */
  cycle?: string[];
}

/** Escapes one JSON-pointer reference token (RFC 6901: "~" → "~0", "/" → "~1"). */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Joins tokens into a JSON pointer. */
export function pointerOf(...tokens: (string | number)[]): string {
  return tokens.map((t) => "/" + escapePointerToken(t)).join("");
}
