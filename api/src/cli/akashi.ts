import "reflect-metadata";
import { parseArgs } from "node:util";
import { ApiKey } from "../auth/api-key.entity";
import { BACKUP_USAGE, BackupUsageError, runBackupCommand } from "./backup-commands";
import { systemActor } from "../auth/caller";
import { ConfigError, loadConfig } from "../config";
import { openDatabase } from "../db/database";
import { systemClock } from "../domain/clock";
import { Loaders } from "../db/loaders";
import { RestoreError } from "../ops/restore";
import { RefusalError } from "../refusal";
import { Reseller } from "../resellers/reseller.entity";
import { createServices } from "../services";

const USAGE = `Operator CLI. Usage: npm run akashi -- <command> [options]

  create-operator-key --name NAME
  create-reseller --code CODE --name NAME --representative NAME --email EMAIL [--fee-waived]
                                      (also creates the reseller's first key)
  create-reseller-key --reseller CODE --name NAME [--expires ISO-DATE]
  list-keys [--reseller CODE]
  revoke-key PUBLIC_ID [--reason TEXT]
${BACKUP_USAGE}

Keys are printed once; only their hashes are stored. Uses DATABASE_URL, or the embedded
database under AKASHI_DATA_DIR (./.akashi), also while \`npm start\` is running.`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === "help" || command === "--help") {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === "backup" || command === "restore")
    return runBackupCommand(command, rest, (s) => process.stdout.write(s));
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      code: { type: "string" },
      representative: { type: "string" },
      email: { type: "string" },
      reseller: { type: "string" },
      expires: { type: "string" },
      reason: { type: "string" },
      "fee-waived": { type: "boolean" },
    },
  });
  const need = (key: keyof typeof values): string => {
    const v = values[key];
    if (typeof v !== "string" || v === "") throw new UsageError(`--${key} is required for ${command}`);
    return v;
  };
  const config = loadConfig({ ...process.env, AKASHI_DEMO: "false" });
  const db = await openDatabase(config, () => {});
  try {
    const services = createServices(db.ds, systemClock, config);
    const actor = systemActor("cli");
    const scope = { ...actor, loaders: new Loaders(db.ds) };
    const resellerByCode = async (code: string) => {
      const r = await db.ds.getRepository(Reseller).findOneBy({ code });
      if (!r) throw new UsageError(`no reseller with code "${code}"`);
      return r;
    };
    switch (command) {
      case "create-operator-key": {
        const created = await services.apiKeys.create(actor, { resellerId: null, name: need("name") });
        process.stdout.write(`operator key (shown once): ${created.key}\n`);
        return 0;
      }
      case "create-reseller": {
        const reseller = await services.resellers.create(scope, {
          code: need("code"),
          name: need("name"),
          representativeName: need("representative"),
          contactEmail: need("email"),
          designationFeeWaived: values["fee-waived"] === true,
        });
        const created = await services.apiKeys.create(actor, {
          resellerId: reseller.id,
          name: `${reseller.code} first key`,
        });
        process.stdout.write(
          `reseller ${reseller.code} created (id ${reseller.nodeId})\nreseller key (shown once): ${created.key}\n`,
        );
        return 0;
      }
      case "create-reseller-key": {
        const reseller = await resellerByCode(need("reseller"));
        const expiresAt = values.expires ? new Date(values.expires) : null;
        if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new UsageError("--expires must be an ISO date");
        const created = await services.apiKeys.create(actor, {
          resellerId: reseller.id,
          name: need("name"),
          expiresAt,
        });
        process.stdout.write(`reseller key for ${reseller.code} (shown once): ${created.key}\n`);
        return 0;
      }
      case "list-keys": {
        const resellerId = values.reseller ? (await resellerByCode(values.reseller)).id : undefined;
        const keys = await services.apiKeys.list(scope, resellerId);
        const codes = new Map((await db.ds.getRepository(Reseller).find()).map((r) => [r.id, r.code]));
        for (const k of keys) {
          const owner = k.resellerId ? `reseller:${codes.get(k.resellerId)}` : "operator";
          const state = k.revokedAt
            ? `revoked ${k.revokedAt.toISOString()}`
            : k.expiresAt && k.expiresAt <= new Date()
              ? "expired"
              : "active";
          process.stdout.write(
            `${k.publicId}\t${owner}\t${k.name}\t${state}\tlast used ${k.lastUsedAt?.toISOString() ?? "never"}\n`,
          );
        }
        return 0;
      }
      case "revoke-key": {
        const publicId = positionals[0];
        if (!publicId) throw new UsageError("revoke-key needs the key's public id (see list-keys)");
        const key = await db.ds.getRepository(ApiKey).findOneBy({ publicId });
        if (!key) throw new UsageError(`no key with public id ${publicId}`);
        const revoked = await services.apiKeys.revoke(actor, key.id, values.reason ?? null);
        process.stdout.write(`key ${publicId} revoked at ${revoked.revokedAt!.toISOString()}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await db.close();
  }
}

class UsageError extends Error {}

main()
  .then((code) => process.exit(code))
  .catch((e) => {
    if (
      e instanceof UsageError ||
      e instanceof BackupUsageError ||
      e instanceof ConfigError ||
      e instanceof RefusalError ||
      e instanceof RestoreError
    ) {
      process.stderr.write(`akashi: ${e.message}\n`);
      if (e instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`akashi: ${(e as Error).stack}\n`);
    process.exit(1);
  });
