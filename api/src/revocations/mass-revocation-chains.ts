import { isUuid } from "../ids";

/**
 * Issue 11: a mass revocation runs as several chains of batches side by side, each over its own part of
 * the work, so that its batches do not wait one after another on one database backend. Where a chain
 * stands travels in the payload of its next batch job, which the batch writes in its own transaction:
 * a batch that rolls back leaves the chain where it was.
 */
export type ChainCursor =
  /** An issuing CA: the certificates whose id is in (after, through], in id order; null is open-ended. */
  | { chain: number; after: string | null; through: string | null }
  /** A list of serials: the positions [from, end) of the list. */
  | { chain: number; from: number; end: number };

/** How many chains: no more than asked for, and none that would have less than one batch to do. */
export function chainCount(work: number, batchSize: number, maxChains: number): number {
  return Math.max(1, Math.min(maxChains, Math.ceil(work / batchSize)));
}

/**
 * The id space of random (version 4) UUIDs cut into `chains` equal ranges, as PostgreSQL orders uuid
 * (byte by byte), so that each chain of an issuing CA's revocation gets about as many certificates.
 */
export function idRanges(chains: number): ChainCursor[] {
  const bound = (i: number) => {
    const prefix = Math.floor((i * 2 ** 32) / chains) - 1;
    return `${prefix.toString(16).padStart(8, "0")}-ffff-ffff-ffff-ffffffffffff`;
  };
  return Array.from({ length: chains }, (_, i) => ({
    chain: i,
    after: i === 0 ? null : bound(i),
    through: i === chains - 1 ? null : bound(i + 1),
  }));
}

/** A list of `length` serials cut into `chains` runs of consecutive positions. */
export function positionRanges(length: number, chains: number): ChainCursor[] {
  return Array.from({ length: chains }, (_, i) => ({
    chain: i,
    from: Math.floor((i * length) / chains),
    end: Math.floor(((i + 1) * length) / chains),
  }));
}

const isBound = (v: unknown): v is string | null => v === null || (typeof v === "string" && isUuid(v));
const isPosition = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * A job payload's cursor, checked against the kind of mass revocation it belongs to (an issuing CA's
 * walks ids, a list's walks positions): a payload that does not fit is a programming error, not a place
 * to resume from.
 */
export function cursorOf(payload: Record<string, unknown>, of: "issuingCa" | "serials"): ChainCursor {
  const { chain, after, through, from, end } = payload;
  if (isPosition(chain)) {
    if (of === "issuingCa" && isBound(after) && isBound(through)) return { chain, after, through };
    if (of === "serials" && isPosition(from) && isPosition(end) && from <= end) return { chain, from, end };
  }
  throw new Error(`not a chain cursor of a mass revocation by ${of}: ${JSON.stringify(payload)}`);
}
