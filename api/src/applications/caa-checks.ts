import { EntityManager } from "typeorm";
import { type CaaResult, type DcvNetworkOptions, checkCaa } from "../validation";
import { CAA_RESULT_HOURS } from "../validation";
import { CaaCheck, CaaCheckStatus } from "./caa-check.entity";
import { findWhere } from "../db/find-where";

const CAA_RESULT_MS = CAA_RESULT_HOURS * 60 * 60 * 1000;
const NEWEST_WHERE = `WHERE subscriber_id = $1 AND name = ANY($2::text[]) AND checked_at > $3`;
const NEWEST_ORDER = `ORDER BY name, checked_at DESC, seq DESC`;
/** Looked up again before approval when older than this, so that the 8 hours hold through the approval. */
const CAA_REFRESH_MS = CAA_RESULT_MS - 10 * 60 * 1000;

/** RFC 8657 validationmethods labels of the GraphQL methods ("ca-" marks CA-specific methods). */
export const CAA_METHOD_LABEL: Record<string, string> = {
  HTTP_FILE: "ca-http-file",
  DNS_TXT: "ca-dns-txt",
  ACME_HTTP_01: "http-01",
  ACME_DNS_01: "dns-01",
};

export interface CaaTarget {
  name: string;
  /** RFC 8657 validationmethods label, see CAA_METHOD_LABEL. */
  method: string;
}

export interface CaaLinks {
  applicationId?: string | null;
  domainValidationIds?: Map<string, string>;
  /** One result per round: names someone recorded after this point (`lastSeq` before the look-up) are skipped. */
  afterSeq?: string;
}

/** A name whose CAA result does not allow issuance now, and why. */
export interface CaaShortfall {
  name: string;
  reason: "MISSING" | "REFUSED" | "FAILED";
  message: string;
}

/** The newest record among some names of a subscriber in one context (ACME account, or none). */
export const LAST_SEQ_SQL = `SELECT max(seq)::text AS seq FROM caa_check
  WHERE subscriber_id = $1 AND name = ANY($2::text[]) AND account_id IS NOT DISTINCT FROM $3::uuid`;

/**
 * APP-11: CAA look-ups (network, never inside a transaction) and their records (inside one). Issuance
 * of any kind requires, for every name, a PERMITTED result made in the same context (the ACME account,
 * or none for the GraphQL path) no older than 8 hours.
 */
export class CaaChecks {
  constructor(
    private readonly network: DcvNetworkOptions,
    private readonly issuerDomains: string[],
  ) {}

  /** The look-ups, in parallel; never throws for DNS problems. */
  lookup(targets: CaaTarget[], accountUri: string | null): Promise<CaaResult[]> {
    return Promise.all(
      targets.map((t) =>
        checkCaa({ name: t.name, method: t.method, accountUri, issuerDomains: this.issuerDomains }, this.network),
      ),
    );
  }

  /**
   * Where the record of these names stands now; pass it to `record` to record one round per concurrent
   * look-up. Read from the names' own rows (caa_check_name's prefix): the maximum over the whole table,
   * as before, was a scan of every CAA result ever recorded, on every domain-control check (issue 11).
   */
  async lastSeq(db: EntityManager, subscriberId: string, names: string[], accountId: string | null): Promise<string> {
    const rows: { seq: string | null }[] = await db.query(LAST_SEQ_SQL, [subscriberId, names, accountId]);
    return rows[0]?.seq ?? "0";
  }

