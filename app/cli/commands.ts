/** The CLI's commands. Each returns an exit code; `serve` returns -1 and keeps running. */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { getDbHandle, migrateToLatest, setDbHandle } from "~/db/db.server";
import { backupDatabase, restoreDatabase } from "~/models/backup.server";
import { env } from "~/env.server";
import { passwordPolicyError } from "~/auth/password.server";
import { importOrgCsv } from "~/models/org-import.server";
import { getOrgByCode } from "~/models/org.server";
import { clearDemoContent, isDatabaseEmpty, seedDemoBase, seedDemoContent } from "~/models/seed.server";
import { createUser, USERNAME_PATTERN, usernameExists } from "~/models/user.server";
import { backfillScope, importScope, isRole, mayPlaceRole, ROLE_LEVELS } from "~/auth/policy.server";
import { translate } from "~/i18n/catalog";
import { tryParsePeriod, validatePackage, type DocumentError } from "@engine/server";
import { buildScorecard, explainUnit } from "~/models/scorecard.server";
import { scorecardTable } from "~/models/scorecard-view.server";
import { csvText } from "~/utils/spreadsheet.server";
import { importForm, importNow, MAX_IMPORT_BYTES, readImportFile } from "~/models/bulk-import.server";
import { checkBackfillReason } from "~/models/backfill.server";
import { importMembers } from "~/models/groups.server";
import { MAX_GROUP_IMPORT_BYTES } from "~/utils/limits";
import { loadGrants, type Grant } from "~/auth/session.server";
import { getPublishedPackage, importOverlay, importPackage } from "~/models/templates.server";
import type { OrgLevel } from "~/db/schema";
import { FhirExportError, scorecardFhirBundle, type FhirPrincipal } from "~/models/fhir.server";
import { validateFhir } from "~/models/fhir-validate.server";
import { importMappingCsv, mappingCsv, MAX_MAPPING_BYTES } from "~/models/dhis2-mapping.server";
import {
  ExchangeError,
  exportAdx,
  exportDataValueSets,
  exportPrincipal,
  importAdx,
  importDataValueSets,
  importPrincipal,
  MAX_DHIS2_IMPORT_BYTES,
  type ExchangePrincipal,
} from "~/models/dhis2-exchange.server";
import { DEFAULT_TOKEN_DAYS, issueToken, listTokens, revokeToken } from "~/models/api-tokens.server";
import { say } from "~/i18n/message";

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

function readJsonFile(file: string, io: CliIo): unknown | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    io.err(`Berkas ${file} tidak dapat dibaca. Periksa nama dan lokasinya.`);
    return undefined;
  }
  const limit = 5 * 1024 * 1024;
  if (Buffer.byteLength(text) > limit) {
    io.err(`Berkas ${file} lebih dari 5 MB; paket templat tidak sebesar itu. Periksa berkasnya.`);
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    io.err(`Berkas ${file} bukan JSON yang sah: ${(err as Error).message}`);
    return undefined;
  }
}

function printDocumentErrors(io: CliIo, file: string, errors: DocumentError[]): void {
  for (const e of errors) {
    const where = e.pointer || "/";
    const at = e.start !== undefined ? ` (karakter ${e.start}–${e.end ?? e.start})` : "";
    io.err(`${file}: ${where}${at}: ${e.message}${e.formulaCode ? ` [${e.formulaCode}]` : ` [${e.code}]`}`);
  }
  io.err(`${errors.length} galat.`);
}

function periodFlag(value: string | undefined, io: CliIo): string | undefined {
  if (!value) {
    io.err("--period wajib diisi, misalnya 2025-03, 2025-Q1 atau 2025.");
    return undefined;
  }
  const parsed = tryParsePeriod(value);
  if (!parsed.ok) {
    io.err(parsed.error);
    return undefined;
  }
  return value;
}

/**
 * The account a CLI import acts as (`--as`): active, with its grants. The CLI trusts whoever runs
 * it (shell access to the database is full access anyway); naming the account attributes the
 * reports and audit rows to a person and holds the rows to that person's area.
 */
async function actingUser(username: string, io: CliIo): Promise<{ id: number; username: string; grants: Grant[] } | undefined> {
  const db = getDbHandle().db;
  const name = username.trim().toLowerCase();
  const user = await db.selectFrom("app_user").select(["id", "username", "active"]).where("username", "=", name).executeTakeFirst();
  if (!user) {
    io.err(`--as: akun "${name}" tidak ada. Tulis nama pengguna admin yang bertanggung jawab atas impor ini.`);
    return undefined;
  }
  if (user.active !== 1) {
    io.err(`--as: akun "${name}" dinonaktifkan; impor atas nama akun yang masih aktif.`);
    return undefined;
  }
  return { id: user.id, username: user.username, grants: await loadGrants(db, user.id) };
}

