import { DataSource } from "typeorm";
import { requireAuthenticated } from "../auth";
import { statementDueAt } from "../domain";
import { Clock } from "../domain/clock";
import { badUserInput } from "../errors";
import { checkPageSize } from "../paging";
import { RequestScope } from "../request-scope";
import { statementMonth } from "./statement";

export interface OverdueStatementRow {
  resellerId: string;
  month: string;
  dueAt: Date;
  totalYen: number;
  paidYen: number;
  outstandingYen: number;
  lines: number;
}

const encode = (r: { month: string; resellerId: string }) =>
  Buffer.from(`o:${r.month}:${r.resellerId}`, "utf8").toString("base64url");

function decode(cursor: string): { month: string; resellerId: string } {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const m = /^o:(\d{4}-\d{2}):([0-9a-f-]{36})$/.exec(text);
  if (!m) throw badUserInput("`after` is not a cursor from this list.");
  return { month: m[1], resellerId: m[2] };
}

/**
 * CON-7, REV-4: statements whose due date has passed with something still owed, oldest month
 * first — the operator's list for collection (and, failing that, S 11.4(4) revocation). A reseller
 * asking sees only its own. Totals are sums of the lines (tax included) less the payments recorded.
 */
export class OverdueReport {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async page(scope: RequestScope, args: { first?: number | null; after?: string | null }) {
    requireAuthenticated(scope.caller);
    const first = checkPageSize(args.first);
    const own = scope.caller.kind === "RESELLER" ? scope.caller.resellerId : null;
    const after = args.after ? decode(args.after) : null;
    const rows: { reseller_id: string; month: string; total: string; paid: string; lines: number }[] =
      await this.ds.query(
        `WITH lines AS (
         SELECT reseller_id, to_char(charged_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM') AS month,
                sum(amount_yen + tax_yen) AS total, count(*)::int AS lines
         FROM charge WHERE due_at < $1 AND ($2::uuid IS NULL OR reseller_id = $2) GROUP BY 1, 2
       ), paid AS (
         SELECT reseller_id, statement_month AS month, sum(amount_yen) AS paid
         FROM payment WHERE ($2::uuid IS NULL OR reseller_id = $2) GROUP BY 1, 2
       )
       SELECT l.reseller_id, l.month, l.total::text, coalesce(p.paid, 0)::text AS paid, l.lines
       FROM lines l LEFT JOIN paid p ON p.reseller_id = l.reseller_id AND p.month = l.month
       WHERE l.total > coalesce(p.paid, 0) AND ($3::text IS NULL OR (l.month, l.reseller_id) > ($3::text, $4::uuid))
       ORDER BY l.month, l.reseller_id LIMIT $5`,
        [this.clock.now(), own, after?.month ?? null, after?.resellerId ?? null, first + 1],
      );
    const nodes: OverdueStatementRow[] = rows.slice(0, first).map((r) => {
      const range = statementMonth(r.month);
      const totalYen = Number(r.total);
      const paidYen = Number(r.paid);
      return {
        resellerId: r.reseller_id,
        month: r.month,
        dueAt: statementDueAt(range ? range.from : new Date(0)),
        totalYen,
        paidYen,
        outstandingYen: totalYen - paidYen,
        lines: r.lines,
      };
    });
    const edges = nodes.map((node) => ({ node, cursor: encode(node) }));
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
