import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { DataSource } from "typeorm";
import { CaService, CertificateAuthority, CertificateStatus, certificateStatus } from "../certificates";
import { Clock } from "../domain/clock";
import {
  OcspCertId,
  OcspCertStatus,
  buildOcspResponse,
  issuerMatches,
  ocspErrorResponse,
  parseOcspRequest,
} from "../pki";
import { CertificateFactsCache } from "./certificate-facts";
import { StatusPublisher } from "./status-publisher";
import { ViewChanges } from "./view-changes";

const HOUR_MS = 60 * 60 * 1000;

/**
 * STAT-2 lifetimes:
 * - every response: thisUpdate = now, nextUpdate = now + 4 days (the rule allows 8 hours … 10 days);
 * - a pre-signed (nonce-less, single CertID) response is served from memory until half its validity
 *   (2 days) has passed, or until the certificate's status changes (local revocation, or the change
 *   notification of any replica's commit, status/view-changes.ts), whichever comes first;
 * - HTTP caches may keep a nonce-less response {@link OCSP_HTTP_MAX_AGE_S} seconds (never beyond
 *   nextUpdate); responses carrying a nonce are `no-store`.
 */
export const OCSP_VALIDITY_MS = 96 * HOUR_MS;
const OCSP_REFRESH_AFTER_MS = OCSP_VALIDITY_MS / 2;
const OCSP_HTTP_MAX_AGE_S = 60;

/** Upper bound of pre-signed responses kept in memory (oldest dropped first). */
const MAX_CACHED = 100_000;
/** A locally revoked key bypasses the cache until its NOTIFY arrives (commit) or this long passes (rollback). */
const SUSPECT_MS = 30_000;
/** Unknown issuers make us reload the CA list at most this often (a CA created by another replica). */
const CA_RELOAD_MS = 10_000;

export interface OcspAnswer {
  /** The OCSPResponse, DER; always sent with HTTP 200 (errors are OCSP response statuses). */
  readonly der: Buffer;
  /** Headers for the HTTP response (Cache-Control, and Last-Modified/ETag for cacheable answers); shared by every answer from the cache. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A pre-signed response, answered as it is. Its headers are fixed when it is signed: it is served from
 * memory only before refreshAt, when half its validity (2 days) is still ahead, far more than the
 * HTTP max-age, so max-age never shortens while it is kept.
 */
interface CachedResponse extends OcspAnswer {
  readonly refreshAt: number;
}

interface LoadedCa {
  ca: CertificateAuthority;
}

/**
 * STAT-2: the OCSP responder (RFC 6960), signed by the CA that issued the certificate asked about.
 * Status comes from `certificateStatus()` over the certificate row and the injected clock, the same
 * function every other channel uses (STAT-3).
 * @rule STAT-2
 */
export class OcspResponder {
  private cas: LoadedCa[] | undefined;
  private casLoadedAt = -Infinity;
  /** `<caId>:<serial>` → CertID DER (hex) → response. */
  private readonly cache = new Map<string, Map<string, CachedResponse>>();
  private cachedCount = 0;
  /** Bumped by every invalidation: a response built across one is not stored. */
  private epoch = 0;
  private readonly suspect = new Map<string, number>();
  /**
   * The request's own bytes (GET path or POST body) → where its pre-signed answer is kept: a repeated
   * nonce-less request is answered without decoding it again (RFC 5019 clients send the same bytes).
   */
  private readonly byRequest = new Map<string, { key: string; derKey: string }>();

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly ca: CaService,
    publisher: StatusPublisher,
    private readonly facts: CertificateFactsCache,
    private readonly changes: ViewChanges,
  ) {
    publisher.onLocalRevocation((caId, serialHex) => {
      const key = `${caId}:${serialHex}`;
      this.suspect.set(key, performance.now() + SUSPECT_MS);
      this.invalidate(caId, serialHex);
    });
    changes.on((c) => {
      if (c.kind === "certificate") {
        if (!c.caId) return;
        this.suspect.delete(`${c.caId}:${c.serialHex}`); // committed: the database now tells the truth
        this.invalidate(c.caId, c.serialHex);
      } else if (c.kind === "all") {
        this.invalidateAll();
      }
    });
  }

