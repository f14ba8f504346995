/**
 * Times (and with PANTAU_PROFILE_DIR, CPU-profiles) one page of the built app, requests one at a
 * time — the tool behind the per-page figures in docs/benchmarks.md ("Load").
 *
 *   npx tsx tests/load/profile-one.ts <sqlite file> <username> <path> [requests=200]
 *   PANTAU_PROFILE_DIR=/tmp/prof npx tsx tests/load/profile-one.ts /tmp/demo.sqlite verifikator.tegal "/scorecards?parent=33.28"
 *
 * A missing file is created and filled with the demo data first (~30 s); later runs reuse it.
 * The server runs as `npm run load` runs it (NODE_ENV=production); with PANTAU_PROFILE_DIR it
 * writes a V8 .cpuprofile there when it stops (open it in Chrome DevTools).
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { loginCookie, spawnServer } from "../crash/server";

const [dbFile, username, urlPath, count] = process.argv.slice(2);
if (!dbFile || !username || !urlPath) throw new Error("usage: profile-one.ts <sqlite file> <username> <path> [requests]");
const n = Number(count ?? 200);
const server = await spawnServer({ databaseUrl: `sqlite:${dbFile}`, seed: !fs.existsSync(dbFile), name: "profile-one", env: { NODE_ENV: "production" } });
try {
  const cookie = await loginCookie(server.baseUrl, username);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(server.baseUrl + urlPath, { headers: { cookie } });
    const body = await res.text();
    times.push(performance.now() - t);
    if (i === 0) {
      if (res.status !== 200) throw new Error(`${urlPath}: HTTP ${res.status}`);
      bytes = body.length;
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(n - 1, Math.floor(n * q))].toFixed(1);
  console.log(`${urlPath}: ${n} requests, ${bytes} bytes; ms p10 ${at(0.1)} · median ${at(0.5)} · p90 ${at(0.9)}`);
} finally {
  await server.stop();
}
