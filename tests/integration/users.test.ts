import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as users from "~/routes/users";
import * as home from "~/routes/_index";
import { getDb } from "~/db/db.server";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, puskesmasCode, seedOrgTree, statusOf } from "../helpers/app";

describe.each(DIALECTS)("user administration on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  let admin: string;
  let national: string;
  let operatorId: number;

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    admin = await cookieFor(await insertUser("admin.sawahlunto", [["district_admin", "13.73"]]));
    national = await cookieFor(await insertUser("admin.nasional", [["national_admin", "ID"]]));
    operatorId = await insertUser("operator.sungaidurian", [["puskesmas_operator", puskesmasCode("Sungai Durian")]]);
    await insertUser("operator.plantungan", [["puskesmas_operator", puskesmasCode("Plantungan")]]);
  });
  afterAll(() => handle.destroy());

  const create = (cookie: string, form: Record<string, string>) => call(users.action, makeRequest("/users", { cookie, form: { intent: "create", ...form } }));
  const countUsers = async () => (await getDb().selectFrom("app_user").select("id").execute()).length;

  it("lists only users with a role inside the admin's district", async () => {
    const data = payloadOf(await call(users.loader, makeRequest("/users", { cookie: admin })));
    const names = data.users.map((u: { username: string }) => u.username);
    expect(names).toContain("operator.sungaidurian");
    expect(names).not.toContain("operator.plantungan");
    expect(names).not.toContain("admin.nasional");
  });

  it("creates an operator in the district, with one audit row in the same transaction", async () => {
    const code = puskesmasCode("Kolok Mudik");
    const res = await create(admin, {
      username: "operator.baru",
      displayName: "Operator Baru",
      password: "rahasia-123",
      role: "puskesmas_operator",
      unit: code,
    });
    expect(statusOf(res)).toBe(200);
    expect(payloadOf(res).message).toMatch(/operator\.baru/);
    const user = await getDb().selectFrom("app_user").select("id").where("username", "=", "operator.baru").executeTakeFirstOrThrow();
    const audit = await getDb().selectFrom("audit_log").selectAll().where("action", "=", "user.create").where("entity_id", "=", String(user.id)).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].after_json!).username).toBe("operator.baru");
  });

  it("refuses a unit outside the admin's district, keeps what was typed, creates nothing", async () => {
    const before = await countUsers();
    const res = await create(admin, {
      username: "operator.luar",
      displayName: "Luar",
      password: "rahasia-123",
      role: "puskesmas_operator",
      unit: puskesmasCode("Plantungan"),
    });
    expect(statusOf(res)).toBe(400);
    const body = payloadOf(res);
    expect(body.errors.unit).toMatch(/di luar wilayah Anda/);
    expect(body.values.username).toBe("operator.luar");
    expect(await countUsers()).toBe(before);
  });

  it("refuses roles a district admin may not grant, and roles at the wrong level", async () => {
    const r1 = await create(admin, { username: "calon.nasional", displayName: "X", password: "rahasia-123", role: "national_admin", unit: "13.73" });
    expect(payloadOf(r1).errors.role).toMatch(/tidak berhak/);
    const r2 = await create(admin, { username: "calon.op", displayName: "X", password: "rahasia-123", role: "puskesmas_operator", unit: "13.73" });
    expect(payloadOf(r2).errors.unit).toMatch(/tingkat/);
  });

  it("checks username, name and password with clear messages", async () => {
    const res = await create(admin, { username: "A B", displayName: "", password: "pendek", role: "puskesmas_operator", unit: puskesmasCode("Kolok Mudik") });
    const errors = payloadOf(res).errors;
    expect(errors.username).toMatch(/3–64 karakter/);
    expect(errors.displayName).toBeTruthy();
    expect(errors.password).toMatch(/minimal 8/);
    const dup = await create(admin, {
      username: "operator.sungaidurian",
      displayName: "X",
      password: "rahasia-123",
      role: "puskesmas_operator",
      unit: puskesmasCode("Kolok Mudik"),
    });
    expect(payloadOf(dup).errors.username).toMatch(/sudah dipakai/);
  });

  it("accepts passwords of 64 characters", async () => {
    const res = await create(admin, { username: "sandi.panjang", displayName: "Sandi Panjang", password: "x".repeat(64), role: "facilitator", unit: "13.73" });
    expect(statusOf(res)).toBe(200);
  });

  it("ignores a smuggled orgUnitId: scope comes from the session", async () => {
    const kendal = await getDb().selectFrom("org_unit").select("id").where("code", "=", "33.24").executeTakeFirstOrThrow();
    const res = await create(admin, {
      username: "penyusup",
      displayName: "X",
      password: "rahasia-123",
      role: "district_verifier",
      unit: "13.73",
      orgUnitId: String(kendal.id),
    });
    expect(statusOf(res)).toBe(200);
    const grants = await getDb()
      .selectFrom("role_grant as g")
      .innerJoin("app_user as u", "u.id", "g.user_id")
      .innerJoin("org_unit as o", "o.id", "g.org_unit_id")
      .select("o.code")
      .where("u.username", "=", "penyusup")
      .execute();
    expect(grants.map((g) => g.code)).toEqual(["13.73"]);
  });

  it("disabling a user revokes their sessions at once, audited; another district's user is 403", async () => {
    const opCookie = await cookieFor(operatorId);
    expect(statusOf(await call(home.loader, makeRequest("/", { cookie: opCookie })))).toBe(200);
    const res = await call(users.action, makeRequest("/users", { cookie: admin, form: { intent: "disable", userId: String(operatorId) } }));
    expect(statusOf(res)).toBe(200);
    expect(statusOf(await call(home.loader, makeRequest("/", { cookie: opCookie })))).toBe(302);
    const audit = await getDb().selectFrom("audit_log").select("id").where("action", "=", "user.disable").execute();
    expect(audit).toHaveLength(1);
    const plantungan = await getDb().selectFrom("app_user").select("id").where("username", "=", "operator.plantungan").executeTakeFirstOrThrow();
    const other = await call(users.action, makeRequest("/users", { cookie: admin, form: { intent: "disable", userId: String(plantungan.id) } }));
    expect(statusOf(other)).toBe(403);
    const still = await getDb().selectFrom("app_user").select("active").where("id", "=", plantungan.id).executeTakeFirstOrThrow();
    expect(still.active).toBe(1);
  });

  it("national admin can grant any role anywhere, and grants/revocations are audited", async () => {
    const res = await create(national, {
      username: "admin.kendal",
      displayName: "Admin Kendal",
      password: "rahasia-123",
      role: "district_admin",
      unit: "33.24",
    });
    expect(statusOf(res)).toBe(200);
    const target = await getDb().selectFrom("app_user").select("id").where("username", "=", "admin.kendal").executeTakeFirstOrThrow();
    const add = await call(
      users.action,
      makeRequest("/users", { cookie: national, form: { intent: "addGrant", userId: String(target.id), role: "facilitator", unit: "33" } }),
    );
    expect(statusOf(add)).toBe(200);
    const grants = await getDb().selectFrom("role_grant").select(["id", "role"]).where("user_id", "=", target.id).execute();
    expect(grants).toHaveLength(2);
    const remove = await call(
      users.action,
      makeRequest("/users", {
        cookie: national,
        form: { intent: "removeGrant", userId: String(target.id), grantId: String(grants.find((g) => g.role === "facilitator")!.id) },
      }),
    );
    expect(statusOf(remove)).toBe(200);
    const last = await call(
      users.action,
      makeRequest("/users", {
        cookie: national,
        form: { intent: "removeGrant", userId: String(target.id), grantId: String(grants.find((g) => g.role === "district_admin")!.id) },
      }),
    );
    expect(payloadOf(last).errors.form).toMatch(/minimal satu peran/);
    const audit = await getDb().selectFrom("audit_log").select("action").where("entity_id", "=", String(target.id)).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["grant.add", "grant.remove", "user.create"]);
  });
});
