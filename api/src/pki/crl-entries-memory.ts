import { buildLintedCrlTbs, type BuiltCrlTbs, type CrlTbsInput, type EarlierEntries } from "./crl-tbs";

/**
 * Scopes remembered at most: the legacy list and every shard of a few CAs. A scope left out is built in
 * full the next time, which is only slower.
 */
const CRL_MEMORY_MAX_SCOPES = 64;

/**
 * The CRL thread's memory of the last list it built per CRL scope (issue 11, STAT-1). A scope is
 * republished once per coalescing window while revocations go on, and its entries come in revocation
 * time order, so each new text is mostly the last one with a few items after it: those items alone are
 * parsed, written and walked by the lint (crl-tbs.ts EarlierEntries, lint/crl-entries.ts lintNewEntries);
 * the rest is compared and copied, which is linear too but cheap. Every scope of a 110 k-entry CA (16
 * shards and one list of the whole CA) took this thread 151 ms a round built in full and 36 ms
 * remembered. Whether a text extends the one remembered is decided by comparing the two texts and
 * reason tables, so a key that picks the wrong memory costs a full build, never a wrong CRL. Any
 * other change (an expired entry left out, a late revocation ordered before the last one) is a full
 * build that is remembered in turn.
 *
 * It costs memory of the size of the lists: about 115 octets an entry with 16-octet serials (text,
 * octets, key), 13 MB at 110 k revoked, for as long as the primary's CRL thread lives. It is never
 * shared.
 */
export class CrlEntriesMemory {
  private readonly byScope = new Map<string, EarlierEntries>();

  constructor(private readonly maxScopes = CRL_MEMORY_MAX_SCOPES) {}

  /** Builds and lints the TBSCertList of `input`, from what is remembered of its scope when that helps. */
  build(input: CrlTbsInput): BuiltCrlTbs {
    const key = scopeKey(input);
    const earlier = this.byScope.get(key) ?? null;
    this.byScope.delete(key);
    const { tbs, next } = buildLintedCrlTbs(input, earlier, true);
    if (next) {
      this.byScope.set(key, next); // last in the map's order: the most recently built
      for (const oldest of this.byScope.keys()) {
        if (this.byScope.size <= this.maxScopes) break;
        this.byScope.delete(oldest);
      }
    }
    return tbs;
  }

  /** Scopes remembered now. */
  get size(): number {
    return this.byScope.size;
  }
}

/**
 * A CRL scope: the issuer's key and the CRL's own URL (null: the full CRL of an unsharded CA). Whether
 * the remembered list may be used (same reason table, text that extends it) is crl-tbs.ts's to decide.
 */
function scopeKey(input: CrlTbsInput): string {
  return `${Buffer.from(input.issuerKeyId).toString("hex")} ${input.idpUrl ?? ""}`;
}
