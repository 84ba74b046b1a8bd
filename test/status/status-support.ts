import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { RequestListener, Server, createServer } from "node:http";
import { AddressInfo } from "node:net";
import request from "supertest";

import { Certificate } from "../../api/src/certificates/certificate.entity";
import { RevocationReason } from "../../api/src/revocations/revocation-reason";
import { Revocation, RevocationRequester, RevocationStatus } from "../../api/src/revocations/revocation.entity";
import { Services } from "../../api/src/services";
import {
  DcvWebServer,
  createSubscriber,
  csrFor,
  productIds,
  reviewAndApprove,
  submitApplication,
} from "../support/lifecycle";
import { OPENSSL, RunResult, TempDir, opensslOk } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/** Shared set-up of the STAT tests: a test app on (about) the real time, certificates issued end to end. */

/**
 * OCSP and CRL checks by openssl compare times with the real clock, so these tests stand on it:
 * a fixed clock a minute behind the real time (moved by hand from there), in whole seconds.
 */
export function realNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
}

export interface IssuedCertificate {
  id: string;
  serialNumber: string;
  sha256Fingerprint: string;
  pem: string;
  chainPem: string;
  leafPath: string;
}

export interface StatusFixture {
  t: TestApp;
  /** The key of the reseller that manages every certificate the fixture issues. */
  resellerKey: string;
  dcv: DcvWebServer;
  dir: TempDir;
  rootPath: string;
  issuingPath: string;
  /** root + issuing, for `openssl crl -CAfile`. */
  chainPath: string;
  issuingCaId: string;
  rootCaId: string;
  issue(): Promise<IssuedCertificate>;
  close(): Promise<void>;
}

export async function startStatusFixture(certificates: number): Promise<StatusFixture> {
  const dir = new TempDir();
  const dcv = new DcvWebServer();
  await dcv.start();
  const tag = randomBytes(3).toString("hex");
  const names = Array.from({ length: certificates }, (_, i) => `status${i}-${tag}.akashi-demo.jp`);
  const t = await startTestApp({ now: realNow(), env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(names) } });
  const reseller = await t.createReseller(`status${tag}`);
  const products = await productIds(t);
  const subscriberId = await createSubscriber(t, reseller.key);
  const issuing = await t.services.ca.activeIssuer();
  const root = await t.services.ca.root();
  const rootPem = (await request(t.app).get("/ca/root.pem")).text;
  const issuingPem = await t.services.ca.chainPem(issuing.ca.id);
  let next = 0;
  return {
    t,
    resellerKey: reseller.key,
    dcv,
    dir,
    rootPath: dir.file("root.pem", rootPem),
    issuingPath: dir.file("issuing.pem", issuingPem),
    chainPath: dir.file("chain.pem", rootPem + issuingPem),
    issuingCaId: issuing.ca.id,
    rootCaId: root.id,
    async issue() {
      const name = names[next++];
      if (!name) throw new Error("more certificates than names given to startStatusFixture");
      const submitted = await submitApplication(t, reseller.key, {
        subscriberId,
        productId: products.OV,
        termMonths: 12,
        names: [name],
        csr: csrFor(dir, [name]),
        idempotencyKey: `status-${name}`,
      });
      if (submitted.userErrors.length) throw new Error(JSON.stringify(submitted.userErrors));
      const done = await reviewAndApprove(t, dcv, reseller.key, submitted.application);
      const c = done.certificate;
      const id = (await t.ds.getRepository(Certificate).findOneByOrFail({ serialHex: c.serialNumber })).id;
      return {
        id,
        serialNumber: c.serialNumber,
        sha256Fingerprint: c.sha256Fingerprint,
        pem: c.pem,
        chainPem: c.chainPem,
        leafPath: dir.file(`${name}.pem`, c.pem),
      };
    },
    async close() {
      await t.close();
      await dcv.close();
      dir.remove();
    },
  };
}

/**
 * Test-only revocation, as the revocation service does it: in one transaction the certificate row is
 * marked revoked, an EXECUTED revocation is recorded, and the status publisher is told.
 */
