/** What the main thread asks the load worker to do, and what it gets back (structured-cloned). */

/** A cheap check run by the worker on every response body (full checks run on the samples). */
export type QuickCheck =
  | { kind: "none" }
  /** DER OCSPResponse with responseStatus successful(0), and the outer length equals the body length. */
  | { kind: "ocsp-successful" }
  /** The body contains this text (e.g. `"status":"VALID"`). */
  | { kind: "contains"; text: string };

export interface LoadSpec {
  label: string;
  /** http://127.0.0.1:port (loopback only). */
  origin: string;
  method: "GET" | "POST";
  /** Request i uses paths[i % paths.length]. */
  paths: string[];
  headers: Record<string, string>;
  /** Request i uses bodies[i % bodies.length] (none for GET). */
  bodies?: Uint8Array[];
  /** Overwrite `length` bytes at `offset` of the body with fresh unique bytes for every request (OCSP nonce). */
  nonce?: { offset: number; length: number };
  concurrency: number;
  /** Stop issuing requests after this many … */
  maxRequests: number;
  /** … or after this many seconds, whichever comes first; in-flight requests are awaited. */
  maxSeconds: number;
  /** Return the bodies of the first N responses and of every Nth after that. */
  sample: { first: number; every: number };
  quickCheck: QuickCheck;
}

export interface Sample {
  index: number;
  status: number;
  body: Uint8Array;
  /** The request body sent (for nonce requests: with the nonce written into it). */
  requestBody?: Uint8Array;
}

export interface LoadResult {
  label: string;
  requests: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  /** 2xx responses that failed the quick check. */
  quickCheckFailures: number;
  firstError?: string;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanBodyBytes: number;
  samples: Sample[];
}
