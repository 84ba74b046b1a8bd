/**
 * The seal's state machine, as a pure function of the status answer, the page's hostname and the time.
 * Pure (no DOM): imported by the element and by jest.
 *
 *   (seal-id set/changed) ──► loading ──► one of:
 *     valid | expired | revoked | not-yet-valid | service-ended | unknown | wrong-site | network-error
 *   (seal-id changes again) ──► loading ──► …
 *
 * Only `valid` claims validity. Everything that cannot be proven valid is shown as not valid
 * (REV-8, SEAL-4) or, when no trustworthy answer arrived, as the neutral `network-error`.
 */
import { hostCovered } from "./host-match";

export type SealState =
  | "loading"
  | "valid"
  | "expired"
  | "revoked"
  | "not-yet-valid"
  | "unknown"
  | "service-ended"
  | "wrong-site"
  | "network-error";

export const SEAL_STATES: readonly SealState[] = [
  "loading",
  "valid",
  "expired",
  "revoked",
  "not-yet-valid",
  "unknown",
  "service-ended",
  "wrong-site",
  "network-error",
];

/** The fields of `seals(ids:)` the widget asks for. */
export interface SealResult {
  id: string;
  status: string;
  checkedAt: string | null;
  verificationUrl: string | null;
  certificate: {
    domains: string[];
    organizationName: string | null;
    /** The organisation's registered English name, when it has one (null for DV). */
    organizationNameEn?: string | null;
    notAfter: string | null;
    status: string | null;
  } | null;
}

const NOT_VALID: Record<string, SealState> = {
  EXPIRED: "expired",
  REVOKED: "revoked",
  NOT_YET_VALID: "not-yet-valid",
  SERVICE_ENDED: "service-ended",
};

/**
 * Narrow one entry of the `seals` list: `null` stays null (unknown id); anything malformed → undefined.
 * The object is returned as received (its strings are only ever rendered as text).
 */
export function parseSeal(raw: unknown): SealResult | null | undefined {
  if (raw === null) return null;
  const r = raw as SealResult | undefined;
  if (!r || typeof r !== "object" || typeof r.status !== "string") return undefined;
  const c = r.certificate;
  if (c != null && (typeof c !== "object" || !Array.isArray(c.domains))) return undefined;
  return r;
}

/**
 * Map one status answer to a state.
 * @param raw  the entry of `seals(ids:)` for this id (`null` = unknown id), or `undefined` when no answer
 *             (network failure, GraphQL error, malformed payload)
 * @param hostname `location.hostname` of the embedding page
 * @param nowMs  the browser's clock; only used to refuse "valid" after `notAfter` (a stale cached answer)
 */
export function stateFor(raw: unknown, hostname: string, nowMs: number): SealState {
  if (raw === undefined) return "network-error";
  const seal = parseSeal(raw);
  if (seal === undefined) return "network-error";
  if (seal === null) return "unknown";
  if (seal.status !== "VALID") return NOT_VALID[seal.status] ?? "unknown";
  const cert = seal.certificate;
  // A VALID seal must come with its certificate; the certificate's own status must agree.
  if (!cert) return "unknown";
  if (cert.status && cert.status !== "VALID") return NOT_VALID[cert.status] ?? "unknown";
  if (cert.notAfter) {
    const end = Date.parse(cert.notAfter);
    if (!Number.isNaN(end) && nowMs > end) return "expired";
  }
  if (!hostCovered(cert.domains, hostname)) return "wrong-site";
  return "valid";
}

/** True only for the state that claims validity. */
export function claimsValidity(state: SealState): boolean {
  return state === "valid";
}
