/** The CLI's commands. Each returns an exit code; `serve` returns -1 and keeps running. */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { getDbHandle, migrateToLatest } from "~/db/db.server";
import { env } from "~/env.server";
import { passwordPolicyError } from "~/auth/password.server";
import { importOrgCsv } from "~/models/org-import.server";
import { getOrgByCode } from "~/models/org.server";
import { isDatabaseEmpty, seedDemoBase } from "~/models/seed.server";
import { createUser, isRole, ROLE_LEVELS, USERNAME_PATTERN, usernameExists } from "~/models/user.server";
import { translate } from "~/i18n/catalog";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliCommand {
  name: [string] | [string, string];
  help: string;
  run(args: string[], io: CliIo): Promise<number>;
}

async function migrated() {
  const handle = getDbHandle();
  await migrateToLatest(handle);
  return handle;
}

export const COMMANDS: CliCommand[] = [
  {
    name: ["db", "migrate"],
    help: "db migrate                      menjalankan migrasi basis data",
    async run(_args, io) {
      const handle = getDbHandle();
      const result = await migrateToLatest(handle);
      const ran = result.results?.filter((r) => r.status === "Success").map((r) => r.migrationName) ?? [];
      io.out(ran.length ? `Migrasi dijalankan (${handle.kind}): ${ran.join(", ")}` : `Basis data (${handle.kind}) sudah mutakhir.`);
      return 0;
    },
  },
  {
    name: ["db", "seed"],
    help: "db seed [--demo]                mengisi basis data kosong dengan data demo",
    async run(args, io) {
      parseArgs({ args, options: { demo: { type: "boolean" } } });
      await migrated();
      if (!(await isDatabaseEmpty())) {
        io.err("Basis data sudah berisi unit organisasi; data demo hanya dimuat ke basis data kosong.");
        return 1;
      }
      await seedDemoBase(io.out);
      return 0;
    },
  },
  {
    name: ["org", "import"],
    help: "org import <berkas.csv>         mengimpor unit (kolom code,name,level,parent_code)",
    async run(args, io) {
      const { positionals } = parseArgs({ args, allowPositionals: true });
      if (positionals.length !== 1) {
        io.err("Pemakaian: org import <berkas.csv>");
        return 2;
      }
      await migrated();
      const result = await importOrgCsv(fs.readFileSync(positionals[0], "utf8"));
      for (const e of result.errors) io.err(`baris ${e.row}${e.column ? ` kolom ${e.column}` : ""}: ${e.message}`);
      if (result.errors.length > 0) {
        io.err(`${result.errors.length} galat; tidak ada unit yang disimpan.`);
        return 1;
      }
      io.out(`${result.inserted} unit diimpor.`);
      return 0;
    },
  },
  {
    name: ["user", "create"],
    help: "user create --username U --name N --role R --unit KODE   (kata sandi dari PANTAU_PASSWORD)",
    async run(args, io) {
      const { values } = parseArgs({ args, options: { username: { type: "string" }, name: { type: "string" }, role: { type: "string" }, unit: { type: "string" } } });
      const password = process.env.PANTAU_PASSWORD ?? "";
      const problems: string[] = [];
      const username = (values.username ?? "").toLowerCase();
      if (!USERNAME_PATTERN.test(username)) problems.push(translate("id", "users.error.username"));
      if (!values.name) problems.push(translate("id", "users.error.displayName"));
      if (!values.role || !isRole(values.role)) problems.push(`--role harus salah satu dari: ${Object.keys(ROLE_LEVELS).join(", ")}.`);
      const pw = passwordPolicyError(password);
      if (pw) problems.push(`PANTAU_PASSWORD: ${translate("id", pw)}`);
      if (problems.length) {
        problems.forEach((p) => io.err(p));
        return 1;
      }
      await migrated();
      const handle = getDbHandle();
      const unit = await getOrgByCode(handle.db, values.unit ?? "");
      if (!unit) {
        io.err(translate("id", "users.error.unit", { code: values.unit ?? "" }));
        return 1;
      }
      const role = values.role as keyof typeof ROLE_LEVELS;
      if (!ROLE_LEVELS[role].includes(unit.level)) {
        io.err(`Peran ${role} harus ditempatkan di unit tingkat ${ROLE_LEVELS[role].join("/")}, bukan ${unit.level}.`);
        return 1;
      }
      if (await usernameExists(handle.db, username)) {
        io.err(translate("id", "users.error.usernameTaken", { username }));
        return 1;
      }
      const id = await createUser({ username, displayName: values.name!, password, grants: [{ role, orgUnitId: unit.id }] }, { userId: null });
      io.out(`Pengguna ${username} dibuat (id ${id}).`);
      return 0;
    },
  },
  {
    name: ["serve"],
    help: "serve [--seed-if-empty]          migrasi, (isi demo bila kosong), lalu layani http://localhost:PORT",
    async run(args, io) {
      const { values } = parseArgs({ args, options: { "seed-if-empty": { type: "boolean" } } });
      const config = env();
      const handle = await migrated();
      if (values["seed-if-empty"] && (await isDatabaseEmpty())) {
        io.out("Basis data kosong: memuat data demo…");
        await seedDemoBase(io.out);
      }
      // The server build has its own copy of the db module; hand over the file cleanly.
      await handle.destroy();
      const buildPath = path.resolve("build", "index.js");
      if (!fs.existsSync(buildPath)) {
        io.err("build/index.js tidak ada: jalankan `npm run build` dulu.");
        return 1;
      }
      const build = await import(pathToFileURL(buildPath).href);
      const { startServer } = await import("~/server/http.server");
      await startServer({ build, port: config.port, trustProxy: process.env.TRUST_PROXY === "1" });
      io.out(`Pantau ILP berjalan di http://localhost:${config.port} (${handle.kind})`);
      return -1;
    },
  },
];

export function usage(): string {
  return ["Pemakaian: npm run cli -- <perintah>", "", ...COMMANDS.map((c) => `  ${c.help}`)].join("\n");
}
