import { DataSource, In } from "typeorm";
import { requireAuthenticated } from "../auth";
import { Certificate } from "../certificates";
import { Contract } from "../contracts";
import { MS_PER_DAY } from "../domain";
import { Clock } from "../domain/clock";
import { badUserInput } from "../errors";
import { PageRequest, PageInfoShape, checkPageSize } from "../paging";
import { RequestScope } from "../request-scope";

export enum ExpiringWhat {
  CERTIFICATE = "CERTIFICATE",
  CONTRACT = "CONTRACT",
}

export interface ExpiringItem {
  cursor: string;
  node: Contract;
  what: ExpiringWhat;
  endsAt: Date;
  certificate: Certificate | null;
}

const MAX_EXPIRING_DAYS = 365;

/**
 * The sort key is computed (the earliest of term end, auto-renew service end and cancellation, or the
 * current certificate's notAfter), so `paginate()` — which re-reads a stored column — cannot page it.
 * The cursor carries the whole key instead: the instant in whole microseconds (PostgreSQL's precision,
 * exact as text, unlike a JavaScript Date), the contract id and the kind of end.
 */
function encodeCursor(keyUs: string, contractId: string, what: string): string {
  return Buffer.from(`x:${keyUs}:${contractId}:${what}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { keyUs: string; contractId: string; what: string } {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const m = /^x:(-?\d{1,20}):([0-9a-f-]{36}):(CERTIFICATE|CONTRACT)$/.exec(text);
  if (!m) throw badUserInput("`after` is not a cursor from this list.");
  return { keyUs: m[1], contractId: m[2], what: m[3] };
}

interface Row {
  contract_id: string;
  what: ExpiringWhat;
  ends_at: Date;
  certificate_id: string | null;
  key_us: string;
}

/** What ends soon: a reseller's list of contracts and certificates to renew or replace (RES-3: its own only). */
export class ExpiringSoonService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async list(
    scope: RequestScope,
    withinDays: number,
    args: PageRequest,
  ): Promise<{ edges: ExpiringItem[]; pageInfo: PageInfoShape }> {
    requireAuthenticated(scope.caller);
    if (!Number.isInteger(withinDays) || withinDays < 1 || withinDays > MAX_EXPIRING_DAYS)
      throw badUserInput(`\`withinDays\` must be between 1 and ${MAX_EXPIRING_DAYS}.`);
    const first = checkPageSize(args.first);
    const now = this.clock.now();
    const params: unknown[] = [now, new Date(now.getTime() + withinDays * MS_PER_DAY), first + 1];
    let own = "";
    if (scope.caller.kind === "RESELLER") {
      params.push(scope.caller.resellerId);
      own = `AND k.reseller_id = $${params.length}`;
    }
    let after = "";
    if (args.after) {
      const c = decodeCursor(args.after);
      params.push(c.keyUs, c.contractId, c.what);
      after = `AND (key_us, contract_id, what) > ($${params.length - 2}::numeric, $${params.length - 1}::uuid, $${params.length}::text)`;
    }
    // A contract already renewed is not "ending": its successor carries on. A revoked certificate
    // does not expire; the current one is the unrevoked certificate that runs latest.
    const rows: Row[] = await this.ds.query(
      `WITH base AS (
         SELECT k.id AS contract_id,
                LEAST(k.cancellation_effective_at,
                      CASE WHEN p.auto_renew AND k.auto_renew_stop_noticed_at IS NOT NULL THEN k.service_period_ends_at ELSE k.ends_at END) AS contract_ends_at,
                (SELECT c.id FROM certificate c WHERE c.contract_id = k.id AND c.revoked_at IS NULL ORDER BY c.not_after DESC, c.created_at DESC, c.id LIMIT 1) AS certificate_id
         FROM contract k JOIN product p ON p.id = k.product_id
         WHERE k.status = 'ACTIVE' ${own}
           AND NOT EXISTS (SELECT 1 FROM contract r WHERE r.renewed_from_id = k.id)
       ), items AS (
         SELECT contract_id, 'CONTRACT'::text AS what, contract_ends_at AS ends_at, NULL::uuid AS certificate_id FROM base WHERE contract_ends_at IS NOT NULL
         UNION ALL
         SELECT b.contract_id, 'CERTIFICATE'::text, c.not_after, c.id FROM base b JOIN certificate c ON c.id = b.certificate_id
       ), keyed AS (
         SELECT contract_id, what, ends_at, certificate_id, trunc(extract(epoch FROM ends_at) * 1000000) AS key_us FROM items
         WHERE ends_at > $1 AND ends_at <= $2
       )
       SELECT contract_id, what, ends_at, certificate_id, key_us::text AS key_us FROM keyed
       WHERE true ${after}
       ORDER BY key_us, contract_id, what
       LIMIT $3`,
      params,
    );
    const page = rows.slice(0, first);
    const contractIds = [...new Set(page.map((r) => r.contract_id))];
    const contracts = new Map(
      (contractIds.length ? await this.ds.getRepository(Contract).findBy({ id: In(contractIds) }) : []).map((k) => [
        k.id,
        k,
      ]),
    );
    const certIds = page.map((r) => r.certificate_id).filter((id): id is string => id !== null);
    const certs = new Map(
      (certIds.length ? await this.ds.getRepository(Certificate).findBy({ id: In(certIds) }) : []).map((c) => [
        c.id,
        c,
      ]),
    );
    const edges = page.map((r) => ({
      cursor: encodeCursor(r.key_us, r.contract_id, r.what),
      node: contracts.get(r.contract_id)!,
      what: r.what,
      endsAt: r.ends_at,
      certificate: r.certificate_id ? (certs.get(r.certificate_id) ?? null) : null,
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > first,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }
}
