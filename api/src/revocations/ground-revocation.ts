import { EntityManager } from "typeorm";
import { Certificate, CertificateSource } from "../certificates";
import { Contract } from "../contracts";
import { planRevocation } from "../domain";
import { RefusalCode, fromDomain, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Revocation, RevocationRequester } from "./revocation.entity";
import type { RevocationService } from "./revocation.service";

export interface GroundRevocation {
  certificate: Certificate;
  revocation: Revocation | null;
  alreadyRevoked: boolean;
}

/** The certificate (locked) and its contract, or NOT_FOUND. Only certificates the CA issued can be revoked. */
export async function lockIssuedCertificate(
  tx: EntityManager,
  certificateId: string | null,
): Promise<{ cert: Certificate; contract: Contract }> {
  const cert = certificateId
    ? await tx.findOne(Certificate, { where: { id: certificateId }, lock: { mode: "pessimistic_write" } })
    : null;
  const contract = cert ? await tx.findOneBy(Contract, { id: cert.contractId }) : null;
  if (!cert || !contract) throw refusal(RefusalCode.NOT_FOUND, "No such certificate.", "input.certificateId");
  if (cert.source !== CertificateSource.ISSUED)
    throw refusal(
      RefusalCode.INVALID_INPUT,
      "Imported certificates are revoked by the CA that issued them.",
      "input.certificateId",
    );
  return { cert, contract };
}

/**
 * REV-4: the operator revokes at once on a stated ground (an unpaid fee, a name dispute …), in the
 * caller's transaction, with any reason REV-1 allows an operator. The ground is written with the
 * revocation and its audit entry. A revoked certificate stays as it is (REV-7).
 * @rule REV-4 — the CA-key case (J 11.2) is mass-revocation.service.ts
 */
export async function revokeOnGround(
  revocations: RevocationService,
  tx: EntityManager,
  scope: RequestScope,
  cert: Certificate,
  x: { reason: string; ground: string; now: Date },
): Promise<GroundRevocation> {
  const plan = planRevocation({ actor: "OPERATOR", reason: x.reason, requestedAt: x.now });
  if (!plan.ok) throw fromDomain(plan, "input.reason");
  if (cert.revokedAt) return { certificate: cert, revocation: null, alreadyRevoked: true };
  const requesterKeyId = scope.caller.kind === "OPERATOR" ? scope.caller.keyId : null;
  const revocation = await revocations.execute(tx, scope, cert, plan.reason, {
    requestedBy: RevocationRequester.OPERATOR,
    requesterKeyId,
    operatorGround: x.ground,
  });
  return { certificate: cert, revocation, alreadyRevoked: false };
}
