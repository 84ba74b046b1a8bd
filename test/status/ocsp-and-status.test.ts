import type { RequestListener } from "node:http";
import request from "supertest";
import { createDataSource } from "../../api/src/db/data-source";
import { createApp } from "../../api/src/http/app";
import { createLogger } from "../../api/src/logger";
import { createServices } from "../../api/src/services";
import { OCSP_VALIDITY_MS } from "../../api/src/status/ocsp-responder";
import { openssl, opensslOk, opensslSerial } from "../support/openssl";
import {
  IssuedCertificate,
  StatusFixture,
  binary,
  crlUrlOf,
  field,
  listen,
  pathOf,
  opensslAsync,
  opensslTime,
  revoke,
  startStatusFixture,
} from "./status-support";

/** STAT-2 (OCSP against a listening server, checked by openssl), STAT-3 (public GraphQL status, one truth), two replicas. */

let f: StatusFixture;
let server: Awaited<ReturnType<typeof listen>>;
let good: IssuedCertificate;
let toRevoke: IssuedCertificate;
let cached: IssuedCertificate;
let replicated: IssuedCertificate;

beforeAll(async () => {
  f = await startStatusFixture(5);
  good = await f.issue();
  toRevoke = await f.issue();
  cached = await f.issue();
  replicated = await f.issue();
  server = await listen(f.t.app);
}, 90_000);

afterAll(async () => {
  await server?.close();
  await f.close();
});

/** `openssl ocsp` against the listening server (POST). */
async function ocspQuery(cert: IssuedCertificate, extra: string[] = [], url = `${server.url}/ocsp`) {
  const r = await opensslAsync([
    "ocsp",
    "-issuer",
    f.issuingPath,
    "-cert",
    cert.leafPath,
    "-url",
    url,
    "-CAfile",
    f.rootPath,
    ...extra,
  ]);
  return r;
}

const STATUS_FIELDS =
  "status serialNumber sha256Fingerprint notBefore notAfter revokedAt revocationReason revocationScheduledAt checkedAt issuerName names";

function statusGet(app: RequestListener, query: string, key?: string) {
  const req = request(app).get("/graphql").query({ query });
  if (key) req.set("Authorization", `Bearer ${key}`);
  return req;
}

