import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseHostOverrides } from "./settings/host-overrides";
import { AcmeSettings, loadAcmeSettings } from "./settings/acme-settings";
import { DEFAULT_DB_LIMITS, DbLimits } from "./db/data-source";

/** Every setting Akashi reads from its environment, validated once at start-up. */
export interface Config {
  port: number;
  /** Address to listen on; unset: every interface. */
  host: string | undefined;
  /** Set: use this PostgreSQL server (the service's own role). Unset: start the embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  /** The role that owns the schema and runs migrations; unset: `databaseUrl` does both (not recommended). */
  databaseOwnerUrl: string | undefined;
  /** Pool size and every database wait (DESIGN "Hot paths and scale"). */
  db: DbLimits;
  /** `/metrics`: off unless a bearer token guards it on the main port, or it has a port of its own (primary only). */
  metrics: { token: string | undefined; port: number | undefined };
  /** Requests per minute per client address (per HTTP worker; 0: no limit): anonymous GraphQL and public forms, OCSP POST. */
  rateLimits: { publicPerMinute: number; ocspPerMinute: number };
  /** HTTP worker processes on this machine, all behind one port (node:cluster); jobs run in the primary. */
  workers: number;
  /** HTTP server timeouts and the graceful-shutdown grace period. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; shutdownGraceMs: number };
  /** Origin written into certificates (CRL, OCSP, caIssuers) and seal links; no trailing slash. */
  publicBaseUrl: string;
  dataDir: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Load demo data into an empty database (default only for the embedded database). */
  demo: boolean;
  /** Passphrase for the CA private keys (PKCS#8). Unset with the embedded database: generated into `dataDir`. */
  caPassphrase: string | undefined;
  caKeyAlgorithm: "ECDSA_P256" | "ECDSA_P384" | "RSA_2048" | "RSA_3072" | "RSA_4096";
  /** Run background jobs in this process (several replicas may all run them safely). */
  runJobs: boolean;
  /** APP-9 domain-control checks: `name=host:port` overrides (tests serve names from loopback) and DNS servers. */
  dcv: { hostOverrides: Record<string, string>; dnsServers: string[]; timeoutMs: number };
  /** VAL-3: PEM bundle of the roots whose certificates may be carried over (Akashi's own root always may). */
  carryOverRootsFile: string | undefined;
  /** VAL-4: hours between a reissue and the revocation of the certificate it supersedes. */
  reissueGraceHours: number;
  /** REV-4: certificates revoked per transaction by a mass revocation. */
  massRevocationBatch: number;
  /** Chains of batches a mass revocation runs side by side (and runners in the primary's bulk job lane). */
  massRevocationChains: number;
  /** NOT-1: webhook delivery — per-request timeout, exponential back-off (base, cap), attempts before DEAD, http/loopback allowed. */
  webhook: { timeoutMs: number; backoffMs: number; backoffCapMs: number; maxAttempts: number; allowInsecure: boolean };
  /** NOT-1: `smtp://user:pass@host:587` (or smtps://). Unset: e-mail is off and notices stay unsent (visible through GraphQL). */
  smtpUrl: string | undefined;
  /** NOT-1: the From header of notice e-mails. */
  mailFrom: string;
  /** ACME variant (ACME-1..8), CAA issuer domains (APP-11) and HTTPS (AKASHI_TLS*): see acme/acme-settings.ts. */
  acme: AcmeSettings;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Invalid configuration: ${variable} ${detail}`);
  }
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const KEY_ALGORITHMS = ["ECDSA_P256", "ECDSA_P384", "RSA_2048", "RSA_3072", "RSA_4096"] as const;

function oneOf<T extends string>(variable: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(variable, `must be one of ${allowed.join(", ")} (got "${value}")`);
}

function port(variable: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 0 || n > 65535)
    throw new ConfigError(variable, `must be a port number 0-65535 (got "${value}")`);
  return n;
}

function url(variable: string, value: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(variable, `must be a URL (got "${value}")`);
  }
  if (!protocols.includes(parsed.protocol))
    throw new ConfigError(variable, `must use ${protocols.join(" or ")} (got "${parsed.protocol}")`);
  return value;
}

function bool(variable: string, value: string): boolean {
  if (["1", "true", "yes", "on"].includes(value.toLowerCase())) return true;
  if (["0", "false", "no", "off"].includes(value.toLowerCase())) return false;
  throw new ConfigError(variable, `must be true or false (got "${value}")`);
}

function int(variable: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new ConfigError(variable, `must be a whole number ${min}-${max} (got "${value}")`);
  return n;
}

function hostOverrides(variable: string, value: string | undefined): Record<string, string> {
  if (value === undefined) return {};
  try {
    return parseHostOverrides(value);
  } catch (e) {
    throw new ConfigError(variable, (e as Error).message);
  }
}

function file(variable: string, value: string | undefined): string | undefined {
  if (value !== undefined && !fs.existsSync(value))
    throw new ConfigError(variable, `names a file that does not exist ("${value}")`);
  return value;
}

/** Like `url`, but never echoes the value: it may carry a password (SMTP_URL). */
function secretUrl(variable: string, value: string | undefined, protocols: string[]): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(variable, "must be a URL");
  }
  if (!protocols.includes(parsed.protocol) || !parsed.hostname)
    throw new ConfigError(variable, `must be ${protocols.map((p) => `${p}//host:port`).join(" or ")}`);
  return value;
}

/** Reads the configuration from `env` (and `argv` for `--demo`). Throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): Config {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const listenPort = get("PORT") === undefined ? 4000 : port("PORT", get("PORT")!);
  const databaseUrl =
    get("DATABASE_URL") === undefined
      ? undefined
      : url("DATABASE_URL", get("DATABASE_URL")!, ["postgres:", "postgresql:"]);
  const ownerUrl = get("DATABASE_OWNER_URL");
  if (ownerUrl !== undefined && databaseUrl === undefined)
    throw new ConfigError("DATABASE_OWNER_URL", "needs DATABASE_URL (the service's own role) as well");
  const ms = (name: string, def: number, min: number, max: number) => int(name, get(name) ?? String(def), min, max);
  const base =
    get("PUBLIC_BASE_URL") === undefined
      ? `http://localhost:${listenPort}`
      : url("PUBLIC_BASE_URL", get("PUBLIC_BASE_URL")!, ["http:", "https:"]);
  const demoFlag = argv.includes("--demo");
  return {
    port: listenPort,
    host: get("HOST"),
    databaseUrl,
    databaseOwnerUrl:
      ownerUrl === undefined ? undefined : url("DATABASE_OWNER_URL", ownerUrl, ["postgres:", "postgresql:"]),
    db: {
      poolSize: ms("AKASHI_DB_POOL_SIZE", DEFAULT_DB_LIMITS.poolSize, 1, 1000),
      acquireTimeoutMs: ms("AKASHI_DB_ACQUIRE_TIMEOUT_MS", DEFAULT_DB_LIMITS.acquireTimeoutMs, 100, 600_000),
      statementTimeoutMs: ms("AKASHI_DB_STATEMENT_TIMEOUT_MS", DEFAULT_DB_LIMITS.statementTimeoutMs, 100, 3_600_000),
      lockTimeoutMs: ms("AKASHI_DB_LOCK_TIMEOUT_MS", DEFAULT_DB_LIMITS.lockTimeoutMs, 100, 3_600_000),
      idleInTransactionTimeoutMs: ms(
        "AKASHI_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS",
        DEFAULT_DB_LIMITS.idleInTransactionTimeoutMs,
        100,
        3_600_000,
      ),
    },
    metrics: {
      token: get("AKASHI_METRICS_TOKEN"),
      port:
        get("AKASHI_METRICS_PORT") === undefined ? undefined : port("AKASHI_METRICS_PORT", get("AKASHI_METRICS_PORT")!),
    },
    rateLimits: {
      publicPerMinute: ms("AKASHI_RATE_LIMIT_PER_MINUTE", 600, 0, 10_000_000),
      ocspPerMinute: ms("AKASHI_OCSP_RATE_LIMIT_PER_MINUTE", 6_000, 0, 10_000_000),
    },
    workers: ms("AKASHI_WORKERS", Math.min(os.availableParallelism(), 8), 1, 64),
    http: {
      headersTimeoutMs: ms("AKASHI_HTTP_HEADERS_TIMEOUT_MS", 10_000, 100, 600_000),
      requestTimeoutMs: ms("AKASHI_HTTP_REQUEST_TIMEOUT_MS", 60_000, 100, 3_600_000),
      keepAliveTimeoutMs: ms("AKASHI_HTTP_KEEP_ALIVE_TIMEOUT_MS", 5_000, 100, 600_000),
      shutdownGraceMs: ms("AKASHI_SHUTDOWN_GRACE_MS", 10_000, 0, 600_000),
    },
    publicBaseUrl: base.replace(/\/+$/, ""),
    dataDir: path.resolve(get("AKASHI_DATA_DIR") ?? "./.akashi"),
    logLevel: oneOf("LOG_LEVEL", get("LOG_LEVEL") ?? "info", LOG_LEVELS),
    demo:
      get("AKASHI_DEMO") !== undefined
        ? bool("AKASHI_DEMO", get("AKASHI_DEMO")!)
        : demoFlag || databaseUrl === undefined,
    caPassphrase: get("AKASHI_CA_PASSPHRASE"),
    caKeyAlgorithm: oneOf("AKASHI_CA_KEY_ALGORITHM", get("AKASHI_CA_KEY_ALGORITHM") ?? "ECDSA_P256", KEY_ALGORITHMS),
    runJobs: get("AKASHI_RUN_JOBS") === undefined ? true : bool("AKASHI_RUN_JOBS", get("AKASHI_RUN_JOBS")!),
    dcv: {
      hostOverrides: hostOverrides("AKASHI_DCV_HOST_OVERRIDES", get("AKASHI_DCV_HOST_OVERRIDES")),
      dnsServers: (get("AKASHI_DCV_DNS_SERVERS") ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      timeoutMs: int("AKASHI_DCV_TIMEOUT_MS", get("AKASHI_DCV_TIMEOUT_MS") ?? "10000", 100, 60_000),
    },
    carryOverRootsFile: file("AKASHI_CARRY_OVER_ROOTS", get("AKASHI_CARRY_OVER_ROOTS")),
    reissueGraceHours: int("AKASHI_REISSUE_GRACE_HOURS", get("AKASHI_REISSUE_GRACE_HOURS") ?? "72", 0, 24 * 30),
    massRevocationBatch: int("AKASHI_MASS_REVOCATION_BATCH", get("AKASHI_MASS_REVOCATION_BATCH") ?? "5000", 1, 20_000),
    massRevocationChains: int("AKASHI_MASS_REVOCATION_CHAINS", get("AKASHI_MASS_REVOCATION_CHAINS") ?? "2", 1, 4),
    webhook: {
      timeoutMs: int("AKASHI_WEBHOOK_TIMEOUT_MS", get("AKASHI_WEBHOOK_TIMEOUT_MS") ?? "10000", 100, 120_000),
      backoffMs: int("AKASHI_WEBHOOK_BACKOFF_MS", get("AKASHI_WEBHOOK_BACKOFF_MS") ?? "30000", 1, 24 * 3_600_000),
      backoffCapMs: int(
        "AKASHI_WEBHOOK_BACKOFF_CAP_MS",
        get("AKASHI_WEBHOOK_BACKOFF_CAP_MS") ?? "21600000",
        1,
        7 * 24 * 3_600_000,
      ),
      maxAttempts: int("AKASHI_WEBHOOK_MAX_ATTEMPTS", get("AKASHI_WEBHOOK_MAX_ATTEMPTS") ?? "12", 1, 100),
      allowInsecure:
        get("AKASHI_WEBHOOK_ALLOW_INSECURE") === undefined
          ? false
          : bool("AKASHI_WEBHOOK_ALLOW_INSECURE", get("AKASHI_WEBHOOK_ALLOW_INSECURE")!),
    },
    smtpUrl: secretUrl("SMTP_URL", get("SMTP_URL"), ["smtp:", "smtps:"]),
    mailFrom: get("MAIL_FROM") ?? "Akashi <no-reply@localhost>",
    acme: loadAcmeSettings(get, base, (variable, detail) => {
      throw new ConfigError(variable, detail);
    }),
  };
}
