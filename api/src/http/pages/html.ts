import { createHash } from "node:crypto";
import { Response } from "express";

/** Every value placed in HTML goes through this: text only, never markup. */
export function esc(value: unknown): string {
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
    const part = Array.isArray(v) ? v.map((x) => (x instanceof SafeHtml ? x.html : esc(x))).join("") : v instanceof SafeHtml ? v.html : esc(v);
    out += part + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** The page's only stylesheet is inline; CSP allows exactly its hash, nothing else. */
export function styleHash(css: string): string {
  return `'sha256-${createHash("sha256").update(css, "utf8").digest("base64")}'`;
}

/**
 * SEAL-2: pages nobody can change or frame. No scripts at all, styles only by hash, forms only to
 * ourselves, never inside a frame, never cached stale, no Referer leaking the seal id onwards.
 */
export function sendLockedPage(res: Response, status: number, body: SafeHtml, css: string, extra: { scriptSrc?: string; connectSrc?: string } = {}): void {
  const csp = [
    "default-src 'none'",
    `style-src ${styleHash(css)}`,
    extra.scriptSrc ? `script-src ${extra.scriptSrc}` : null,
    extra.connectSrc ? `connect-src ${extra.connectSrc}` : null,
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].filter(Boolean).join("; ");
  res.status(status);
  res.setHeader("Content-Security-Policy", csp);
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cache-Control", "no-store");
  res.type("text/html; charset=utf-8").send(`<!doctype html>\n${body.html}`);
}
