import type { ServerResponse } from "node:http";

/**
 * Headers every response carries, whatever route (or no route) answers it: nothing Akashi sends may be
 * sniffed into another type, framed by another site, or leak our URLs onwards. Pages that need more
 * (the verification page's style hash) replace the CSP with a stricter one of their own.
 */
const BASELINE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) res.setHeader(name, value);
}
