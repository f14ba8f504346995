/**
 * Org-unit groups (docs/decisions/033-org-unit-groups.md) on SQLite and PostgreSQL: who reads and
 * who changes national and district groups, memberships over month ranges that never overlap and
 * stay inside the owner's area, the CSV import checked whole and stored whole or not at all, its
 * size bounds, the optimistic revision, the audit rows, and `groupMembersAt` at the boundaries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthIndex } from "@engine";
import { getDb } from "~/db/db.server";
import { groupMembersAt } from "~/models/groups.server";
import * as groupRoute from "~/routes/groups.$id";
import * as groupsRoute from "~/routes/groups._index";
import { clock } from "~/utils/clock.server";
import { MAX_GROUP_IMPORT_BYTES, MAX_GROUP_IMPORT_ROWS } from "~/utils/limits";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, payloadOf, seedOrgTree, statusOf } from "../helpers/app";
import { cli, tempFile } from "../helpers/cli";

const SUNGAI_DURIAN = "P1373001";
const KOLOK_MUDIK = "P1373002";
const LEMBAH_SEGAR = "P1373003";
const PLANTUNGAN = "P3324001";
const NOW = "2026-03-15T10:00:00.000Z";

describe.each(DIALECTS)("org-unit groups on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  const unitId: Record<string, number> = {};

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    clock.set(NOW);
    await seedOrgTree();
    cookie.national = await cookieFor(await insertUser("adm.nasional", [["national_admin", "ID"]]));
    cookie.admin = await cookieFor(await insertUser("adm.sawahlunto", [["district_admin", "13.73"]]));
    cookie.adminKendal = await cookieFor(await insertUser("adm.kendal", [["district_admin", "33.24"]]));
    cookie.ver = await cookieFor(await insertUser("ver.sawahlunto", [["district_verifier", "13.73"]]));
    cookie.fasJateng = await cookieFor(await insertUser("fas.jateng", [["facilitator", "33"]]));
    cookie.op = await cookieFor(await insertUser("op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]));
    for (const u of await getDb().selectFrom("org_unit").select(["id", "code"]).execute()) unitId[u.code] = u.id;
  });
  afterAll(async () => {
    clock.set(null);
    await handle.destroy();
  });

  const list = (who: string) => call(groupsRoute.loader, makeRequest("/groups", { cookie: cookie[who] }));
  const create = (who: string, owner: string, key: string, name = `Kelompok ${key}`) =>
    call(
      groupsRoute.action,
      makeRequest("/groups", { cookie: cookie[who], form: { intent: "create", owner: String(unitId[owner]), key, name, nameEn: "", description: "" } }),
    );
  const view = (who: string, id: number) => call(groupRoute.loader, makeRequest(`/groups/${id}`, { cookie: cookie[who] }), { id: String(id) });
  const post = (who: string, id: number, form: Record<string, string>) =>
    call(groupRoute.action, makeRequest(`/groups/${id}`, { cookie: cookie[who], form }), { id: String(id) });
  const upload = (who: string, id: number, content: string | Uint8Array, revision: number) => {
    const body = new FormData();
    body.set("revision", String(revision));
    body.set("file", new File([content as BlobPart], "anggota.csv", { type: "text/csv" }));
    return call(groupRoute.action, makeRequest(`/groups/${id}`, { cookie: cookie[who], body }), { id: String(id) });
  };
  const group = (owner: string, key: string) =>
    getDb().selectFrom("org_group").selectAll().where("owner_org_unit_id", "=", unitId[owner]).where("key", "=", key).executeTakeFirstOrThrow();
  const revisionOf = async (owner: string, key: string) => (await group(owner, key)).revision;
  const memberCount = async (id: number) => (await getDb().selectFrom("org_group_member").select("id").where("group_id", "=", id).execute()).length;
  const audits = (action: string, id: number) =>
    getDb()
      .selectFrom("audit_log")
      .select(["actor_user_id", "before_json", "after_json"])
      .where("action", "=", action)
      .where("entity_id", "=", String(id))
      .execute();
  const add = async (who: string, owner: string, key: string, unit: string, from: string, to = "") =>
    post(who, (await group(owner, key)).id, { intent: "add", revision: String(await revisionOf(owner, key)), unit, from, to });

  it("creates national and district groups for their owners, audited, and lists each to those who may read it", async () => {
    expect(statusOf(await create("national", "ID", "blud", "Puskesmas BLUD"))).toBe(200);
    expect(statusOf(await create("admin", "13.73", "terpencil", "Puskesmas terpencil"))).toBe(200);
    expect(statusOf(await create("adminKendal", "33.24", "terpencil", "Puskesmas terpencil Kendal"))).toBe(200);
    const blud = await group("ID", "blud");
    expect(blud).toMatchObject({ name: "Puskesmas BLUD", revision: 1 });
    expect(await audits("group.create", blud.id)).toHaveLength(1);

    const keys = async (who: string) => (payloadOf(await list(who)).groups as Array<{ key: string; owner: string }>).map((g) => `${g.owner}:${g.key}`).sort();
    expect(await keys("national")).toEqual(["Indonesia:blud", "Kabupaten Kendal:terpencil", "Kota Sawahlunto:terpencil"]);
    expect(await keys("admin")).toEqual(["Indonesia:blud", "Kota Sawahlunto:terpencil"]);
    expect(await keys("ver")).toEqual(["Indonesia:blud", "Kota Sawahlunto:terpencil"]);
    expect(await keys("fasJateng")).toEqual(["Indonesia:blud", "Kabupaten Kendal:terpencil"]);
    expect(payloadOf(await list("admin")).owners).toEqual([{ id: unitId["13.73"], name: "Kota Sawahlunto", level: "district" }]);
    expect(statusOf(await list("op"))).toBe(403);
  });

  it("refuses a duplicate key per owner and a bad key, keeping what was typed", async () => {
    const r = await create("admin", "13.73", "terpencil");
    expect(statusOf(r)).toBe(409);
    expect(payloadOf(r)).toMatchObject({ ok: false, field: "key", values: { key: "terpencil" } });
    const bad = await create("admin", "13.73", "Lokus ILP");
    expect(statusOf(bad)).toBe(400);
    expect(payloadOf(bad).message).toMatch(/huruf kecil/);
  });

  it("refuses groups and changes outside the user's own scope (403), storing nothing", async () => {
    const sawahlunto = await group("13.73", "terpencil");
    const blud = await group("ID", "blud");
    // A district admin creates nothing for another district or the nation; a verifier creates nothing.
    expect(statusOf(await create("adminKendal", "13.73", "lokus"))).toBe(403);
    expect(statusOf(await create("admin", "ID", "lokus"))).toBe(403);
    expect(statusOf(await create("ver", "13.73", "lokus"))).toBe(403);
    expect(await getDb().selectFrom("org_group").select("id").where("key", "=", "lokus").execute()).toEqual([]);
    // Another district's group: not even readable; the national group: readable, not changeable.
    expect(statusOf(await view("adminKendal", sawahlunto.id))).toBe(403);
    expect(statusOf(await add("adminKendal", "13.73", "terpencil", SUNGAI_DURIAN, "2025-01"))).toBe(403);
    const national = await add("admin", "ID", "blud", SUNGAI_DURIAN, "2025-01");
    expect(statusOf(national)).toBe(403);
    expect(payloadOf(national).message).toMatch(/hanya admin Indonesia/);
    expect(statusOf(await post("admin", blud.id, { intent: "rename", revision: String(blud.revision), name: "X", nameEn: "", description: "" }))).toBe(403);
    // A verifier reads its district's group, writes nothing, uploads nothing.
    const seen = payloadOf(await view("ver", sawahlunto.id));
    expect(seen.canEdit).toBe(false);
    expect(statusOf(await add("ver", "13.73", "terpencil", SUNGAI_DURIAN, "2025-01"))).toBe(403);
    expect(statusOf(await upload("ver", sawahlunto.id, `unit_code,from,to\n${SUNGAI_DURIAN},2025-01,\n`, sawahlunto.revision))).toBe(403);
    expect(statusOf(await view("op", sawahlunto.id))).toBe(403);
    expect(await memberCount(sawahlunto.id)).toBe(0);
    expect(await memberCount(blud.id)).toBe(0);
    expect((await group("13.73", "terpencil")).revision).toBe(sawahlunto.revision);
  });

  it("adds members and refuses an overlapping period with a message naming the unit and both periods", async () => {
    const { id } = await group("13.73", "terpencil");
    expect(statusOf(await add("admin", "13.73", "terpencil", SUNGAI_DURIAN, "2025-01", "2025-06"))).toBe(200);
    const r = await add("admin", "13.73", "terpencil", SUNGAI_DURIAN, "2025-06", "");
    expect(statusOf(r)).toBe(400);
    expect(payloadOf(r).message).toBe(
      "Puskesmas Sungai Durian sudah menjadi anggota kelompok ini untuk 2025-01 s.d. 2025-06; periode 2025-06 s.d. seterusnya tumpang tindih dengannya.",
    );
    expect(payloadOf(r).values).toEqual({ unit: SUNGAI_DURIAN, from: "2025-06", to: "" });
    expect(statusOf(await add("admin", "13.73", "terpencil", SUNGAI_DURIAN, "2025-07", ""))).toBe(200);
    expect(statusOf(await add("admin", "13.73", "terpencil", KOLOK_MUDIK, "2025-03", "2025-03"))).toBe(200);
    // An open-ended membership overlaps any later start.
    expect(statusOf(await add("admin", "13.73", "terpencil", SUNGAI_DURIAN, "2030-01", "2030-02"))).toBe(400);
    const bad = await add("admin", "13.73", "terpencil", LEMBAH_SEGAR, "2025-13", "");
    expect(statusOf(bad)).toBe(400);
    expect(payloadOf(bad).field).toBe("from");
    expect(statusOf(await add("admin", "13.73", "terpencil", LEMBAH_SEGAR, "2025-05", "2025-04"))).toBe(400);
    expect(await memberCount(id)).toBe(3);
    const rows = await audits("group.member.add", id);
    expect(rows).toHaveLength(3);
    expect(JSON.parse(rows[0].after_json ?? "{}")).toMatchObject({ unit: SUNGAI_DURIAN, from: "2025-01", to: "2025-06" });
  });

  it("refuses members outside the owner's area and the owner itself; a national group takes units of any district", async () => {
    const outside = await add("admin", "13.73", "terpencil", PLANTUNGAN, "2025-01");
    expect(statusOf(outside)).toBe(400);
    expect(payloadOf(outside).message).toMatch(/Puskesmas Plantungan berada di luar wilayah Kota Sawahlunto/);
    expect(statusOf(await add("admin", "13.73", "terpencil", "13.73", "2025-01"))).toBe(400);
    expect(statusOf(await add("admin", "13.73", "terpencil", "P9999999", "2025-01"))).toBe(400);
    expect(statusOf(await add("national", "ID", "blud", PLANTUNGAN, "2025-01"))).toBe(200);
    expect(statusOf(await add("national", "ID", "blud", SUNGAI_DURIAN, "2024-01"))).toBe(200);
    // The Sawahlunto admin reads the national group with Sawahlunto's members only.
    const seen = payloadOf(await view("admin", (await group("ID", "blud")).id));
    expect(seen.partial).toBe(true);
    expect(seen.members.map((m: { code: string }) => m.code)).toEqual([SUNGAI_DURIAN]);
    expect((payloadOf(await list("admin")).groups as Array<{ key: string; members: number }>).find((g) => g.key === "blud")?.members).toBe(1);
    expect((payloadOf(await list("national")).groups as Array<{ key: string; members: number }>).find((g) => g.key === "blud")?.members).toBe(2);
  });

  it("answers groupMembersAt with from and to inclusive, open ends, and one owner's group only", async () => {
    const sawahlunto = unitId["13.73"];
    const m = (text: string) => monthIndex(Number(text.slice(0, 4)), Number(text.slice(5, 7)));
    const at = (month: string, owner = sawahlunto) => groupMembersAt(getDb(), "terpencil", owner, m(month));
    const [sd, km] = [unitId[SUNGAI_DURIAN], unitId[KOLOK_MUDIK]];
    expect(await at("2024-12")).toEqual([]);
    expect(await at("2025-01")).toEqual([sd]);
    expect(await at("2025-02")).toEqual([sd]);
    expect(await at("2025-03")).toEqual([sd, km].sort((a, b) => a - b));
    expect(await at("2025-04")).toEqual([sd]);
    expect(await at("2025-06")).toEqual([sd]);
    expect(await at("2025-07")).toEqual([sd]);
    expect(await at("2040-12")).toEqual([sd]);
    // Kendal's group of the same key is another group.
    expect(await at("2025-03", unitId["33.24"])).toEqual([]);
    expect(await groupMembersAt(getDb(), "no_such_group", sawahlunto, m("2025-03"))).toEqual([]);
  });

  it("ends and removes memberships, audited with what they were", async () => {
    const g = await group("13.73", "terpencil");
    const members = payloadOf(await view("admin", g.id)).members as Array<{ id: number; code: string; from: string; to: string | null }>;
    const open = members.find((x) => x.code === SUNGAI_DURIAN && x.to === null)!;
    const ended = await post("admin", g.id, { intent: "end", revision: String(g.revision), memberId: String(open.id), to: "2025-12" });
    expect(statusOf(ended)).toBe(200);
    expect(await groupMembersAt(getDb(), "terpencil", unitId["13.73"], monthIndex(2026, 1))).toEqual([]);
    const before = await end(g.id, open.id, "2025-06");
    expect(statusOf(before)).toBe(400);
    const km = members.find((x) => x.code === KOLOK_MUDIK)!;
    expect(statusOf(await post("admin", g.id, { intent: "remove", revision: String(await revisionOf("13.73", "terpencil")), memberId: String(km.id) }))).toBe(
      200,
    );
    expect(await groupMembersAt(getDb(), "terpencil", unitId["13.73"], monthIndex(2025, 3))).toEqual([unitId[SUNGAI_DURIAN]]);
    expect(JSON.parse((await audits("group.member.end", g.id))[0].after_json ?? "{}")).toMatchObject({ unit: SUNGAI_DURIAN, to: "2025-12" });
    expect(JSON.parse((await audits("group.member.remove", g.id))[0].before_json ?? "{}")).toMatchObject({ unit: KOLOK_MUDIK, from: "2025-03", to: "2025-03" });
  });
  async function end(id: number, memberId: number, to: string) {
    return post("admin", id, {
      intent: "end",
      revision: String((await getDb().selectFrom("org_group").select("revision").where("id", "=", id).executeTakeFirstOrThrow()).revision),
      memberId: String(memberId),
      to,
    });
  }

  it("refuses a stale revision with 409, keeping the typed values and the stored group", async () => {
    const g = await group("13.73", "terpencil");
    const typed = { name: "Puskesmas sangat terpencil", nameEn: "Very remote Puskesmas", description: "Menurut SK Bupati" };
    const r = await post("admin", g.id, { intent: "rename", revision: String(g.revision - 1), ...typed });
    expect(statusOf(r)).toBe(409);
    expect(payloadOf(r).values).toEqual(typed);
    expect(payloadOf(r).message).toMatch(/sudah diubah orang lain/);
    expect((await group("13.73", "terpencil")).name).toBe("Puskesmas terpencil");
    const stale = await post("admin", g.id, { intent: "add", revision: String(g.revision - 1), unit: LEMBAH_SEGAR, from: "2025-01", to: "" });
    expect(statusOf(stale)).toBe(409);
    expect(payloadOf(stale).values).toEqual({ unit: LEMBAH_SEGAR, from: "2025-01", to: "" });
    const ok = await post("admin", g.id, { intent: "rename", revision: String(g.revision), ...typed });
    expect(statusOf(ok)).toBe(200);
    expect(await group("13.73", "terpencil")).toMatchObject({ name: typed.name, name_en: typed.nameEn, revision: g.revision + 1 });
    expect(JSON.parse((await audits("group.update", g.id))[0].before_json ?? "{}")).toMatchObject({ name: "Puskesmas terpencil" });
  });

  it("imports a members CSV only when every row is valid, listing every row's problems otherwise", async () => {
    expect(statusOf(await create("admin", "13.73", "lokus_ilp_2025", "Lokus ILP 2025"))).toBe(200);
    const g = await group("13.73", "lokus_ilp_2025");
    await add("admin", "13.73", "lokus_ilp_2025", KOLOK_MUDIK, "2025-01", "");
    const bad = [
      "unit_code,from,to",
      `${SUNGAI_DURIAN},2025-01,`, // row 2: valid
      "P9999999,2025-01,", // row 3: unknown unit
      `${LEMBAH_SEGAR},Januari 2025,`, // row 4: bad month
      `P1373004,2025-05,2025-02`, // row 5: to before from
      `${KOLOK_MUDIK},2025-06,2025-08`, // row 6: overlaps a stored membership
      `${SUNGAI_DURIAN},2025-03,2025-04`, // row 7: overlaps row 2
      `${PLANTUNGAN},2025-01,`, // row 8: outside Sawahlunto
    ].join("\n");
    const before = await memberCount(g.id);
    const r = await upload("admin", g.id, bad, await revisionOf("13.73", "lokus_ilp_2025"));
    expect(statusOf(r)).toBe(400);
    const problems = payloadOf(r).problems as Array<{ row: number; column: string; message: string; messageEn: string }>;
    expect(problems.map((p) => [p.row, p.column])).toEqual([
      [3, "unit_code"],
      [4, "from"],
      [5, "to"],
      [6, "from"],
      [7, "from"],
      [8, "unit_code"],
    ]);
    expect(problems[3].message).toMatch(/Puskesmas Kolok Mudik sudah menjadi anggota kelompok ini untuk 2025-01 s\.d\. seterusnya/);
    expect(problems[4].message).toMatch(/muncul lagi di baris 2/);
    expect(problems[4].messageEn).toMatch(/appears again in row 2/);
    expect(await memberCount(g.id)).toBe(before);
    expect(await audits("group.import", g.id)).toEqual([]);

    const wrongHeader = await upload("admin", g.id, "kode,dari,sampai\nP1373004,2025-01,\n", await revisionOf("13.73", "lokus_ilp_2025"));
    expect(statusOf(wrongHeader)).toBe(400);
    expect(payloadOf(wrongHeader).problems[0].message).toMatch(/unit_code,from,to/);

    const good = ["unit_code,from,to", `${SUNGAI_DURIAN},2025-01,2025-06`, `${SUNGAI_DURIAN},2025-09,`, `${LEMBAH_SEGAR},2025-02,`].join("\r\n");
    const ok = await upload("admin", g.id, good, await revisionOf("13.73", "lokus_ilp_2025"));
    expect(statusOf(ok)).toBe(200);
    expect(payloadOf(ok).message).toMatch(/3 keanggotaan diimpor/);
    expect(await memberCount(g.id)).toBe(before + 3);
    expect(JSON.parse((await audits("group.import", g.id))[0].after_json ?? "{}")).toMatchObject({ count: 3 });
    expect(await groupMembersAt(getDb(), "lokus_ilp_2025", unitId["13.73"], monthIndex(2025, 7))).toEqual(
      [unitId[KOLOK_MUDIK], unitId[LEMBAH_SEGAR]].sort((a, b) => a - b),
    );
    // The same file again overlaps everything it stored: refused whole.
    expect(statusOf(await upload("admin", g.id, good, await revisionOf("13.73", "lokus_ilp_2025")))).toBe(400);
    expect(await memberCount(g.id)).toBe(before + 3);
  });

  it("refuses an oversized file and one with too many rows (413), storing nothing", async () => {
    const g = await group("13.73", "lokus_ilp_2025");
    const before = await memberCount(g.id);
    const big = `unit_code,from,to\n${`${LEMBAH_SEGAR},2030-01,2030-01\n`.repeat(Math.ceil(MAX_GROUP_IMPORT_BYTES / 24))}`;
    expect(big.length).toBeGreaterThan(MAX_GROUP_IMPORT_BYTES);
    const r = await upload("admin", g.id, big, g.revision);
    expect(statusOf(r)).toBe(413);
    expect(payloadOf(r).message).toMatch(/1 MB/);
    const many = `unit_code,from,to\n${`${LEMBAH_SEGAR},2030-01,2030-01\n`.repeat(MAX_GROUP_IMPORT_ROWS + 1)}`;
    expect(many.length).toBeLessThan(MAX_GROUP_IMPORT_BYTES);
    const r2 = await upload("admin", g.id, many, g.revision);
    expect(statusOf(r2)).toBe(413);
    expect(payloadOf(r2).problems[0].message).toMatch(/10001 baris/);
    expect(await memberCount(g.id)).toBe(before);
    expect((await group("13.73", "lokus_ilp_2025")).revision).toBe(g.revision);
  });

  it("imports members from the CLI as an account that manages the group, and refuses one that does not", async () => {
    const g = await group("13.73", "lokus_ilp_2025");
    const before = await memberCount(g.id);
    const file = tempFile(`unit_code,from,to\nP1373005,2026-01,\n`);
    const refused = await cli("groups", "import", "lokus_ilp_2025", file, "--owner", "13.73", "--as", "adm.kendal");
    expect(refused.code).toBe(1);
    expect(await memberCount(g.id)).toBe(before);
    const bad = await cli(
      "groups",
      "import",
      "lokus_ilp_2025",
      tempFile(`unit_code,from,to\nP1373005,2026-13,\n`),
      "--owner",
      "13.73",
      "--as",
      "adm.sawahlunto",
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/baris 2, kolom from: Bulan "2026-13" tidak dapat dibaca/);
    const ok = await cli("groups", "import", "lokus_ilp_2025", file, "--owner", "13.73", "--as", "adm.sawahlunto");
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/1 keanggotaan diimpor/);
    expect(await memberCount(g.id)).toBe(before + 1);
    expect(await audits("group.import", g.id)).toHaveLength(2);
  });
});
