import { EntityManager } from "typeorm";
import { Contract } from "../contracts";
import { endOfMonthOf, formatJst } from "../domain";
import { RefusalCode, refusal } from "../refusal";
import { Product } from "./product.entity";

/** CON-5 [I 8]: whether the product is discontinued at `at`. */
export function isDiscontinued(product: Product, at: Date): boolean {
  return product.discontinuedAt !== null && product.discontinuedAt.getTime() <= at.getTime();
}

/**
 * CON-5: contracts of a discontinued product end with their term and cannot be renewed; the refusal
 * names the product.
 * @rule CON-5
 */
export function refuseDiscontinuedRenewal(product: Product, at: Date, field = "input.contractId"): void {
  if (!product.discontinuedAt || !isDiscontinued(product, at)) return;
  const since = formatJst(product.discontinuedAt);
  throw refusal(
    RefusalCode.PRODUCT_DISCONTINUED,
    `Product ${product.code} (${product.nameEn}) was discontinued on ${since}: its contracts end with their term ` +
      `and cannot be renewed (CON-5).`,
    field,
    `商品「${product.nameJa}」（${product.code}）は${since}に提供を終了したため、更新できません。`,
  );
}

/**
 * CON-5: unlimited management has no term to run out; for a discontinued product it ends at the
 * end of the JST month in which the discontinuation took effect (its monthly billing period).
 * The active contracts (locked) whose end has come, with that end.
 */
export async function unlimitedEndedByDiscontinuation(
  tx: EntityManager,
  now: Date,
): Promise<{ contract: Contract; endsAt: Date }[]> {
  const rows: { id: string; discontinued_at: Date }[] = await tx.query(
    `SELECT k.id, p.discontinued_at FROM contract k JOIN product p ON p.id = k.product_id
     WHERE k.status = 'ACTIVE' AND k.ends_at IS NULL AND p.discontinued_at IS NOT NULL AND p.discontinued_at <= $1
     ORDER BY k.id FOR UPDATE OF k`,
    [now],
  );
  const due = rows
    .map((r) => ({ id: r.id, endsAt: endOfMonthOf(r.discontinued_at) }))
    .filter((r) => r.endsAt.getTime() <= now.getTime());
  const out: { contract: Contract; endsAt: Date }[] = [];
  for (const r of due) out.push({ contract: await tx.findOneByOrFail(Contract, { id: r.id }), endsAt: r.endsAt });
  return out;
}
