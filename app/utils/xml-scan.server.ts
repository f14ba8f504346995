/**
 * A streaming scanner for the machine-written XML inside XLSX files (worksheets, shared strings,
 * styles, workbook and relationships), with every buffer bounded (docs/decisions/019-bounded-input.md).
 *
 * It reports elements (local name, the raw tag for attributes, self-closing or not) and keeps
 * text only while the handler asks for it (`capturing`), up to `maxText` characters; a tag may be
 * at most `maxTag` characters. Entities (the five predefined and numeric ones) and CDATA are
 * decoded; comments and processing instructions are skipped; a DOCTYPE is refused, so no entity
 * is ever expanded. It is not a validating parser: it reads what spreadsheet programs write.
 */

export class XmlLimitError extends Error {
  constructor(
    readonly kind: "text" | "tag" | "doctype",
    readonly length: number,
  ) {
    super(kind === "doctype" ? "DOCTYPE is not allowed" : `${kind} longer than allowed (${length})`);
    this.name = "XmlLimitError";
  }
}

export interface XmlHandler {
  open(name: string, tag: string, selfClosing: boolean): void;
  close(name: string): void;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Decodes the predefined and numeric entities; anything else stays as written. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, body: string) => {
    if (body[0] !== "#") return ENTITIES[body] ?? whole;
    const code = body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The local part of a qualified name (`x:c` → `c`). */
const local = (name: string) => {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
};

const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r";

/** An attribute of a raw tag by its local name (prefixes ignored), entities decoded; undefined if absent. */
export function attr(tag: string, name: string): string | undefined {
  // Fast path for what spreadsheet programs write: ` name="value"`.
  let from = 0;
  for (;;) {
    const i = tag.indexOf(`${name}=`, from);
    if (i < 0) break;
    const before = tag[i - 1];
    const quote = tag[i + name.length + 1];
    if ((isSpace(before) || before === ":") && (quote === '"' || quote === "'")) {
      const end = tag.indexOf(quote, i + name.length + 2);
      if (end < 0) return undefined;
      return decodeEntities(tag.slice(i + name.length + 2, end));
    }
    from = i + 1;
  }
  // Spaces around `=`, which XML allows.
  const m = new RegExp(`(?:^|[\\s:])${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? decodeEntities(m[1] ?? m[2]) : undefined;
}

export class XmlScanner {
  /** Unfinished markup (or a partial entity) carried over to the next chunk. */
  private carry = "";
  /** Set by the handler: text between tags is kept only while true. */
  capturing = false;
  /** The text kept since the handler last cleared it, entities decoded. */
  text = "";

  constructor(
    private readonly handler: XmlHandler,
    private readonly limits: { maxTag: number; maxText: number },
  ) {}

  private addText(raw: string): void {
    if (!this.capturing || raw === "") return;
    // XML reads line ends as \n (before entities are decoded: &#13; stays a carriage return).
    const piece = decodeEntities(raw.includes("\r") ? raw.replace(/\r\n?/g, "\n") : raw);
    if (this.text.length + piece.length > this.limits.maxText) throw new XmlLimitError("text", this.text.length + piece.length);
    this.text += piece;
  }

  private addLiteral(raw: string): void {
    if (!this.capturing) return;
    if (this.text.length + raw.length > this.limits.maxText) throw new XmlLimitError("text", this.text.length + raw.length);
    this.text += raw;
  }

  /** Feeds the next piece of the document. Throws XmlLimitError. */
  write(chunk: string): void {
    const buf = this.carry + chunk;
    const n = buf.length;
    let pos = 0;
    for (;;) {
      const lt = buf.indexOf("<", pos);
      if (lt < 0) {
        // Text runs on into the next chunk; keep a partial entity or a lone \r for it.
        let cut = n;
        const amp = buf.lastIndexOf("&");
        if (amp >= pos && n - amp <= 12 && buf.indexOf(";", amp) < 0) cut = amp;
        else if (buf.endsWith("\r")) cut = n - 1;
        if (this.capturing) this.addText(buf.slice(pos, cut));
        pos = cut;
        break;
      }
      if (lt > pos && this.capturing) this.addText(buf.slice(pos, lt));
      pos = lt;
      const end = this.markup(buf, lt);
      if (end < 0) break; // incomplete: wait for more
      pos = end;
    }
    this.carry = buf.slice(pos);
    if (this.carry.length > this.limits.maxTag + this.limits.maxText) throw new XmlLimitError("tag", this.carry.length);
  }

  /** Handles the markup at `lt`; returns the index after it, or -1 when it is not complete yet. */
  private markup(buf: string, lt: number): number {
    const next = buf[lt + 1];
    if (next === undefined) return -1;
    if (next === "!") {
      if (buf.startsWith("<!--", lt)) return this.skipTo(buf, lt, "-->");
      if (buf.startsWith("<![CDATA[", lt)) {
        const close = buf.indexOf("]]>", lt + 9);
        if (close < 0) return this.incomplete(buf, lt, this.limits.maxText + 12);
        this.addLiteral(buf.slice(lt + 9, close));
        return close + 3;
      }
      if (buf.length - lt < 9) return -1;
      if (buf.startsWith("<!DOCTYPE", lt)) throw new XmlLimitError("doctype", 0);
      return this.skipTo(buf, lt, ">");
    }
    if (next === "?") return this.skipTo(buf, lt, "?>");
    // A tag: the first `>` outside quotes ends it.
    let quote = "";
    const limit = Math.min(buf.length, lt + this.limits.maxTag + 1);
    let gt = -1;
    for (let i = lt + 1; i < limit; i++) {
      const c = buf[i];
      if (quote) {
        if (c === quote) quote = "";
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ">") {
        gt = i;
        break;
      }
    }
    if (gt < 0) return this.incomplete(buf, lt, this.limits.maxTag);
    const tag = buf.slice(lt + 1, gt);
    if (tag[0] === "/") {
      this.handler.close(local(tag.slice(1).trim()));
      return gt + 1;
    }
    const selfClosing = tag.endsWith("/");
    let nameEnd = 0;
    while (nameEnd < tag.length && !isSpace(tag[nameEnd]) && tag[nameEnd] !== "/") nameEnd++;
    const name = local(tag.slice(0, nameEnd));
    this.handler.open(name, tag, selfClosing);
    if (selfClosing) this.handler.close(name);
    return gt + 1;
  }

  private skipTo(buf: string, lt: number, terminator: string): number {
    const close = buf.indexOf(terminator, lt + 2);
    if (close < 0) return this.incomplete(buf, lt, this.limits.maxTag);
    return close + terminator.length;
  }

  private incomplete(buf: string, lt: number, max: number): number {
    if (buf.length - lt > max) throw new XmlLimitError("tag", buf.length - lt);
    return -1;
  }
}
