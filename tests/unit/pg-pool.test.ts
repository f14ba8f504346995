/**
 * The PostgreSQL pool size per process (`PANTAU_PG_POOL`, app/db/db.server.ts): 20 unless set,
 * a bad value refused with a message that says what is allowed.
 */
import { describe, expect, it } from "vitest";
import { pgPoolSize } from "~/db/db.server";

describe("PANTAU_PG_POOL", () => {
  it("is 20 connections per process unless set", () => {
    expect(pgPoolSize({})).toBe(20);
    expect(pgPoolSize({ PANTAU_PG_POOL: " " })).toBe(20);
    expect(pgPoolSize({ PANTAU_PG_POOL: "30" })).toBe(30);
  });

  it("refuses what is not a whole number from 2 to 200", () => {
    for (const bad of ["1", "201", "2.5", "banyak", "-4"])
      expect(() => pgPoolSize({ PANTAU_PG_POOL: bad }), bad).toThrow(/PANTAU_PG_POOL harus bilangan bulat 2–200/);
  });
});
