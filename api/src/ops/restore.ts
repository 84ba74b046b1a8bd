import fs from "node:fs";
import { once } from "node:events";
import { createGunzip } from "node:zlib";
import { Client } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { MigrationInterface } from "typeorm";
import { migrate } from "../db/database";
import { createDataSource } from "../db/data-source";
import { loadSigner } from "../pki";
import { BackupFormatError, END_OF_TABLE, FORMAT, MAGIC, lines, nextLine, type BackupHeader } from "./backup-format";

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class RestoreError extends Error {}

async function readHeader(it: AsyncIterator<string>): Promise<BackupHeader> {
  if ((await nextLine(it, "its first line")) !== MAGIC)
    throw new BackupFormatError("not an Akashi backup (no AKASHI-BACKUP line)");
  const header = JSON.parse(await nextLine(it, "its header")) as BackupHeader;
  if (header.format !== FORMAT) throw new BackupFormatError(`unknown backup format ${String(header.format)}`);
  return header;
}

/** The target must be empty: a restore never mixes with existing data. */
async function requireEmpty(client: Client): Promise<void> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`,
  );
  if (rows[0].n > 0)
    throw new RestoreError("the target database is not empty; restore into a new data directory or an empty database");
  const su = await client.query<{ rolsuper: boolean }>(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`);
  if (!su.rows[0]?.rolsuper) {
    throw new RestoreError(
      "restore loads rows with triggers and foreign-key checks off (session_replication_role = replica), " +
        "which needs a PostgreSQL superuser",
    );
  }
}

/** Applies exactly the migrations the backup's database had, so its rows fit the tables. */
async function migrateTo(url: string, wanted: string[]): Promise<void> {
  const all = createDataSource(url, { poolSize: 1, forMigrations: true });
  await all.initialize();
  const known = all.migrations;
  await all.destroy();
  const names = new Set(known.map((m) => m.name ?? m.constructor.name));
  const unknown = wanted.filter((n) => !names.has(n));
  if (unknown.length)
    throw new RestoreError(
      `the backup comes from a newer Akashi (migrations ${unknown.join(", ")}); restore it with that version`,
    );
  const subset = known.filter((m) => wanted.includes(m.name ?? m.constructor.name));
  const partial = createDataSource(url, { poolSize: 1, forMigrations: true });
  partial.setOptions({
    migrations: subset.map((m) => m.constructor as new () => MigrationInterface),
  });
  await partial.initialize();
  try {
    await partial.runMigrations({ transaction: "each" });
  } finally {
    await partial.destroy();
  }
}

/** Streams one TABLE block into COPY … FROM STDIN. */
async function loadTable(client: Client, it: AsyncIterator<string>, line: string): Promise<number> {
  const m = /^TABLE (\S+) (\[.*\])$/.exec(line);
  if (!m) throw new BackupFormatError(`expected a TABLE line, got ${line.slice(0, 60)}`);
  const columns = (JSON.parse(m[2]) as string[]).map(ident).join(", ");
  const copy = client.query(copyFrom(`COPY ${ident(m[1])} (${columns}) FROM STDIN`));
  const finished = once(copy, "finish");
  let rows = 0;
  for (
    let row = await nextLine(it, `the end of table ${m[1]}`);
    row !== END_OF_TABLE;
    row = await nextLine(it, `the end of table ${m[1]}`)
  ) {
    if (!copy.write(`${row}\n`)) await once(copy, "drain");
    rows++;
  }
  copy.end();
  await finished;
  return rows;
}

/** One field of COPY's text format: `\N` is NULL; backslash escapes as PostgreSQL writes them. */
export function copyTextField(raw: string): string | null {
  if (raw === "\\N") return null;
  return raw.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" } as Record<string, string>)[e] ?? e;
  });
}

function backupLines(file: string) {
  const input = fs.createReadStream(file).pipe(createGunzip());
  return { it: lines(input), close: () => input.destroy() };
}

/**
 * Before anything is written: every CA key in the backup must open with the passphrase, so a wrong one
 * restores nothing (and the target stays empty for the next try). Returns how many keys were checked.
 */
async function checkCaKeys(file: string, passphrase: string): Promise<number> {
  const { it, close } = backupLines(file);
  try {
    await readHeader(it);
    for (let line = await nextLine(it, "END"); line !== "END"; line = await nextLine(it, "END")) {
      const m = /^TABLE (\S+) (\[.*\])$/.exec(line);
      if (!m) throw new BackupFormatError(`expected a TABLE line, got ${line.slice(0, 60)}`);
      const columns = JSON.parse(m[2]) as string[];
      let keys = 0;
      for (
        let row = await nextLine(it, "the end of a table");
        row !== END_OF_TABLE;
        row = await nextLine(it, "the end of a table")
      ) {
        if (m[1] !== "certificate_authority") continue;
        const fields = row.split("\t").map(copyTextField);
        const pem = fields[columns.indexOf("encrypted_key_pem")] ?? "";
        try {
          loadSigner(pem, passphrase);
        } catch {
          throw new RestoreError(
            `the CA passphrase does not open the key of "${fields[columns.indexOf("name")] ?? "?"}"; ` +
              "nothing was restored",
          );
        }
        keys++;
      }
      if (m[1] === "certificate_authority") return keys;
    }
    return 0;
  } finally {
    close();
  }
}

export interface RestoreResult {
  header: BackupHeader;
  rows: Record<string, number>;
  caKeys: number;
}

/** Rows and sequences in one transaction, with triggers and foreign-key checks off as pg_restore does. */
async function loadRows(client: Client, it: AsyncIterator<string>, header: BackupHeader) {
  const rows: Record<string, number> = {};
  await client.query("BEGIN");
  try {
    await client.query("SET LOCAL session_replication_role = replica");
    // The migrations just run seeded some tables (the catalogue); the backup's rows replace them.
    for (const table of header.tables) await client.query(`DELETE FROM ${ident(table)}`);
    for (let line = await nextLine(it, "END"); line !== "END"; line = await nextLine(it, "END")) {
      const name = line.split(" ")[1] ?? "";
      rows[name] = await loadTable(client, it, line);
    }
    for (const [seq, value] of Object.entries(header.sequences)) {
      if (value !== null) await client.query(`SELECT setval($1, $2, true)`, [ident(seq), value]);
    }
    await client.query("COMMIT");
    return rows;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  }
}

/**
 * `npm run akashi -- restore`: into an EMPTY database, as its owner (`ownerUrl`, a superuser): a check that
 * `passphrase` opens every CA key, the backup's migrations, its rows and sequence values, then this
 * version's later migrations and the grants for the service's own role (`serviceRole`, when it has one).
 */
export async function restoreBackup(
  ownerUrl: string,
  serviceRole: string | null,
  file: string,
  passphrase: string,
): Promise<RestoreResult> {
  const { it, close } = backupLines(file);
  const client = new Client({ connectionString: ownerUrl, application_name: "akashi-restore" });
  await client.connect();
  try {
    const header = await readHeader(it);
    await requireEmpty(client);
    const caKeys = await checkCaKeys(file, passphrase);
    await migrateTo(ownerUrl, header.migrations);
    const rows = await loadRows(client, it, header);
    await migrate(ownerUrl, serviceRole);
    return { header, rows, caKeys };
  } finally {
    close();
    await client.end();
  }
}
