import { DataSource } from "typeorm";

/**
 * The service's role reads and writes rows and nothing else (issue: retention could be bypassed from
 * the application's own role when it owned the tables). Run as the owner after migrations, every start:
 * GRANTs are idempotent, and tables a later migration creates are covered by the default privileges.
 * The audit log and the other retained records are further guarded by triggers (REC-2, RES-4) that no
 * role but the owner could disable.
 */
export async function grantServiceRole(owner: DataSource, role: string): Promise<void> {
  const r = quoteIdent(role);
  await owner.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
  await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
  await owner.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
  await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`);
  await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${r}`);
  // The migration history is the owner's alone.
  await owner.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migration FROM ${r}`);
}

/** What the service's own role may do that it should not: ownership or superuser rights. Empty is right. */
export async function excessRights(ds: DataSource): Promise<string[]> {
  const [me]: { rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; owned: number }[] = await ds.query(
    `SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb,
            (SELECT count(*)::int FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = current_user) AS owned
     FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const excess: string[] = [];
  if (me.rolsuper) excess.push("superuser");
  if (me.rolcreaterole) excess.push("CREATEROLE");
  if (me.rolcreatedb) excess.push("CREATEDB");
  if (me.owned > 0) excess.push(`owns ${me.owned} table(s)`);
  return excess;
}

export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
