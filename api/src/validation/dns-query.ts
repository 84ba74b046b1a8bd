/** One DNS question with one overall deadline, through the configured resolvers (AKASHI_DCV_DNS_SERVERS). */
import { promises as dnsPromises } from "node:dns";
import { errorCode } from "./check-common";

export type DnsAnswer<T> = { ok: true; value: T } | { ok: false; errorCode: string; message: string };

/** Resolvers by their settings; a handful at most (one per configuration in use). */
const resolvers = new Map<string, dnsPromises.Resolver>();
const MAX_RESOLVERS = 16;

/**
 * One resolver per (servers, timeout), shared by every question asked with those settings. Setting up
 * a resolver (its c-ares channel) for each question cost more CPU than the question itself: a
 * domain-control check asks CAA at every label up the tree (issue 11).
 */
function resolverFor(dnsServers: string[], timeoutMs: number): dnsPromises.Resolver {
  const timeout = Math.max(1, Math.ceil(timeoutMs));
  const key = `${timeout} ${dnsServers.join(",")}`;
  let resolver = resolvers.get(key);
  if (!resolver) {
    resolver = new dnsPromises.Resolver({ timeout, tries: 1 });
    if (dnsServers.length > 0) resolver.setServers(dnsServers);
    if (resolvers.size >= MAX_RESOLVERS) resolvers.clear();
    resolvers.set(key, resolver);
  }
  return resolver;
}

/**
 * Runs `ask` against the shared resolver of these settings; never throws; "TIMEOUT" when no answer
 * came in time. A question that outlives the deadline is not cancelled (that would cancel every
 * question on the shared resolver): its one try ends on its own at the same timeout.
 */
export async function askDns<T>(
  dnsServers: string[],
  timeoutMs: number,
  ask: (resolver: dnsPromises.Resolver) => Promise<T>,
): Promise<DnsAnswer<T>> {
  const resolver = resolverFor(dnsServers, timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"TIMEOUT">((resolve) => {
    timer = setTimeout(() => resolve("TIMEOUT"), timeoutMs);
  });
  try {
    const answer = await Promise.race([ask(resolver), deadline]);
    if (answer === "TIMEOUT") {
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