/** Reads a file for the DHIS2 commands within `max` bytes; undefined (and a message) when it cannot. */
function readBounded(file: string, max: number, io: CliIo): Buffer | undefined {
  try {
    const size = fs.statSync(file).size;
    if (size > max) {
      io.err(`${path.basename(file)}: berkas lebih dari ${Math.round(max / 1024 / 1024)} MB.`);
      return undefined;
    }
    return fs.readFileSync(file);
  } catch {
    io.err(`Berkas ${file} tidak dapat dibaca. Periksa nama dan lokasinya.`);
    return undefined;
  }
}

/** Who a DHIS2 command acts as: the `--as` account's area (export or import scope), or the whole country. */
async function exchangePrincipal(as: string | undefined, kind: "export" | "import", io: CliIo): Promise<ExchangePrincipal | undefined> {
  if (!as) return { userId: null, scopePaths: null };
  const actor = await actingUser(as, io);
  if (!actor) return undefined;
  const principal = kind === "export" ? exportPrincipal({ ...actor, displayName: actor.username, locale: "id", sessionId: "" }) : importPrincipal(actor);
  if (principal.scopePaths!.length === 0) {
    io.err(`--as: ${actor.username} tidak berhak ${kind === "export" ? "mengekspor" : "mengimpor"} laporan.`);
    return undefined;
  }
  return principal;
}

function exchangeFailed(err: unknown, io: CliIo): number {
  if (!(err instanceof ExchangeError)) throw err;
  io.err(err.text.id);
  for (const d of err.details.slice(0, 50)) io.err(`  - ${d.id}`);
  return 1;
}

function exportCommand(format: "dhis2" | "adx"): CliCommand {
  return {
    name: ["export", format],
    help: `export ${format} --package K --period P [--unit KODE] [--as PENGGUNA] [--out berkas]   ${format === "dhis2" ? "dataValueSets JSON" : "ADX XML"} untuk DHIS2`,
    async run(args, io) {
      const { values } = parseArgs({
        args,
        options: { package: { type: "string" }, period: { type: "string" }, unit: { type: "string" }, as: { type: "string" }, out: { type: "string" } },
      });
      if (!values.package || !values.period) {
        io.err(
          `Pemakaian: export ${format} --package <kunci paket> --period <2025-01|202501|2025Q1|2025> [--unit <kode unit>] [--as <nama pengguna>] [--out <berkas>]`,
        );
        return 2;
      }
      await migrated();
      const principal = await exchangePrincipal(values.as, "export", io);
      if (!principal) return 1;
      const req = { packageKey: values.package, period: values.period, unitCode: values.unit ?? null };
      let text: string;
      let summary: string;
      try {
        if (format === "dhis2") {
          const { result, json } = await exportDataValueSets(principal, req);
          text = JSON.stringify(json, null, 2);
          summary = `${result.values.length} nilai (${result.counts.fieldValues} isian dari ${result.counts.reports} laporan, ${result.counts.indicatorValues} indikator) untuk ${result.unitCode}, periode ${result.dhis2Period}.`;
          if (result.counts.unmappedUnits) summary += ` ${result.counts.unmappedUnits} unit berlaporan belum dipetakan dan dilewati.`;
        } else {
          const { result, xml, groups, skippedText } = await exportAdx(principal, req);
          text = xml;
          summary = `${groups} grup ADX, ${result.values.length - skippedText} nilai untuk ${result.unitCode}, periode ${result.period}.`;
          if (skippedText) summary += ` ${skippedText} nilai teks dilewati (ADX hanya angka).`;
        }
      } catch (err) {
        return exchangeFailed(err, io);
      }
      if (values.out) {
        try {
          fs.writeFileSync(values.out, text);
        } catch {
          io.err(`Berkas ${values.out} tidak dapat ditulis.`);
          return 1;
        }
        io.out(`${summary} Ditulis ke ${values.out}.`);
      } else {
        io.out(text);
        io.err(summary);
      }
      return 0;
    },
  };
}

