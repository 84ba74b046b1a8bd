/**
 * The link target of the badge. Pure (no DOM).
 * SEAL-2: the badge links only to the operator's verification page, on the origin the script came from.
 */
import type { Lang } from "./i18n";

/**
 * SEAL-2: the badge opens the verification page in a new tab without giving it a handle back to this page
 * (`noopener`), but lets the browser report the embedding page's origin as the Referer (no
 * `noreferrer`; `strict-origin` sends the origin only, never the path, and nothing on an HTTPS→HTTP
 * downgrade). The page trusts that Referer; `?origin=` cannot be trusted (anyone can write the link)
 * and only helps when the embedding page's own Referrer-Policy suppresses the Referer.
 */
export const LINK_TARGET = "_blank";
export const LINK_REL = "noopener";
export const LINK_REFERRER_POLICY = "strict-origin";

/**
 * `verificationUrl` (when it is on `apiOrigin`; otherwise `<apiOrigin>/verify/<sealId>`)
 * + `?origin=<encodeURIComponent(pageOrigin)>&lang=<ja|en>`.
 */
export function verificationHref(
  apiOrigin: string,
  sealId: string,
  verificationUrl: string | null | undefined,
  pageOrigin: string,
  lang: Lang,
): string {
  let base = `${apiOrigin}/verify/${encodeURIComponent(sealId)}`;
  if (verificationUrl) {
    try {
      const u = new URL(verificationUrl);
      if (u.origin === apiOrigin && (u.protocol === "https:" || u.protocol === "http:")) base = u.href;
    } catch {
      /* keep the constructed URL */
    }
  }
  return `${base}${base.includes("?") ? "&" : "?"}origin=${encodeURIComponent(pageOrigin)}&lang=${lang}`;
}
