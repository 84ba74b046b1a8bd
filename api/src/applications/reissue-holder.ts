import { EntityManager } from "typeorm";
import { Certificate } from "../certificates";
import { Contract } from "../contracts";
import { subjectAttributes } from "../pki";
import { Product, ValidationLevel } from "../products";
import { RefusalCode, refusal } from "../refusal";
import { Subscriber } from "../subscribers";
import { Application } from "./application.entity";

/**
 * APP-8 [O 12.2, S 14]: a reissue keeps the holder and the organisation details of the certificate
 * it replaces. A contract that passed to a successor (CON-6) has a new holder; a confirmed change of
 * the subscriber's name or address changes what an OV/EV certificate would say. Either needs a new
 * application (a new contract), so the reissue is refused with its own code.
 * @rule APP-8
 */
export async function refuseHolderOrOrganisationChange(
  tx: EntityManager,
  contract: Contract,
  subscriber: Subscriber,
  product: Product,
  current: Certificate,
): Promise<void> {
  const issuedFor = current.applicationId ? await tx.findOneBy(Application, { id: current.applicationId }) : null;
  if (issuedFor && issuedFor.subscriberId !== contract.subscriberId) {
    throw refusal(
      RefusalCode.REISSUE_HOLDER_CHANGED,
      "The certificate was issued to another holder (the contract passed to a successor): a new holder needs a new " +
        "application, not a reissue (APP-8).",
      "input.contractId",
      "証明書の名義人が変わっているため、再発行ではなく新規申請が必要です。",
    );
  }
  if (product.validationLevel === ValidationLevel.DV) return;
  const subject = subjectAttributes(current.der);
  const now = {
    O: subscriber.name,
    L: subscriber.locality ?? undefined,
    ST: subscriber.stateOrProvince ?? undefined,
    C: subscriber.country,
  };
  const changed = (Object.keys(now) as (keyof typeof now)[]).filter((k) => (subject[k] ?? undefined) !== now[k]);
  if (changed.length > 0) {
    throw refusal(
      RefusalCode.REISSUE_SUBJECT_CHANGED,
      `The organisation details in the certificate (${changed.join(", ")}) have changed since issuance: that needs ` +
        `a new application (APP-8).`,
      "input.contractId",
      "組織情報が変更されているため、再発行ではなく新規申請が必要です。",
    );
  }
}
