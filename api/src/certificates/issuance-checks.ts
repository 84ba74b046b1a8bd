/**
 * Checks that application intake runs and that issuance runs again inside the approval's
 * transaction (VAL-5/CON-1, APP-4): they read certificates and contracts, so they live with issuance.
 */
import { EntityManager } from "typeorm";
import { Contract } from "../contracts";
import { RefusalCode, refusal } from "../refusal";

/** VAL-5, CON-1: a contract is renewed once; a second renewal would be a second contract and fee for the same term. */
export async function refuseRenewedTwice(tx: EntityManager, contractId: string): Promise<void> {
  if (await tx.existsBy(Contract, { renewedFromId: contractId })) {
    throw refusal(
      RefusalCode.RENEWAL_NOT_ALLOWED,
      "This contract has already been renewed.",
      "input.contractId",
      "この契約は更新済みです。",
    );
  }
}

/**
 * APP-4's look-up: a valid certificate of the subscriber and product with the same set of names (each array
 * contains the other; one row is enough, the DER is not read). The names lead, through their GIN index: a name
 * has a handful of certificates, while a hosting company's subscriber has thousands of contracts, which the
 * planner walked first when its statistics lagged (1.2 ms an approval at 1,400 contracts). The shape fixes
 * the order whatever the statistics say: the names are the only indexable condition of the materialised
 * part, and the contract is a per-row subquery by primary key, which the planner does not turn into a join.
 */
export const DUPLICATE_CERTIFICATE_SQL = `WITH same_names AS MATERIALIZED (
  SELECT contract_id, revoked_at, not_after FROM certificate WHERE names @> $4::text[] AND names <@ $4::text[]
)
SELECT 1 FROM same_names c
WHERE c.revoked_at IS NULL AND c.not_after > $3
  AND (SELECT k.subscriber_id = $1 AND k.product_id = $2 AND k.status = 'ACTIVE' FROM contract k WHERE k.id = c.contract_id)
LIMIT 1`;

/**
 * APP-4 (Decision): a valid certificate of the same product for the same names is not issued twice.
 * @rule APP-4 — issuance.service.ts calls it again inside the approval's transaction
 */
export async function refuseDuplicateCertificate(
  tx: EntityManager,
  subscriberId: string,
  productId: string,
  names: string[],
  now: Date,
): Promise<void> {
  const rows: unknown[] = await tx.query(DUPLICATE_CERTIFICATE_SQL, [subscriberId, productId, now, names]);
  if (rows.length > 0) {
    throw refusal(
      RefusalCode.DUPLICATE_CERTIFICATE,
      "The subscriber already holds a valid certificate of this product for these names; apply for a renewal or reissue instead (APP-4).",
      "input.names",
      "同一商品・同一ドメイン名の有効な証明書があります。更新または再発行をお申し込みください。",
    );
  }
}
