import http from "node:http";
import { runLoad, type LoadResult, type LoadSpec } from "./load";
import type { Row } from "./report";
import type { BenchApp } from "./setup";

/** A bare Node http server answering every request with one fixed response: the same-run baseline. */
export class BareServer {
  response: { body: Buffer; contentType: string } = { body: Buffer.alloc(0), contentType: "text/plain" };
  readonly handler: http.RequestListener = (req, res) => {
    req.on("data", () => {});
    req.on("end", () => {
      const { body, contentType } = this.response;
      res.writeHead(200, { "Content-Type": contentType, "Content-Length": body.length, "Cache-Control": "no-store" });
      res.end(body);
    });
  };
}

export interface BareRef {
  origin: string;
  server: BareServer;
}

export interface Scenario {
  name: string;
  spec: Omit<LoadSpec, "origin" | "label">;
  /** Full check of one sampled body; null when right. */
  check(body: Buffer, requestBody: Buffer | undefined): string | null;
  /** Checked by openssl too (first sample). */
  openssl?(body: Buffer, requestBody: Buffer | undefined): string | null;
}

export interface ScenarioResult {
  scenario: string;
  app: LoadResult;
  baseline: LoadResult;
  ratio: number;
  badBodies: number;
  checkedBodies: number;
  problems: string[];
}

export const strip = (r: LoadResult) => {
  const { samples, ...rest } = r;
  return { ...rest, sampled: samples.length };
};

function checkSamples(s: Scenario, result: LoadResult): { bad: number; problems: string[] } {
  const problems: string[] = [];
  let bad = result.quickCheckFailures;
  if (result.quickCheckFailures) problems.push(`${result.quickCheckFailures} 2xx bodies failed the quick check`);
  let opensslDone = false;
  for (const sample of result.samples) {
    if (sample.status < 200 || sample.status >= 300) continue; // counted as non-2xx
    const sent = sample.requestBody ? Buffer.from(sample.requestBody) : undefined;
    const why = s.check(Buffer.from(sample.body), sent);
    if (why) {
      bad++;
      if (problems.length < 10) problems.push(`#${sample.index}: ${why}`);
    }
    if (s.openssl && !opensslDone) {
      opensslDone = true;
      const o = s.openssl(Buffer.from(sample.body), sent);
      if (o) {
        bad++;
        problems.push(`openssl on #${sample.index}: ${o}`);
      }
    }
  }
  return { bad, problems };
}

/** Warm-up and load of the bare server with `fixedBody`, then of the app; every sampled app body checked. */
export async function measureAgainstBaseline(
  app: BenchApp,
  bare: BareRef,
  s: Scenario,
  fixedBody: { body: Buffer; contentType: string },
  seconds: number,
): Promise<ScenarioResult> {
  const short = { maxRequests: 300, maxSeconds: Math.min(1, seconds / 4), sample: { first: 0, every: 0 } };
  bare.server.response = fixedBody;
  await runLoad({ ...s.spec, ...short, label: `${s.name} baseline warm-up`, origin: bare.origin });
  const baseline = await runLoad({ ...s.spec, label: `${s.name} baseline`, origin: bare.origin });
  await runLoad({ ...s.spec, ...short, label: `${s.name} warm-up`, origin: app.origin });
  const result = await runLoad({ ...s.spec, label: s.name, origin: app.origin });
  const { bad, problems } = checkSamples(s, result);
  if (result.non2xx || result.errors)
    problems.push(`${result.non2xx} non-2xx, ${result.errors} transport errors; first: ${result.firstError}`);
  if (baseline.non2xx || baseline.errors || baseline.quickCheckFailures) {
    problems.push(
      `baseline: ${baseline.non2xx} non-2xx, ${baseline.errors} errors, ${baseline.quickCheckFailures} bad bodies; ` +
        `first: ${baseline.firstError}`,
    );
  }
  return {
    scenario: s.name,
    app: result,
    baseline,
    ratio: result.rps / baseline.rps,
    badBodies: bad,
    checkedBodies: result.samples.length,
    problems,
  };
}

export function rowsFor(r: ScenarioResult): Row[] {
  const b = r.baseline;
  return [
    {
      scenario: `${r.scenario} — bare http baseline`,
      requests: b.requests,
      seconds: b.seconds,
      perSecond: b.rps,
      p50Ms: b.p50Ms,
      p99Ms: b.p99Ms,
      non2xx: b.non2xx + b.errors,
      badBodies: b.quickCheckFailures,
    },
    {
      scenario: `${r.scenario} — Akashi`,
      requests: r.app.requests,
      seconds: r.app.seconds,
      perSecond: r.app.rps,
      p50Ms: r.app.p50Ms,
      p99Ms: r.app.p99Ms,
      ratio: r.ratio,
      ratioLabel: "of baseline",
      non2xx: r.app.non2xx + r.app.errors,
      badBodies: r.badBodies,
    },
  ];
}
