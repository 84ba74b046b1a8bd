import { DataSource } from "typeorm";
import { ContractEndReason, ContractStatus } from "../contracts";
import { preparedQuery } from "../db/prepared";
import { parseCertificate } from "../pki";
import { RevocationReason } from "../revocations";
import { ViewCache, ViewChanges } from "../status";

/** A certificate of a seal's contract, as the seal and the verification page show it (no DER kept). */
export interface SealCertificateFacts {
  id: string;
  issuingCaId: string | null;
  serialHex: string;
  sha256Fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
  revocationReason: RevocationReason | null;
  scheduledFor: Date | null;
  names: string[];
  issuerDn: string;
  /** The verified organisation (O) of an OV/EV certificate, read from its DER once. */
  organization: string | null;
  /** The subscriber's registered Latin-letter name, only while its registered name is the certificate's O. */
  organizationEn: string | null;
  /** DV, OV or EV from the certificate's CA/Browser Forum policy identifier. */
  validationLevel: "DV" | "OV" | "EV" | null;
  /** The issuing CA by name (its CN, else its O). */
  issuerCommonName: string | null;
}

/** Everything a seal's public view is computed from at the moment it is asked (SEAL-4, SEAL-5, STAT-3). */
export interface SealFacts {
  id: string;
  contractId: string;
  removedAt: Date | null;
  contractStatus: ContractStatus;
  contractEndReason: ContractEndReason | null;
  /** Newest first (notAfter, then creation). */
  certificates: SealCertificateFacts[];
}

/** Seals a replica keeps in memory. */
const SEAL_CACHE_SIZE = 50_000;

// One statement for any number of seals: the seal, its contract and every certificate of the contract.
const BY_IDS = `
  SELECT s.id AS seal_id, s.contract_id, s.removed_at, k.status AS contract_status, k.end_reason,
         sub.name AS subscriber_name, sub.name_en AS subscriber_name_en,
         c.id, c.issuing_ca_id, c.serial_hex, c.sha256_fingerprint, c.not_before, c.not_after, c.revoked_at, c.revocation_reason,
         c.names, c.issuer_dn, c.der,
         (SELECT r.scheduled_for FROM revocation r WHERE r.certificate_id = c.id AND r.status = 'SCHEDULED') AS scheduled_for
  FROM seal s
  JOIN contract k ON k.id = s.contract_id
  JOIN subscriber sub ON sub.id = s.subscriber_id
  LEFT JOIN certificate c ON c.contract_id = k.id
  WHERE s.id = ANY($1::text[])
  ORDER BY s.id, c.not_after DESC, c.created_at DESC`;

interface Row {
  seal_id: string;
  contract_id: string;
  removed_at: Date | null;
  contract_status: ContractStatus;
  end_reason: ContractEndReason | null;
  subscriber_name: string;
  subscriber_name_en: string | null;
  id: string | null;
  issuing_ca_id: string | null;
  serial_hex: string;
  sha256_fingerprint: string;
  not_before: Date;
  not_after: Date;
  revoked_at: Date | null;
  revocation_reason: RevocationReason | null;
  names: string[];
  issuer_dn: string;
  der: Buffer;
  scheduled_for: Date | null;
}

/** What the seal and the page show from the certificate's DER: read once, when the facts are loaded. */
function derFacts(der: Buffer): Pick<SealCertificateFacts, "organization" | "validationLevel" | "issuerCommonName"> {
  try {
    const p = parseCertificate(der);
    return {
      organization: p.organization ?? null,
      validationLevel: p.validationLevel ?? null,
      issuerCommonName: p.issuerCommonName ?? p.issuerOrganization ?? null,
    };
  } catch {
    return { organization: null, validationLevel: null, issuerCommonName: null };
  }
}

/** The English name belongs to the subscriber's current registered name (CON-6: the certificate keeps the old one). */
function englishName(organization: string | null, row: Row): string | null {
  return organization !== null && row.subscriber_name === organization ? row.subscriber_name_en : null;
}

function withEnglish<T extends { organization: string | null }>(
  facts: T,
  row: Row,
): T & { organizationEn: string | null } {
  return { ...facts, organizationEn: englishName(facts.organization, row) };
}

function toFacts(rows: Row[]): SealFacts {
  const first = rows[0];
  return {
    id: first.seal_id,
    contractId: first.contract_id,
    removedAt: first.removed_at,
    contractStatus: first.contract_status,
    contractEndReason: first.end_reason,
    certificates: rows
      .filter((r): r is Row & { id: string } => r.id !== null)
      .map((r) => ({
        id: r.id,
        issuingCaId: r.issuing_ca_id,
        serialHex: r.serial_hex,
        sha256Fingerprint: r.sha256_fingerprint,
        notBefore: r.not_before,
        notAfter: r.not_after,
        revokedAt: r.revoked_at,
        revocationReason: r.revocation_reason,
        scheduledFor: r.scheduled_for,
        names: r.names,
        issuerDn: r.issuer_dn,
        ...withEnglish(derFacts(r.der), r),
      })),
  };
}

/**
 * The facts behind seals and verification pages, from memory on every replica that hears every change
 * (certificate, revocation, contract, seal or subscriber-name rows: their triggers name the seal, its
 * contract or its certificates), else by one statement for all the seals a request asks for.
 */
export class SealFactsCache {
  private readonly cache = new ViewCache<string, SealFacts>(SEAL_CACHE_SIZE);

  constructor(
    private readonly ds: DataSource,
    private readonly changes: ViewChanges,
  ) {
    changes.on((c) => {
      if (c.kind === "certificate") {
        this.cache.invalidate(c.certificateId);
        this.cache.invalidate(c.contractId); // a new certificate of the contract
      } else if (c.kind === "contract") {
        this.cache.invalidate(c.contractId);
      } else if (c.kind === "seal") {
        this.cache.invalidate(c.sealId);
      } else {
        this.cache.clear();
      }
    });
  }

  /** Facts of each seal id, in order; null for unknown ones. */
  async facts(ids: readonly string[]): Promise<(SealFacts | null)[]> {
    const trusted = this.changes.trusted;
    const found = new Map<string, SealFacts>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = trusted ? this.cache.get(id) : undefined;
      if (hit) found.set(id, hit);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const since = this.cache.version;
      for (const [id, facts] of await this.load(missing)) {
        found.set(id, facts);
        if (trusted)
          this.cache.keep(id, facts, [facts.id, facts.contractId, ...facts.certificates.map((c) => c.id)], since);
      }
    }
    return ids.map((id) => found.get(id) ?? null);
  }

  private async load(ids: string[]): Promise<Map<string, SealFacts>> {
    const rows = await preparedQuery<Row>(this.ds, "seal_facts", BY_IDS, [ids]);
    const bySeal = new Map<string, Row[]>();
    for (const r of rows) {
      const list = bySeal.get(r.seal_id);
      if (list) list.push(r);
      else bySeal.set(r.seal_id, [r]);
    }
    return new Map([...bySeal].map(([id, list]) => [id, toFacts(list)]));
  }
}
