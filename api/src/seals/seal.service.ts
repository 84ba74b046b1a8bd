import { randomBytes } from "node:crypto";
import { DataSource } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireAuthenticated } from "../auth";
import { certificateStatus, Certificate, CertificateSource, CaService } from "../certificates";
import { Contract, ContractEndReason, ContractStatus } from "../contracts";
import { inTransaction } from "../db/transaction";
import { Clock } from "../domain/clock";
import { EventPublisher, EventType } from "../events";
import { toGlobalId } from "../ids";
import { toPem } from "../pki";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { RevocationReasonValue } from "../revocations";
import { SealCertificateFacts, SealFacts, SealFactsCache } from "./seal-facts";
import { Seal } from "./seal.entity";
import { PublicSeal, SealCertificate, SealEmbed, SealStatus } from "./seal.types";
import { WidgetAssets } from "./widget-assets";

const SEAL_ID = /^[A-Za-z0-9_-]{22,64}$/;

/**
 * Site seals (SEAL-1..SEAL-5, REV-8). A seal belongs to a contract, so renewals (which move it to the
 * new contract) and reissues (same contract) show the new certificate under the same embed code.
 */
export class SealService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly ca: CaService,
    private readonly facts: SealFactsCache,
    private readonly publicBaseUrl: string,
    private readonly widget: () => WidgetAssets | null,
    private readonly events: EventPublisher,
  ) {}

  /**
   * SEAL-1: the managing reseller (or the operator) asks for a seal; asking again returns the same seal.
   * @rule SEAL-1
   */
  async create(scope: RequestScope, contractId: string | null): Promise<Seal> {
    requireAuthenticated(scope.caller);
    return inTransaction(this.ds, async (tx) => {
      const contract = contractId
        ? await tx.findOne(Contract, { where: { id: contractId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!contract || !canSeeResellerData(scope.caller, contract.resellerId))
        throw refusal(RefusalCode.NOT_FOUND, "No such contract.", "input.contractId");
      if (contract.status !== ContractStatus.ACTIVE)
        throw refusal(
          RefusalCode.CONTRACT_ENDED,
          "The contract has ended; its seal must come down (SEAL-4).",
          "input.contractId",
        );
      const issued = await tx.count(Certificate, {
        where: { contractId: contract.id, source: CertificateSource.ISSUED },
      });
      if (issued === 0)
        throw refusal(
          RefusalCode.INVALID_INPUT,
          "Seals are for certificates issued by Akashi's CA.",
          "input.contractId",
        );
      const existing = await tx.findOneBy(Seal, { contractId: contract.id });
      if (existing) return existing;
      const seal = await tx.save(
        tx.create(Seal, {
          id: randomBytes(18).toString("base64url"),
          contractId: contract.id,
          subscriberId: contract.subscriberId,
          createdAt: this.clock.now(),
          removedAt: null,
        }),
      );
      await this.events.emit(tx, {
        type: EventType.SEAL_CREATED,
        resellerId: contract.resellerId,
        subjectType: "Contract",
        subjectId: toGlobalId("Contract", contract.id),
        data: { sealId: seal.id, verificationUrl: `${this.publicBaseUrl}/verify/${seal.id}` },
      });
      await this.audit.record(tx, scope, {
        action: "seal.create",
        entityType: "Contract",
        entityId: toGlobalId("Contract", contract.id),
        resellerId: contract.resellerId,
        after: snapshot(seal),
      });
      return seal;
    });
  }

  /** The seal of a contract the caller may see. */
  async ofContract(scope: RequestScope, contract: Contract): Promise<Seal | null> {
    const [seal] = await scope.loaders.manyBy(Seal, "contractId").load(contract.id);
    return seal ?? null;
  }

  embed(seal: Seal): SealEmbed {
    const tag = `<akashi-seal seal-id="${seal.id}"></akashi-seal>`;
    const assets = this.widget();
    return {
      stable: `<script type="module" src="${this.publicBaseUrl}/seal.js"></script>\n${tag}`,
      pinned: assets
        ? `<script type="module" src="${this.publicBaseUrl}/${assets.file}" integrity="${assets.sri}" crossorigin="anonymous"></script>\n${tag}`
        : null,
    };
  }

  /** The public views of several seals, in order; null for unknown ids (SEAL-4: "unknown seal"). From memory when it can be. */
  async views(ids: string[]): Promise<(PublicSeal | null)[]> {
    const wanted = ids.map((id) => (SEAL_ID.test(id) ? id : null));
    const valid = wanted.filter((id): id is string => id !== null);
    if (valid.length === 0) return ids.map(() => null);
    const facts = await this.facts.facts(valid);
    const byId = new Map(facts.filter((f): f is SealFacts => f !== null).map((f) => [f.id, f]));
    const now = this.clock.now();
    return wanted.map((id) => {
      const f = id ? byId.get(id) : undefined;
      if (!f) return null;
      const cert = current(f.certificates, now);
      return {
        id: f.id,
        status: sealStatus(f, cert, now),
        checkedAt: now,
        verificationUrl: `${this.publicBaseUrl}/verify/${f.id}`,
        certificate: cert ? this.describe(cert, now) : null,
      };
    });
  }

  async view(id: string): Promise<PublicSeal | null> {
    return (await this.views([id]))[0];
  }

  /**
   * The certificate as the seal shows it. PEM and chain are read only when a client asks for them
   * (the widget and the verification page do not).
   */
  private describe(cert: SealCertificateFacts, now: Date): SealCertificate {
    const revoked = cert.revokedAt !== null && cert.revokedAt <= now;
    const pem = () => this.pemOf(cert.id);
    const ca = this.ca;
    return {
      serialNumber: cert.serialHex,
      sha256Fingerprint: cert.sha256Fingerprint,
      get pem() {
        return pem();
      },
      get chainPem() {
        return pem().then(async (p) => (cert.issuingCaId ? p + (await ca.chainPem(cert.issuingCaId)) : p));
      },
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      domains: cert.names,
      organizationName: cert.organization,
      organizationNameEn: cert.organizationEn,
      validationLevel: cert.validationLevel,
      issuerName: cert.issuerDn,
      issuerCommonName: cert.issuerCommonName,
      status: certificateStatus(cert, now),
      revokedAt: revoked ? cert.revokedAt : null,
      revocationReason: revoked ? (cert.revocationReason as RevocationReasonValue) : null,
      revocationScheduledAt: revoked ? null : cert.scheduledFor,
    } as unknown as SealCertificate;
  }

  private async pemOf(certificateId: string): Promise<string> {
    const [row]: { der: Buffer }[] = await this.ds.query(`SELECT der FROM certificate WHERE id = $1`, [certificateId]);
    return row ? toPem(row.der, "CERTIFICATE") : "";
  }
}

/**
 * The certificate a seal shows: the newest one already in force and not revoked (after a reissue, the
 * new one); otherwise the newest of all, so that a revoked or expired certificate is shown as such.
 */
function current(certs: SealCertificateFacts[], now: Date): SealCertificateFacts | null {
  return certs.find((c) => c.revokedAt === null && c.notBefore <= now) ?? certs[0] ?? null;
}

/**
 * SEAL-4, REV-8: anything but a valid certificate in a running service shows as not valid.
 * @rule REV-8
 * @rule SEAL-4 — verify-model.ts says why on the page from the status decided here
 */
function sealStatus(seal: SealFacts, cert: SealCertificateFacts | null, now: Date): SealStatus {
  if (cert && cert.revokedAt !== null && cert.revokedAt <= now) return SealStatus.REVOKED;
  if (seal.removedAt !== null || seal.contractStatus === ContractStatus.ENDED) {
    return seal.contractEndReason === ContractEndReason.REVOKED ? SealStatus.REVOKED : SealStatus.SERVICE_ENDED;
  }
  if (!cert) return SealStatus.SERVICE_ENDED;
  return certificateStatus(cert, now) as unknown as SealStatus;
}
