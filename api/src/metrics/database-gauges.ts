import { Gauge, Registry } from "prom-client";
import { DataSource } from "typeorm";

/**
 * Figures only the database knows, read when Prometheus scrapes (in the primary, once for the whole
 * deployment's share of this machine): how far behind each job queue is, how old and how large each
 * CA's CRL is, the webhook backlog and its dead letters, and notices the mail server has refused.
 */
export function registerDatabaseGauges(registry: Registry, ds: DataSource): void {
  new Gauge({
    name: "akashi_job_lag_seconds",
    help: "Per job kind: how long the oldest due job has waited (0 when none is due).",
    labelNames: ["kind"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows: { kind: string; lag: number }[] = await ds.query(
        `SELECT kind, EXTRACT(EPOCH FROM (now() - min(run_at)))::float8 AS lag FROM job WHERE status = 'PENDING' AND run_at <= now() GROUP BY kind`,
      );
      for (const r of rows) this.set({ kind: r.kind }, Math.max(0, r.lag));
    },
  });
  const crl = (name: string, help: string, column: string) =>
    new Gauge({
      name,
      help,
      // STAT-1: one series per CRL scope (shard, or "legacy"): a shard left stale must show on its own.
      labelNames: ["ca", "shard"] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const rows: { ca: string; shard: string; v: number }[] = await ds.query(
          `SELECT DISTINCT ON (issuing_ca_id, shard) issuing_ca_id::text AS ca, coalesce(shard::text, 'legacy') AS shard, ${column} AS v
           FROM crl ORDER BY issuing_ca_id, shard, crl_number DESC`,
        );
        for (const r of rows) this.set({ ca: r.ca, shard: r.shard }, Number(r.v));
      },
    });
  crl(
    "akashi_crl_age_seconds",
    "Per CA and CRL shard: seconds since its newest CRL's thisUpdate (STAT-1: re-published within seconds of a revocation, and daily).",
    "EXTRACT(EPOCH FROM (now() - this_update))::float8",
  );
  crl("akashi_crl_bytes", "Per CA and CRL shard: size of its newest CRL, DER bytes.", "octet_length(der)");
  new Gauge({
    name: "akashi_webhook_deliveries",
    help: "Webhook deliveries by status: PENDING and IN_FLIGHT are the backlog, DEAD the dead letters.",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows: { status: string; n: number }[] = await ds.query(
        `SELECT status, count(*)::int AS n FROM webhook_delivery WHERE status <> 'DELIVERED' GROUP BY status`,
      );
      for (const s of ["PENDING", "IN_FLIGHT", "DEAD"])
        this.set({ status: s }, rows.find((r) => r.status === s)?.n ?? 0);
    },
  });
  new Gauge({
    name: "akashi_notices_failing",
    help: "E-mail notices not yet accepted by the mail server after at least one refused attempt.",
    registers: [registry],
    async collect() {
      const [r]: { n: number }[] = await ds.query(
        `SELECT count(*)::int AS n FROM notice WHERE sent_at IS NULL AND channel = 'EMAIL' AND attempts > 0`,
      );
      this.set(r.n);
    },
  });
}
