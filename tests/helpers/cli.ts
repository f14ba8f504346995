/** Running the CLI in-process with its output captured, and files for it to read. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCli } from "~/cli/main";

export async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** The CLI's output lines when it succeeds; its error text as a thrown error when it does not. */
export async function cliOk(...argv: string[]): Promise<string[]> {
  const { code, out, err } = await cli(...argv);
  if (code !== 0) throw new Error(err);
  return out.split("\n");
}

/** Writes `content` to a fresh temp directory as `name`; returns the file's path. */
export function tempFile(content: string, name = "rows.csv"): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pantau-cli-")), name);
  fs.writeFileSync(file, content);
  return file;
}
