/** One DNS question with one overall deadline, through the configured resolvers (AKASHI_DCV_DNS_SERVERS). */
import { promises as dnsPromises } from "node:dns";
import { errorCode } from "./check-common";

export type DnsAnswer<T> = { ok: true; value: T } | { ok: false; errorCode: string; message: string };

function newResolver(dnsServers: string[], timeoutMs: number): dnsPromises.Resolver {
  const resolver = new dnsPromises.Resolver({ timeout: Math.max(1, Math.ceil(timeoutMs)), tries: 1 });
  if (dnsServers.length > 0) resolver.setServers(dnsServers);
  return resolver;
}

/** Runs `ask` against a fresh resolver; never throws; "TIMEOUT" when no answer came in time. */
export async function askDns<T>(
  dnsServers: string[],
  timeoutMs: number,
  ask: (resolver: dnsPromises.Resolver) => Promise<T>,
): Promise<DnsAnswer<T>> {
  const resolver = newResolver(dnsServers, timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"TIMEOUT">((resolve) => {
    timer = setTimeout(() => resolve("TIMEOUT"), timeoutMs);
  });
  try {
    const answer = await Promise.race([ask(resolver), deadline]);
    if (answer === "TIMEOUT") {
      resolver.cancel();
      return { ok: false, errorCode: "TIMEOUT", message: `no DNS answer within ${timeoutMs} ms` };
    }
    return { ok: true, value: answer };
  } catch (err) {
    const code = errorCode(err);
    if (code === "ETIMEOUT" || code === "ECANCELLED")
      return { ok: false, errorCode: "TIMEOUT", message: `no DNS answer within ${timeoutMs} ms` };
    return { ok: false, errorCode: code, message: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
