import { randomBytes } from "node:crypto";
import { DataSource } from "typeorm";
import { AuditService, snapshot } from "../audit/audit.service";
import { canSeeResellerData, requireAuthenticated } from "../auth/authorize";
import { certificateStatus } from "../certificates/certificate-status";
import { Certificate, CertificateSource } from "../certificates/certificate.entity";
import { CertificateService } from "../certificates/certificate.service";
import { Contract, ContractEndReason, ContractStatus } from "../contracts/contract.entity";
import { inTransaction } from "../db/transaction";
import { Clock } from "../domain/clock";
import { EventPublisher, EventType } from "../events/event-publisher";
import { toGlobalId } from "../graphql/global-id";
import { parseCertificate, type ParsedCertificate } from "../pki";
import { ValidationLevel } from "../products/product.entity";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { RevocationReasonValue, type RevocationReason } from "../revocations/revocation-reason";
import { RevocationStatus } from "../revocations/revocation.entity";
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
    private readonly certificates: CertificateService,
    private readonly publicBaseUrl: string,
    private readonly widget: () => WidgetAssets | null,
    private readonly events: EventPublisher,
  ) {}

  /** SEAL-1: the managing reseller (or the operator) asks for a seal; asking again returns the same seal. */
  async create(scope: RequestScope, contractId: string | null): Promise<Seal> {
    requireAuthenticated(scope.caller);
    return inTransaction(this.ds, async (tx) => {
      const contract = contractId ? await tx.findOne(Contract, { where: { id: contractId }, lock: { mode: "pessimistic_write" } }) : null;
      if (!contract || !canSeeResellerData(scope.caller, contract.resellerId)) throw refusal(RefusalCode.NOT_FOUND, "No such contract.", "input.contractId");
      if (contract.status !== ContractStatus.ACTIVE) throw refusal(RefusalCode.CONTRACT_ENDED, "The contract has ended; its seal must come down (SEAL-4).", "input.contractId");
      const issued = await tx.count(Certificate, { where: { contractId: contract.id, source: CertificateSource.ISSUED } });
      if (issued === 0) throw refusal(RefusalCode.INVALID_INPUT, "Seals are for certificates issued by Akashi's CA.", "input.contractId");
      const existing = await tx.findOneBy(Seal, { contractId: contract.id });
      if (existing) return existing;
      const seal = await tx.save(tx.create(Seal, { id: randomBytes(18).toString("base64url"), contractId: contract.id, subscriberId: contract.subscriberId, createdAt: this.clock.now(), removedAt: null }));
      await this.events.emit(tx, { type: EventType.SEAL_CREATED, resellerId: contract.resellerId, subjectType: "Contract", subjectId: toGlobalId("Contract", contract.id), data: { sealId: seal.id, verificationUrl: `${this.publicBaseUrl}/verify/${seal.id}` } });
      await this.audit.record(tx, scope, { action: "seal.create", entityType: "Contract", entityId: toGlobalId("Contract", contract.id), resellerId: contract.resellerId, after: snapshot(seal) });
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
      pinned: assets ? `<script type="module" src="${this.publicBaseUrl}/${assets.file}" integrity="${assets.sri}" crossorigin="anonymous"></script>\n${tag}` : null,
    };
  }

  /**
   * The public views of several seals in ONE query, in order; null for unknown ids (SEAL-4: "unknown seal").
   * Per seal: its contract's status, the subscriber's registered names, the certificate it shows and that
   * certificate's scheduled revocation — the whole hot path of the widget and the verification page.
   */
  async views(ids: string[]): Promise<(PublicSeal | null)[]> {
    const wanted = [...new Set(ids.filter((id) => SEAL_ID.test(id)))];
    if (wanted.length === 0) return ids.map(() => null);
    const now = this.clock.now();
    const rows: SealViewRow[] = await this.ds.query(SEAL_VIEW_SQL, [wanted, now, RevocationStatus.SCHEDULED]);
    const views = new Map<string, PublicSeal>();
    for (const row of rows) {
      const cert = row.cert_id === null ? null : this.certificateOf(row);
      const names = { name: row.subscriber_name, nameEn: row.subscriber_name_en };
      views.set(row.seal_id, {
        id: row.seal_id,
        status: sealStatus(row.removed_at, { status: row.contract_status, endReason: row.end_reason }, cert, now),
        checkedAt: now,
        verificationUrl: `${this.publicBaseUrl}/verify/${row.seal_id}`,
        certificate: cert ? this.describe(cert, now, row.scheduled_for, names) : null,
      });
    }
    return ids.map((id) => views.get(id) ?? null);
  }

  /** The columns of the shown certificate as an entity (PEM and chain are derived from it on demand). */
  private certificateOf(row: SealViewRow): Certificate {
    return this.ds.getRepository(Certificate).create({
      id: row.cert_id ?? undefined,
      contractId: row.contract_id,
      issuingCaId: row.issuing_ca_id,
      serialHex: row.serial_hex ?? "",
      sha256Fingerprint: row.sha256_fingerprint ?? "",
      der: row.der ?? Buffer.alloc(0),
      names: row.names ?? [],
      issuerDn: row.issuer_dn ?? "",
      notBefore: row.not_before ?? undefined,
      notAfter: row.not_after ?? undefined,
      revokedAt: row.revoked_at,
      revocationReason: row.revocation_reason,
    });
  }

  async view(id: string): Promise<PublicSeal | null> {
    return (await this.views([id]))[0];
  }

  /**
   * The certificate as the seal shows it. PEM and chain are built only when a client asks for them
   * (the widget and the verification page do not); the facts in the DER are read once per certificate.
   * The subscriber's English name is used only while its registered name is still the one the
   * certificate carries (CON-6: after a change of name the certificate speaks for the old one).
   */
  private describe(cert: Certificate, now: Date, scheduledFor: Date | null, names: SubscriberNames | undefined) {
    const revoked = cert.revokedAt !== null && cert.revokedAt <= now;
    const certificates = this.certificates;
    const facts = this.factsOf(cert);
    const organization = facts?.organization ?? null;
    return {
      serialNumber: cert.serialHex,
      sha256Fingerprint: cert.sha256Fingerprint,
      get pem() {
        return certificates.pem(cert);
      },
      get chainPem() {
        return certificates.chainPem(cert);
      },
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      domains: cert.names,
      organizationName: organization,
      organizationNameEn: organization !== null && names?.name === organization ? names.nameEn : null,
      validationLevel: (facts?.validationLevel ?? null) as ValidationLevel | null,
      issuerName: cert.issuerDn,
      issuerCommonName: facts?.issuerCommonName ?? facts?.issuerOrganization ?? null,
      status: certificateStatus(cert, now),
      revokedAt: revoked ? cert.revokedAt : null,
      revocationReason: revoked ? (cert.revocationReason as RevocationReasonValue) : null,
      revocationScheduledAt: revoked ? null : scheduledFor,
    } as unknown as SealCertificate;
  }

  private facts = new Map<string, ParsedCertificate>();

  private factsOf(cert: Certificate | null | undefined): ParsedCertificate | null {
    if (!cert) return null;
    let facts = this.facts.get(cert.sha256Fingerprint);
    if (facts === undefined) {
      facts = parseCertificate(cert.der);
      if (this.facts.size > 10_000) this.facts.clear();
      this.facts.set(cert.sha256Fingerprint, facts);
    }
    return facts;
  }
}

