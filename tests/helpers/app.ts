/** Calling loaders and actions with real Request objects, as the Remix handler would. */
import fs from "node:fs";
import path from "node:path";
import { hashPassword } from "~/auth/password.server";
import { createSession } from "~/auth/session.server";
import { sql } from "kysely";
import { getDb, migrateToLatest, nowIso, openDb, setDbHandle, type DbHandle } from "~/db/db.server";
import type { Role } from "~/db/schema";
import type { DbKind } from "~/db/db.server";
import { importOrgCsv } from "~/models/org-import.server";
import { seedDemoContent } from "~/models/seed.server";
import { adminQuery, pgUrlOf, useTestDatabase } from "./db";
import { demoSeedHash, runTemplate } from "./run-templates";
import { clock } from "~/utils/clock.server";

export const BASE = "http://localhost";

export interface CallOptions {
  method?: string;
  form?: Record<string, string>;
  cookie?: string;
  origin?: string | null;
  headers?: Record<string, string>;
  body?: BodyInit;
}

export function makeRequest(pathname: string, options: CallOptions = {}): Request {
  const method = options.method ?? (options.form || options.body ? "POST" : "GET");
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  if (options.origin !== null && method !== "GET") headers.set("Origin", options.origin ?? BASE);
  let body: BodyInit | undefined = options.body;
  if (options.form) {
    body = new URLSearchParams(options.form);
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  }
  return new Request(BASE + pathname, { method, headers, body });
}

type RouteFn = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;

/** Runs a loader/action; returns a thrown Response as the result (as Remix would send it). */
export async function call(
  fn: unknown,
  request: Request,
  params: Record<string, string> = {},
  context: Record<string, unknown> = { clientIp: "10.0.0.1" },
): Promise<unknown> {
  try {
    return await (fn as RouteFn)({ request, params, context });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** The status of a route result: Responses and `data()` results carry one; plain data is 200. */
export function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  const init = (result as { init?: { status?: number } } | null)?.init;
  if (result && typeof result === "object" && "type" in result && (result as { type: unknown }).type === "DataWithResponseInit") return init?.status ?? 200;
  return 200;
}

/** The headers of a route result: a Response's, or those a `data()` result was given (empty for plain data). */
export function headersOf(result: unknown): Headers {
  if (result instanceof Response) return result.headers;
  return new Headers((result as { init?: { headers?: HeadersInit } } | null)?.init?.headers);
}

/** The payload of a `data()` result or plain object. */
export function payloadOf<T = any>(result: unknown): T {
  if (result && typeof result === "object" && "type" in result && (result as { type: unknown }).type === "DataWithResponseInit") {
    return (result as unknown as { data: T }).data;
  }
  return result as T;
}

let sharedHash: Promise<string> | null = null;
/** One scrypt hash of "pantau-demo" for all test users (hashing per user would cost seconds). */
export function testPasswordHash(): Promise<string> {
  sharedHash ??= hashPassword("pantau-demo");
  return sharedHash;
}

/**
 * Loads the real demo org tree from seeds/; `{ villages: false }` leaves out the demo's Pustu and
 * Posyandu, for a test that builds its own village tree and lists it exactly.
 */
export async function seedOrgTree(options: { villages?: boolean } = {}): Promise<void> {
  let csv = fs.readFileSync(path.resolve("seeds/org-units.csv"), "utf8");
  if (options.villages === false) {
    csv = csv
      .split("\n")
      .filter((line) => !["pustu", "posyandu"].includes(line.split(",")[2]))
      .join("\n");
  }
  const result = await importOrgCsv(csv);
  if (result.errors.length) throw new Error(JSON.stringify(result.errors));
}

/**
 * A Puskesmas and the Pustu and Posyandu of its own subtree (by the materialised path), with
 * their levels: the units a Puskesmas operator enters for (decision 035).
 */
export async function unitsOfPuskesmas(code: string): Promise<Array<{ code: string; level: string }>> {
  const db = getDb();
  const root = await db.selectFrom("org_unit").select(["path", "level"]).where("code", "=", code).executeTakeFirstOrThrow();
  if (root.level !== "puskesmas") throw new Error(`${code} is not a Puskesmas`);
  return db.selectFrom("org_unit").select(["code", "level"]).where("path", "like", `${root.path}%`).orderBy("code").execute();
}

/** Inserts a user with grants (password pantau-demo) directly, bypassing the slow per-user hash. */
export async function insertUser(username: string, grants: Array<[Role, string]>, displayName = username): Promise<number> {
  const db = getDb();
  const now = nowIso();
  const { id } = await db
    .insertInto("app_user")
    .values({ username, display_name: displayName, password_hash: await testPasswordHash(), active: 1, locale: "id", created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const [role, code] of grants) {
    const unit = await db.selectFrom("org_unit").select("id").where("code", "=", code).executeTakeFirstOrThrow();
    await db.insertInto("role_grant").values({ user_id: id, role, org_unit_id: unit.id, created_at: now }).execute();
  }
  return id;
}

/** A session cookie for a user, as the browser would send it. */
export async function cookieFor(userId: number): Promise<string> {
  const { setCookie } = await createSession(getDb(), userId);
  return setCookie.split(";")[0];
}

export function puskesmasCode(name: string): string {
  const csv = fs.readFileSync(path.resolve("seeds/org-units.csv"), "utf8");
  const line = csv.split("\n").find((l) => l.split(",")[1]?.includes(name));
  if (!line) throw new Error(`no unit named ${name}`);
  return line.split(",")[0];
}

/**
 * The instant a demo is seeded so that `month` (YYYY-MM) is its last complete month: noon UTC on
 * the 20th of the month after (most of `month` reported, a few early reports of the next one).
 */
export function demoSeededAfter(month: string): string {
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y, m, 20, 12)).toISOString();
}

