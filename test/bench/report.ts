/** Plain-text tables for the benchmark's output. */

export interface Row {
  scenario: string;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Ratio to the section's baseline (shown as "×0.42"); undefined for the baseline itself. */
  ratio?: number;
  ratioLabel?: string;
  non2xx?: number;
  badBodies?: number;
}

const fmt = (n: number, digits = 1) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "-";

export function table(title: string, rows: Row[], ratioHeader = "ratio"): string {
  const header = ["scenario", "requests", "seconds", "req/s", "p50 ms", "p99 ms", ratioHeader, "non-2xx", "bad bodies"];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.requests),
    fmt(r.seconds, 2),
    fmt(r.perSecond, 1),
    fmt(r.p50Ms, 2),
    fmt(r.p99Ms, 2),
    r.ratio === undefined
      ? (r.ratioLabel ?? "baseline")
      : `${fmt(r.ratio, 3)}${r.ratioLabel ? ` ${r.ratioLabel}` : ""}`,
    r.non2xx === undefined ? "-" : String(r.non2xx),
    r.badBodies === undefined ? "-" : String(r.badBodies),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  return [`\n== ${title}`, line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

/** A plain table of already formatted cells (first column left-aligned, the rest right-aligned). */
export function plainTable(title: string, header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  return [`\n== ${title}`, line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export { fmt };
