import { createHash } from "node:crypto";
import { DataSource, EntityManager } from "typeorm";
import { inTransaction, isUniqueViolation } from "../db/transaction";
import { RefusalCode, refusal } from "../refusal";
import { Application } from "./application.entity";

/**
 * Idempotent creation: the same key with the same request returns the first result (also when two
 * retries race: the unique index decides, the loser reads the winner's row); the same key with a
 * different request is refused.
 */
export async function idempotentApplication(
  ds: DataSource,
  resellerId: string,
  key: string | null | undefined,
  request: object,
  work: (tx: EntityManager, requestHash: string) => Promise<Application>,
): Promise<Application> {
  const requestHash = createHash("sha256").update(canonicalJson(request)).digest("hex");
  if (key != null && (key.length === 0 || key.length > 200))
    throw refusal(RefusalCode.INVALID_INPUT, "idempotencyKey must be 1-200 characters.", "input.idempotencyKey");
  const replay = async (): Promise<Application | null> => {
    if (key == null) return null;
    const existing = await ds.getRepository(Application).findOneBy({ resellerId, idempotencyKey: key });
    if (existing && existing.requestHash !== requestHash)
      throw refusal(
        RefusalCode.IDEMPOTENCY_KEY_REUSED,
        "This idempotency key was used for a different request.",
        "input.idempotencyKey",
      );
    return existing;
  };
  const first = await replay();
  if (first) return first;
  try {
    return await inTransaction(ds, (tx) => work(tx, requestHash));
  } catch (e) {
    const raced = isUniqueViolation(e, "application_reseller_id_idempotency_key_key") ? await replay() : null;
    if (raced) return raced;
    throw e;
  }
}

/** JSON with object keys sorted at every level, so the same request always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
