import fs from "node:fs";
import http from "node:http";
import { AddressInfo } from "node:net";
import path from "node:path";

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status answered; null while held or when the connection was dropped. */
  answered: number | null;
}

/**
 * A real webhook receiver on loopback. `script` answers requests in turn (then `fallback`); "hold"
 * keeps the request open until `releaseHeld()` answers or drops it.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  script: (number | "hold")[] = [];
  fallback: number = 200;
  private held: { res: http.ServerResponse; req: ReceivedRequest }[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: ReceivedRequest = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), answered: null };
      this.requests.push(r);
      const action = this.script.length > 0 ? this.script.shift()! : this.fallback;
      if (action === "hold") this.held.push({ res, req: r });
      else {
        r.answered = action;
        res.writeHead(action, { "Content-Type": "text/plain" }).end("ok");
      }
      for (const w of this.waiters.filter((w) => this.requests.length >= w.n)) w.resolve();
      this.waiters = this.waiters.filter((w) => this.requests.length < w.n);
    });
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(p = "/hook"): string {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  /** Resolves once `n` requests in all have arrived. */
  waitFor(n: number): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /** Answers (status) or drops (null) every held request. */
  releaseHeld(status: number | null): void {
    for (const h of this.held) {
      if (status === null) h.res.socket?.destroy();
      else {
        h.req.answered = status;
        h.res.writeHead(status).end("ok");
      }
    }
    this.held = [];
  }

  /** Requests this receiver acknowledged (2xx). */
  accepted(): ReceivedRequest[] {
    return this.requests.filter((r) => r.answered !== null && r.answered >= 200 && r.answered < 300);
  }

  reset(): void {
    this.requests.length = 0;
    this.script = [];
    this.fallback = 200;
  }

  close(): Promise<void> {
    this.releaseHeld(null);
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The README's verification recipe, character for character (the test checks the README still
 * contains it), turned into a function.
 */
export const README_VERIFY_SOURCE = `const crypto = require("node:crypto");

// headers: lower-case header names as Node.js gives them; rawBody: the request body exactly as received (string).
function verifyAkashiWebhook(secret, headers, rawBody, nowMs = Date.now()) {
  const timestamp = headers["akashi-timestamp"] ?? "";
  if (!/^\\d+$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > 300) return false; // older than 5 minutes: replayed
  const expected = "v1=" + crypto.createHmac("sha256", secret).update(\`\${timestamp}.\${rawBody}\`).digest("hex");
  const given = Buffer.from(headers["akashi-signature"] ?? "");
  return given.length === expected.length && crypto.timingSafeEqual(given, Buffer.from(expected));
}`;

export type Verify = (secret: string, headers: http.IncomingHttpHeaders, rawBody: string, nowMs?: number) => boolean;

export function readmeVerify(): Verify {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function("require", `${README_VERIFY_SOURCE}\nreturn verifyAkashiWebhook;`)(require) as Verify;
}

export function readmeText(): string {
  return fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
}
