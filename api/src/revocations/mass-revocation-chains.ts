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

/** A job payload's cursor, checked: a payload that is neither shape is a programming error, not a place to resume from. */
export function cursorOf(payload: Record<string, unknown>): ChainCursor {
  const { chain } = payload;
  if (typeof chain === "number" && "after" in payload) {
    const { after, through } = payload;
    if ((after === null || typeof after === "string") && (through === null || typeof through === "string"))
      return { chain, after, through };
  }
  if (typeof chain === "number" && typeof payload.from === "number" && typeof payload.end === "number")
    return { chain, from: payload.from, end: payload.end };
  throw new Error(`not a mass revocation chain cursor: ${JSON.stringify(payload)}`);
}
