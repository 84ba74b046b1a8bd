import { EntityManager } from "typeorm";
import { Reseller, ResellerStatus } from "../resellers";
import { RefusalCode, refusal } from "../refusal";

/**
 * ACME-1: only a reseller whose ACME-variant application was approved brokers it. ACME-6 / RES-8:
 * while suspended (or terminated) nothing new starts through it. Locks the reseller row (shared) so a
 * suspension committing meanwhile is seen by the next call, not half-seen by this one.
 * @rule ACME-1
 */
export async function requireAcmeReseller(
  tx: EntityManager,
  resellerId: string,
  opts: { newBusiness: boolean },
): Promise<Reseller> {
  const reseller = await tx.findOne(Reseller, { where: { id: resellerId }, lock: { mode: "pessimistic_read" } });
  if (!reseller || !reseller.acmeEnabled) {
    throw refusal(
      RefusalCode.ACME_NOT_ENABLED,
      "ACME-variant brokering is not enabled for this reseller (ACME-1, RES-12).",
      null,
      "ACME方式の取次が承認されていません。",
    );
  }
  if (opts.newBusiness && reseller.status !== ResellerStatus.ACTIVE) {
    throw refusal(
      RefusalCode.RESELLER_SUSPENDED,
      `The reseller is ${reseller.status.toLowerCase()}: usage FQDNs cannot be registered or continued (ACME-6).`,
      null,
      "指定事業者の取次停止中のため、利用FQDNの登録・継続はできません。",
    );
  }
  return reseller;
}
