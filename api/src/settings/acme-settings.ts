/**
 * The settings of the ACME variant, CAA (APP-11) and HTTPS, read once with the rest of the
 * configuration (config.ts calls `loadAcmeSettings`).
 */
export interface AcmeSettings {
  /** APP-11: the issuer domain names CAA `issue`/`issuewild` properties must name (AKASHI_CAA_ISSUER_DOMAINS). */
  caaIssuerDomains: string[];
  /** ACME-8: new orders per account per hour before `rateLimited` (AKASHI_ACME_ORDERS_PER_HOUR). */
  ordersPerHour: number;
  /** ACME-8: failed challenge validations per account per hour before `rateLimited`. */
  failedValidationsPerHour: number;
  /** ACME-3: default lifetime of an EAB credential, in days (at most 365). */
  eabDefaultDays: number;
  /** ACME-8: how long an order (and its pending authorisations) may stay open, in hours. */
  orderLifetimeHours: number;
  /** ACME-8: how long a nonce is accepted, in minutes. */
  nonceLifetimeMinutes: number;
  /** HTTPS: off (a proxy terminates TLS), from PEM files, or `self` (a certificate from Akashi's own CA). */
  tls: { mode: "off" | "files" | "self"; certFile?: string; keyFile?: string };
}

type Get = (name: string) => string | undefined;
type Fail = (variable: string, detail: string) => never;

function int(get: Get, fail: Fail, variable: string, fallback: number, min: number, max: number): number {
  const raw = get(variable);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) fail(variable, `must be a whole number ${min}-${max} (got "${raw}")`);
  return n;
}

function issuerDomains(get: Get, fail: Fail, publicBaseUrl: string): string[] {
  const raw = get("AKASHI_CAA_ISSUER_DOMAINS");
  const list =
    raw === undefined
      ? [new URL(publicBaseUrl).hostname]
      : raw.split(",").map((s) => s.trim().toLowerCase().replace(/\.$/, ""));
  for (const d of list) {
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/.test(d)) {
      fail("AKASHI_CAA_ISSUER_DOMAINS", `must be DNS names separated by commas (got "${d}")`);
    }
  }
  return list;
}

function tls(get: Get, fail: Fail): AcmeSettings["tls"] {
  const mode = get("AKASHI_TLS");
  const certFile = get("AKASHI_TLS_CERT");
  const keyFile = get("AKASHI_TLS_KEY");
  if (mode !== undefined && mode !== "self" && mode !== "off")
    fail("AKASHI_TLS", `must be "self" or "off" (got "${mode}")`);
  if ((certFile === undefined) !== (keyFile === undefined))
    fail(certFile ? "AKASHI_TLS_KEY" : "AKASHI_TLS_CERT", "must be set together with the other");
  if (certFile && keyFile) {
    if (mode === "self") fail("AKASHI_TLS", "cannot be self when AKASHI_TLS_CERT/AKASHI_TLS_KEY are set");
    return { mode: "files", certFile, keyFile };
  }
  return { mode: mode === "self" ? "self" : "off" };
}

export function loadAcmeSettings(get: Get, publicBaseUrl: string, fail: Fail): AcmeSettings {
  return {
    caaIssuerDomains: issuerDomains(get, fail, publicBaseUrl),
    ordersPerHour: int(get, fail, "AKASHI_ACME_ORDERS_PER_HOUR", 300, 1, 1_000_000),
    failedValidationsPerHour: int(get, fail, "AKASHI_ACME_FAILED_VALIDATIONS_PER_HOUR", 60, 1, 1_000_000),
    eabDefaultDays: int(get, fail, "AKASHI_ACME_EAB_DAYS", 30, 1, 365),
    orderLifetimeHours: int(get, fail, "AKASHI_ACME_ORDER_HOURS", 168, 1, 24 * 30),
    nonceLifetimeMinutes: int(get, fail, "AKASHI_ACME_NONCE_MINUTES", 60, 1, 24 * 60),
    tls: tls(get, fail),
  };
}
