/** Whether this database was filled by the demo seed (the login page then shows the demo password). */
import { getDb } from "~/db/db.server";
import { clock } from "~/utils/clock.server";

let cached: { value: boolean; at: number } | null = null;

export async function isDemoDatabase(): Promise<boolean> {
  if (cached && clock.ms() - cached.at < 60_000) return cached.value;
  const row = await getDb().selectFrom("audit_log").select("id").where("action", "=", "demo.seed").limit(1).executeTakeFirst();
  cached = { value: !!row, at: clock.ms() };
  return cached.value;
}

export function forgetDemoFlag(): void {
  cached = null;
}
