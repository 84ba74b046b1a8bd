/**
 * APP-9, ACME-4: domain control proved by a file on the name's web server.
 *
 * - HTTP_FILE, BR 3.2.2.4.18 "Agreed-Upon Change to Website v2": GET
 *   `http://<name>/.well-known/pki-validation/<token>.txt`; success iff status 200 and the trimmed body
 *   is exactly the token.
 * - ACME_HTTP_01, RFC 8555 §8.3 / BR 3.2.2.4.19: GET `http://<name>/.well-known/acme-challenge/<token>`;
 *   success iff status 200 and the body, less trailing whitespace, is exactly the key authorisation.
 *
 * Both over plain HTTP on port 80 (an Authorized Port), one overall deadline, redirects never followed
 * (BR permits only some; refusing all is the conservative subset) and reported with their Location.
 * Neither can validate a wildcard: such a request fails without any network I/O. Results are returned,
 * never thrown. Internal names and addresses are never contacted (destination.ts); host overrides are
 * the operator's explicit configuration (tests, demos) and are exempt from the address check.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import { lookup as systemLookup } from "node:dns";
import { classifyAddress } from "../net/public-address";
import {
  type DcvNetworkOptions,
  assertOptions,
  errorCode,
  errorMessage,
  finish,
  isResult,
  precheck,
} from "./check-common";
import { type DcvLookup, DestinationNotAllowedError, publicOnlyLookup } from "./destination";
import type { DcvEvidence, DcvFailure, DcvMethod, DcvResult } from "./evidence";
import { type HostPort, formatHostPort, overrideFor } from "./host-overrides";
import { acmeHttpUrl, canonicalName, httpFileUrl } from "./names";

/** Largest HTTP body read (64 KiB); a longer body fails with BODY_TOO_LARGE. */
export const MAX_HTTP_BODY_BYTES = 64 * 1024;
/** Characters of the body kept in evidence. */
const EVIDENCE_BODY_PREFIX_CHARS = 200;
const USER_AGENT = "Akashi-DCV/1.0";

interface HttpSpec {
  method: DcvMethod;
  name: string;
  token: string;
  path: (token: string) => string;
  url: (name: string, token: string) => string;
  /** Whether the body proves control. */
  matches: (body: string) => boolean;
  expected?: string;
}

/** APP-9, BR 3.2.2.4.18: the token at `/.well-known/pki-validation/<token>.txt`. */
export function checkHttpFile(name: string, token: string, options: DcvNetworkOptions): Promise<DcvResult> {
  return checkHttp(
    {
      method: "HTTP_FILE",
      name,
      token,
      path: (t) => `/.well-known/pki-validation/${t}.txt`,
      url: httpFileUrl,
      matches: (b) => b.trim() === token,
    },
    options,
  );
}

/** ACME-4, RFC 8555 §8.3: the key authorisation at `/.well-known/acme-challenge/<token>`. */
export function checkAcmeHttp01(
  name: string,
  token: string,
  keyAuthorization: string,
  options: DcvNetworkOptions,
): Promise<DcvResult> {
  return checkHttp(
    {
      method: "ACME_HTTP_01",
      name,
      token,
      path: (t) => `/.well-known/acme-challenge/${t}`,
      url: acmeHttpUrl,
      matches: (b) => b.replace(/\s+$/, "") === keyAuthorization,
      expected: keyAuthorization,
    },
    options,
  );
}

async function checkHttp(spec: HttpSpec, options: DcvNetworkOptions): Promise<DcvResult> {
  assertOptions(options);
  const evidence: DcvEvidence = { method: spec.method, result: "FAILED", name: spec.name, token: spec.token };
  if (canonicalName(spec.name).startsWith("*")) {
    return finish(
      options,
      evidence,
      "WILDCARD_NOT_ALLOWED",
      "BR 3.2.2.4: an HTTP method cannot validate a wildcard name; use DNS",
    );
  }
  const pre = precheck(spec.name, spec.token, options, evidence);
  if (isResult(pre)) return pre;
  const host = pre.name;
  const override = overrideFor(options.hostOverrides, host);
  const target: HostPort = override ?? { host, port: 80 };
  evidence.name = host;
  evidence.url = spec.url(host, spec.token);
  if (spec.expected !== undefined) evidence.expected = spec.expected;
  evidence.connectTo = formatHostPort(target.host, target.port);
  if (override) evidence.hostOverride = true;
  const lookup = override
    ? undefined
    : publicOnlyLookup(options.lookup ?? systemLookup, (addresses) => (evidence.resolvedAddresses = addresses));
  return fetchOnce({ spec, host, target, lookup, override: override !== undefined, evidence }, options);
}

