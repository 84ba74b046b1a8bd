import { EntityManager, EntityNotFoundError } from "typeorm";
import { Application, ApplicationKind } from "../applications";
import { Actor } from "../auth";
import { AuditService } from "../audit";
import { Contract, ContractStatus, openContract } from "../contracts";
import { certificateNotAfter, decideRenewal, endOfMonthOf, planReissue, termEnd, termWithCarryOver } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { ServerCertificateSubject, checkCsr, issueServerCertificate, newSerialHex, parseCertificate } from "../pki";
import { Product, ValidationLevel, refuseDiscontinuedRenewal } from "../products";
import { RefusalCode, fromDomain, refusal } from "../refusal";
import { RevocationRequester } from "../revocations";
import type { RevocationService } from "../revocations";
import { refuseDuplicateCertificate, refuseRenewedTwice } from "./issuance-checks";
import { Seal } from "../seals";
import { Subscriber } from "../subscribers";
import { Reseller } from "../resellers";
import { FeeService } from "../fees";
import { acmeContract } from "../acme";
import { CaService, crlShardFor } from "./ca.service";
import { Certificate, CertificateSource } from "./certificate.entity";
import { findEachById } from "../db/by-id";
import { insertEntity } from "../db/write-entity";

/** What a kind of application decides before signing: the contract, notAfter, and a certificate it supersedes. */
interface Term {
  contract: Contract;
  notAfter: Date;
  superseded?: Certificate;
  supersededRevokeAt?: Date | null;
}

/**
 * Issuing a certificate: the contract (CON-1) and the certificate are written in the caller's
 * transaction, with notBefore/notAfter from the term rules (VAL-2..VAL-5) and the lifetime cap (VAL-7).
 */
export class IssuanceService {
  constructor(
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly ca: CaService,
    private readonly reissueGraceHours: number,
    private readonly fees: FeeService,
    private readonly revocations: RevocationService,
  ) {}

  /** Issues the certificate an approved application asks for; returns the certificate and its contract. */
  async issueForApplication(
    tx: EntityManager,
    actor: Actor,
    app: Application,
  ): Promise<{
    certificate: Certificate;
    contract: Contract;
    product: Product;
    subscriber: Subscriber;
    /** The submitting reseller (null when it submitted none): the issuance notice names it. */
    reseller: Reseller | null;
  }> {
    const now = wholeSeconds(this.clock.now());
    const [product, subscriber, reseller] = await findEachById(tx, [
      [Product, app.productId],
      [Subscriber, app.subscriberId],
      [Reseller, app.resellerId],
    ]);
    if (!product) throw new EntityNotFoundError(Product, { id: app.productId });
    if (!subscriber) throw new EntityNotFoundError(Subscriber, { id: app.subscriberId });
    const { contract, notAfter, superseded, supersededRevokeAt } = await this.termOf(tx, actor, app, product, now);
    if (superseded && supersededRevokeAt) {
      // VAL-4: the superseded certificate is revoked after the grace period, through the one scheduling path.
      // REV-2: one already pending (an end-of-month request) refuses the reissue until it is withdrawn —
      // checked before signing, so a refused reissue leaves no signed certificate behind.
      await this.revocations.schedule(
        tx,
        actor,
        { certificate: superseded, resellerId: contract.resellerId },
        {
          reason: "superseded",
          executeAt: supersededRevokeAt,
          requestedBy: RevocationRequester.SYSTEM,
          requesterKeyId: null,
          comment: `superseded by reissue (application ${toGlobalId("Application", app.id)})`,
          auditReason: "superseded by reissue (VAL-4)",
          refusalField: "input.applicationId",
        },
      );
    }
    const certificate = await this.sign(tx, {
      app,
      product,
      subscriber,
      contractId: contract.id,
      notBefore: now,
      notAfter,
    });
    if (superseded) {
      superseded.supersededById = certificate.id;
      await tx.save(superseded);
    }
    return { certificate, contract, product, subscriber, reseller };
  }

  /** The contract and notAfter of the certificate, one function per kind of application. */
  private termOf(tx: EntityManager, actor: Actor, app: Application, product: Product, now: Date): Promise<Term> {
    switch (app.kind) {
      case ApplicationKind.NEW:
        return this.newTerm(tx, actor, app, product, now);
      case ApplicationKind.RENEWAL:
        return this.renewalTerm(tx, actor, app, product, now);
      case ApplicationKind.REISSUE:
        return this.reissueTerm(tx, app, now);
      case ApplicationKind.REPLACEMENT:
        return this.replacementTerm(tx, app, now);
      case ApplicationKind.ACME:
        // ACME-2, ACME-4, ACME-5: no fee per certificate; notAfter is capped by the usage period.
        return acmeContract(tx, actor, app, now, this.audit);
      case ApplicationKind.IMPORT:
        throw new Error(`application ${app.id} is an import: the certificate was issued by another CA`);
    }
  }

