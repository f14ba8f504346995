/**
 * A throwaway PostgreSQL server for the test run: initdb in a temp dir, pg_ctl on a free
 * loopback port, stopped and removed afterwards. Runs the server as the `postgres` user
 * when we are root (initdb refuses root).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface PgServer {
  url: string;
  /** The cluster's data directory (postmaster.pid, for whoever measures its processes). */
  dataDir: string;
  stop(): void;
}

function pgBin(name: string): string {
  const candidates = fs.existsSync("/usr/lib/postgresql")
    ? fs
        .readdirSync("/usr/lib/postgresql")
        .sort()
        .reverse()
        .map((v) => path.join("/usr/lib/postgresql", v, "bin", name))
    : [];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found)
    throw new Error(
      `PostgreSQL (${name}) tidak ditemukan: pasang dengan apt-get install -y postgresql (npm test memasangnya sendiri bila dijalankan sebagai root; lihat tests/setup/system-packages.sh).`,
    );
  return found;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export async function startPostgres(): Promise<PgServer> {
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-pg-"));
  const dataDir = path.join(dir, "data");
  const run = (bin: string, args: string[]) => {
    const cmd = asRoot ? "runuser" : pgBin(bin);
    const full = asRoot ? ["-u", "postgres", "--", pgBin(bin), ...args] : args;
    return execFileSync(cmd, full, { stdio: "pipe", cwd: dir }).toString();
  };
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const port = await freePort();
  run("pg_ctl", [
    "-D",
    dataDir,
    "-l",
    path.join(dir, "log"),
    "-w",
    "-t",
    "30",
    "-o",
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=on -c max_connections=200`,
    "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    stop() {
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