function importCommand(format: "dhis2" | "adx"): CliCommand {
  const usage =
    format === "dhis2"
      ? "import dhis2 <berkas.json> [--package <kunci paket>] [--as <nama pengguna>]"
      : "import adx <berkas.xml> [--package <kunci paket>] [--as <nama pengguna>]";
  return {
    name: ["import", format],
    help:
      format === "dhis2"
        ? "import dhis2 <berkas.json> [--package K] [--as PENGGUNA]   mengimpor dataValueSets JSON ke laporan (utuh atau tidak sama sekali)"
        : "import adx <berkas.xml> [--package K] [--as PENGGUNA]   mengimpor ADX XML ke laporan (utuh atau tidak sama sekali)",
    async run(args, io) {
      const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { package: { type: "string" }, as: { type: "string" } } });
      if (positionals.length !== 1) {
        io.err(`Pemakaian: ${usage}`);
        return 2;
      }
      const bytes = readBounded(positionals[0], MAX_DHIS2_IMPORT_BYTES, io);
      if (!bytes) return 1;
      await migrated();
      const principal = await exchangePrincipal(values.as, "import", io);
      if (!principal) return 1;
      const input = { body: bytes, packageKey: values.package ?? null };
      const summary = format === "dhis2" ? await importDataValueSets(principal, input) : await importAdx(principal, input);
      for (const c of summary.conflicts) {
        const where = c.index === null ? "" : format === "adx" && c.pointer ? `${c.pointer} ` : `nilai ke-${c.index} `;
        io.err(`${where}${c.object}: ${c.text.id}`);
      }
      if (summary.conflictCount > summary.conflicts.length) io.err(`${summary.conflictCount - summary.conflicts.length} masalah lain tidak ditampilkan.`);
      if (summary.status === "ERROR") {
        io.err(summary.text.id);
        return 1;
      }
      io.out(summary.text.id);
      return 0;
    },
  };
}

