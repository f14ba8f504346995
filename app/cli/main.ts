/**
 * Pantau ILP command line: `npm run cli -- <command>`. Reads DATABASE_URL like the app.
 * Exit code 0 on success, 1 on any error (with a message saying what to fix), 2 on bad usage.
 */
import { COMMANDS, usage, type CliIo } from "./commands";

export async function runCli(
  argv: string[],
  io: CliIo = { out: (s) => process.stdout.write(s + "\n"), err: (s) => process.stderr.write(s + "\n") },
): Promise<number> {
  const [group, sub, ...rest] = argv;
  const entry = COMMANDS.find((c) => c.name[0] === group && (c.name.length === 1 || c.name[1] === sub));
  if (!entry) {
    io.err(usage());
    return 2;
  }
  const args = entry.name.length === 1 ? [sub, ...rest].filter((a) => a !== undefined) : rest;
  try {
    return await entry.run(args, io);
  } catch (err) {
    io.err(`Galat: ${(err as Error).message}`);
    return 1;
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/").split("/").pop()!);
if (isMain) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      // The serve command keeps the process alive itself; everything else ends here.
      if (code !== -1) process.exit(code);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
