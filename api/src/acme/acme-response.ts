import type { Response } from "express";

/** What an ACME handler answers; the router adds Replay-Nonce, Link and Cache-Control. */
export interface AcmeResponse {
  status: number;
  body?: unknown;
  /** A body that is not JSON (the certificate chain). */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Extra Link header values (e.g. `<…>;rel="up"`). */
  links?: string[];
  /** The body is a problem document that the transaction nonetheless committed (state changed). */
  problem?: boolean;
}

export function send(res: Response, r: AcmeResponse): void {
  for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
  if (r.links?.length) res.append("Link", r.links);
  res.status(r.status);
  if (r.text !== undefined) {
    res.type(r.contentType ?? "text/plain").send(r.text);
  } else if (r.body !== undefined) {
    res
      .type(r.problem ? "application/problem+json" : (r.contentType ?? "application/json"))
      .send(JSON.stringify(r.body));
  } else {
    res.end();
  }
}
