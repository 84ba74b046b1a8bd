/**
 * APP-9 SSRF guard: internal addresses are never contacted by a domain-control check, so the CA
 * cannot be used to probe its own network. The address is judged inside the socket's own `lookup`,
 * i.e. on the very address connected to, so a second DNS answer cannot slip in between check and
 * connect.
 */
import type { LookupAddress, LookupOptions } from "node:dns";
import { type AddressCategory, classifyAddress } from "../net/public-address";

/** The `dns.lookup` shape the HTTP client calls (`all: true` when it may try several addresses). */
export type DcvLookup = (
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** The error a refused address gives; `code` is "DESTINATION_NOT_ALLOWED". */
export class DestinationNotAllowedError extends Error {
  readonly code = "DESTINATION_NOT_ALLOWED";
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly category: AddressCategory,
  ) {
    super(`${hostname} resolves to ${address} (${category}); only public addresses are contacted`);
  }
}

/**
 * Wraps a lookup so that it answers only when every address it found is public; one internal
 * address refuses the whole name (a mixed answer is how DNS rebinding would get in).
 */
export function publicOnlyLookup(base: DcvLookup, seen?: (addresses: string[]) => void): DcvLookup {
  return (hostname, options, callback) => {
    base(hostname, options, (err, address, family) => {
      if (err) {
        callback(err, address, family);
        return;
      }
      const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
      seen?.(list);
      for (const a of list) {
        const category = classifyAddress(a);
        if (category !== "public") {
          callback(new DestinationNotAllowedError(hostname, a, category), options.all ? [] : "", family);
          return;
        }
      }
      callback(null, address, family);
    });
  };
}
