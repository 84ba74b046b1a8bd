import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";

/** Every value placed in HTML goes through this: text only, never markup. */
export function esc(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- esc() prints strings, numbers and dates as String() does
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A tagged template that escapes every interpolation unless it is already `SafeHtml`. */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => {
    const part = Array.isArray(v)
      ? v.map((x) => (x instanceof SafeHtml ? x.html : esc(x))).join("")
      : v instanceof SafeHtml
        ? v.html
        : esc(v);
    out += part + strings[i + 1];
  });
  return new SafeHtml(out);
}

/**
 * The same tag under a name the formatter leaves alone: prettier formats templates tagged `html` as HTML,
 * adding line breaks and indentation that become part of the page.
 */
export const markup = html;

/** The page's only stylesheet is inline; CSP allows exactly its hash, nothing else. */
export function styleHash(css: string): string {
  return `'sha256-${createHash("sha256").update(css, "utf8").digest("base64")}'`;
}

export interface LockedPage {
  /** The stylesheet, to inline in the page's <style>. */
  css: string;
  /** The Content-Security-Policy header, computed once. */
  csp: string;
  send(res: ServerResponse, status: number, body: SafeHtml | string): void;
  /** The page's bytes, to send now or keep (http/pages/verify-page.ts keeps them a moment). */
  bytes(body: SafeHtml | string): Buffer;
  sendBytes(res: ServerResponse, status: number, bytes: Buffer): void;
}

/**
 * SEAL-2: pages nobody can change or frame. No scripts (unless `extra` names a source), styles only by
 * the hash of `css`, forms only to ourselves, never inside a frame, never cached stale, no Referer leaking
 * the seal id onwards. Everything constant — the hash, the header values — is computed here, once per
 * page kind, not per request.
 */
export function lockedPage(css: string, extra: { scriptSrc?: string; connectSrc?: string } = {}): LockedPage {
  const csp = [
    "default-src 'none'",
    `style-src ${styleHash(css)}`,
    extra.scriptSrc ? `script-src ${extra.scriptSrc}` : null,
    extra.connectSrc ? `connect-src ${extra.connectSrc}` : null,
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ]
    .filter(Boolean)
    .join("; ");
  const headers: [string, string][] = [
    ["Content-Security-Policy", csp],
    ["X-Frame-Options", "DENY"],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "no-referrer"],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Cache-Control", "no-store"],
    ["Content-Type", "text/html; charset=utf-8"],
  ];
  return {
    css,
    csp,
    send(res: ServerResponse, status: number, body: SafeHtml | string): void {
      this.sendBytes(res, status, this.bytes(body));
    },
    bytes(body: SafeHtml | string): Buffer {
      return Buffer.from(`<!doctype html>\n${typeof body === "string" ? body : body.html}`, "utf8");
    },
    sendBytes(res: ServerResponse, status: number, bytes: Buffer): void {
      // res.end, not res.send: no ETag (a hash of every body) for pages that are never cached anyway.
      res.statusCode = status;
      for (const [name, value] of headers) res.setHeader(name, value);
      res.setHeader("Content-Length", bytes.length);
      res.end(bytes);
    },
  };
}