  /** CON-1, VAL-2, VAL-3: a new contract from issuance, with months carried over from a certificate elsewhere. */
  private async newTerm(tx: EntityManager, actor: Actor, app: Application, product: Product, now: Date): Promise<Term> {
    // APP-4: checked again inside the approval's transaction: two applications for the same names may
    // both be open. Approvals of one subscriber, product and set of names queue on a lock so two cannot
    // both pass; approvals for other names of the same subscriber do not wait for each other.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `issue:${app.subscriberId}:${app.productId}:${[...app.names].sort().join(",")}`,
    ]);
    await refuseDuplicateCertificate(tx, app.subscriberId, app.productId, app.names, now);
    if (!app.carryOverCertificateDer)
      return this.openTerm(tx, actor, app, product, now, { end: termEnd(now, app.termMonths!), renewedFromId: null });
    // VAL-3: months carried over are counted at issuance, from the new start.
    const t = termWithCarryOver({
      start: now,
      termMonths: app.termMonths!,
      previousNotAfter: parseCertificate(app.carryOverCertificateDer).notAfter,
    });
    return this.openTerm(tx, actor, app, product, now, {
      end: t.termEnd,
      renewedFromId: null,
      carryOverMonths: t.carryOverMonths,
    });
  }

  /** VAL-5, CON-5: a renewal by application opens the next contract, once, of a product still sold. */
  private async renewalTerm(
    tx: EntityManager,
    actor: Actor,
    app: Application,
    product: Product,
    now: Date,
  ): Promise<Term> {
    const previous = await tx.findOneOrFail(Contract, {
      where: { id: app.contractId! },
      lock: { mode: "pessimistic_write" },
    });
    await refuseRenewedTwice(tx, previous.id);
    refuseDiscontinuedRenewal(product, now); // CON-5: also when discontinued after the renewal was submitted
    const decision = decideRenewal({ currentExpiry: previous.endsAt!, termMonths: app.termMonths!, now });
    if (!decision.ok) throw fromDomain(decision, "input.applicationId");
    return this.openTerm(tx, actor, app, product, now, { end: decision.termEnd, renewedFromId: previous.id });
  }

  /** The new or renewed contract, its fee (RES-6) and the certificate's notAfter under the lifetime cap (VAL-7). */
  private async openTerm(
    tx: EntityManager,
    actor: Actor,
    app: Application,
    product: Product,
    now: Date,
    term: { end: Date; renewedFromId: string | null; carryOverMonths?: number },
  ): Promise<Term> {
    const { end, renewedFromId, carryOverMonths = 0 } = term;
    const contract = await openContract(
      tx,
      this.audit,
      actor,
      {
        subscriberId: app.subscriberId,
        resellerId: app.resellerId,
        productId: app.productId,
        applicationId: app.id,
        renewedFromId,
        termMonths: app.termMonths,
        carryOverMonths,
        startsAt: now,
        endsAt: end,
        // VAL-6: the first service period runs to the end of the issuance month.
        servicePeriodEndsAt: product.autoRenew ? endOfMonthOf(now) : null,
        doNotRenew: false,
        createdAt: now,
      },
      renewedFromId ? "VAL-5: renewal by application" : "CON-1: issuance",
    );
    app.carryOverMonths = carryOverMonths;
    // The seal belongs to the contract: a renewal takes it along, so the embed code stays the same.
    if (renewedFromId) await tx.update(Seal, { contractId: renewedFromId }, { contractId: contract.id });
    const life = certificateNotAfter({ notBefore: now, termEnd: end });
    if (!life.ok) throw fromDomain(life, "input.applicationId");
    // RES-6: the brokering reseller owes the fee of a new or renewed term; reissues and in-term replacements owe none.
    await this.fees.chargeNewContract(tx, actor, contract, product, renewedFromId ? "RENEWAL" : "ISSUANCE");
    return { contract, notAfter: life.notAfter };
  }

  /** VAL-4: a reissue keeps the contract and the notAfter; the certificate it supersedes is revoked later. */
  private async reissueTerm(tx: EntityManager, app: Application, now: Date): Promise<Term> {
    const contract = await this.activeContract(tx, app);
    const superseded = await this.currentCertificate(tx, contract.id);
    if (!superseded || superseded.revokedAt)
      throw refusal(
        RefusalCode.CERTIFICATE_REVOKED,
        "The contract has no certificate in force to reissue.",
        "input.applicationId",
      );
    const plan = planReissue({
      existingNotAfter: superseded.notAfter,
      notBefore: now,
      revokeSupersededImmediately: app.revokeSupersededImmediately,
      graceHours: this.reissueGraceHours,
    });
    if (!plan.ok) throw fromDomain(plan, "input.applicationId");
    return { contract, notAfter: plan.notAfter, superseded, supersededRevokeAt: plan.revokeSupersededAt };
  }

  /** VAL-7: a replacement in the term: same contract, no new fee; the lifetime cap still applies. */
  private async replacementTerm(tx: EntityManager, app: Application, now: Date): Promise<Term> {
    const contract = await this.activeContract(tx, app);
    const life = certificateNotAfter({ notBefore: now, termEnd: contract.endsAt! });
    if (!life.ok) throw fromDomain(life, "input.applicationId");
    return { contract, notAfter: life.notAfter };
  }

  private async activeContract(tx: EntityManager, app: Application): Promise<Contract> {
    const contract = await tx.findOneOrFail(Contract, {
      where: { id: app.contractId! },
      lock: { mode: "pessimistic_write" },
    });
    if (contract.status !== ContractStatus.ACTIVE)
      throw refusal(RefusalCode.CONTRACT_ENDED, "The contract has ended.", "input.applicationId");
    return contract;
  }

  async currentCertificate(tx: EntityManager, contractId: string): Promise<Certificate | null> {
    return tx.findOne(Certificate, { where: { contractId }, order: { notAfter: "DESC", createdAt: "DESC" } });
  }

  private async sign(
    tx: EntityManager,
    x: {
      app: Application;
      product: Product;
      subscriber: Subscriber;
      contractId: string;
      notBefore: Date;
      notAfter: Date;
    },
  ): Promise<Certificate> {
    const csr = checkCsr(x.app.csrDer!, { names: x.app.names, wildcardAllowed: x.product.wildcardAllowed });
    if (!csr.ok) throw fromDomain({ code: csr.code, message: csr.message }, "input.applicationId");
    const { ca, signer } = await this.ca.activeIssuer(tx);
    const level = x.product.validationLevel!;
    const subject: ServerCertificateSubject = { commonName: x.app.names[0] };
    if (level !== ValidationLevel.DV) {
      // OV/EV name the verified organisation (APP-8: a change of these needs a new application).
      subject.organization = x.subscriber.name;
      if (x.subscriber.locality) subject.locality = x.subscriber.locality;
      if (x.subscriber.stateOrProvince) subject.stateOrProvince = x.subscriber.stateOrProvince;
      subject.country = x.subscriber.country;
      if (level === ValidationLevel.EV) {
        subject.businessCategory = "Private Organization";
        subject.jurisdictionCountry = x.subscriber.country;
      }
    }
    const serialHex = newSerialHex();
    // STAT-1: the shard is chosen once, here, and written both into the certificate and its row.
    const crlShard = crlShardFor(serialHex, ca.crlShards);
    const issued = await issueServerCertificate({
      issuer: { certDer: ca.certDer, signer },
      subjectPublicKeySpki: csr.publicKeySpki,
      serialHex,
      names: x.app.names,
      subject,
      validationLevel: level,
      notBefore: x.notBefore,
      notAfter: x.notAfter,
      urls: this.ca.urlsFor(ca.id, crlShard),
    });
    const certificate = await insertEntity(tx, Certificate, {
      contractId: x.contractId,
      applicationId: x.app.id,
      source: CertificateSource.ISSUED,
      issuingCaId: ca.id,
      serialHex: issued.serialHex,
      sha256Fingerprint: issued.sha256Fingerprint,
      der: issued.der,
      commonName: x.app.names[0],
      names: x.app.names,
      subjectDn: issued.subjectDn,
      issuerDn: issued.issuerDn,
      // What the certificate carries: issueServerCertificate writes whole seconds.
      notBefore: wholeSeconds(x.notBefore),
      notAfter: wholeSeconds(x.notAfter),
      keyAlgorithm: csr.keyAlgorithm,
      supersededById: null,
      revokedAt: null,
      revocationReason: null,
      crlShard,
      createdAt: this.clock.now(),
    });
    return certificate;
  }
}

/** Certificates carry whole seconds; keeping the database the same makes every channel agree to the second. */
function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
