import { LookupAddress, promises as dns } from "node:dns";
import http from "node:http";
import https from "node:https";
import { LookupFunction, isIP } from "node:net";
import { isPublicAddress } from "../net/public-address";

/**
 * Why an attempt failed, as shown in `WebhookDelivery.lastError`: coarse on purpose. Raw socket and
 * resolver messages would tell a reseller about our network (which internal names resolve, which
 * ports answer) — the very thing an SSRF probe wants to learn.
 */
export const DeliveryFailure = {
  TIMEOUT: "TIMEOUT",
  CONNECTION_REFUSED: "CONNECTION_REFUSED",
  CONNECTION_RESET: "CONNECTION_RESET",
  HOST_UNREACHABLE: "HOST_UNREACHABLE",
  DNS_ERROR: "DNS_ERROR",
  TLS_ERROR: "TLS_ERROR",
  DESTINATION_NOT_ALLOWED: "DESTINATION_NOT_ALLOWED",
  ENDPOINT_INACTIVE: "ENDPOINT_INACTIVE",
  NETWORK_ERROR: "NETWORK_ERROR",
} as const;
export type DeliveryFailure = (typeof DeliveryFailure)[keyof typeof DeliveryFailure];

/** The failure category of an answer that is not 2xx. */
export const httpFailure = (status: number) => `HTTP_${status}`;

/** Every address a host name resolves to (all families, as the resolver orders them). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

function failure(code: DeliveryFailure): Error {
  return Object.assign(new Error(code), { code });
}

/**
 * NOT-1 (SSRF guard): the socket's own `lookup`, so the address checked is the address connected to —
 * no second resolution a rebinding DNS server could answer differently. One private address among
 * the answers refuses the name: the connection could otherwise fall back to it.
 */
export function guardedLookup(resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
        const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        if (addresses.some((a) => !isPublicAddress(a.address)))
          callback(failure(DeliveryFailure.DESTINATION_NOT_ALLOWED), "", 0);
        else if (usable.length === 0)
          callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "", 0);
        else if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 0),
    );
  };
}

export interface PostOptions {
  timeoutMs: number;
  /** Tests and local runs: http and private destinations allowed, no guard. */
  allowInsecure: boolean;
  resolve: Resolver;
}

/**
 * One POST; resolves with the HTTP status, rejects with an error `failureCategory` can name. Redirects
 * are not followed (a 3xx is just a failed attempt), so a public host cannot bounce us inwards.
 */
export function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  o: PostOptions,
): Promise<number> {
  const url = new URL(target);
  if (!o.allowInsecure) {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    // An address literal is connected to without a lookup, so it is checked here.
    if (url.protocol !== "https:" || (isIP(host) !== 0 && !isPublicAddress(host)))
      return Promise.reject(failure(DeliveryFailure.DESTINATION_NOT_ALLOWED));
  }
  const send = url.protocol === "https:" ? https.request : http.request;
  return new Promise<number>((resolve, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        // A fresh connection each time: a pooled socket would skip the lookup above.
        agent: false,
        lookup: o.allowInsecure ? undefined : guardedLookup(o.resolve),
      },
      (res) => {
        clearTimeout(timer);
        // Only the status counts; the body is never read.
        res.destroy();
        resolve(res.statusCode ?? 0);
      },
    );
    const timer = setTimeout(() => req.destroy(failure(DeliveryFailure.TIMEOUT)), o.timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$|EPROTO$)/;

/** The coarse category of a failed request (see DeliveryFailure). */
export function failureCategory(err: unknown): DeliveryFailure {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- an error code of unknown type; only known string codes match below
  const code = String((err as { code?: unknown })?.code ?? "");
  if (Object.values(DeliveryFailure).includes(code as DeliveryFailure)) return code as DeliveryFailure;
  if (code === "ETIMEDOUT" || code === "ESOCKETTIMEDOUT") return DeliveryFailure.TIMEOUT;
  if (code === "ECONNREFUSED") return DeliveryFailure.CONNECTION_REFUSED;
  if (code === "ECONNRESET" || code === "EPIPE" || code === "ECONNABORTED") return DeliveryFailure.CONNECTION_RESET;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return DeliveryFailure.HOST_UNREACHABLE;
  if (code === "ENOTFOUND" || code.startsWith("EAI_")) return DeliveryFailure.DNS_ERROR;
  if (TLS_CODE.test(code)) return DeliveryFailure.TLS_ERROR;
  return DeliveryFailure.NETWORK_ERROR;
}
