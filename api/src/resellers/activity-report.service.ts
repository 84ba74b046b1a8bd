import { DataSource } from "typeorm";
import { canSeeResellerData, requireAuthenticated } from "../auth";
import { Clock } from "../domain/clock";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Reseller } from "./reseller.entity";

export interface ActivityReport {
  reseller: Reseller;
  from: Date;
  to: Date;
  generatedAt: Date;
  applicationsByState: { state: string; count: number }[];
  applicationsSubmitted: number;
  certificatesIssued: number;
  certificatesRenewed: number;
  certificatesRevoked: number;
  feesYen: number;
  feesTaxYen: number;
  feesTotalYen: number;
}

const STATES = ["SUBMITTED", "UNDER_REVIEW", "AWAITING_DOCUMENTS", "APPROVED", "ISSUED", "REJECTED", "WITHDRAWN"];
const MAX_PERIOD_MS = 10 * 366 * 24 * 60 * 60 * 1000;

/**
 * RES-7: the reseller's activity in [from, to): applications it submitted in the period by their
 * current state, certificates issued for its applications (of which renewals), certificates of its
 * contracts revoked, and fees charged to it (RES-6). The operator asks for any reseller; a reseller
 * for itself.
 * @rule RES-7
 */
export class ActivityReportService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async report(scope: RequestScope, resellerId: string | null, from: Date, to: Date): Promise<ActivityReport | null> {
    requireAuthenticated(scope.caller);
    if (!(to > from)) throw refusal(RefusalCode.INVALID_INPUT, "`to` must be after `from`.", "to");
    if (to.getTime() - from.getTime() > MAX_PERIOD_MS)
      throw refusal(RefusalCode.INVALID_INPUT, "The period is at most 10 years.", "to");
    const reseller = resellerId ? await this.ds.getRepository(Reseller).findOneBy({ id: resellerId }) : null;
    if (!reseller || !canSeeResellerData(scope.caller, reseller.id)) return null;
    const p = [reseller.id, from, to];
    const byState: { status: string; n: number }[] = await this.ds.query(
      `SELECT status, count(*)::int AS n FROM application WHERE reseller_id = $1 AND submitted_at >= $2 AND submitted_at < $3 GROUP BY status`,
      p,
    );
    const [issued]: { issued: number; renewed: number }[] = await this.ds.query(
      `SELECT count(*)::int AS issued, count(*) FILTER (WHERE a.kind = 'RENEWAL')::int AS renewed
         FROM certificate c JOIN application a ON a.id = c.application_id
        WHERE a.reseller_id = $1 AND c.source = 'ISSUED' AND c.not_before >= $2 AND c.not_before < $3`,
      p,
    );
    const [revoked]: { n: number }[] = await this.ds.query(
      `SELECT count(*)::int AS n FROM revocation r JOIN certificate c ON c.id = r.certificate_id JOIN contract k ON k.id = c.contract_id
        LEFT JOIN application a ON a.id = c.application_id
        WHERE (a.reseller_id = $1 OR (a.id IS NULL AND k.reseller_id = $1)) AND r.status = 'EXECUTED' AND r.executed_at >= $2 AND r.executed_at < $3`,
      p,
    );
    const [fees]: { amount: number; tax: number }[] = await this.ds.query(
      `SELECT coalesce(sum(amount_yen), 0)::int AS amount, coalesce(sum(tax_yen), 0)::int AS tax FROM charge WHERE reseller_id = $1 AND charged_at >= $2 AND charged_at < $3`,
      p,
    );
    const counts = new Map(byState.map((r) => [r.status, r.n]));
    const applicationsByState = STATES.map((state) => ({ state, count: counts.get(state) ?? 0 }));
    return {
      reseller,
      from,
      to,
      generatedAt: this.clock.now(),
      applicationsByState,
      applicationsSubmitted: applicationsByState.reduce((n, s) => n + s.count, 0),
      certificatesIssued: issued.issued,
      certificatesRenewed: issued.renewed,
      certificatesRevoked: revoked.n,
      feesYen: fees.amount,
      feesTaxYen: fees.tax,
      feesTotalYen: fees.amount + fees.tax,
    };
  }
}

/** RES-7 as CSV: one `metric,value` row per figure, RFC 4180, UTF-8. */
export function activityReportCsv(r: ActivityReport): string {
  const rows: [string, string | number][] = [
    ["reseller_code", r.reseller.code],
    ["from", r.from.toISOString()],
    ["to", r.to.toISOString()],
    ["generated_at", r.generatedAt.toISOString()],
    ...r.applicationsByState.map((s) => [`applications_state_${s.state.toLowerCase()}`, s.count] as [string, number]),
    ["applications_submitted", r.applicationsSubmitted],
    ["certificates_issued", r.certificatesIssued],
    ["certificates_renewed", r.certificatesRenewed],
    ["certificates_revoked", r.certificatesRevoked],
    ["fees_yen", r.feesYen],
    ["fees_tax_yen", r.feesTaxYen],
    ["fees_total_yen", r.feesTotalYen],
  ];
  const cell = (v: string | number) =>
    typeof v === "number" || !/[",\r\n]/.test(v) ? String(v) : `"${v.replace(/"/g, '""')}"`;
  return ["metric,value", ...rows.map(([k, v]) => `${k},${cell(v)}`)].join("\r\n") + "\r\n";
}