  /**
   * One statement for the round: with `afterSeq`, a name someone recorded since then (a concurrent
   * look-up of the same names) is skipped, so each round records one result per name.
   */
  async record(
    tx: EntityManager,
    subscriberId: string,
    accountId: string | null,
    results: CaaResult[],
    links: CaaLinks = {},
  ): Promise<void> {
    if (results.length === 0) return;
    if (links.afterSeq != null) {
      // Under READ COMMITTED two concurrent rounds each miss the other's uncommitted row and both record.
      // So the rounds of a name queue here (in name order, so two rounds of overlapping names cannot
      // deadlock) until the earlier one commits; the insert's snapshot, taken after, then sees its rows.
      await tx.query(
        `SELECT count(pg_advisory_xact_lock(hashtext('caa:' || $1 || ':' || coalesce($2::text, '-') || ':' || n)))
         FROM (SELECT DISTINCT n FROM unnest($3::text[]) AS n ORDER BY n) AS names`,
        [subscriberId, accountId, results.map((r) => r.name)],
      );
    }
    await tx.query(
      `INSERT INTO caa_check (subscriber_id, name, account_id, method, status, checked_at, evidence, application_id, domain_validation_id)
       SELECT $1, r.name, $2::uuid, r.method, r.status, r.checked_at, r.evidence, $3::uuid, r.domain_validation_id
       FROM unnest($4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::jsonb[], $9::uuid[])
            AS r(name, method, status, checked_at, evidence, domain_validation_id)
       WHERE $10::bigint IS NULL OR NOT EXISTS (
         SELECT 1 FROM caa_check c
         WHERE c.subscriber_id = $1 AND c.name = r.name AND c.account_id IS NOT DISTINCT FROM $2::uuid AND c.seq > $10)`,
      [
        subscriberId,
        accountId,
        links.applicationId ?? null,
        results.map((r) => r.name),
        results.map((r) => r.evidence.method),
        results.map((r) => r.status as CaaCheckStatus),
        results.map((r) => r.checkedAt),
        results.map((r) => JSON.stringify(r.evidence)),
        results.map((r) => links.domainValidationIds?.get(r.name) ?? null),
        links.afterSeq ?? null,
      ],
    );
  }

  /** The newest result per name within the 8 hours, in the given context. One query. */
  async newest(
    db: EntityManager,
    subscriberId: string,
    names: string[],
    accountId: string | null,
    now: Date,
  ): Promise<Map<string, CaaCheck>> {
    const since = new Date(now.getTime() - CAA_RESULT_MS);
    const rows =
      accountId === null
        ? await findWhere(
            db,
            CaaCheck,
            `${NEWEST_WHERE} AND account_id IS NULL ${NEWEST_ORDER}`,
            [subscriberId, names, since],
            ["name"],
          )
        : await findWhere(
            db,
            CaaCheck,
            `${NEWEST_WHERE} AND account_id = $4 ${NEWEST_ORDER}`,
            [subscriberId, names, since, accountId],
            ["name"],
          );
    return new Map(rows.map((r) => [r.name, r]));
  }

  /** Names that need a new look-up before issuing: none yet, about to be too old, or not permitted last time. */
  async stale(
    db: EntityManager,
    subscriberId: string,
    names: string[],
    accountId: string | null,
    now: Date,
  ): Promise<string[]> {
    return staleIn(await this.newest(db, subscriberId, names, accountId, now), names, now);
  }

  /** APP-11: what stands between these names and issuance now (empty: nothing). */
  async shortfalls(
    tx: EntityManager,
    subscriberId: string,
    names: string[],
    accountId: string | null,
    now: Date,
  ): Promise<CaaShortfall[]> {
    return shortfallsIn(await this.newest(tx, subscriberId, names, accountId, now), names);
  }
}

/** Of `newest` (see CaaChecks.newest), the names that need a new look-up: none yet, about to be too old, or not permitted last time. */
export function staleIn(newest: Map<string, CaaCheck>, names: string[], now: Date): string[] {
  return names.filter((n) => {
    const c = newest.get(n);
    return !c || c.status !== CaaCheckStatus.PERMITTED || now.getTime() - c.checkedAt.getTime() > CAA_REFRESH_MS;
  });
}

/** APP-11, of `newest`: what stands between these names and issuance (empty: nothing). */
export function shortfallsIn(newest: Map<string, CaaCheck>, names: string[]): CaaShortfall[] {
  const out: CaaShortfall[] = [];
  for (const name of names) {
    const c = newest.get(name);
    if (!c)
      out.push({ name, reason: "MISSING", message: `no CAA check of ${name} in the last ${CAA_RESULT_HOURS} hours` });
    else if (c.status !== CaaCheckStatus.PERMITTED) {
      out.push({
        name,
        reason: c.status === CaaCheckStatus.REFUSED ? "REFUSED" : "FAILED",
        message: c.evidence.cause?.message ?? `CAA ${c.status}`,
      });
    }
  }
  return out;
}