const DHIS2_COMMANDS: CliCommand[] = [
  exportCommand("dhis2"),
  exportCommand("adx"),
  importCommand("dhis2"),
  importCommand("adx"),
  {
    name: ["dhis2", "mapping"],
    help: "dhis2 mapping import|export <berkas.csv> --package K   pemetaan DHIS2 satu paket (kolom kind,form,pantau,dhis2,category_option_combo)",
    async run(args, io) {
      const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { package: { type: "string" } } });
      const [action, file] = positionals;
      if ((action !== "import" && action !== "export") || positionals.length > 2 || !values.package || (action === "import" && !file)) {
        io.err("Pemakaian: dhis2 mapping import <berkas.csv> --package <kunci paket> | dhis2 mapping export [<berkas.csv>] --package <kunci paket>");
        return 2;
      }
      if (action === "export") {
        await migrated();
        if (!(await getPublishedPackage(values.package))) {
          io.err(`Paket templat "${values.package}" belum terbit.`);
          return 1;
        }
        const csv = await mappingCsv(getDbHandle().db, values.package);
        if (!file) {
          io.out(csv.trimEnd());
          return 0;
        }
        try {
          fs.writeFileSync(file, csv);
        } catch {
          io.err(`Berkas ${file} tidak dapat ditulis.`);
          return 1;
        }
        io.out(`Pemetaan ${values.package} ditulis ke ${file}.`);
        return 0;
      }
      const bytes = readBounded(file, MAX_MAPPING_BYTES, io);
      if (!bytes) return 1;
      await migrated();
      const outcome = await importMappingCsv({ actor: { id: null, grants: null }, packageKey: values.package, bytes });
      if (!outcome.ok) {
        for (const p of outcome.problems) io.err(`${p.line ? `baris ${p.line}` : "berkas"}: ${p.text.id}`);
        if (outcome.total > outcome.problems.length) io.err(`${outcome.total - outcome.problems.length} masalah lain tidak ditampilkan.`);
        io.err(`Pemetaan ditolak (${outcome.total} masalah); tidak ada yang disimpan.`);
        return 1;
      }
      const c = outcome.counts;
      io.out(`Pemetaan ${values.package} disimpan: data set ${c.dataset}, isian ${c.field}, indikator ${c.indicator}, unit ${c.org_unit}.`);
      return 0;
    },
  },
];

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
    help: "db seed [--demo]                mengisi basis data kosong dengan data demo; --demo memuat ulang templat dan laporan demo",
    async run(args, io) {
      const { values } = parseArgs({ args, options: { demo: { type: "boolean" } } });
      await migrated();
      if (await isDatabaseEmpty()) {
        await seedDemoBase(io.out);
        await seedDemoContent(io.out);
        return 0;
      }
      if (!values.demo) {
        io.err("Basis data sudah berisi unit organisasi. Gunakan --demo untuk memuat ulang templat dan laporan demo (laporan yang ada akan dihapus).");
        return 1;
      }
      await clearDemoContent();
      await seedDemoContent(io.out);
      return 0;
    },
  },
  {
    name: ["db", "backup"],
    help: "db backup <berkas>              cadangan daring (SQLite: VACUUM INTO; PostgreSQL: pg_dump)",
    async run(args, io) {
      const { positionals } = parseArgs({ args, allowPositionals: true });
      if (positionals.length !== 1) {
        io.err("Pemakaian: db backup <berkas>");
        return 2;
      }
      const handle = await migrated();
      const { bytes } = await backupDatabase(handle, process.env.DATABASE_URL, positionals[0]);
      io.out(`Cadangan ${handle.kind} ditulis ke ${positionals[0]} (${Math.round(bytes / 1024)} KiB).`);
      return 0;
    },
  },
  {
    name: ["db", "restore"],
    help: "db restore <berkas>             memulihkan cadangan (hentikan aplikasi dulu untuk SQLite)",
    async run(args, io) {
      const { positionals } = parseArgs({ args, allowPositionals: true });
      if (positionals.length !== 1) {
        io.err("Pemakaian: db restore <berkas>");
        return 2;
      }
      const handle = getDbHandle();
      const kind = handle.kind;
      // The live connection must be closed before its SQLite file is replaced.
      await handle.destroy();
      setDbHandle(null);
      await restoreDatabase(kind, process.env.DATABASE_URL, positionals[0]);
      io.out(`Cadangan ${positionals[0]} dipulihkan ke basis data ${kind}.`);
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
      const { values } = parseArgs({
        args,
        options: { username: { type: "string" }, name: { type: "string" }, role: { type: "string" }, unit: { type: "string" } },
      });
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
      if (!mayPlaceRole(role, unit)) {
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
    name: ["api", "token"],
    help:
      "api token create --as ADMIN --name N --role R --unit KODE --access read|write [--packages k1,k2] [--for PENGGUNA] [--days 90]\n" +
      "  api token list --as ADMIN\n  api token revoke <id> --as ADMIN   (token API: docs/api.md)",
    async run(args, io) {
      const [action, ...rest] = args;
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          as: { type: "string" },
          name: { type: "string" },
          role: { type: "string" },
          unit: { type: "string" },
          access: { type: "string" },
          packages: { type: "string" },
          for: { type: "string" },
          days: { type: "string" },
        },
      });
      if (!["create", "list", "revoke"].includes(action ?? "") || !values.as) {
        io.err("Pemakaian: api token create|list|revoke … --as <nama pengguna admin>. Token tidak pernah melebihi hak admin itu.");
        return 2;
      }
      await migrated();
      const admin = await actingUser(values.as, io);
      if (!admin) return 1;
      if (action === "create") {
        const result = await issueToken(admin, {
          name: values.name ?? "",
          role: values.role ?? "",
          unitCode: values.unit ?? "",
          access: values.access ?? "",
          packageKeys: (values.packages ?? "").split(","),
          forUsername: values.for ?? "",
          days: values.days === undefined ? DEFAULT_TOKEN_DAYS : Number(values.days),
        });
        if (!result.ok) {
          for (const p of result.problems)
            io.err(
              `--${p.field === "unitCode" ? "unit" : p.field === "packageKeys" ? "packages" : p.field === "forUsername" ? "for" : p.field}: ${say("id", p.message.key, p.message.params)}`,
            );
          return 1;
        }
        io.out(`Token ${result.id} dibuat, berlaku sampai ${result.expiresAt}. Simpan rahasianya sekarang: tidak akan ditampilkan lagi.`);
        io.out(result.secret);
        return 0;
      }
      if (action === "list") {
        for (const t of await listTokens(admin)) {
          io.out(
            [
              t.id,
              t.state,
              t.name,
              t.role,
              t.unitCode,
              t.access,
              t.packageKeys.join(",") || "*",
              t.forUsername ?? "-",
              `${t.hint}…`,
              t.expiresAt,
              t.lastUsedAt ?? "-",
            ].join("\t"),
          );
        }
        return 0;
      }
      const id = Number(positionals[0]);
      if (!Number.isSafeInteger(id) || id < 1) {
        io.err("Pemakaian: api token revoke <id> --as <nama pengguna admin> (id dari `api token list`).");
        return 2;
      }
      const result = await revokeToken(admin, id);
      if (!result.ok) {
        io.err(say("id", result.message.key, result.message.params));
        return 1;
      }
      io.out(`Token ${id} dicabut; panggilan berikutnya dengan token itu ditolak (401).`);
      return 0;
    },
  },
  {
    name: ["template", "validate"],
    help: "template validate <paket.json>   memeriksa paket templat (galat dengan JSON pointer dan posisi karakter rumus)",
    async run(args, io) {
      const { positionals } = parseArgs({ args, allowPositionals: true });
      if (positionals.length !== 1) {
        io.err("Pemakaian: template validate <paket.json>");
        return 2;
      }
      const json = readJsonFile(positionals[0], io);
      if (json === undefined) return 1;
      const result = validatePackage(json);
      if (!result.ok) {
        printDocumentErrors(io, positionals[0], result.errors);
        return 1;
      }
      io.out(`${positionals[0]}: paket ${result.package!.key} versi ${result.package!.version} sah.`);
      return 0;
    },
  },
  {
    name: ["template", "import"],
    help: "template import <paket.json>     memeriksa lalu menerbitkan paket templat (utuh atau tidak sama sekali)",
    async run(args, io) {
      const { positionals } = parseArgs({ args, allowPositionals: true });
      if (positionals.length !== 1) {
        io.err("Pemakaian: template import <paket.json>");
        return 2;
      }
      const json = readJsonFile(positionals[0], io);
      if (json === undefined) return 1;
      await migrated();
      const result = await importPackage(json, { userId: null });
      if (!result.ok) {
        printDocumentErrors(io, positionals[0], result.errors);
        io.err("Tidak ada yang disimpan.");
        return 1;
      }
      io.out(result.created ? `Paket ${result.key} versi ${result.version} diterbitkan.` : `Paket ${result.key} versi ${result.version} sudah ada (isi sama).`);
      return 0;
    },
  },
  {
    name: ["template", "export"],
    help: "template export <kunci> [--version N]   mencetak paket terbit sebagai JSON",
    async run(args, io) {
      const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { version: { type: "string" } } });
      if (positionals.length !== 1) {
        io.err("Pemakaian: template export <kunci> [--version N]");
        return 2;
      }
      const version = values.version === undefined ? undefined : Number(values.version);
      if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
        io.err("--version harus bilangan bulat positif.");
        return 1;
      }
      await migrated();
      const pkg = await getPublishedPackage(positionals[0], version);
      if (!pkg) {
        io.err(`Paket ${positionals[0]}${version ? ` versi ${version}` : ""} tidak ditemukan.`);
        return 1;
      }
      io.out(JSON.stringify(pkg.document, null, 2));
      return 0;
    },
  },
  {
    name: ["overlay", "import"],
    help: "overlay import <adaptasi.json>   memeriksa lalu menerbitkan adaptasi kabupaten/kota",
    async run(args, io) {
      const { positionals } = parseArgs({ args, allowPositionals: true });
      if (positionals.length !== 1) {
        io.err("Pemakaian: overlay import <adaptasi.json>");
        return 2;
      }
      const json = readJsonFile(positionals[0], io);
      if (json === undefined) return 1;
      await migrated();
      const result = await importOverlay(json, { userId: null });
      if (!result.ok) {
        printDocumentErrors(io, positionals[0], result.errors);
        io.err("Tidak ada yang disimpan.");
        return 1;
      }
      io.out(result.created ? `Adaptasi ${result.key} versi ${result.version} diterbitkan.` : `Adaptasi sudah ada (isi sama).`);
      return 0;
    },
  },
  {
    name: ["groups", "import"],
    help: "groups import <kunci> <berkas.csv> --owner KODE --as PENGGUNA   anggota kelompok unit, kolom unit_code,from,to",
    async run(args, io) {
      const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { owner: { type: "string" }, as: { type: "string" } } });
      if (positionals.length !== 2 || !values.owner || !values.as) {
        io.err("Pemakaian: groups import <kunci kelompok> <berkas.csv> --owner <kode unit pemilik> --as <nama pengguna>");
        return 2;
      }
      const [key, file] = positionals;
      let bytes: Buffer;
      try {
        // The page's size cap holds here too.
        if (fs.statSync(file).size > MAX_GROUP_IMPORT_BYTES) {
          io.err(`${path.basename(file)}: ${translate("id", "groups.error.fileTooLarge", { max: MAX_GROUP_IMPORT_BYTES / 1024 / 1024 })}`);
          return 1;
        }
        bytes = fs.readFileSync(file);
      } catch {
        io.err(`Berkas ${file} tidak dapat dibaca.`);
        return 1;
      }
      await migrated();
      const actor = await actingUser(values.as, io);
      if (!actor) return 1;
      const db = getDbHandle().db;
      const owner = await getOrgByCode(db, values.owner);
      const group = owner
        ? await db.selectFrom("org_group").select("id").where("owner_org_unit_id", "=", owner.id).where("key", "=", key).executeTakeFirst()
        : undefined;
      if (!group) {
        io.err(`Kelompok ${key} milik unit ${values.owner} tidak ditemukan. Buat kelompoknya dulu di halaman /groups.`);
        return 1;
      }
      // The acting account's rights hold as on the page (mayManageGroup); the CLI takes the group as it is now.
      const result = await importMembers({ user: { ...actor, locale: "id" }, id: group.id, revision: null, bytes });
      if (result.ok) {
        io.out(result.message);
        return 0;
      }
      io.err(result.message);
      for (const p of result.problems) io.err(`baris ${p.row || "-"}${p.column ? `, kolom ${p.column}` : ""}: ${p.message}`);
      return 1;
    },
  },
  {
    name: ["submissions", "import"],
    help: 'submissions import <berkas.csv|xlsx> --template K --form F [--as PENGGUNA] [--backfill --reason "…"]   kolom org_unit,period,<kunci isian…>',
    async run(args, io) {
      const { positionals, values } = parseArgs({
        args,
        allowPositionals: true,
        options: { template: { type: "string" }, form: { type: "string" }, as: { type: "string" }, backfill: { type: "boolean" }, reason: { type: "string" } },
      });
      if (positionals.length !== 1 || !values.template || !values.form) {
        io.err(
          'Pemakaian: submissions import <berkas.csv|xlsx> --template <kunci> --form <kunci formulir> [--as <nama pengguna>] [--backfill --reason "<alasan>"]',
        );
        return 2;
      }
      if (values.reason !== undefined && !values.backfill) {
        io.err("--reason hanya dipakai bersama --backfill (impor data periode lalu).");
        return 2;
      }
      if (values.backfill && !values.as) {
        io.err(
          "--backfill memerlukan --as <nama pengguna>: admin Dinkes kabupaten/kota atau admin nasional yang bertanggung jawab atas impor ini; namanya tercatat di log audit dan riwayat laporan.",
        );
        return 2;
      }
      let reason: string | null = null;
      if (values.backfill) {
        const checked = checkBackfillReason(values.reason);
        if (!checked.ok) {
          io.err(`--reason: ${translate("id", checked.key, checked.vars)}`);
          return 1;
        }
        reason = checked.reason;
      }
      const file = positionals[0];
      const fileName = path.basename(file);
      let bytes: Buffer;
      try {
        // The upload's size cap holds here too.
        const size = fs.statSync(file).size;
        if (size > MAX_IMPORT_BYTES) {
          io.err(
            `${fileName}: ${translate("id", "imports.error.tooLarge", { size: (size / 1024 / 1024).toFixed(1), max: Math.round(MAX_IMPORT_BYTES / 1024 / 1024) })}`,
          );
          return 1;
        }
        bytes = fs.readFileSync(file);
      } catch {
        io.err(`Berkas ${file} tidak dapat dibaca.`);
        return 1;
      }
      await migrated();
      const actor = values.as ? await actingUser(values.as, io) : null;
      if (actor === undefined) return 1;
      if (actor && (reason !== null ? backfillScope(actor) : importScope(actor)).length === 0) {
        io.err(
          reason !== null
            ? `--as: ${actor.username} bukan admin Dinkes kabupaten/kota atau admin nasional; impor data periode lalu hanya untuk admin, di wilayahnya sendiri.`
            : `--as: ${actor.username} tidak berhak mengimpor laporan (hanya operator Puskesmas, admin Dinkes dan admin nasional).`,
        );
        return 1;
      }
      const target = await importForm(values.template, values.form);
      if (!target) {
        io.err(
          (await getPublishedPackage(values.template))
            ? `Formulir "${values.form}" tidak ada dalam paket ${values.template}.`
            : `Paket templat "${values.template}" belum terbit. Impor paketnya dulu.`,
        );
        return 1;
      }
      // Read, checked and imported as an upload on the import page is (with an account, as a job in its list).
      const read = await readImportFile(bytes, target);
      if (!read.ok) {
        io.err(`${fileName}: ${read.message}`);
        io.err(translate("id", read.wrongForm ? "imports.refusedWrongForm" : "imports.refused"));
        return 1;
      }
      // Rows with rule warnings are stored (and the warnings printed), as the CLI always did.
      const outcome = await importNow({
        user: actor,
        target,
        fileName,
        format: read.format,
        bytes: bytes.length,
        file: read.file,
        confirmWarnings: true,
        backfillReason: reason,
        ip: null,
      });
      for (const p of outcome.problems) {
        if (p.severity === "error") io.err(`baris ${p.row}${p.column ? ` kolom ${p.column}` : ""}: ${p.text.id}`);
        else io.out(`peringatan baris ${p.row}: ${p.text.id}`);
      }
      const unlisted = outcome.errors + outcome.warnings - outcome.problems.length;
      if (unlisted > 0) io.err(`${unlisted} masalah lain tidak ditampilkan (hanya ${outcome.problems.length} yang pertama disimpan).`);
      if (outcome.status !== "done") io.err(outcome.message ?? translate("id", "imports.job.failed"));
      io.out(`${outcome.stored} dari ${outcome.rows} baris disimpan; ${outcome.errors} galat.`);
      if (outcome.jobId !== null) io.out(`Impor ini tercatat di halaman Impor akun ${actor!.username}: /imports/${outcome.jobId}.`);
      if (reason !== null)
        io.out(
          `Impor data periode lalu atas nama ${actor!.username}: laporan yang batas waktunya sudah lewat ditandai entri terlambat dan menunggu verifikasi; alasannya dicatat di log audit.`,
        );
      return outcome.errors > 0 || outcome.status !== "done" ? 1 : 0;
    },
  },
  {
    name: ["scorecard"],
    help: "scorecard --template K --period P [--ytd] [--parent KODE | --level L] [--group G] [--format json|csv]",
    async run(args, io) {
      const { values } = parseArgs({
        args,
        options: {
          template: { type: "string" },
          period: { type: "string" },
          ytd: { type: "boolean" },
          parent: { type: "string" },
          level: { type: "string" },
          group: { type: "string" },
          format: { type: "string" },
        },
      });
      if (!values.template) {
        io.err("--template wajib diisi, misalnya --template ilp-nasional.");
        return 2;
      }
      const period = periodFlag(values.period, io);
      if (!period) return 1;
      const format = values.format ?? "json";
      if (format !== "json" && format !== "csv") {
        io.err("--format harus json atau csv.");
        return 1;
      }
      await migrated();
      const result = await buildScorecard({
        packageKey: values.template,
        period,
        ytd: values.ytd ? true : undefined,
        parentCode: values.parent,
        level: values.parent ? undefined : ((values.level ?? "district") as OrgLevel),
        group: values.group,
      });
      io.out(format === "csv" ? csvText(scorecardTable(result)).trimEnd() : JSON.stringify({ ...result.scorecard, lastChange: result.lastChange }, null, 2));
      return 0;
    },
  },
  {
    name: ["explain"],
    help: "explain --template K --indicator I --org KODE --period P [--ytd]   menjelaskan satu sel scorecard",
    async run(args, io) {
      const { values } = parseArgs({
        args,
        options: {
          template: { type: "string" },
          indicator: { type: "string" },
          org: { type: "string" },
          period: { type: "string" },
          ytd: { type: "boolean" },
          json: { type: "boolean" },
        },
      });
      if (!values.template || !values.indicator || !values.org) {
        io.err("Pemakaian: explain --template <kunci> --indicator <kunci> --org <kode> --period <periode> [--ytd]");
        return 2;
      }
      const period = periodFlag(values.period, io);
      if (!period) return 1;
      await migrated();
      const e = await explainUnit(values.template, values.indicator, values.org, period, values.ytd ? true : undefined);
      if (values.json) {
        io.out(JSON.stringify(e, null, 2));
        return 0;
      }
      io.out(`${e.indicator.name} — ${e.row.name} (${e.row.code}), ${e.window.label}`);
      io.out(e.summary);
      io.out(`Pembilang: ${e.formula.numerator} = ${e.numerator ?? "–"}`);
      if (e.formula.denominator) io.out(`Penyebut: ${e.formula.denominator} = ${e.denominator ?? "–"}`);
      for (const input of e.inputs) io.out(`  ${input.field} (${input.label}, ${input.aggregation}) = ${input.value ?? "tidak ada data"}`);
      for (const f of e.forms) io.out(`Formulir ${f.title}: ${f.reported}/${f.expected} laporan; belum lengkap: ${f.missing.join(", ") || "–"}`);
      return 0;
    },
  },
  ...DHIS2_COMMANDS,
  {
    name: ["export", "fhir"],
    help: "export fhir --package K --period P [--ytd] [--parent KODE] [--level L] [--group G] [--basis national] [--as PENGGUNA] [--out BERKAS]   scorecard sebagai Bundle FHIR R4 (Measure, MeasureReport)",
    async run(args, io) {
      let values;
      try {
        ({ values } = parseArgs({
          args,
          options: {
            package: { type: "string" },
            period: { type: "string" },
            ytd: { type: "boolean" },
            parent: { type: "string" },
            level: { type: "string" },
            group: { type: "string" },
            basis: { type: "string" },
            as: { type: "string" },
            out: { type: "string" },
          },
        }));
      } catch (err) {
        io.err(`${(err as Error).message}. Pemakaian: export fhir --package <kunci> --period <periode> [--parent <kode>] [--level <tingkat>] [--out <berkas>]`);
        return 2;
      }
      if (!values.package) {
        io.err("--package wajib diisi, misalnya --package ilp-nasional.");
        return 2;
      }
      const period = periodFlag(values.period, io);
      if (!period) return 1;
      if (values.basis !== undefined && values.basis !== "national" && values.basis !== "nearest") {
        io.err("--basis harus nearest (target terdekat, bawaan) atau national (target nasional).");
        return 2;
      }
      await migrated();
      // Without --as the CLI reads the whole country, as `scorecard` does; with it, only that account's area.
      let principal: FhirPrincipal;
      if (values.as) {
        const user = await actingUser(values.as, io);
        if (!user) return 1;
        principal = user;
      } else {
        const national = await getDbHandle().db.selectFrom("org_unit").selectAll().where("level", "=", "national").executeTakeFirst();
        if (!national) {
          io.err("Belum ada unit nasional di basis data: muat pohon unit organisasi dulu (org import atau db seed).");
          return 1;
        }
        principal = {
          grants: [
            {
              role: "national_admin",
              orgUnitId: national.id,
              orgCode: national.code,
              orgName: national.name,
              orgLevel: national.level,
              orgPath: national.path,
            },
          ],
        };
      }
      let bundle;
      try {
        bundle = await scorecardFhirBundle("id", principal, {
          package: values.package,
          period,
          ytd: values.ytd ? true : undefined,
          parent: values.parent,
          level: values.level,
          group: values.group,
          basis: values.basis === "national" ? "national" : "nearest",
        });
      } catch (err) {
        if (!(err instanceof FhirExportError)) throw err;
        io.err(err.message);
        return 1;
      }
      // Checked against the FHIR R4 definitions before anything leaves (decision 049).
      const check = validateFhir(bundle);
      if (!check.valid) {
        const errors = check.issues.filter((i) => i.severity === "error" || i.severity === "fatal");
        for (const i of errors.slice(0, 20)) io.err(`${i.location}: ${i.message}`);
        io.err(`Bundle FHIR tidak sah (${errors.length} galat); tidak ada yang ditulis. Laporkan ke pengelola aplikasi.`);
        return 1;
      }
      const text = JSON.stringify(bundle, null, 2);
      const reports = bundle.entry.filter((e) => e.resource.resourceType === "MeasureReport").length;
      if (values.out) {
        try {
          fs.writeFileSync(values.out, text + "\n");
        } catch (err) {
          io.err(`Berkas ${values.out} tidak dapat ditulis (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Periksa folder dan izinnya.`);
          return 1;
        }
        io.out(`Bundle FHIR ditulis ke ${values.out}: ${bundle.entry.length} sumber daya, ${reports} MeasureReport.`);
      } else io.out(text);
      return 0;
    },
  },
  {
    name: ["serve"],
    help: "serve [--seed-if-empty]          migrasi, (isi demo bila kosong), lalu layani http://localhost:PORT",
    async run(args, io) {
      const { values } = parseArgs({ args, options: { "seed-if-empty": { type: "boolean" } } });
      const config = env();
      // React chooses its production build from NODE_ENV when first loaded: the server always
      // renders with it. Whether the configuration is strict (SESSION_SECRET, Secure cookies)
      // stays the operator's choice, carried in PANTAU_ENV (app/env.server.ts).
      process.env.PANTAU_ENV ??= process.env.NODE_ENV ?? "development";
      process.env.NODE_ENV = "production";
      const handle = await migrated();
      if (values["seed-if-empty"] && (await isDatabaseEmpty())) {
        io.out("Basis data kosong: memuat data demo…");
        await seedDemoBase(io.out);
        await seedDemoContent(io.out);
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
      // Every report's facts in memory for the scorecards (decision 040), loaded in the background.
      if (config.factIndex) build.entry.module.startFactIndex();
      // Scorecards computed in the background after start and after changes (decision 013).
      if (config.scorecardWarmSeconds > 0) build.entry.module.startScorecardWarmer({ intervalMs: config.scorecardWarmSeconds * 1000 });
      // Reminders and email, claimed in the database so several instances send once (decision 032).
      if (config.reminderSeconds > 0) build.entry.module.startReminderScheduler({ intervalMs: config.reminderSeconds * 1000 });
      return -1;
    },
  },
];

export function usage(): string {
  return ["Pemakaian: npm run cli -- <perintah>", "", ...COMMANDS.map((c) => `  ${c.help}`)].join("\n");
}
