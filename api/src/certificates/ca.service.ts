import { randomUUID } from "node:crypto";
import { DataSource, EntityManager } from "typeorm";
import { Clock } from "../domain/clock";
import { KeyAlgorithm, Signer, createCaHierarchy, loadSigner, parseCertificate, toPem } from "../pki";
import { CertificateAuthority, CertificateAuthorityKind } from "./certificate-authority.entity";

export interface CaUrls {
  crlUrl: string;
  ocspUrl: string;
  caIssuersUrl: string;
}

export interface IssuingCa {
  ca: CertificateAuthority;
  signer: Signer;
}

/**
 * STAT-1, DESIGN "Hot paths and scale": a new issuing CA spreads its certificates over this many CRLs.
 * 110 k revocations make 16 CRLs of ~7 k entries (~300 KB each) instead of one of 4.9 MB, so a
 * revocation republishes a small list quickly and a relying party downloads only its certificate's part.
 */
export const DEFAULT_CRL_SHARDS = 16;

/**
 * STAT-1: the shard of a new certificate, fixed at issuance (stored with it, named in its CRL
 * Distribution Point). Derived from the serial rather than from a counter: serials carry ≥ 64 random
 * bits (BR 7.1), so the spread is even without a shared sequence or a hot row to update at issuance,
 * and anyone can see from the serial where a certificate went. Changing `crlShards` later only
 * affects certificates issued afterwards.
 */
export function crlShardFor(serialHex: string, crlShards: number): number | null {
  if (crlShards <= 0) return null;
  return parseInt(serialHex.slice(-8), 16) % crlShards;
}

const CA_BOOTSTRAP_LOCK = 0x616b6173; // "akas": one replica creates the hierarchy, the others wait and load it

/** How long a replica keeps using the active root and issuing CA it read before reading them again. */
const ACTIVE_CA_CACHE_MS = 60_000;

/**
 * The operator's CA: a root and an issuing CA, created on first start and kept in the database
 * with their keys encrypted (so every replica can sign). Signing goes through `Signer` only, so an
 * HSM or KMS signer can replace the local key later without touching issuance, CRL or OCSP code.
 */
