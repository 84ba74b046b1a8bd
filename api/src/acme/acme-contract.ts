/**
 * ACME-2, ACME-4, ACME-5: the contract behind a certificate an ACME client obtained. Called from the
 * one issuance path (certificates/issuance.service.ts) for applications of kind ACME, so the
 * certificate is signed, stored and published like every other one.
 */
import { EntityManager } from "typeorm";
import type { Application } from "../applications";
import { AuditService } from "../audit";
import type { Actor } from "../auth";
import { Contract, openContract } from "../contracts";
import { certificateNotAfter, minDate } from "../domain";
import { RefusalCode, fromDomain, refusal } from "../refusal";
import { usageOfNames } from "./usage-lookup";

/**
 * ACME-4: notAfter is the earlier of the VAL-7 cap and the end of the usage period of every name.
 * ACME-2: no fee per certificate (the usage FQDNs were charged). The contract covers exactly this
 * certificate and is marked do-not-renew: an ACME client renews by ordering again, never by default (CON-3/4).
 */
export async function acmeContract(
  tx: EntityManager,
  actor: Actor,
  app: Application,
  now: Date,
  audit: AuditService,
): Promise<{ contract: Contract; notAfter: Date }> {
  const usage = await usageOfNames(tx, app.subscriberId, app.resellerId, app.names, now);
  let periodEnd: Date | null = null;
  for (const name of app.names) {
    const u = usage.get(name);
    if (!u || u.state.state !== "ACTIVE") {
      throw refusal(RefusalCode.USAGE_FQDN_ENDED, `The usage period of ${name} is over (ACME-2).`, "names");
    }
    periodEnd = periodEnd === null ? u.state.effectiveEnd : minDate(periodEnd, u.state.effectiveEnd);
  }
  const life = certificateNotAfter({ notBefore: now, termEnd: periodEnd ?? now });
  if (!life.ok) throw fromDomain(life, "names");
  const contract = await openContract(
    tx,
    audit,
    actor,
    {
      subscriberId: app.subscriberId,
      resellerId: app.resellerId,
      productId: app.productId,
      applicationId: app.id,
      renewedFromId: null,
      termMonths: null,
      carryOverMonths: 0,
      startsAt: now,
      endsAt: life.notAfter,
      servicePeriodEndsAt: null,
      doNotRenew: true,
      createdAt: now,
    },
    "ACME-5: certificate obtained by the subscriber's ACME client",
  );
  return { contract, notAfter: life.notAfter };
}
