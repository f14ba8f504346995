/**
 * The repository explains itself: every path a document, comment or test names must exist, every
 * "decision NNN" must be a record in docs/decisions/, every relative Markdown link must resolve,
 * and no reference may point outside the repository (a tracker number, a document that is not here).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const TEXT = /\.(md|ts|tsx|mjs|js|sh|css)$|^\.ci\//;

function trackedTextFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
  return out
    .split("\n")
    .filter((f) => f && TEXT.test(f) && !f.startsWith("node_modules/") && f !== "schemas/types.generated.ts")
    .filter((f) => fs.existsSync(path.join(ROOT, f)));
}

/** Repository paths as they are written in prose and comments: "app/models/locks.server.ts", "docs/decisions/". */
const PATH = /(?<![\w./~@-])((?:app|engine|tests|seeds|schemas|docs|public|\.ci)\/[A-Za-z0-9_.$[\]/-]*[A-Za-z0-9_\]/])/g;
/** Paths that name a pattern or a place the app creates, not a file in the repository. */
const GENERATED = /^(public\/build|tests\/artifacts|app\/db\/migrations\/010_|data\/)|[*<>{}]|NNN/;

function exists(p: string): boolean {
  let clean = p.replace(/[.,:;)]+$/, "");
  // A Markdown link's text ends in "]"; a route file's name has "[" before its "]".
  if (clean.endsWith("]") && !clean.includes("[")) clean = clean.slice(0, -1);
  if (GENERATED.test(clean)) return true;
  return fs.existsSync(path.join(ROOT, clean));
}

describe("references inside the repository", () => {
  const files = trackedTextFiles();

  it("reads a meaningful number of files", () => {
    expect(files.length).toBeGreaterThan(200);
  });

  it("every repository path named in docs, code and tests exists", () => {
    const missing: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(ROOT, f), "utf8");
      for (const m of text.matchAll(PATH)) {
        // "app/routes/designer.*" names a family of route files.
        if (text.startsWith(".*", m.index + m[0].length)) continue;
        if (!exists(m[1])) missing.push(`${f}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every decision number names a record in docs/decisions/", () => {
    const records = new Set(fs.readdirSync(path.join(ROOT, "docs", "decisions")).map((n) => n.slice(0, 3)));
    const missing: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(ROOT, f), "utf8");
      for (const m of text.matchAll(/\b[Dd]ecisions? (\d{3})\b/g)) if (!records.has(m[1])) missing.push(`${f}: decision ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it("every relative Markdown link resolves", () => {
    const broken: string[] = [];
    for (const f of files.filter((n) => n.endsWith(".md"))) {
      const text = fs.readFileSync(path.join(ROOT, f), "utf8");
      for (const m of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/.test(target)) continue;
        if (!fs.existsSync(path.resolve(ROOT, path.dirname(f), target))) broken.push(`${f}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("no reference points outside the repository", () => {
    const outside: string[] = [];
    const OUTSIDE = /\b[Ii]ssue #?\d+|\b[Ss]top \d+\b|\b(SECURITY|DOMAIN|DESIGN|STYLE)\.md\b|\.\.\/shared\//;
    for (const f of files.filter((n) => n !== "tests/unit/references.test.ts" && !n.startsWith(".ci/"))) {
      const lines = fs.readFileSync(path.join(ROOT, f), "utf8").split("\n");
      lines.forEach((line, i) => {
        if (OUTSIDE.test(line)) outside.push(`${f}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(outside).toEqual([]);
  });
});