  /** Whether pre-signed responses are used: only while we hear every replica's invalidations. */
  get caching(): boolean {
    return this.changes.trusted;
  }

  /**
   * The pre-signed answer to exactly these request bytes, if one is kept and still good; else null
   * (then `respond` decodes the request). The hot path of OCSP: no ASN.1, no signing, no database.
   */
  cachedAnswer(requestKey: string): OcspAnswer | null {
    const where = this.byRequest.get(requestKey);
    if (!where || !this.caching || this.isSuspect(where.key)) return null;
    const hit = this.cache.get(where.key)?.get(where.derKey);
    if (!hit || this.clock.now().getTime() >= hit.refreshAt) {
      this.byRequest.delete(requestKey);
      return null;
    }
    return hit;
  }

  // ---- answering ----

  /**
   * Answers one OCSPRequest (DER): a signed response, or `malformedRequest` / `unauthorized`.
   * Rejects only on faults (database, signer), which the route answers with `tryLater` when the
   * database is unavailable and `internalError` otherwise.
   */
  async respond(requestDer: Buffer, requestKey?: string): Promise<OcspAnswer> {
    const noStore = { "Cache-Control": "no-store" };
    const parsed = parseOcspRequest(requestDer);
    if (!parsed.ok) return { der: ocspErrorResponse("malformedRequest"), headers: noStore };
    const matched = await this.match(parsed.requests);
    const signerCa = matched.find((m) => m.ca)?.ca;
    // Not one CertID names a CA of ours: we are not the responder for it (RFC 6960 2.3).
    if (!signerCa) return { der: ocspErrorResponse("unauthorized"), headers: noStore };

    const single = parsed.requests.length === 1 && !parsed.nonce;
    const certId = parsed.requests[0];
    const key = `${signerCa.id}:${certId.serialHex}`;
    const derKey = certId.der.toString("hex");
    if (single && this.caching && !this.isSuspect(key)) {
      const hit = this.cache.get(key)?.get(derKey);
      if (hit && this.clock.now().getTime() < hit.refreshAt) {
        if (requestKey) this.remember(requestKey, key, derKey);
        return hit;
      }
    }

    const epoch = this.epoch;
    const now = this.clock.now();
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + OCSP_VALIDITY_MS);
    // A response has one signer: CertIDs of another of our CAs (rare) are answered `unknown` here.
    const responses: { certId: OcspCertId; status: OcspCertStatus }[] = [];
    let keep = true;
    for (const m of matched) {
      const found =
        m.ca?.id === signerCa.id
          ? await this.statusOf(signerCa, m.certId.serialHex, now)
          : { status: "unknown" as const, keep: false };
      responses.push({ certId: m.certId, status: found.status });
      keep &&= found.keep;
    }
    const der = await buildOcspResponse({
      issuer: { certDer: signerCa.certDer, signer: await this.ca.signer(signerCa) },
      responses,
      producedAt: now,
      thisUpdate,
      nextUpdate,
      ...(parsed.nonce ? { nonce: parsed.nonce } : {}),
    });
    if (!single) return { der, headers: noStore };
    const untilNext = Math.floor((nextUpdate.getTime() - now.getTime()) / 1000);
    const entry: CachedResponse = {
      der,
      headers: Object.freeze({
        "Cache-Control": `public, max-age=${Math.max(0, Math.min(OCSP_HTTP_MAX_AGE_S, untilNext))}`,
        "Last-Modified": thisUpdate.toUTCString(),
        ETag: `"${createHash("sha256").update(der).digest("hex").slice(0, 32)}"`,
      }),
      refreshAt: thisUpdate.getTime() + OCSP_REFRESH_AFTER_MS,
    };
    if (keep && this.caching && epoch === this.epoch && !this.isSuspect(key)) {
      this.store(key, derKey, entry);
      if (requestKey) this.remember(requestKey, key, derKey);
    }
    return entry;
  }

  /**
   * Good, revoked (time and reason) or unknown — never good for a serial this CA did not issue.
   * `keep`: whether the answer may be pre-signed and kept. Not for `unknown` (the serial may be issued
   * later), nor for a revocation time written ahead of now (the status changes then without a NOTIFY).
   */
  private async statusOf(
    ca: CertificateAuthority,
    serialHex: string,
    now: Date,
  ): Promise<{ status: OcspCertStatus; keep: boolean }> {
    const facts = await this.facts.bySerialHex(serialHex);
    const cert = facts && facts.issued && facts.issuingCaId === ca.id ? facts : null;
    if (cert) {
      if (certificateStatus(cert, now) === CertificateStatus.REVOKED)
        return { status: { revokedAt: cert.revokedAt!, reason: cert.revocationReason ?? "unspecified" }, keep: true };
      return { status: "good", keep: cert.revokedAt === null };
    }
    // A CA certificate this CA signed (the root signs the issuing CAs).
    const child = await this.ds.getRepository(CertificateAuthority).exists({ where: { parentId: ca.id, serialHex } });
    return child ? { status: "good", keep: true } : { status: "unknown", keep: false };
  }

  private async match(certIds: OcspCertId[]): Promise<{ certId: OcspCertId; ca: CertificateAuthority | undefined }[]> {
    const find = (cas: LoadedCa[]) =>
      certIds.map((certId) => ({ certId, ca: cas.find((c) => issuerMatches(certId, c.ca.certDer))?.ca }));
    let result = find(await this.loadCas(false));
    if (!result.some((r) => r.ca)) result = find(await this.loadCas(true));
    return result;
  }

  private async loadCas(reload: boolean): Promise<LoadedCa[]> {
    if (this.cas && !(reload && performance.now() - this.casLoadedAt > CA_RELOAD_MS)) return this.cas;
    this.casLoadedAt = performance.now();
    this.cas = (await this.ca.all()).map((ca) => ({ ca }));
    return this.cas;
  }

  // ---- the cache ----

  private store(key: string, derKey: string, entry: CachedResponse): void {
    let byCertId = this.cache.get(key);
    if (!byCertId) {
      byCertId = new Map();
      this.cache.set(key, byCertId);
    }
    if (!byCertId.has(derKey)) this.cachedCount++;
    byCertId.set(derKey, entry);
    while (this.cachedCount > MAX_CACHED) {
      const oldest = this.cache.keys().next();
      if (oldest.done) break;
      this.cachedCount -= this.cache.get(oldest.value)!.size;
      this.cache.delete(oldest.value);
    }
  }

  private remember(requestKey: string, key: string, derKey: string): void {
    if (this.byRequest.size >= MAX_CACHED) this.byRequest.clear();
    this.byRequest.set(requestKey, { key, derKey });
  }

  private isSuspect(key: string): boolean {
    const until = this.suspect.get(key);
    if (until === undefined) return false;
    if (performance.now() < until) return true;
    this.suspect.delete(key);
    return false;
  }

  /** Drops the pre-signed responses of one certificate (`serialHex` "*": of every certificate of the CA). */
  invalidate(caId: string, serialHex: string): void {
    this.epoch++;
    if (serialHex === "*") {
      for (const key of [...this.cache.keys()]) if (key.startsWith(`${caId}:`)) this.drop(key);
      return;
    }
    this.drop(`${caId}:${serialHex}`);
  }

  /** Drops every pre-signed response. */
  invalidateAll(): void {
    this.epoch++;
    this.cache.clear();
    this.byRequest.clear();
    this.cachedCount = 0;
  }

  private drop(key: string): void {
    const byCertId = this.cache.get(key);
    if (!byCertId) return;
    this.cachedCount -= byCertId.size;
    this.cache.delete(key);
  }
}
