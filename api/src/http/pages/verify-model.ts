import { toJst } from "../../domain";
import { nameCovers } from "../../domain/hostnames";
import { PublicSeal, SealStatus } from "../../seals/seal.types";
import type { Lang } from "./verify-texts";

/**
 * The verification page as data: a pure function of the seal's public view, where the visitor came from
 * and the language. No I/O, no HTML: the renderer (verify-render.ts) turns it into the page, and a cache
 * of seal views (issue 11) can feed it without touching the database.
 */

/** Dates people read are JST (RULES.md). */
export function jstText(d: Date): string {
  const p = toJst(d);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)} JST`;
}

/**
 * Where the visitor came from, SEAL-2. `referer` is what the browser reported (the widget's link asks
 * for `referrerpolicy="strict-origin"`), the only source the page states as fact; `claimed` is the
 * `?origin=` parameter, which whoever wrote the link chose (a phishing page can claim any origin), so it
 * is only ever shown as a claim.
 */
export interface VisitorOrigin {
  referer: string | null;
  claimed: string | null;
}

/** SEAL-2: what the page can say about the visitor's site. Only `covers`/`does-not-cover` are stated as fact. */
type OriginVerdict = "covers" | "does-not-cover" | "claimed-covers" | "claimed-does-not-cover" | "unknown";

/** The headline: the verdict for the visitor's situation. */
type Headline = "valid" | "wrong-site" | "not-valid" | "unknown-seal";

type ValidationLevelName = "DV" | "OV" | "EV";

export interface OriginLine {
  verdict: OriginVerdict;
  referer: string | null;
  claimed: string | null;
  /** The Referer and the claim name different origins (the page believes the Referer). */
  mismatch: boolean;
}

export interface CertificateFacts {
  /** In the page's language; `inCertificate` is the name as the certificate writes it when that differs. */
  organization: { shown: string; inCertificate: string | null } | null;
  domains: string[];
  level: ValidationLevelName | null;
  issuer: string;
  serial: string;
  /** Upper-case hex pairs joined by ":" (as browsers show it). */
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  revokedAt: string | null;
  /** RFC 5280 reason name (REV-1), e.g. keyCompromise. */
  revocationReason: string | null;
  revocationScheduledAt: string | null;
}

export interface VerifyModel {
  lang: Lang;
  sealId: string;
  /** `data-status`: the seal's status, or UNKNOWN for an unregistered seal. */
  status: SealStatus | "UNKNOWN";
  headline: Headline;
  /** The headline rests on the link's unconfirmed `?origin=` claim (shown marked as a claim). */
  headlineClaimed: boolean;
  origin: OriginLine;
  certificate: CertificateFacts | null;
  checkedAt: string | null;
  /** What the language switch passes on as `?origin=`: a claim on the next page, never a fact. */
  carriedOrigin: string | null;
}

const LEVELS: readonly string[] = ["DV", "OV", "EV"];

/** SEAL-2: only the browser's Referer is judged as fact; a bare `?origin=` gives the "claimed-…" verdicts. */
function originLine(domains: string[] | null, origin: VisitorOrigin): OriginLine {
  const { referer, claimed } = origin;
  const mismatch = referer !== null && claimed !== null && claimed !== referer;
  if (!domains) return { verdict: "unknown", referer, claimed, mismatch };
  if (referer) {
    const covered = nameCovers(domains, new URL(referer).hostname);
    return { verdict: covered ? "covers" : "does-not-cover", referer, claimed, mismatch };
  }
  if (claimed) {
    const covered = nameCovers(domains, new URL(claimed).hostname);
    return { verdict: covered ? "claimed-covers" : "claimed-does-not-cover", referer, claimed, mismatch };
  }
  return { verdict: "unknown", referer, claimed, mismatch };
}

function fingerprintText(hex: string): string {
  return (hex.toUpperCase().match(/.{2}/g) ?? []).join(":");
}

function organizationFor(lang: Lang, name: string | null, nameEn: string | null): CertificateFacts["organization"] {
  if (!name) return null;
  if (lang === "en" && nameEn && nameEn !== name) return { shown: nameEn, inCertificate: name };
  return { shown: name, inCertificate: null };
}

function factsOf(lang: Lang, c: NonNullable<PublicSeal["certificate"]>): CertificateFacts {
  const level =
    c.validationLevel && LEVELS.includes(c.validationLevel) ? (c.validationLevel as ValidationLevelName) : null;
  return {
    organization: organizationFor(lang, c.organizationName, c.organizationNameEn),
    domains: c.domains,
    level,
    issuer: c.issuerCommonName ?? c.issuerName,
    serial: c.serialNumber,
    fingerprint: fingerprintText(c.sha256Fingerprint),
    notBefore: jstText(c.notBefore),
    notAfter: jstText(c.notAfter),
    revokedAt: c.revokedAt ? jstText(c.revokedAt) : null,
    revocationReason: c.revokedAt ? (c.revocationReason ?? "unspecified") : null,
    revocationScheduledAt: c.revocationScheduledAt ? jstText(c.revocationScheduledAt) : null,
  };
}

function headlineOf(seal: PublicSeal, origin: OriginLine): { headline: Headline; headlineClaimed: boolean } {
  if (seal.status !== SealStatus.VALID) return { headline: "not-valid", headlineClaimed: false };
  if (origin.verdict === "does-not-cover") return { headline: "wrong-site", headlineClaimed: false };
  if (origin.verdict === "claimed-does-not-cover") return { headline: "wrong-site", headlineClaimed: true };
  return { headline: "valid", headlineClaimed: false };
}

/**
 * SEAL-2, SEAL-4, SEAL-5: the page for one seal (or for an unknown id when `seal` is null). The language
 * switch carries the origin the verdict rests on (the Referer if there was one) as a claim, so switching
 * language never turns a red verdict green.
 * @rule SEAL-5
 */
export function verifyModel(lang: Lang, sealId: string, seal: PublicSeal | null, origin: VisitorOrigin): VerifyModel {
  const carriedOrigin = origin.referer ?? origin.claimed;
  if (!seal) {
    return {
      lang,
      sealId,
      status: "UNKNOWN",
      headline: "unknown-seal",
      headlineClaimed: false,
      origin: originLine(null, origin),
      certificate: null,
      checkedAt: null,
      carriedOrigin,
    };
  }
  const line = originLine(seal.certificate?.domains ?? null, origin);
  return {
    lang,
    sealId,
    status: seal.status,
    ...headlineOf(seal, line),
    origin: line,
    certificate: seal.certificate ? factsOf(lang, seal.certificate) : null,
    checkedAt: jstText(seal.checkedAt),
    carriedOrigin,
  };
}
