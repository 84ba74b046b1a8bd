import { EntityManager, In } from "typeorm";
import { Application, ApplicationStatus, Consent } from "../applications";
import { Certificate } from "../certificates";
import { Contract } from "../contracts";
import { toGlobalId } from "../ids";
import { toPem } from "../pki/pem";
import { SubscriberContact, Subscriber } from "../subscribers";
import { Reseller } from "./reseller.entity";
import { ResellerTermination } from "./termination.entity";

/** The format name and version written into every handover file; documented in README ("Handover export"). */
const HANDOVER_FORMAT = "akashi-handover/1";

const OPEN_APPLICATION: ApplicationStatus[] = [
  ApplicationStatus.SUBMITTED,
  ApplicationStatus.UNDER_REVIEW,
  ApplicationStatus.AWAITING_DOCUMENTS,
  ApplicationStatus.APPROVED,
];
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * RES-11, J 6.5: everything a successor needs to take over a reseller's subscribers — the
 * subscribers with their contacts, their contracts managed by the reseller, the certificates of those
 * contracts (PEM), the consents (RES-4) and the open applications — and nothing of anyone else.
 * IDs are the GraphQL global IDs, so the file can be matched against the API.
 */
export async function buildHandoverExport(tx: EntityManager, reseller: Reseller, now: Date) {
  const termination = await tx.findOneBy(ResellerTermination, { resellerId: reseller.id });
  const subscribers = await tx.find(Subscriber, {
    where: { resellerId: reseller.id },
    order: { createdAt: "ASC", id: "ASC" },
  });
  const contacts = subscribers.length
    ? await tx.find(SubscriberContact, {
        where: { subscriberId: In(subscribers.map((s) => s.id)) },
        order: { position: "ASC" },
      })
    : [];
  const contracts = await tx.find(Contract, {
    where: { resellerId: reseller.id },
    order: { createdAt: "ASC", id: "ASC" },
  });
  const certificates = contracts.length
    ? await tx.find(Certificate, {
        where: { contractId: In(contracts.map((c) => c.id)) },
        order: { createdAt: "ASC", id: "ASC" },
      })
    : [];
  const consents = await tx.find(Consent, { where: { resellerId: reseller.id }, order: { givenAt: "ASC", id: "ASC" } });
  const applications = await tx.find(Application, {
    where: { resellerId: reseller.id, status: In(OPEN_APPLICATION) },
    order: { submittedAt: "ASC", id: "ASC" },
  });
  return {
    format: HANDOVER_FORMAT,
    exportedAt: now.toISOString(),
    reseller: {
      id: reseller.nodeId,
      code: reseller.code,
      name: reseller.name,
      representativeName: reseller.representativeName,
      contactEmail: reseller.contactEmail,
      contactPhone: reseller.contactPhone,
      address: reseller.address,
      status: reseller.status,
      designatedAt: iso(reseller.designatedAt),
      terminatedAt: iso(reseller.terminatedAt),
    },
    termination: termination && {
      id: termination.nodeId,
      decidedAt: iso(termination.decidedAt),
      effectiveAt: iso(termination.effectiveAt),
      handoverDeadline: iso(termination.handoverDeadline),
      autoRenewRevocationDate: iso(termination.autoRenewRevocationDate),
      reason: termination.reason,
    },
    subscribers: subscribers.map((s) => ({
      id: toGlobalId("Subscriber", s.id),
      kind: s.kind,
      name: s.name,
      nameEn: s.nameEn,
      country: s.country,
      stateOrProvince: s.stateOrProvince,
      locality: s.locality,
      address: s.address,
      representativeName: s.representativeName,
      preferredLanguage: s.preferredLanguage,
      verifiedAt: iso(s.verifiedAt),
      createdAt: iso(s.createdAt),
      contacts: contacts
        .filter((c) => c.subscriberId === s.id)
        .map((c) => ({ role: c.role, name: c.name, email: c.email, phone: c.phone })),
    })),
    contracts: contracts.map((c) => ({
      id: toGlobalId("Contract", c.id),
      subscriberId: toGlobalId("Subscriber", c.subscriberId),
      productId: toGlobalId("Product", c.productId),
      applicationId: toGlobalId("Application", c.applicationId),
      termMonths: c.termMonths,
      carryOverMonths: c.carryOverMonths,
      startsAt: iso(c.startsAt),
      endsAt: iso(c.endsAt),
      servicePeriodEndsAt: iso(c.servicePeriodEndsAt),
      doNotRenew: c.doNotRenew,
      cancellationEffectiveAt: iso(c.cancellationEffectiveAt),
      status: c.status,
      endedAt: iso(c.endedAt),
      endReason: c.endReason,
    })),
    certificates: certificates.map((c) => ({
      id: toGlobalId("Certificate", c.id),
      contractId: toGlobalId("Contract", c.contractId),
      source: c.source,
      serialNumber: c.serialHex,
      sha256Fingerprint: c.sha256Fingerprint,
      names: c.names,
      notBefore: iso(c.notBefore),
      notAfter: iso(c.notAfter),
      revokedAt: iso(c.revokedAt),
      revocationReason: c.revocationReason,
      pem: toPem(c.der, "CERTIFICATE"),
    })),
    consents: consents.map((c) => ({
      id: c.id,
      applicationId: toGlobalId("Application", c.applicationId),
      subscriberId: toGlobalId("Subscriber", c.subscriberId),
      kind: c.kind,
      termsVersionId: c.termsVersionId,
      givenBy: c.givenBy,
      givenAt: iso(c.givenAt),
    })),
    openApplications: applications.map((a) => ({
      id: toGlobalId("Application", a.id),
      subscriberId: toGlobalId("Subscriber", a.subscriberId),
      productId: toGlobalId("Product", a.productId),
      kind: a.kind,
      status: a.status,
      names: a.names,
      termMonths: a.termMonths,
      contractId: a.contractId && toGlobalId("Contract", a.contractId),
      submittedAt: iso(a.submittedAt),
    })),
  };
}

export type HandoverExport = Awaited<ReturnType<typeof buildHandoverExport>>;