/**
 * A fresh test database (see useTestDatabase) with the demo org tree, the demo's submissions as
 * seeded in the month after `lastMonth` (demoSeededAfter), and users signed in:
 * key → [username, grants]; returns the handle and key → cookie.
 */
export async function useDemoDatabase(kind: DbKind, lastMonth: string, users: Record<string, [string, Array<[Role, string]>]>) {
  return useDemoDatabaseAt(kind, demoSeededAfter(lastMonth), users);
}

/** A demo template (demoTemplate): what to copy, and the app's clock when its seeding ended. */
export interface DemoTemplate {
  /** The SQLite file, or the name of a PostgreSQL database on the run's server nobody connects to. */
  template: string;
  /** Where the app's clock stood once the demo was seeded: where a fresh seed leaves it. */
  seededUntil: string;
}

/**
 * This run's demo database seeded at the instant `asOf` with the app's clock standing there, as
 * useDemoDatabaseAt seeds it: the demo org tree (seedOrgTree) and seedDemoContent. Made once per
 * run, kind, `asOf` and seed code (tests/helpers/run-templates.ts), under a lock, by the first
 * file that needs it; the others copy it (CREATE DATABASE … TEMPLATE on PostgreSQL).
 */
export async function demoTemplate(kind: DbKind, asOf: string): Promise<DemoTemplate> {
  const key = `${asOf.replace(/[^0-9A-Za-z]/g, "")}-${demoSeedHash()}`;
  const seed = async (handle: DbHandle): Promise<string> => {
    try {
      await migrateToLatest(handle);
      setDbHandle(handle);
      clock.set(asOf);
      await seedOrgTree();
      await seedDemoContent(() => {}, asOf);
      const seededUntil = clock.iso();
      if (kind === "sqlite") await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(handle.db);
      return seededUntil;
    } finally {
      setDbHandle(null);
      await handle.destroy();
    }
  };
  if (kind === "sqlite") {
    return runTemplate(`demo-${key}`, async (base) => {
      const file = `${base}.sqlite`;
      const seededUntil = await seed(openDb(`sqlite:${file}`));
      // Closed cleanly and checkpointed: whatever is left beside the file holds nothing.
      for (const suffix of ["-wal", "-shm"]) {
        const size = fs.statSync(`${file}${suffix}`, { throwIfNoEntry: false })?.size ?? 0;
        if (suffix === "-wal" && size > 0) throw new Error(`demo template ${file}: ${size} bytes left in its WAL after closing`);
        fs.rmSync(`${file}${suffix}`, { force: true });
      }
      return { template: file, seededUntil };
    });
  }
  return runTemplate(`demo-${key}-pg`, async () => {
    const name = `tpl_${key.toLowerCase().replace(/-/g, "_")}`;
    const work = `${name}_${process.pid}`;
    await adminQuery(`create database ${work}`);
    const seededUntil = await seed(openDb(pgUrlOf(work)));
    // Renamed once complete, so no copy is ever made of a half-seeded database.
    await adminQuery(`alter database ${work} rename to ${name}`);
    return { template: name, seededUntil };
  });
}

/**
 * useDemoDatabase with the demo seeded at the instant `asOf` (ISO), the app's clock standing there:
 * a copy of this run's demo template for `kind` and `asOf` (demoTemplate), which holds exactly
 * what seeding it here would give, with the clock where that seeding would leave it.
 */
export async function useDemoDatabaseAt(kind: DbKind, asOf: string, users: Record<string, [string, Array<[Role, string]>]>) {
  const { template, seededUntil } = await demoTemplate(kind, asOf);
  const handle = await useTestDatabase(kind, template);
  // The app's clock stands at the seeding day, so "last month" and deadlines match the data.
  clock.set(seededUntil);
  const destroy = handle.destroy.bind(handle);
  handle.destroy = async () => {
    clock.set(null);
    await destroy();
  };
  const cookie: Record<string, string> = {};
  for (const [key, [username, grants]] of Object.entries(users)) cookie[key] = await cookieFor(await insertUser(username, grants));
  return { handle, cookie };
}

/** The facilitators the scorecard tests sign in (useDemoDatabase): one national, one for two Central Java districts. */
export const FACILITATOR_USERS: Record<"national" | "jateng", [string, Array<[Role, string]>]> = {
  national: ["fas.nasional", [["facilitator", "ID"]]],
  jateng: [
    "fas.jateng",
    [
      ["facilitator", "33.28"],
      ["facilitator", "33.24"],
    ],
  ],
};