interface FetchPlan {
  spec: HttpSpec;
  host: string;
  target: HostPort;
  lookup: DcvLookup | undefined;
  override: boolean;
  evidence: DcvEvidence;
}

function fetchOnce(plan: FetchPlan, options: DcvNetworkOptions): Promise<DcvResult> {
  const { evidence } = plan;
  return new Promise<DcvResult>((resolve) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    const settle = (failure?: DcvFailure, detail?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      resolve(finish(options, evidence, failure, detail));
    };
    const timer = setTimeout(() => {
      evidence.errorCode = "TIMEOUT";
      settle("TIMEOUT", `no complete answer within ${options.timeoutMs} ms`);
    }, options.timeoutMs);
    const refuse = (err: DestinationNotAllowedError): void => {
      evidence.errorCode = err.code;
      evidence.refusedAddress = err.address;
      evidence.addressCategory = err.category;
      settle("DESTINATION_NOT_ALLOWED", err.message);
    };
    const fail = (err: unknown): void => {
      if (settled) return;
      if (err instanceof DestinationNotAllowedError) return refuse(err);
      evidence.errorCode = errorCode(err);
      settle("NETWORK_ERROR", errorMessage(err));
    };
    try {
      req = http.request({
        host: plan.target.host,
        port: plan.target.port,
        method: "GET",
        path: plan.spec.path(plan.spec.token),
        agent: false,
        ...(plan.lookup ? { lookup: plan.lookup as unknown as http.RequestOptions["lookup"] } : {}),
        headers: {
          Host: plan.host,
          "User-Agent": USER_AGENT,
          Accept: "*/*",
          "Accept-Encoding": "identity",
          Connection: "close",
        },
      });
    } catch (err) {
      fail(err);
      return;
    }
    req.on("socket", (socket) => {
      socket.on("connect", () => {
        if (socket.remoteAddress)
          evidence.connectedAddress = formatHostPort(socket.remoteAddress, socket.remotePort ?? plan.target.port);
        // Second line of defence: whatever resolved the name, the peer itself must be public.
        const category = plan.override ? "public" : classifyAddress(socket.remoteAddress ?? "");
        if (category !== "public")
          refuse(new DestinationNotAllowedError(plan.host, socket.remoteAddress ?? "", category));
      });
    });
    req.on("error", fail);
    req.on("response", (res) => readResponse(res, plan, settle, fail, () => settled));
    req.end();
  });
}

function readResponse(
  res: http.IncomingMessage,
  plan: FetchPlan,
  settle: (failure?: DcvFailure, detail?: string) => void,
  fail: (err: unknown) => void,
  isSettled: () => boolean,
): void {
  const { evidence } = plan;
  const status = res.statusCode ?? 0;
  evidence.status = status;
  if (res.headers["content-type"] !== undefined) evidence.contentType = res.headers["content-type"];
  const location = res.headers.location;
  if (status >= 300 && status < 400 && location !== undefined) {
    evidence.location = location;
    res.resume();
    settle("REDIRECT_NOT_FOLLOWED", `HTTP ${status} redirect to ${location}; redirects are not followed`);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const recordBody = (): string => {
    const body = Buffer.concat(chunks);
    evidence.bodyBytes = body.length;
    evidence.bodySha256 = createHash("sha256").update(body).digest("hex");
    const text = body.toString("utf8");
    evidence.bodyPrefix = text.slice(0, EVIDENCE_BODY_PREFIX_CHARS);
    return text;
  };
  res.on("data", (chunk: Buffer) => {
    if (isSettled()) return;
    const room = MAX_HTTP_BODY_BYTES - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      size += room;
      recordBody();
      evidence.bodyTruncated = true;
      settle("BODY_TOO_LARGE", `the body is longer than ${MAX_HTTP_BODY_BYTES} bytes`);
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  res.on("error", fail);
  res.on("end", () => {
    if (isSettled()) return;
    const text = recordBody();
    if (status !== 200) return settle("HTTP_STATUS", `HTTP status ${status}, expected 200`);
    if (!plan.spec.matches(text))
      return settle("BODY_MISMATCH", "the file does not contain exactly the expected value");
    settle();
  });
}
