/**
 * Bounded input against the running server (docs/decisions/019-bounded-input.md). The built app
 * runs as a child process on a fresh demo database; each probe is measured through the server
 * process's own figures — its peak resident memory (VmHWM in /proc/<pid>/status, reset before the
 * probe through clear_refs) against its resident memory just before — and /healthz must answer
 * after every probe:
 *  - oversized bodies, anonymous and signed in, chunked and declared: 413 with the page in
 *    Bahasa Indonesia, the body not read to the end; a length that lies is no way round it;
 *  - an import over 15 MB: declared (the route's own message) and chunked (the 413 page);
 *  - hostile import files, each small on disk and built here: refused with their message.
 * Without the protections these probes take the server from ~200 MB to gigabytes or kill it.
 */
import fs from "node:fs";
import net from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { loginCookie } from "../crash/server";
import { bombXlsx, commasCsv, giantCellXlsx, rowXml, sheetRows, xfdXlsx, xlsx } from "../helpers/hostile-files";
import { langCookie } from "~/i18n/locale.server";
import { useE2E, type RunningApp } from "./harness";

/** What one probe may add to the server's resident memory. */
const MEMORY_BOUND_MB = 300;
const MB = 1024 * 1024;
const FORM = "ilp-nasional/ilp_profil";

let server: RunningApp;
let pid: number;
let operator: string;

/** The node process tsx starts (the one serving), below the spawned tsx process. */
function servingPid(tsxPid: number): number {
  for (let depth = 0, current = tsxPid; depth < 3; depth++) {
    const children = fs.readFileSync(`/proc/${current}/task/${current}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    const serving = children.find((c) => fs.readFileSync(`/proc/${c}/cmdline`, "utf8").includes("app/cli/main.ts"));
    if (serving === undefined) return current;
    current = serving;
  }
  throw new Error("serving process not found");
}

function status(field: "VmRSS" | "VmHWM"): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** How far the server's resident memory rose above where it was while `probe` ran, in MB (printed, for docs/benchmarks.md). */
async function memoryRise<T>(probe: () => Promise<T>): Promise<{ result: T; riseMb: number }> {
  const before = status("VmRSS");
  let resetPeak = true;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5"); // resets VmHWM to the current resident size
  } catch {
    resetPeak = false; // a /proc that does not allow it: sample the resident size instead
  }
  let sampled = before;
  const sampler = setInterval(() => (sampled = Math.max(sampled, status("VmRSS"))), 20);
  const result = await probe().finally(() => clearInterval(sampler));
  const riseMb = (resetPeak ? status("VmHWM") : Math.max(sampled, status("VmRSS"))) - before;
  console.log(`[bounded-input] ${expect.getState().currentTestName}: resident ${before.toFixed(0)} MB, peak +${riseMb.toFixed(0)} MB`);
  return { result, riseMb };
}

async function healthy(): Promise<void> {
  const res = await fetch(`${server.baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
}

interface RawAnswer {
  status: number;
  body: string;
  /** Body bytes written before the answer arrived (or all of them). */
  sent: number;
}

/**
 * A POST written by hand, as a client that reads the answer while it is still sending: body
 * bytes go out in 64 KB pieces (chunked or under `Content-Length: declared`) until the answer's
 * head arrives; then sending stops and the answer is read.
 */
function rawPost(
  pathname: string,
  options: { total: number; chunked: boolean; declared?: number; cookie?: string; contentType?: string; piece?: (i: number) => Buffer },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1");
    const head = [
      `POST ${pathname} HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      `Origin: ${server.baseUrl}`,
      `Content-Type: ${options.contentType ?? "application/x-www-form-urlencoded"}`,
      options.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${options.declared ?? options.total}`,
      ...(options.cookie ? [`Cookie: ${options.cookie}`] : []),
      "",
      "",
    ].join("\r\n");
    let sent = 0;
    let answered = false;
    let raw = Buffer.alloc(0);
    const filler = Buffer.alloc(64 * 1024, 0x61);
    const finish = () => {
      const text = raw.toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      const statusCode = Number(text.slice(9, 12));
      const headers = text.slice(0, split).toLowerCase();
      let body = text.slice(split + 4);
      if (headers.includes("transfer-encoding: chunked")) {
        let out = "";
        for (let p = 0; ;) {
          const eol = body.indexOf("\r\n", p);
          const size = Number.parseInt(body.slice(p, eol), 16);
          if (!size) break;
          out += body.slice(eol + 2, eol + 2 + size);
          p = eol + 2 + size + 2;
        }
        body = out;
      }
      socket.destroy();
      resolve({ status: statusCode, body: Buffer.from(body, "latin1").toString("utf8"), sent });
    };
    const complete = () => {
      const text = raw.toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      if (split < 0) return false;
      const headers = text.slice(0, split).toLowerCase();
      const length = /content-length: (\d+)/.exec(headers);
      if (length) return raw.length - (split + 4) >= Number(length[1]);
      return headers.includes("transfer-encoding: chunked") ? text.endsWith("0\r\n\r\n") : false;
    };
    socket.on("data", (d: Buffer) => {
      raw = Buffer.concat([raw, d]);
      if (raw.includes("\r\n\r\n")) answered = true;
      if (complete()) finish();
    });
    socket.on("close", () => (raw.length ? finish() : reject(new Error(`no answer; sent ${sent} bytes`))));
    socket.on("error", () => {
      // The server may close while we still write; what it answered is read on close.
    });
    socket.write(head);
    let i = 0;
    const pump = () => {
      while (!answered && sent < options.total) {
        const piece = options.piece?.(i++) ?? filler.subarray(0, Math.min(filler.length, options.total - sent));
        sent += piece.length;
        const frame = options.chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]) : piece;
        if (!socket.write(frame)) return void socket.once("drain", pump);
      }
      if (!answered && options.chunked) socket.write("0\r\n\r\n");
    };
    pump();
  });
}

