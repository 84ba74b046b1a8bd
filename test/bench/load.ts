import http from "node:http";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { LoadResult, LoadSpec } from "./load-types";

export type { LoadResult, LoadSpec } from "./load-types";

/** Runs one load in a fresh worker thread (its own event loop, so the server keeps the main one). */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, "load-worker.js"), { workerData: spec });
    let settled = false;
    worker.once("message", (msg: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
      settled = true;
      void worker.terminate();
      if (msg.ok) resolve(msg.result);
      else reject(new Error(`load worker (${spec.label}): ${msg.error}`));
    });
    worker.once("error", (e) => {
      if (!settled) reject(e);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`load worker (${spec.label}) exited with ${code}`));
    });
  });
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A transport error on a socket that an earlier request had used. */
class ReusedSocketError extends Error {
  constructor(message: string, cause: Error) {
    super(message, { cause });
  }
}

/** A keep-alive HTTP client for set-up, scripted flows and spot checks (main thread). */
export class HttpClient {
  private readonly agent: http.Agent;
  private readonly origin: URL;

  constructor(origin: string, maxSockets = 8) {
    this.origin = new URL(origin);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /**
   * One request. A GET that fails on a reused keep-alive socket is sent once more on a new one: the server
   * may close an idle socket (its keep-alive timeout) just as the request goes out on it, and only a
   * request that changes nothing may be repeated (Node's documented pattern for `reusedSocket`).
   */
  async request(
    method: string,
    pathAndQuery: string,
    headers: Record<string, string> = {},
    body?: Buffer | string,
  ): Promise<HttpResponse> {
    try {
      return await this.send(method, pathAndQuery, headers, body);
    } catch (e) {
      if (method !== "GET" || !(e instanceof ReusedSocketError)) throw e;
      return this.send(method, pathAndQuery, headers, body);
    }
  }

  private send(
    method: string,
    pathAndQuery: string,
    headers: Record<string, string>,
    body: Buffer | string | undefined,
  ): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const h: Record<string, string | number> = { ...headers };
      if (body !== undefined) h["Content-Length"] = Buffer.byteLength(body);
      const req = http.request(
        {
          agent: this.agent,
          host: this.origin.hostname,
          port: this.origin.port,
          method,
          path: pathAndQuery,
          headers: h,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        },
      );
      // Which request failed, and on what kind of socket: a transport error alone ("socket hang up") does not say.
      req.on("error", (e: Error) => {
        const what = `${method} ${pathAndQuery.slice(0, 80)}: ${e.message}`;
        reject(
          req.reusedSocket
            ? new ReusedSocketError(`${what} (reused socket)`, e)
            : new Error(`${what} (new socket)`, { cause: e }),
        );
      });
      req.end(body);
    });
  }

  /** POST /graphql; throws on HTTP errors and on top-level GraphQL errors. */
  async gql<T = any>(key: string | null, query: string, variables?: Record<string, unknown>): Promise<T> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (key) headers.Authorization = `Bearer ${key}`;
    const res = await this.request("POST", "/graphql", headers, JSON.stringify({ query, variables }));
    const parsed = JSON.parse(res.body.toString("utf8")) as { data?: T; errors?: unknown[] };
    if (res.status !== 200 || parsed.errors)
      throw new Error(`GraphQL ${res.status}: ${JSON.stringify(parsed.errors ?? parsed).slice(0, 500)}`);
    return parsed.data as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at a time, stopping early at `deadline` (ms since epoch). */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
  deadline = Infinity,
): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results.filter((r) => r !== undefined);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
