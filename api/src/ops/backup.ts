import fs from "node:fs";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import type { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import { Client } from "pg";
import { to as copyTo } from "pg-copy-streams";
import { END_OF_TABLE, FORMAT, MAGIC, type BackupHeader } from "./backup-format";

/** Tables whose rows the backup carries: every table of the public schema except TypeORM's migration log. */
async function tablesOf(client: Client): Promise<{ name: string; columns: string[] }[]> {
  const rows = (
    await client.query<{ table_name: string; columns: string[] }>(
      `SELECT c.table_name, array_agg(c.column_name::text ORDER BY c.ordinal_position) AS columns
         FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
          AND c.table_name <> 'schema_migration'
        GROUP BY c.table_name ORDER BY c.table_name`,
    )
  ).rows;
  return rows.map((r) => ({ name: r.table_name, columns: r.columns }));
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

/** Writes every table's rows (COPY text) from one consistent snapshot to `out`. */
async function dump(
  client: Client,
  out: Writable,
  header: BackupHeader,
  tables: { name: string; columns: string[] }[],
) {
  await write(out, `${MAGIC}\n${JSON.stringify(header)}\n`);
  for (const t of tables) {
    await write(out, `TABLE ${t.name} ${JSON.stringify(t.columns)}\n`);
    const cols = t.columns.map(ident).join(", ");
    const stream = client.query(copyTo(`COPY (SELECT ${cols} FROM ${ident(t.name)}) TO STDOUT`));
    for await (const chunk of stream)
      await write(out, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    await write(out, `${END_OF_TABLE}\n`);
  }
  await write(out, "END\n");
}

/**
 * `npm run akashi -- backup`: the whole database (CA keys still encrypted) to one gzip file at `file`,
 * read in one REPEATABLE READ, READ ONLY snapshot so the service may keep running. Returns the header.
 */
export async function writeBackup(databaseUrl: string, file: string, now: Date): Promise<BackupHeader> {
  const client = new Client({ connectionString: databaseUrl, application_name: "akashi-backup" });
  await client.connect();
  const gzip = createGzip();
  const fileOut = fs.createWriteStream(file, { flags: "wx", mode: 0o600 });
  const done = pipeline(gzip, fileOut);
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const migrations = (await client.query(`SELECT name FROM schema_migration ORDER BY timestamp`)).rows.map(
      (r: { name: string }) => r.name,
    );
    const sequences: Record<string, number | null> = {};
    for (const s of (
      await client.query<{ sequencename: string; last_value: string | null }>(
        `SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'`,
      )
    ).rows) {
      sequences[s.sequencename] = s.last_value === null ? null : Number(s.last_value);
    }
    const tables = await tablesOf(client);
    const header: BackupHeader = {
      format: FORMAT,
      createdAt: now.toISOString(),
      migrations,
      tables: tables.map((t) => t.name),
      sequences,
    };
    await dump(client, gzip, header, tables);
    await client.query("COMMIT");
    gzip.end();
    await done;
    return header;
  } catch (e) {
    gzip.destroy();
    await done.catch(() => {});
    fs.rmSync(file, { force: true });
    throw e;
  } finally {
    await client.end();
  }
}
