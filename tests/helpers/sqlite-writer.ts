/** A second process for the two-writer test: N read-modify-write transactions on one SQLite file. */
import { sql } from "kysely";
import { openDb } from "~/db/db.server";

const [url, count] = process.argv.slice(2);
const handle = openDb(url);
for (let i = 0; i < Number(count); i++) {
  await handle.db.transaction().execute(async (trx) => {
    const row = (await sql<{ n: number }>`select n from counter where id = 1`.execute(trx)).rows[0];
    await sql`update counter set n = ${row.n + 1} where id = 1`.execute(trx);
  });
}
await handle.destroy();
