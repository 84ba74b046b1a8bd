import type { Server } from "node:http";
import type { Config } from "../config";

/**
 * Every wait is bounded, the client's too: a client that sends headers or a body too slowly, or keeps
 * an idle connection open, is cut off rather than holding a socket for ever.
 */
export function applyServerTimeouts(server: Server, t: Config["http"]): void {
  server.headersTimeout = t.headersTimeoutMs;
  server.requestTimeout = t.requestTimeoutMs;
  server.keepAliveTimeout = t.keepAliveTimeoutMs;
  // No socket inactivity timeout beyond these: a long CRL download is fine as long as it progresses.
  server.timeout = 0;
}

/**
 * Graceful stop: no new connections; idle keep-alive connections close now and busy ones after their
 * response (Connection: close); whatever is still running after `graceMs` is cut.
 */
export async function drain(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  server.on("request", (_req, res) => res.setHeader("Connection", "close"));
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([closed, deadline]);
  clearInterval(idle);
  clearTimeout(timer);
  server.closeAllConnections();
}
