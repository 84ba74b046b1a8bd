/**
 * The link target of the badge. Pure (no DOM, no Lit).
 * SEAL-2: the badge links only to the operator's verification page, on the origin the script came from.
 */
import type { Lang } from "./i18n";

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
