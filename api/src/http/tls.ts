/**
 * HTTPS (DESIGN.md "HTTPS and the ACME directory"): ACME clients require it. AKASHI_TLS_CERT and
 * AKASHI_TLS_KEY (PEM files) serve HTTPS directly; AKASHI_TLS=self serves HTTPS with a certificate
 * for PUBLIC_BASE_URL's host issued by Akashi's own CA (local runs and tests: trust GET /ca/root.pem);
 * otherwise plain HTTP behind a TLS-terminating proxy.
 */
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import type { RequestListener } from "node:http";
import { CaService } from "../certificates/ca.service";
import type { Config } from "../config";
import type { Clock } from "../domain/clock";
import { certificateNotAfter } from "../domain/lifetime";
import { issueServerCertificate, newSerialHex, toPem } from "../pki";

export interface TlsCredentials {
  cert: string;
  key: string;
}

const DAY_MS = 86_400_000;
/** The self-issued server certificate lives 90 days (less when VAL-7 says so); a restart issues a new one. */
const SELF_DAYS = 90;

/** A certificate (with the issuing CA) and key for `host`, from the active issuing CA. Not a contract: it is the service's own. */
export async function selfIssued(ca: CaService, clock: Clock, host: string): Promise<TlsCredentials> {
  if (isIP(host)) throw new Error(`AKASHI_TLS=self needs PUBLIC_BASE_URL with a host name, not the address ${host}`);
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const { ca: issuer, signer } = await ca.activeIssuer();
  const now = clock.now();
  const notBefore = new Date(now.getTime() - 60_000);
  // VAL-7 applies to the service's own certificate too (the pre-signing linter refuses anything longer):
  // 90 days until the table's maximum drops below that (47 days from 2029-03-15).
  const life = certificateNotAfter({ notBefore, termEnd: new Date(now.getTime() + SELF_DAYS * DAY_MS) });
  if (!life.ok) throw new Error(life.message);
  const issued = await issueServerCertificate({
    issuer: { certDer: issuer.certDer, signer },
    subjectPublicKeySpki: publicKey.export({ type: "spki", format: "der" }),
    serialHex: newSerialHex(),
    names: [host.toLowerCase()],
    subject: { commonName: host.toLowerCase() },
    validationLevel: "DV",
    notBefore,
    notAfter: life.notAfter,
    urls: ca.urlsFor(issuer.id),
    // Local runs and tests serve https://localhost: a single-label name no public certificate may carry,
    // allowed here alone because this certificate is only ever trusted by whoever fetched /ca/root.pem.
    ...(!host.includes(".") && { ignoredLints: ["e_san_dns_name_invalid"] }),
  });
  return {
    cert: issued.pem + toPem(issuer.certDer, "CERTIFICATE"),
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

/** The credentials the configuration asks for, or null for plain HTTP. */
export async function tlsCredentials(config: Config, ca: CaService, clock: Clock): Promise<TlsCredentials | null> {
  const tls = config.acme.tls;
  if (tls.mode === "files" && tls.certFile && tls.keyFile)
    return { cert: fs.readFileSync(tls.certFile, "utf8"), key: fs.readFileSync(tls.keyFile, "utf8") };
  if (tls.mode === "self") return selfIssued(ca, clock, new URL(config.publicBaseUrl).hostname);
  return null;
}

/** The server a worker listens with: HTTPS with these credentials, else HTTP (same timeouts and drain either way). */
export function serverFor(app: RequestListener, credentials: TlsCredentials | null): http.Server {
  return credentials
    ? https.createServer({ cert: credentials.cert, key: credentials.key }, app)
    : http.createServer(app);
}
