/** Start-up configuration: bad variables stop the app with a clear Indonesian message. */
import { describe, expect, it } from "vitest";
import { EnvError, readEnv, readFakeNow } from "~/env.server";

/** Variables as the process would have them (NODE_ENV unset). */
const vars = (v: Record<string, string>) => v as NodeJS.ProcessEnv;

describe("readEnv", () => {
  it("warms scorecards every 15 s unless told otherwise; 0 turns the warmer off", () => {
    expect(readEnv(vars({})).scorecardWarmSeconds).toBe(15);
    expect(readEnv(vars({ PANTAU_SCORECARD_WARM_SECONDS: "0" })).scorecardWarmSeconds).toBe(0);
    expect(readEnv(vars({ PANTAU_SCORECARD_WARM_SECONDS: " 60 " })).scorecardWarmSeconds).toBe(60);
  });

  it.each(["-1", "1.5", "abc", "3601"])("refuses PANTAU_SCORECARD_WARM_SECONDS=%s with a message saying what is allowed", (value) => {
    expect(() => readEnv(vars({ PANTAU_SCORECARD_WARM_SECONDS: value }))).toThrow(EnvError);
    expect(() => readEnv(vars({ PANTAU_SCORECARD_WARM_SECONDS: value }))).toThrow(/bilangan bulat 0–3600/);
  });

  it("loads the fact index unless PANTAU_FACT_INDEX=0, and refuses anything but 0 or 1", () => {
    expect(readEnv(vars({})).factIndex).toBe(true);
    expect(readEnv(vars({ PANTAU_FACT_INDEX: "1" })).factIndex).toBe(true);
    expect(readEnv(vars({ PANTAU_FACT_INDEX: "0" })).factIndex).toBe(false);
    expect(() => readEnv(vars({ PANTAU_FACT_INDEX: "ya" }))).toThrow(/PANTAU_FACT_INDEX harus 1/);
  });

  it("refuses a bad port and a non-database URL", () => {
    expect(() => readEnv(vars({ PORT: "99999" }))).toThrow(/PORT harus bilangan bulat/);
    expect(() => readEnv(vars({ DATABASE_URL: "mysql://x" }))).toThrow(/DATABASE_URL harus diawali/);
  });

  it("takes PANTAU_NOW as a date or an instant with its zone, outside production only", () => {
    expect(readFakeNow(vars({}))).toBeNull();
    expect(readFakeNow(vars({ PANTAU_NOW: "2028-02-29" }))).toBe(Date.parse("2028-02-29T00:00:00Z"));
    expect(readFakeNow(vars({ PANTAU_NOW: "2028-02-29T10:00:00Z" }))).toBe(Date.parse("2028-02-29T10:00:00Z"));
    expect(readFakeNow(vars({ PANTAU_NOW: "2028-02-29T17:00+07:00" }))).toBe(Date.parse("2028-02-29T10:00:00Z"));
    expect(() => readEnv(vars({ PANTAU_NOW: "2028-02-29", PANTAU_ENV: "production", SESSION_SECRET: "x".repeat(40) }))).toThrow(/PANTAU_NOW hanya untuk demo/);
    expect(() => readFakeNow(vars({ PANTAU_NOW: "2028-02-29", NODE_ENV: "production" }))).toThrow(/PANTAU_NOW hanya untuk demo/);
  });

  it.each(["2027-02-29", "2028-13-01", "2028-02-29T10:00", "tomorrow", "2028-02-29 10:00:00Z"])(
    "refuses PANTAU_NOW=%s (impossible date, or no zone)",
    (value) => {
      expect(() => readFakeNow(vars({ PANTAU_NOW: value }))).toThrow(/PANTAU_NOW harus tanggal ISO yang ada/);
      expect(() => readEnv(vars({ PANTAU_NOW: value }))).toThrow(EnvError);
    },
  );
});
