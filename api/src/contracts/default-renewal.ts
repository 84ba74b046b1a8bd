import { EntityManager } from "typeorm";
import { Application, ApplicationKind, ApplicationStatus } from "../applications";
import { AuditService } from "../audit";
import { Actor } from "../auth";
import { termEnd } from "../domain";
import { FeeService } from "../fees";
import { IssuanceMode, Product } from "../products";
import { Reseller, ResellerStatus } from "../resellers";
import { Seal } from "../seals";
import { Contract, ContractStatus } from "./contract.entity";
import { openContract } from "./contract-writes";

/**
 * CON-3: for issued products, a renewal notice that gets no reply means the contract renews. At the
 * term's end a contract nobody declined (CON-4), cancelled (CON-2) or renewed by application (VAL-5)
 * continues as a renewal contract for the same term, charged as a renewal (RES-6). The next
 * certificate needs the subscriber's key, so it follows through `submitReplacement` on the new
 * contract (VAL-7). Not for discontinued products (CON-5), auto-renew contracts (VAL-6, they extend
 * month by month) or a suspended reseller (RES-8: no renewals through it).
 * @rule CON-3
 */
export async function renewByDefault(
  tx: EntityManager,
  actor: Actor,
  fees: FeeService,
  audit: AuditService,
  c: Contract,
): Promise<Contract | null> {
  if (
    c.status !== ContractStatus.ACTIVE ||
    c.endsAt === null ||
    c.termMonths === null ||
    c.doNotRenew ||
    c.cancellationEffectiveAt !== null ||
    c.resellerId === null
  )
    return null;
  const product = await tx.findOneByOrFail(Product, { id: c.productId });
  if (product.issuanceMode !== IssuanceMode.BUILT_IN_CA || product.autoRenew) return null;
  if (product.discontinuedAt !== null && product.discontinuedAt <= c.endsAt) return null;
  const reseller = await tx.findOneByOrFail(Reseller, { id: c.resellerId });
  if (reseller.status !== ResellerStatus.ACTIVE) return null;
  if (await tx.existsBy(Contract, { renewedFromId: c.id })) return null;
  const origin = await tx.findOneByOrFail(Application, { id: c.applicationId });
  const at = c.endsAt;
  // The renewal is accepted without a certificate yet: APPROVED, the certificate to follow (VAL-7).
  const app = await tx.save(
    tx.create(Application, {
      resellerId: c.resellerId,
      subscriberId: c.subscriberId,
      productId: c.productId,
      kind: ApplicationKind.RENEWAL,
      contractId: c.id,
      termMonths: c.termMonths,
      names: origin.names,
      csrDer: null,
      carryOverCertificateDer: null,
      carryOverMonths: 0,
      status: ApplicationStatus.APPROVED,
      termsVersionId: origin.termsVersionId,
      idempotencyKey: null,
      requestHash: null,
      dcvMethod: origin.dcvMethod,
      revokeSupersededImmediately: false,
      documentsRequest: null,
      documentsDueAt: null,
      refusalCode: null,
      rejectionReason: null,
      reviewerKeyId: null,
      submittedAt: at,
      decidedAt: at,
      createdAt: at,
      updatedAt: at,
    }),
  );
  const renewed = await openContract(
    tx,
    audit,
    actor,
    {
      subscriberId: c.subscriberId,
      resellerId: c.resellerId,
      productId: c.productId,
      applicationId: app.id,
      renewedFromId: c.id,
      termMonths: c.termMonths,
      carryOverMonths: 0,
      startsAt: at,
      endsAt: termEnd(at, c.termMonths),
      servicePeriodEndsAt: null,
      doNotRenew: false,
      createdAt: at,
    },
    "CON-3: no reply to the renewal notice",
  );
  await fees.chargeNewContract(tx, actor, renewed, product, "RENEWAL");
  // The seal belongs to the contract: it follows the renewal, so the embed code stays the same.
  await tx.update(Seal, { contractId: c.id }, { contractId: renewed.id });
  return renewed;
}