/** A multipart upload of `file` to the import page, as the browser sends it. */
async function upload(file: { bytes: Uint8Array; name: string }): Promise<{ status: number; body: string }> {
  const form = new FormData();
  form.set("form", FORM);
  form.set("file", new Blob([file.bytes as BlobPart]), file.name);
  const res = await fetch(`${server.baseUrl}/imports?index`, {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: { Cookie: operator, Origin: server.baseUrl },
  });
  return { status: res.status, body: await res.text() };
}

describe("bounded input on the running server", () => {
  const e2e = useE2E({ name: "bounded", env: { PANTAU_SCORECARD_WARM_SECONDS: "0" }, browser: false });

  beforeAll(async () => {
    server = e2e.app;
    pid = servingPid(server.pid);
    operator = await loginCookie(server.baseUrl, "operator.sungaidurian");
    // Warm the import path once, so the probes measure the input and not code loading.
    const warm = await upload({ bytes: new TextEncoder().encode("org_unit,period,jumlah_desa\nP1373001,2020-01,5\n"), name: "hangat.csv" });
    expect(warm.status).toBe(302);
  }, 120_000);

  it("anonymous POST /login of 250 MB, chunked and declared, 8 at once: 413 page, nothing buffered", async () => {
    const { result, riseMb } = await memoryRise(() =>
      Promise.all(Array.from({ length: 8 }, (_, i) => rawPost("/login", { total: 250 * MB, chunked: i % 2 === 0 }))),
    );
    for (const answer of result) {
      expect(answer.status).toBe(413);
      expect(answer.body).toContain("<h1>Kiriman terlalu besar</h1>");
      expect(answer.body).toContain("Anda belum masuk atau sesi Anda sudah berakhir");
      expect(answer.sent).toBeLessThan(100 * MB);
    }
    expect(riseMb).toBeLessThan(MEMORY_BOUND_MB);
    await healthy();
  });

  it("a lying Content-Length: Node takes only the declared bytes as the body (what the limits count on), the rest is no request", async () => {
    const { result, riseMb } = await memoryRise(() => rawPost("/login", { total: 50 * MB, chunked: false, declared: 1000 }));
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    expect(riseMb).toBeLessThan(MEMORY_BOUND_MB);
    await healthy();
  });

  it("English readers get the page in English below the Indonesian", async () => {
    const res = await fetch(`${server.baseUrl}/login`, {
      method: "POST",
      body: "x".repeat(100_000),
      headers: { Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en-GB,en;q=0.9" },
    });
    expect(res.status).toBe(413);
    const body = await res.text();
    expect(body.indexOf("Kiriman terlalu besar")).toBeLessThan(body.indexOf("Request too large"));
    expect(body).toContain("Sign in first, then send again");
  });

  it("the refusals in front of Remix answer through the running server, in the reader's language", async () => {
    const english = (await langCookie.serialize("en")).split(";")[0];
    const crossSite = (cookie?: string) =>
      fetch(`${server.baseUrl}/login`, {
        method: "POST",
        body: "username=operator.sungaidurian&password=x",
        headers: {
          Origin: "https://evil.test",
          "Sec-Fetch-Site": "cross-site",
          "Content-Type": "application/x-www-form-urlencoded",
          ...(cookie ? { Cookie: cookie } : {}),
        },
      });
    const id = await crossSite();
    expect([id.status, await id.text()]).toEqual([403, "Permintaan ditolak: formulir dikirim dari situs lain. Muat ulang halaman dan coba lagi."]);
    const en = await crossSite(english);
    expect([en.status, await en.text()]).toEqual([403, "Request refused: the form was sent from another site. Reload the page and try again."]);
    const legacy = await fetch(`${server.baseUrl}/login?_data=root`, { headers: { Cookie: english } });
    expect(legacy.status).toBe(400);
    expect(await legacy.text()).toMatch(/^This page was loaded from an old version of the app\./);
    await healthy();
  });

  it("a signed-in POST to an ordinary form: 10 MB chunked and 3 MB declared get the 413 page; a small one still works", async () => {
    const { result, riseMb } = await memoryRise(() =>
      Promise.all([
        rawPost("/lang", { total: 10 * MB, chunked: true, cookie: operator }),
        rawPost("/lang", { total: 3 * MB, chunked: false, cookie: operator }),
      ]),
    );
    for (const answer of result) {
      expect(answer.status).toBe(413);
      expect(answer.body).toContain("Periksa isian teks yang sangat panjang");
      expect(answer.body).toContain("(2 MB)");
    }
    expect(riseMb).toBeLessThan(MEMORY_BOUND_MB);
    const small = await fetch(`${server.baseUrl}/lang`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ locale: "id", redirectTo: "/" }),
      headers: { Cookie: operator, Origin: server.baseUrl },
    });
    expect(small.status).toBe(302);
    await healthy();
  });

  it("an import over 15 MB: declared, the import page's own message; chunked (two 10 MB parts), the 413 page", async () => {
    const boundary = "----pantau-test-boundary";
    const part = (name: string) =>
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`);
    const pieces = (i: number) => (i === 0 ? part("a.csv") : i === 160 ? Buffer.concat([Buffer.from("\r\n"), part("b.csv")]) : Buffer.alloc(64 * 1024, 0x61));
    const { result, riseMb } = await memoryRise(() =>
      Promise.all([
        rawPost("/imports?index", { total: 20 * MB, chunked: false, cookie: operator, contentType: `multipart/form-data; boundary=${boundary}` }),
        rawPost("/imports?index", { total: 20 * MB, chunked: true, cookie: operator, contentType: `multipart/form-data; boundary=${boundary}`, piece: pieces }),
      ]),
    );
    const [declared, chunked] = result;
    expect(declared.status).toBe(413);
    expect(declared.body).toContain("Berkas terlalu besar (20.0 MB). Batasnya 15 MB");
    expect(chunked.status).toBe(413);
    expect(chunked.body).toContain("Berkas impor paling besar 15 MB");
    expect(riseMb).toBeLessThan(MEMORY_BOUND_MB);
    await healthy();
  });

  const hostile: Array<[name: string, make: () => Uint8Array, file: string, message: string]> = [
    ["100,000 rows with a cell in column XFD (0.5 MB)", () => xfdXlsx(100_000), "xfd.xlsx", "Baris 2 memiliki isi atau pemisah kolom sampai kolom XFD"],
    ["the same shape in 12 KB", () => xfdXlsx(2_000), "xfd-kecil.xlsx", "Baris 2 memiliki isi atau pemisah kolom sampai kolom XFD"],
    ["one cell of 200 MB (0.2 MB)", () => giantCellXlsx(200 * MB), "sel-raksasa.xlsx", "Sel A2 berisi lebih dari 32.767 karakter"],
    ["a CSV that is one row of 13 MB of commas", () => commasCsv(13 * MB), "koma.csv", "Baris 1 memiliki isi atau pemisah kolom sampai kolom ALM"],
    ["a zip bomb unpacking to 400 MB (0.8 MB)", () => bombXlsx(400 * MB), "bom.xlsx", "lebih dari 320 MB setelah dibuka"],
  ];
  for (const [name, make, fileName, message] of hostile) {
    it(`refuses ${name} with its message, within the memory bound`, async () => {
      const bytes = make();
      const { result, riseMb } = await memoryRise(() => upload({ bytes, name: fileName }));
      expect(result.status).toBe(400);
      expect(result.body).toContain(message);
      expect(riseMb).toBeLessThan(MEMORY_BOUND_MB);
      await healthy();
    });
  }

  it("after all that, an ordinary XLSX import still goes through", async () => {
    const period = "2020-02";
    const bytes = xlsx(sheetRows(["org_unit", "period", "jumlah_desa"], 1, () => rowXml(2, ["P1373001", period, 7])));
    const res = await upload({ bytes, name: "biasa.xlsx" });
    expect(res.status).toBe(302);
  });
});
