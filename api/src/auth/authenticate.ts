import { DataSource } from "typeorm";
import { preparedQuery } from "../db/prepared";
import { Clock } from "../domain/clock";
import { unauthenticated } from "../errors";
import { ApiKey, ApiKeyOwner } from "./api-key.entity";
import { parseKey, secretMatches } from "./api-key-secret";
import { Caller, PUBLIC } from "./caller";

/**
 * No header: a public caller. Any header that does not name a live key is an error, never a
 * silent fall-back to public, so that a broken integration notices at once. Keys are looked up on
 * every request (no cache) so that a revocation takes effect at once (RES-2).
 */
export async function authenticate(ds: DataSource, clock: Clock, authorization: string | undefined): Promise<Caller> {
  if (authorization === undefined || authorization === "") return PUBLIC;
  const m = /^Bearer ([^\s]+)$/.exec(authorization);
  const parsed = m ? parseKey(m[1]) : null;
  if (!parsed) throw unauthenticated("The Authorization header must be `Bearer ak_<id>_<secret>`.");
  const key = await keyByPublicId(ds, parsed.publicId);
  const now = clock.now();
  if (!key || !secretMatches(parsed.secret, key.secretHash)) throw unauthenticated();
  if (key.revokedAt !== null && key.revokedAt <= now) throw unauthenticated("This API key has been revoked.");
  if (key.expiresAt !== null && key.expiresAt <= now) throw unauthenticated("This API key has expired.");
  // Last use is kept to the minute so that a busy key does not write on every request.
  if (key.lastUsedAt === null || key.lastUsedAt.getTime() < now.getTime() - 60_000) {
    await ds.query(
      `UPDATE api_key SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [key.id, now],
    );
  }
  if (key.ownerKind === ApiKeyOwner.OPERATOR) return { kind: "OPERATOR", keyId: key.id, keyPublicId: parsed.publicId };
  return { kind: "RESELLER", keyId: key.id, keyPublicId: parsed.publicId, resellerId: key.resellerId! };
}

type KeyFacts = Pick<
  ApiKey,
  "id" | "secretHash" | "ownerKind" | "resellerId" | "revokedAt" | "expiresAt" | "lastUsedAt"
>;

/**
 * The columns authentication needs, by one prepared statement: every authenticated request asks it, and
 * TypeORM's query building and row mapping cost about three times the round trip itself.
 */
async function keyByPublicId(ds: DataSource, publicId: string): Promise<KeyFacts | null> {
  const rows = await preparedQuery<{
    id: string;
    secret_hash: Buffer;
    owner_kind: ApiKeyOwner;
    reseller_id: string | null;
    revoked_at: Date | null;
    expires_at: Date | null;
    last_used_at: Date | null;
  }>(
    ds,
    "auth_key",
    `SELECT id, secret_hash, owner_kind, reseller_id, revoked_at, expires_at, last_used_at FROM api_key WHERE public_id = $1`,
    [publicId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    secretHash: r.secret_hash,
    ownerKind: r.owner_kind,
    resellerId: r.reseller_id,
    revokedAt: r.revoked_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
  };
}