export class CaService {
  private signers = new Map<string, Promise<Signer>>();
  private cas = new Map<string, CertificateAuthority>();
  private active = new Map<CertificateAuthorityKind, { ca: CertificateAuthority; readAt: number }>();

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly publicBaseUrl: string,
    private readonly passphrase: string,
    private readonly keyAlgorithm: KeyAlgorithm,
  ) {}

  /**
   * URLs written into certificates issued by `caId` (STAT-1, STAT-2, RFC 5280 AIA). With a shard the
   * CRL URL is that shard's; without, the CA's legacy (whole) CRL.
   */
  urlsFor(caId: string, crlShard: number | null = null): CaUrls {
    return {
      crlUrl: this.crlUrl(caId, crlShard),
      ocspUrl: `${this.publicBaseUrl}/ocsp`,
      caIssuersUrl: `${this.publicBaseUrl}/ca/${caId}.der`,
    };
  }

  /** STAT-1: the URL of one CRL scope; also the distributionPoint of that CRL's Issuing Distribution Point. */
  crlUrl(caId: string, crlShard: number | null): string {
    return crlShard === null
      ? `${this.publicBaseUrl}/crl/${caId}.crl`
      : `${this.publicBaseUrl}/crl/${caId}/${crlShard}.crl`;
  }

  /** Creates the root and issuing CA if there is none yet; safe when several replicas start at once. */
  async ensureHierarchy(): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1)`, [CA_BOOTSTRAP_LOCK]);
      const existing = await tx.count(CertificateAuthority, {
        where: { kind: CertificateAuthorityKind.ISSUING, active: true },
      });
      if (existing > 0) return;
      const now = this.clock.now();
      const rootId = randomUUID();
      const issuingId = randomUUID();
      const { root, issuing } = await createCaHierarchy({
        keyAlgorithm: this.keyAlgorithm,
        passphrase: this.passphrase,
        now,
        rootSubject: { commonName: "Akashi Root CA", organization: "Akashi", country: "JP" },
        issuingSubject: { commonName: "Akashi TLS Issuing CA 1", organization: "Akashi", country: "JP" },
        issuingUrls: {
          crlUrl: `${this.publicBaseUrl}/crl/${rootId}.crl`,
          caIssuersUrl: `${this.publicBaseUrl}/ca/${rootId}.der`,
        },
      });
      for (const [id, kind, parentId, name, material] of [
        [rootId, CertificateAuthorityKind.ROOT, null, "Akashi Root CA", root],
        [issuingId, CertificateAuthorityKind.ISSUING, rootId, "Akashi TLS Issuing CA 1", issuing],
      ] as const) {
        const parsed = parseCertificate(material.certDer);
        await tx.insert(CertificateAuthority, {
          id,
          kind,
          parentId,
          name,
          keyAlgorithm: this.keyAlgorithm,
          certDer: material.certDer,
          encryptedKeyPem: material.encryptedKeyPem,
          serialHex: parsed.serialHex,
          notBefore: parsed.notBefore,
          notAfter: parsed.notAfter,
          active: true,
          lastCrlNumber: "0",
          // The root's CRL lists CA certificates, few for ever: one list.
          crlShards: kind === CertificateAuthorityKind.ISSUING ? DEFAULT_CRL_SHARDS : 0,
          createdAt: now,
        });
      }
    });
  }

  /** A CA by id, kept once read. Pass the caller's transaction manager when inside one (one connection per request). */
  async get(id: string, em: EntityManager = this.ds.manager): Promise<CertificateAuthority | null> {
    const cached = this.cas.get(id);
    if (cached) return cached;
    const ca = await em.getRepository(CertificateAuthority).findOneBy({ id });
    if (ca) this.cas.set(id, ca);
    return ca;
  }

  async all(): Promise<CertificateAuthority[]> {
    return this.ds.getRepository(CertificateAuthority).find({ order: { createdAt: "ASC" } });
  }

  /** The active root. Pass the caller's transaction manager when inside one (one connection per request). */
  async root(em: EntityManager = this.ds.manager): Promise<CertificateAuthority> {
    return this.activeOf(CertificateAuthorityKind.ROOT, em);
  }

  /** The issuing CA new certificates are signed by, with its signer. */
  async activeIssuer(em: EntityManager = this.ds.manager): Promise<IssuingCa> {
    const ca = await this.activeOf(CertificateAuthorityKind.ISSUING, em);
    return { ca, signer: await this.signer(ca) };
  }

  /** CA rows never change but for the active flag (a rotation), so each replica keeps them a minute. */
  private async activeOf(kind: CertificateAuthorityKind, em: EntityManager): Promise<CertificateAuthority> {
    const cached = this.active.get(kind);
    if (cached && performance.now() - cached.readAt < ACTIVE_CA_CACHE_MS) return cached.ca;
    const order = kind === CertificateAuthorityKind.ROOT ? "ASC" : "DESC";
    const ca = await em
      .getRepository(CertificateAuthority)
      .findOne({ where: { kind, active: true }, order: { createdAt: order } });
    if (!ca) throw new Error("The CA hierarchy has not been created (CaService.ensureHierarchy).");
    this.active.set(kind, { ca, readAt: performance.now() });
    this.cas.set(ca.id, ca);
    return ca;
  }

  /** Decrypts a CA key once per process; later calls reuse it. */
  signer(ca: CertificateAuthority): Promise<Signer> {
    let s = this.signers.get(ca.id);
    if (!s) {
      s = Promise.resolve().then(() => loadSigner(ca.encryptedKeyPem, this.passphrase));
      this.signers.set(ca.id, s);
      s.catch(() => this.signers.delete(ca.id));
    }
    return s;
  }

  /** The chain a server sends after its own certificate: the issuing CA (the root is the trust anchor). */
  async chainPem(issuingCaId: string): Promise<string> {
    const ca = await this.get(issuingCaId);
    return ca ? toPem(ca.certDer, "CERTIFICATE") : "";
  }
}
