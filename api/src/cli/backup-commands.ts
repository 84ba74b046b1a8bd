import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { Config, loadConfig } from "../config";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../db/embedded";
import { roleOf } from "../db/roles";
import { writeBackup } from "../ops/backup";
import { restoreBackup } from "../ops/restore";

export const BACKUP_USAGE = `  backup --out FILE [--passphrase-out FILE]
                                      the whole database, consistent while the service runs; the CA keys
                                      stay encrypted inside; the passphrase only ever to its own file
  restore --in FILE [--passphrase-file FILE]
                                      into an EMPTY database (a new AKASHI_DATA_DIR, or an empty DATABASE_URL);
                                      the passphrase from the file or AKASHI_CA_PASSPHRASE must open the CA keys`;

export class BackupUsageError extends Error {}

/** The CA passphrase as configured, without ever generating one (ca-passphrase.ts does that at start-up). */
export function configuredPassphrase(config: Config): { passphrase: string; source: string } | null {
  if (config.caPassphrase) return { passphrase: config.caPassphrase, source: "AKASHI_CA_PASSPHRASE" };
  const file = path.join(config.dataDir, "ca-passphrase");
  if (fs.existsSync(file)) return { passphrase: fs.readFileSync(file, "utf8").trim(), source: file };
  return null;
}

/**
 * DATABASE_OWNER_URL (else DATABASE_URL) with the service's role, or the embedded PostgreSQL under the data
 * directory (attached if the server runs): backup and restore work as the owner.
 */
async function database(
  config: Config,
): Promise<{ ownerUrl: string; serviceRole: string | null; embedded: EmbeddedDatabase | null }> {
  if (config.databaseUrl) {
    const ownerUrl = config.databaseOwnerUrl ?? config.databaseUrl;
    return {
      ownerUrl,
      serviceRole: ownerUrl === config.databaseUrl ? null : roleOf(config.databaseUrl),
      embedded: null,
    };
  }
  const embedded = await startEmbeddedPostgres(config.dataDir);
  return { ownerUrl: embedded.ownerUrl, serviceRole: roleOf(embedded.url), embedded };
}

function writeSecret(file: string, text: string): void {
  fs.writeFileSync(file, `${text}\n`, { mode: 0o600, flag: "wx" });
}

async function backup(config: Config, values: Record<string, unknown>, out: (s: string) => void): Promise<number> {
  const file = typeof values.out === "string" ? values.out : null;
  if (!file) throw new BackupUsageError("backup needs --out FILE");
  const passphraseOut = typeof values["passphrase-out"] === "string" ? values["passphrase-out"] : null;
  const pass = configuredPassphrase(config);
  if (passphraseOut && !pass)
    throw new BackupUsageError(
      "no CA passphrase is configured here (AKASHI_CA_PASSPHRASE or <data dir>/ca-passphrase)",
    );
  const db = await database(config);
  try {
    const header = await writeBackup(db.ownerUrl, file, new Date());
    const { tables, migrations, createdAt } = header;
    out(`backup written to ${file}: ${tables.length} tables, ${migrations.length} migrations, ${createdAt}\n`);
  } finally {
    await db.embedded?.stop();
  }
  if (passphraseOut && pass) {
    writeSecret(passphraseOut, pass.passphrase);
    out(`CA passphrase (from ${pass.source}) written to ${passphraseOut}: keep it offline, apart from the backup\n`);
  } else {
    const where = pass?.source ?? "AKASHI_CA_PASSPHRASE";
    out(`The backup holds the CA keys encrypted. Keep their passphrase (${where}) offline and apart from it.\n`);
  }
  return 0;
}

/** Where the restored CA passphrase comes from, and whether it must be written into the new data directory. */
function restorePassphrase(
  config: Config,
  values: Record<string, unknown>,
): { passphrase: string; writeTo: string | null } {
  const given =
    typeof values["passphrase-file"] === "string" ? fs.readFileSync(values["passphrase-file"], "utf8").trim() : null;
  if (!given && !config.caPassphrase)
    throw new BackupUsageError("restore needs the CA passphrase: --passphrase-file FILE or AKASHI_CA_PASSPHRASE");
  const passphrase = given ?? config.caPassphrase ?? "";
  if (config.caPassphrase && given && given !== config.caPassphrase) {
    throw new BackupUsageError("--passphrase-file and AKASHI_CA_PASSPHRASE differ");
  }
  if (config.caPassphrase) return { passphrase, writeTo: null };
  const file = path.join(config.dataDir, "ca-passphrase");
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8").trim() !== passphrase) {
    throw new BackupUsageError(`${file} holds another passphrase; restore into a new data directory`);
  }
  return { passphrase, writeTo: fs.existsSync(file) ? null : file };
}

async function restore(config: Config, values: Record<string, unknown>, out: (s: string) => void): Promise<number> {
  const file = typeof values.in === "string" ? values.in : null;
  if (!file) throw new BackupUsageError("restore needs --in FILE");
  const { passphrase, writeTo } = restorePassphrase(config, values);
  const db = await database(config);
  try {
    const r = await restoreBackup(db.ownerUrl, db.serviceRole, file, passphrase);
    const total = Object.values(r.rows).reduce((a, b) => a + b, 0);
    const tables = Object.keys(r.rows).length;
    out(`restored ${total} rows in ${tables} tables from a backup of ${r.header.createdAt}; `);
    out(`${r.caKeys} CA keys open with the passphrase\n`);
  } finally {
    await db.embedded?.stop();
  }
  if (writeTo) {
    fs.mkdirSync(path.dirname(writeTo), { recursive: true });
    writeSecret(writeTo, passphrase);
    out(`CA passphrase written to ${writeTo} (0600); `);
    out("`npm start` with this AKASHI_DATA_DIR signs with the restored CA\n");
  }
  return 0;
}

/** `npm run akashi -- backup|restore …` */
export async function runBackupCommand(
  command: "backup" | "restore",
  args: string[],
  out: (s: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: "string" },
      in: { type: "string" },
      "passphrase-out": { type: "string" },
      "passphrase-file": { type: "string" },
    },
  });
  const config = loadConfig({ ...process.env, AKASHI_DEMO: "false" }, []);
  return command === "backup" ? backup(config, values, out) : restore(config, values, out);
}