export async function revoke(
  services: Services,
  certificateId: string,
  reason: RevocationReason,
  at: Date = services.clock.now(),
): Promise<void> {
  await services.ds.transaction(async (tx) => {
    const cert = await tx.findOneByOrFail(Certificate, { id: certificateId });
    await tx.update(Certificate, { id: cert.id }, { revokedAt: at, revocationReason: reason });
    await tx.insert(Revocation, {
      certificateId: cert.id,
      requestedBy: RevocationRequester.OPERATOR,
      requesterKeyId: null,
      reason,
      operatorGround: null,
      comment: "status test",
      status: RevocationStatus.EXECUTED,
      requestedAt: at,
      scheduledFor: null,
      deadlineAt: new Date(at.getTime() + 24 * 3600_000),
      executedAt: at,
      withdrawnAt: null,
      problemReportId: null,
      massRevocationId: null,
    });
    await services.statusPublisher.certificatesRevoked(tx, [
      { id: cert.id, issuingCaId: cert.issuingCaId, serialHex: cert.serialHex },
    ]);
  });
  // Written behind GraphQL's back (which waits itself): wait until this replica's views heard it.
  await services.viewChanges.sync();
}

/**
 * A copy of an issued certificate's row under a fresh serial (the CRL tests need many revocable rows).
 * The copy keeps the DER, and so the CRL Distribution Point: it is on the same CRL shard (STAT-1).
 */
export async function cloneCertificateRow(
  services: Services,
  certificateId: string,
): Promise<{ id: string; serialHex: string }> {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x10; // positive, no leading zero octet: canonical as stored
  const serialHex = bytes.toString("hex");
  const rows: Array<{ id: string }> = await services.ds.query(
    `INSERT INTO certificate (contract_id, source, issuing_ca_id, serial_hex, sha256_fingerprint, der, common_name, names, subject_dn, issuer_dn, not_before, not_after, key_algorithm, crl_shard)
     SELECT contract_id, source, issuing_ca_id, $2, $3, der, common_name, names, subject_dn, issuer_dn, not_before, not_after, key_algorithm, crl_shard
     FROM certificate WHERE id = $1 RETURNING id`,
    [certificateId, serialHex, randomBytes(32).toString("hex")],
  );
  return { id: rows[0].id, serialHex };
}

/** STAT-1: the CRL Distribution Point URL written in a certificate (PEM file), e.g. http://akashi.test/crl/<caId>/3.crl. */
export function crlUrlOf(certPath: string): string {
  const text = opensslOk(["x509", "-in", certPath, "-noout", "-ext", "crlDistributionPoints"]);
  const m = /URI:(\S+)/.exec(text);
  if (!m) throw new Error(`no CRL Distribution Point in ${certPath}`);
  return m[1];
}

/** The path of a URL under the test app's base (http://akashi.test). */
export function pathOf(url: string): string {
  return new URL(url).pathname;
}

/** openssl without blocking the event loop (the server it talks to runs in this process). */
export function opensslAsync(args: string[], input?: Buffer): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(OPENSSL, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr, out: stdout + stderr }));
    child.stdin.end(input);
  });
}

export async function listen(app: RequestListener): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(app).listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** GET/POST returning the raw body. */
export function binary(req: request.Test): request.Test {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => cb(null, Buffer.concat(chunks)));
  });
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Parses openssl's `Nov 21 23:49:10 2026 GMT`. */
export function opensslTime(text: string): Date {
  const m = /([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT/.exec(text);
  if (!m) throw new Error(`not an openssl time: ${text}`);
  return new Date(Date.UTC(Number(m[6]), MONTHS.indexOf(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

/** The value after `label` in openssl text output, e.g. `Revocation Time: …`. */
export function field(text: string, label: string): string {
  const m = new RegExp(`${label}:?\\s*(.+)`).exec(text);
  if (!m) throw new Error(`no ${label} in:\n${text}`);
  return m[1].trim();
}