describe("STAT-2: OCSP", () => {
  test("STAT-2: openssl ocsp (POST, with nonce): Response verify OK, `good`, nonce echoed, 8 h ≤ nextUpdate − thisUpdate ≤ 10 days", async () => {
    const r = await ocspQuery(good, ["-resp_text"]);
    expect(r.status).toBe(0);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toContain(`${good.leafPath}: good`);
    expect(r.out).not.toContain("WARNING: no nonce");
    expect(r.out).not.toContain("nonce verify error");
    expect(r.out).toContain("OCSP Nonce");
    const thisUpdate = opensslTime(field(r.stdout.slice(r.stdout.indexOf(`${good.leafPath}: good`)), "This Update"));
    const nextUpdate = opensslTime(field(r.stdout.slice(r.stdout.indexOf(`${good.leafPath}: good`)), "Next Update"));
    expect(nextUpdate.getTime() - thisUpdate.getTime()).toBe(OCSP_VALIDITY_MS);
    expect(OCSP_VALIDITY_MS).toBeGreaterThanOrEqual(8 * 3600_000);
    expect(OCSP_VALIDITY_MS).toBeLessThanOrEqual(10 * 24 * 3600_000);
  });

  test("STAT-2: a serial the CA never issued → `unknown` (never good); a CertID of no CA of ours → unauthorized; garbage → malformedRequest", async () => {
    // A request for the issuing CA with a serial it never issued, built by openssl (-serial).
    const r = await opensslAsync([
      "ocsp",
      "-issuer",
      f.issuingPath,
      "-serial",
      "0x1234567890abcdef",
      "-url",
      `${server.url}/ocsp`,
      "-CAfile",
      f.rootPath,
    ]);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toMatch(/0x1234567890abcdef: unknown/i);

    // The root answers for the issuing CA certificate it signed.
    const ca = await opensslAsync([
      "ocsp",
      "-issuer",
      f.rootPath,
      "-cert",
      f.issuingPath,
      "-url",
      `${server.url}/ocsp`,
      "-CAfile",
      f.rootPath,
    ]);
    expect(ca.out).toContain("Response verify OK");
    expect(ca.out).toContain(`${f.issuingPath}: good`);

    // Another CA (the leaf as "issuer" gives hashes of a CA we do not have).
    const foreign = await opensslAsync([
      "ocsp",
      "-issuer",
      good.leafPath,
      "-serial",
      "0x01",
      "-url",
      `${server.url}/ocsp`,
      "-CAfile",
      f.rootPath,
    ]);
    expect(foreign.out).toContain("Responder Error: unauthorized (6)");

    const garbage = await binary(
      request(f.t.app)
        .post("/ocsp")
        .set("Content-Type", "application/ocsp-request")
        .send(Buffer.from("not DER at all")),
    );
    expect(garbage.status).toBe(200);
    expect(garbage.headers["content-type"]).toBe("application/ocsp-response");
    expect(
      openssl(["ocsp", "-respin", f.dir.file("garbage.resp", garbage.body as Buffer), "-resp_text", "-noverify"]).out,
    ).toContain("Responder Error: malformedrequest (1)");
    const badGet = await binary(request(f.t.app).get("/ocsp/%%%"));
    expect(badGet.status).toBe(200);
    expect(
      openssl(["ocsp", "-respin", f.dir.file("badget.resp", badGet.body as Buffer), "-resp_text", "-noverify"]).out,
    ).toContain("Responder Error: malformedrequest (1)");
  });

  test("STAT-2: GET /ocsp/{base64, URL-encoded} answers the same, nonce echoed (verified by openssl with -reqin)", async () => {
    const reqPath = f.dir.file("get.req.der");
    opensslOk(["ocsp", "-issuer", f.issuingPath, "-cert", good.leafPath, "-reqout", reqPath]);
    const reqDer = f.dir.read("get.req.der");
    const b64 = reqDer.toString("base64");
    const res = await binary(request(f.t.app).get(`/ocsp/${encodeURIComponent(b64)}`));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/ocsp-response");
    expect(res.headers["cache-control"]).toBe("no-store"); // a nonce makes the answer unique
    const respPath = f.dir.file("get.resp.der", res.body as Buffer);
    const checked = openssl([
      "ocsp",
      "-respin",
      respPath,
      "-reqin",
      reqPath,
      "-issuer",
      f.issuingPath,
      "-CAfile",
      f.rootPath,
      "-resp_text",
    ]);
    expect(checked.out).toContain("Response verify OK");
    expect(checked.out).not.toContain("WARNING: no nonce");
    expect(checked.out).not.toContain("nonce verify error");
    expect(checked.out).toContain("OCSP Nonce");
    expect(checked.out).toContain("Cert Status: good");

    // A nonce-less request, base64 with '/', '+', '=' kept raw or encoded: both work, cacheable.
    const plainPath = f.dir.file("get-plain.req.der");
    opensslOk(["ocsp", "-issuer", f.issuingPath, "-cert", good.leafPath, "-no_nonce", "-reqout", plainPath]);
    const plain = f.dir.read("get-plain.req.der").toString("base64");
    const encoded = await binary(request(f.t.app).get(`/ocsp/${encodeURIComponent(plain)}`));
    const raw = await binary(request(f.t.app).get(`/ocsp/${plain}`));
    expect((encoded.body as Buffer).equals(raw.body as Buffer)).toBe(true);
    expect(encoded.headers["cache-control"]).toBe("public, max-age=60");
    expect(encoded.headers["last-modified"]).toBeDefined();
    const status = openssl([
      "ocsp",
      "-respin",
      f.dir.file("get-plain.resp.der", encoded.body as Buffer),
      "-issuer",
      f.issuingPath,
      "-cert",
      good.leafPath,
      "-CAfile",
      f.rootPath,
      "-no_nonce",
    ]);
    expect(status.out).toContain("Response verify OK");
    expect(status.out).toContain(`${good.leafPath}: good`);
  });

  test("STAT-2: a nonce-less answer is pre-signed and cached, and a revocation invalidates it at once (the next request says revoked)", async () => {
    const reqPath = f.dir.file("cached.req.der");
    opensslOk(["ocsp", "-issuer", f.issuingPath, "-cert", cached.leafPath, "-no_nonce", "-reqout", reqPath]);
    const post = () =>
      binary(
        request(f.t.app)
          .post("/ocsp")
          .set("Content-Type", "application/ocsp-request")
          .send(f.dir.read("cached.req.der")),
      );
    const first = await post();
    f.t.clock.advance(5000);
    const second = await post();
    // Same bytes although the clock moved: served from the cache (producedAt unchanged).
    expect((second.body as Buffer).equals(first.body as Buffer)).toBe(true);
    expect(second.headers["cache-control"]).toBe("public, max-age=60");
    // The kept answer's HTTP headers are those it was signed with: Last-Modified is its thisUpdate.
    expect(second.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(second.headers.etag).toBe(first.headers.etag);
    const text = openssl([
      "ocsp",
      "-respin",
      f.dir.file("cached.resp.der", first.body as Buffer),
      "-resp_text",
      "-noverify",
    ]);
    expect(second.headers["last-modified"]).toBe(opensslTime(field(text.out, "This Update")).toUTCString());
    expect(second.headers["last-modified"]).toBe(first.headers["last-modified"]);
    // Served before the front's routes, it still carries every response's headers, its own request id among them.
    expect(second.headers["x-content-type-options"]).toBe("nosniff");
    expect(second.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
    const viaOpenssl = await ocspQuery(cached, ["-no_nonce"]);
    expect(viaOpenssl.out).toContain(`${cached.leafPath}: good`);

    await revoke(f.t.services, cached.id, "keyCompromise");
    const after = await ocspQuery(cached, ["-no_nonce"]);
    expect(after.out).toContain("Response verify OK");
    expect(after.out).toContain(`${cached.leafPath}: revoked`);
    expect(after.out).toContain("Reason: keyCompromise");
  });
});

describe("STAT-3: public status, one source of truth", () => {
  test("STAT-3: anonymous GET /graphql?query={certificateStatus…} works and is cacheable for 30 s (public); with an API key never public", async () => {
    const q = `{ certificateStatus(serialNumber: "${good.serialNumber}") { ${STATUS_FIELDS} } }`;
    const res = await statusGet(f.t.app, q);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.headers["cache-control"]).toBe("max-age=30, public");
    const s = res.body.data.certificateStatus;
    expect(s).toMatchObject({
      status: "VALID",
      serialNumber: good.serialNumber,
      sha256Fingerprint: good.sha256Fingerprint,
      revokedAt: null,
      revocationReason: null,
      revocationScheduledAt: null,
    });
    expect(s.checkedAt).toBe(f.t.clock.now().toISOString());
    expect(s.issuerName).toContain("Akashi TLS Issuing CA 1");
    expect(s.names).toHaveLength(1);

    const keyed = await statusGet(f.t.app, q, f.t.operatorKey);
    expect(keyed.body.data.certificateStatus.status).toBe("VALID");
    expect(keyed.headers["cache-control"]).not.toContain("public");
    const keyedPost = await request(f.t.app)
      .post("/graphql")
      .set("Authorization", `Bearer ${f.t.operatorKey}`)
      .send({ query: q });
    expect(keyedPost.headers["cache-control"]).not.toContain("public");
  });

  test("STAT-3: an anonymous status answer is kept at most one second of the service clock, and dropped the moment a revocation is heard", async () => {
    const target = await f.issue();
    const q = `{ certificateStatus(serialNumber: "${target.serialNumber}") { status checkedAt revokedAt } }`;
    const first = await statusGet(f.t.app, q);
    expect(first.body.data.certificateStatus).toMatchObject({
      status: "VALID",
      checkedAt: f.t.clock.now().toISOString(),
    });
    const firstCheckedAt = first.body.data.certificateStatus.checkedAt;

    // Within the second the same bytes are handed out: checkedAt still says when it was checked.
    f.t.clock.advance(999);
    const kept = await statusGet(f.t.app, q);
    expect(kept.text).toBe(first.text);
    expect(kept.headers["cache-control"]).toBe("max-age=30, public");

    // At one second it is checked again.
    f.t.clock.advance(1);
    const rechecked = await statusGet(f.t.app, q);
    expect(rechecked.body.data.certificateStatus.checkedAt).toBe(f.t.clock.now().toISOString());
    expect(rechecked.body.data.certificateStatus.checkedAt).not.toBe(firstCheckedAt);

    // A revocation drops it at once, whatever its age.
    await revoke(f.t.services, target.id, "keyCompromise");
    const after = await statusGet(f.t.app, q);
    expect(after.body.data.certificateStatus).toMatchObject({
      status: "REVOKED",
      revokedAt: f.t.clock.now().toISOString(),
    });

    // Keyed callers never get a kept answer: theirs is computed for them.
    const keyed = await statusGet(f.t.app, q, f.t.operatorKey);
    expect(keyed.headers["cache-control"]).toContain("private");
  });

  test("STAT-3: lookup by SHA-256 fingerprint (case and colons ignored); unknown → null; exactly one argument else BAD_USER_INPUT", async () => {
    const colons = good.sha256Fingerprint.toUpperCase().match(/../g)!.join(":");
    const byFp = await statusGet(
      f.t.app,
      `{ certificateStatus(sha256Fingerprint: "${colons}") { status serialNumber } }`,
    );
    expect(byFp.body.data.certificateStatus).toEqual({ status: "VALID", serialNumber: good.serialNumber });
    const unknown = await statusGet(f.t.app, `{ certificateStatus(serialNumber: "0123456789abcdef") { status } }`);
    expect(unknown.body.data.certificateStatus).toBeNull();
    expect(unknown.headers["cache-control"]).toBe("max-age=30, public");
    const unknownFp = await statusGet(
      f.t.app,
      `{ certificateStatus(sha256Fingerprint: "${"ab".repeat(32)}") { status } }`,
    );
    expect(unknownFp.body.data.certificateStatus).toBeNull();
    for (const args of [
      "",
      `serialNumber: "01", sha256Fingerprint: "${"ab".repeat(32)}"`,
      `serialNumber: "xyz"`,
      `sha256Fingerprint: "abc"`,
    ]) {
      const bad = await f.t.gql(null, `{ certificateStatus${args ? `(${args})` : ""} { status } }`);
      expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  test("STAT-3, STAT-1, STAT-2: after a revocation the public status, the CRL and OCSP all say revoked, with the same time (to the second) and reason", async () => {
    // OCSP answer cached before the revocation
    expect((await ocspQuery(toRevoke, ["-no_nonce"])).out).toContain(": good");
    f.t.clock.advance(3000);
    await revoke(f.t.services, toRevoke.id, "keyCompromise");
    f.t.clock.advance(2000);
    await f.t.jobs.runDue();

    const status = (
      await statusGet(f.t.app, `{ certificateStatus(serialNumber: "${toRevoke.serialNumber}") { ${STATUS_FIELDS} } }`)
    ).body.data.certificateStatus;
    expect(status.status).toBe("REVOKED");
    expect(status.revocationReason).toBe("KEY_COMPROMISE");
    const revokedAt = new Date(status.revokedAt);

    // STAT-1: the CRL in the certificate's CRL Distribution Point (its shard).
    const crlRes = await binary(request(f.t.app).get(pathOf(crlUrlOf(toRevoke.leafPath))));
    const crlText = opensslOk([
      "crl",
      "-inform",
      "DER",
      "-in",
      f.dir.file("one-truth.crl", crlRes.body as Buffer),
      "-noout",
      "-text",
    ]);
    const entry = crlText
      .split("Serial Number:")
      .find((e) => e.trim().startsWith(opensslSerial(toRevoke.serialNumber)))!;
    expect(entry).toContain("Key Compromise");
    expect(opensslTime(field(entry, "Revocation Date")).getTime()).toBe(Math.floor(revokedAt.getTime() / 1000) * 1000);

    for (const extra of [[], ["-no_nonce"]]) {
      const ocsp = await ocspQuery(toRevoke, extra);
      expect(ocsp.out).toContain("Response verify OK");
      expect(ocsp.out).toContain(`${toRevoke.leafPath}: revoked`);
      expect(ocsp.out).toContain("Reason: keyCompromise");
      expect(opensslTime(field(ocsp.out, "Revocation Time")).getTime()).toBe(
        Math.floor(revokedAt.getTime() / 1000) * 1000,
      );
    }
  });

  test("STAT-3: a pending scheduled revocation shows as revocationScheduledAt while the certificate is still VALID", async () => {
    const at = new Date(f.t.clock.now().getTime() + 7 * 24 * 3600_000);
    await f.t.ds.query(
      `INSERT INTO revocation (certificate_id, requested_by, reason, status, requested_at, scheduled_for, deadline_at) VALUES ($1, 'OPERATOR', 'cessationOfOperation', 'SCHEDULED', $2, $3, $3)`,
      [good.id, f.t.clock.now(), at],
    );
    await f.t.services.viewChanges.sync(); // written behind the service's back: wait until this replica heard it
    const s = (
      await statusGet(
        f.t.app,
        `{ certificateStatus(serialNumber: "${good.serialNumber}") { status revocationScheduledAt revokedAt } }`,
      )
    ).body.data.certificateStatus;
    expect(s).toEqual({ status: "VALID", revocationScheduledAt: at.toISOString(), revokedAt: null });
    await f.t.ds.query(`DELETE FROM revocation WHERE certificate_id = $1 AND status = 'SCHEDULED'`, [good.id]);
  });
});

test("STAT-2, STAT-3: two processes on one database — a revocation through one reaches the other's cached OCSP answer (NOTIFY), and its public status", async () => {
  const ds2 = createDataSource((f.t.ds.options as { url: string }).url, {
    poolSize: 3,
    applicationName: "akashi-replica-2",
  });
  await ds2.initialize();
  const services2 = createServices(ds2, f.t.clock, f.t.services.config);
  await services2.ca.ensureHierarchy();
  await services2.crls.ensureCrls();
  const app2 = await createApp(services2, createLogger("silent"));
  const server2 = await listen(app2.app);
  try {
    const reqPath = f.dir.file("replica.req.der");
    opensslOk(["ocsp", "-issuer", f.issuingPath, "-cert", replicated.leafPath, "-no_nonce", "-reqout", reqPath]);
    const ask = () =>
      binary(
        request(app2.app)
          .post("/ocsp")
          .set("Content-Type", "application/ocsp-request")
          .send(f.dir.read("replica.req.der")),
      );
    const first = await ask();
    f.t.clock.advance(1000);
    const second = await ask();
    expect((second.body as Buffer).equals(first.body as Buffer)).toBe(true); // cached in process 2
    expect((await ocspQuery(replicated, ["-no_nonce"], `${server2.url}/ocsp`)).out).toContain(": good");
    expect(services2.ocsp.caching).toBe(true);

    await revoke(f.t.services, replicated.id, "cessationOfOperation"); // through process 1
    // Polled until it arrives (a hang guard, not a speed check: npm run bench measures the propagation time).
    const started = Date.now();
    let text = "";
    while (Date.now() - started < 60_000) {
      const r = await ocspQuery(replicated, ["-no_nonce"], `${server2.url}/ocsp`);
      text = r.out;
      if (text.includes(": revoked")) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(text).toContain("Response verify OK");
    expect(text).toContain(`${replicated.leafPath}: revoked`);
    expect(text).toContain("Reason: cessationOfOperation");

    const s = (
      await statusGet(
        app2.app,
        `{ certificateStatus(serialNumber: "${replicated.serialNumber}") { status revocationReason } }`,
      )
    ).body.data.certificateStatus;
    expect(s).toEqual({ status: "REVOKED", revocationReason: "CESSATION_OF_OPERATION" });
  } finally {
    await server2.close();
    await app2.stop();
    await ds2.destroy();
  }
});
