import readline from "node:readline";
import type { Readable } from "node:stream";

/**
 * The backup file (`npm run akashi -- backup`): gzip of a line-oriented text —
 *
 *   AKASHI-BACKUP 1
 *   {header as JSON: format, createdAt, migrations applied, tables, sequence values}
 *   TABLE <name> <columns as JSON>
 *   <rows in PostgreSQL COPY text format, one per line>
 *   \.
 *   … one TABLE block per table …
 *   END
 *
 * COPY's text format escapes backslashes and newlines inside values, so a row is one line and never the
 * bare `\.` that ends a block. Every table is read in one REPEATABLE READ snapshot: the file is consistent
 * even while the service runs. The CA private keys are inside (encrypted, as stored); their passphrase
 * never is.
 */
export const MAGIC = "AKASHI-BACKUP 1";
export const FORMAT = "akashi-backup/1";
export const END_OF_TABLE = "\\.";

export interface BackupHeader {
  format: typeof FORMAT;
  createdAt: string;
  /** Names of the migrations applied in the source database, oldest first. */
  migrations: string[];
  tables: string[];
  /** Sequence name → last value (null: never used). */
  sequences: Record<string, number | null>;
}

/** Lines of a (gunzipped) backup stream, one at a time. */
export function lines(input: Readable): AsyncIterator<string> {
  return readline.createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
}

export async function nextLine(it: AsyncIterator<string>, what: string): Promise<string> {
  const r = await it.next();
  if (r.done) throw new BackupFormatError(`the backup ends before ${what}`);
  return r.value;
}

export class BackupFormatError extends Error {}