/**
 * One row per seal. The certificate a seal shows (the LATERAL subquery): the newest one already in force
 * and not revoked (after a reissue, the new one); otherwise the newest of all, so that a revoked or
 * expired certificate is shown as such.
 */
const SEAL_VIEW_SQL = `
  SELECT s.id AS seal_id, s.removed_at, k.id AS contract_id, k.status AS contract_status, k.end_reason,
         sub.name AS subscriber_name, sub.name_en AS subscriber_name_en,
         c.id AS cert_id, c.issuing_ca_id, c.serial_hex, c.sha256_fingerprint, c.der, c.names, c.issuer_dn,
         c.not_before, c.not_after, c.revoked_at, c.revocation_reason,
         (SELECT min(r.scheduled_for) FROM revocation r
           WHERE r.certificate_id = c.id AND r.status = $3) AS scheduled_for
    FROM seal s
    JOIN contract k ON k.id = s.contract_id
    JOIN subscriber sub ON sub.id = s.subscriber_id
    LEFT JOIN LATERAL (
      SELECT * FROM certificate c WHERE c.contract_id = k.id
       ORDER BY (c.revoked_at IS NULL AND c.not_before <= $2) DESC, c.not_after DESC, c.created_at DESC
       LIMIT 1
    ) c ON true
   WHERE s.id = ANY($1)`;

/** The subscriber's registered name and its Latin-letter form. */
interface SubscriberNames {
  name: string;
  nameEn: string | null;
}

interface SealViewRow {
  seal_id: string;
  removed_at: Date | null;
  contract_id: string;
  contract_status: ContractStatus;
  end_reason: ContractEndReason | null;
  subscriber_name: string;
  subscriber_name_en: string | null;
  cert_id: string | null;
  issuing_ca_id: string | null;
  serial_hex: string | null;
  sha256_fingerprint: string | null;
  der: Buffer | null;
  names: string[] | null;
  issuer_dn: string | null;
  not_before: Date | null;
  not_after: Date | null;
  revoked_at: Date | null;
  revocation_reason: RevocationReason | null;
  scheduled_for: Date | null;
}

/** SEAL-4, REV-8: anything but a valid certificate in a running service shows as not valid. */
function sealStatus(
  removedAt: Date | null,
  contract: Pick<Contract, "status" | "endReason">,
  cert: Certificate | null,
  now: Date,
): SealStatus {
  if (cert && cert.revokedAt !== null && cert.revokedAt <= now) return SealStatus.REVOKED;
  if (removedAt !== null || contract.status === ContractStatus.ENDED) {
    return contract.endReason === ContractEndReason.REVOKED ? SealStatus.REVOKED : SealStatus.SERVICE_ENDED;
  }
  if (!cert) return SealStatus.SERVICE_ENDED;
  return certificateStatus(cert, now) as unknown as SealStatus;
}
