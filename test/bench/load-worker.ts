import { randomBytes } from "node:crypto";
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import type { LoadResult, LoadSpec, QuickCheck, Sample } from "./load-types";

/**
 * A small closed-loop HTTP load generator, run in a worker thread so that it does not share an event
 * loop with the server under test: `concurrency` keep-alive connections each send the next request as
 * soon as the previous answer is read in full. Bounded by a request count and by time.
 */

function quickOk(check: QuickCheck, body: Buffer): boolean {
  switch (check.kind) {
    case "none":
      return true;
    case "contains":
      return body.includes(check.text);
    case "ocsp-successful": {
      // SEQUENCE, definite length covering the whole body, then ENUMERATED 0 (successful).
      if (body.length < 5 || body[0] !== 0x30) return false;
      let len = body[1];
      let at = 2;
      if (len & 0x80) {
        const n = len & 0x7f;
        if (n < 1 || n > 3) return false;
        len = 0;
        for (let i = 0; i < n; i++) len = (len << 8) | body[at + i];
        at += n;
      }
      if (at + len !== body.length) return false;
      return body[at] === 0x0a && body[at + 1] === 0x01 && body[at + 2] === 0x00;
    }
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency, maxFreeSockets: spec.concurrency });
  const origin = new URL(spec.origin);
  if (origin.hostname !== "127.0.0.1" && origin.hostname !== "localhost" && origin.hostname !== "[::1]")
    throw new Error(`load generator is loopback-only (got ${origin.hostname})`);
  const bodies = (spec.bodies ?? []).map((b) => Buffer.from(b));
  const latencies = new Float64Array(spec.maxRequests);
  const samples: Sample[] = [];
  const noncePrefix = randomBytes(8);
  let issued = 0;
  let done = 0;
  let ok2xx = 0;
  let non2xx = 0;
  let errors = 0;
  let quickCheckFailures = 0;
  let bodyBytes = 0;
  let firstError: string | undefined;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(spec.maxSeconds * 1e9));

  const wantSample = (i: number) => i < spec.sample.first || (spec.sample.every > 0 && i % spec.sample.every === 0);

  const one = (i: number): Promise<void> =>
    new Promise((resolve) => {
      let body: Buffer | undefined;
      if (bodies.length) {
        body = bodies[i % bodies.length]!;
        if (spec.nonce) {
          body = Buffer.from(body);
          // 8 random bytes fixed per run + an 8-byte counter: unique within and across runs.
          noncePrefix.copy(body, spec.nonce.offset, 0, Math.min(8, spec.nonce.length));
          if (spec.nonce.length > 8) body.writeBigUInt64BE(BigInt(i), spec.nonce.offset + spec.nonce.length - 8);
        }
      }
      const headers: Record<string, string | number> = { ...spec.headers };
      if (body) headers["Content-Length"] = body.length;
      const t0 = process.hrtime.bigint();
      const req = http.request(
        {
          agent,
          host: origin.hostname,
          port: origin.port,
          method: spec.method,
          path: spec.paths[i % spec.paths.length],
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
            const status = res.statusCode ?? 0;
            const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
            bodyBytes += buf.length;
            if (status >= 200 && status < 300) {
              ok2xx++;
              if (!quickOk(spec.quickCheck, buf)) quickCheckFailures++;
            } else {
              non2xx++;
              firstError ??= `HTTP ${status}: ${buf.subarray(0, 200).toString("utf8")}`;
            }
            if (wantSample(i))
              samples.push({
                index: i,
                status,
                body: new Uint8Array(buf),
                ...(body ? { requestBody: new Uint8Array(body) } : {}),
              });
            done++;
            resolve();
          });
          res.on("error", (e) => {
            latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
            errors++;
            firstError ??= `response error: ${e.message}`;
            done++;
            resolve();
          });
        },
      );
      req.on("error", (e) => {
        latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
        errors++;
        firstError ??= `request error: ${e.message}`;
        done++;
        resolve();
      });
      req.end(body);
    });

  const loop = async () => {
    while (issued < spec.maxRequests && process.hrtime.bigint() < deadline) await one(issued++);
  };
  await Promise.all(Array.from({ length: spec.concurrency }, loop));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  const sorted = latencies.slice(0, done).sort();
  return {
    label: spec.label,
    requests: done,
    ok2xx,
    non2xx,
    errors,
    quickCheckFailures,
    ...(firstError !== undefined ? { firstError } : {}),
    seconds,
    rps: done / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : 0,
    meanBodyBytes: done ? bodyBytes / done : 0,
    samples: samples.sort((a, b) => a.index - b.index),
  };
}

run(workerData as LoadSpec).then(
  (result) => parentPort!.postMessage({ ok: true, result }),
  (err: unknown) =>
    parentPort!.postMessage({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
);
