import request from "supertest";
import { CRL_VALIDITY_MS } from "../../api/src/status/crl.service";
import { openssl, opensslOk, opensslSerial } from "../support/openssl";
import {
  IssuedCertificate,
  StatusFixture,
  binary,
  cloneCertificateRow,
  crlUrlOf,
  field,
  opensslTime,
  pathOf,
  revoke,
  startStatusFixture,
} from "./status-support";

/** STAT-1: each CA's CRL over HTTP, published within seconds of a revocation, verified by openssl. */

let f: StatusFixture;
let compromised: IssuedCertificate;
let unspecified: IssuedCertificate;

beforeAll(async () => {
  f = await startStatusFixture(2);
  compromised = await f.issue();
  unspecified = await f.issue();
}, 60_000);

afterAll(async () => {
  await f.close();
});

/** `caId`: the CA's legacy CRL (/crl/<caId>.crl); or a path such as /crl/<caId>/3.crl (a shard). */
async function fetchCrl(caIdOrPath: string, headers: Record<string, string> = {}) {
  let req = request(f.t.app).get(caIdOrPath.startsWith("/") ? caIdOrPath : `/crl/${caIdOrPath}.crl`);
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return binary(req);
}

/**
 * The latest CRL of the issuing CA, written to disk (DER and PEM) and printed by openssl: the one in
 * `of`'s CRL Distribution Point (its shard, STAT-1), or without `of` the CA's legacy CRL.
 */
async function currentCrl(name: string, of?: IssuedCertificate) {
  const res = await fetchCrl(of ? pathOf(crlUrlOf(of.leafPath)) : f.issuingCaId);
  expect(res.status).toBe(200);
  const der = f.dir.file(`${name}.crl`, res.body as Buffer);
  const pem = f.dir.file(`${name}.crl.pem`);
  opensslOk(["crl", "-inform", "DER", "-in", der, "-out", pem]);
  const text = opensslOk(["crl", "-inform", "DER", "-in", der, "-noout", "-text"]);
  const number = BigInt(field(text, "X509v3 CRL Number: (?:critical)?\\s*"));
  return { res, der, pem, text, number };
}

function attime(): string {
  return String(Math.floor(f.t.clock.now().getTime() / 1000) + 5);
}

/** Moves past the coalescing delay and runs the CRL job(s). */
async function publishDue(): Promise<number> {
  f.t.clock.advance(2000);
  return f.t.jobs.runDue();
}

test("STAT-1: a first CRL exists from start-up for the issuing CA and for the root; it verifies against the chain; nextUpdate − thisUpdate ≤ 10 days", async () => {
  const crl = await currentCrl("first");
  expect(crl.res.headers["content-type"]).toBe("application/pkix-crl");
  expect(openssl(["crl", "-inform", "DER", "-in", crl.der, "-CAfile", f.chainPath, "-noout"]).out).toContain(
    "verify OK",
  );
  expect(crl.text).toContain("Issuer: C = JP, O = Akashi, CN = Akashi TLS Issuing CA 1");
  expect(crl.text).toContain("No Revoked Certificates");
  const thisUpdate = opensslTime(field(crl.text, "Last Update"));
  const nextUpdate = opensslTime(field(crl.text, "Next Update"));
  expect(nextUpdate.getTime() - thisUpdate.getTime()).toBe(CRL_VALIDITY_MS);
  expect(nextUpdate.getTime() - thisUpdate.getTime()).toBeLessThanOrEqual(10 * 24 * 3600_000);

  // The root's CRL (written into the issuing CA's CRL Distribution Points) is signed by the root.
  const issuingText = opensslOk(["x509", "-in", f.issuingPath, "-noout", "-text"]);
  expect(issuingText).toContain(`/crl/${f.rootCaId}.crl`);
  const rootRes = await fetchCrl(f.rootCaId);
  expect(rootRes.status).toBe(200);
  const rootDer = f.dir.file("root.crl", rootRes.body as Buffer);
  expect(openssl(["crl", "-inform", "DER", "-in", rootDer, "-CAfile", f.rootPath, "-noout"]).out).toContain(
    "verify OK",
  );
  expect(opensslOk(["crl", "-inform", "DER", "-in", rootDer, "-noout", "-issuer"])).toContain("Akashi Root CA");

  // The leaf's CRL Distribution Point is its shard's route (STAT-1; before sharding it was /crl/<caId>.crl,
  // which stays, for the certificates issued then)…
  expect(crlUrlOf(compromised.leafPath)).toMatch(
    new RegExp(`^http://akashi\\.test/crl/${f.issuingCaId}/[0-9]+\\.crl$`),
  );
  const shard = await currentCrl("first-shard", compromised);
  expect(openssl(["crl", "-inform", "DER", "-in", shard.der, "-CAfile", f.chainPath, "-noout"]).out).toContain(
    "verify OK",
  );
  // and openssl accepts the leaf with CRL checking while it is not revoked
  const ok = openssl([
    "verify",
    "-crl_check",
    "-CRLfile",
    shard.pem,
    "-attime",
    attime(),
    "-CAfile",
    f.rootPath,
    "-untrusted",
    f.issuingPath,
    compromised.leafPath,
  ]);
  expect(ok.out).toContain(": OK");
});

test("STAT-1: HTTP: Content-Type, ETag (CRL number), Last-Modified, short public Cache-Control, 304 on If-None-Match; unknown CA → 404", async () => {
  const crl = await currentCrl("headers");
  const res = crl.res;
  expect(res.headers["etag"]).toBe(`"${crl.number}"`);
  expect(new Date(res.headers["last-modified"]).getTime()).toBe(opensslTime(field(crl.text, "Last Update")).getTime());
  expect(res.headers["cache-control"]).toBe("public, max-age=60");
  const again = await fetchCrl(f.issuingCaId, { "If-None-Match": res.headers["etag"] });
  expect(again.status).toBe(304);
  expect((again.body as Buffer).length ?? 0).toBe(0);
  const other = await fetchCrl(f.issuingCaId, { "If-None-Match": `"999999"` });
  expect(other.status).toBe(200);
  expect((await fetchCrl("00000000-0000-4000-8000-000000000000")).status).toBe(404);
  expect((await request(f.t.app).get("/crl/not-a-ca.crl")).status).toBe(404);
});

test("STAT-1, REV-1: after a keyCompromise revocation the next CRL (within seconds) lists the serial with its reason; openssl verify -crl_check says revoked; the CRL number increases", async () => {
  const before = await currentCrl("before-revocation", compromised);
  await revoke(f.t.services, compromised.id, "keyCompromise");
  // Nothing is published inside the coalescing window…
  expect(await f.t.jobs.runDue()).toBe(0);
  // …and one CRL right after it (the job runs ~1 s after the revocation).
  expect(await publishDue()).toBe(1);
  const after = await currentCrl("after-revocation", compromised);
  expect(after.number).toBeGreaterThan(before.number);
  expect(after.res.headers["etag"]).not.toBe(before.res.headers["etag"]);
  expect(openssl(["crl", "-inform", "DER", "-in", after.der, "-CAfile", f.chainPath, "-noout"]).out).toContain(
    "verify OK",
  );
  const entry = after.text.slice(after.text.indexOf(`Serial Number: ${opensslSerial(compromised.serialNumber)}`));
  expect(entry).toContain(`Serial Number: ${opensslSerial(compromised.serialNumber)}`);
  expect(entry.split("Serial Number:")[1]).toContain("Key Compromise");
  const revoked = openssl([
    "verify",
    "-crl_check",
    "-CRLfile",
    after.pem,
    "-attime",
    attime(),
    "-CAfile",
    f.rootPath,
    "-untrusted",
    f.issuingPath,
    compromised.leafPath,
  ]);
  expect(revoked.status).not.toBe(0);
  expect(revoked.out).toContain("certificate revoked");
  // The database row the route serves is the one the job stored (the shard's counter, STAT-1).
  const [{ last }] = await f.t.ds.query(
    `SELECT last_crl_number::text AS last FROM crl_shard_state WHERE issuing_ca_id = $1 AND shard = (SELECT crl_shard FROM certificate WHERE id = $2)`,
    [f.issuingCaId, compromised.id],
  );
  expect(BigInt(last)).toBe(after.number);
});

test("REV-1, STAT-1: an `unspecified` revocation is listed without a reason extension", async () => {
  await revoke(f.t.services, unspecified.id, "unspecified");
  expect(await publishDue()).toBe(1);
  const crl = await currentCrl("unspecified", unspecified);
  const entries = crl.text.split("Serial Number:").slice(1);
  const mine = entries.find((e) => e.trim().startsWith(opensslSerial(unspecified.serialNumber)))!;
  expect(mine).toBeDefined();
  expect(mine).not.toContain("CRL Reason Code");
  expect(mine).not.toContain("CRL entry extensions");
  // the earlier keyCompromise entry is still there, with its reason (on its own shard's CRL)
  const earlier = (await currentCrl("unspecified-other", compromised)).text
    .split("Serial Number:")
    .slice(1)
    .find((e) => e.trim().startsWith(opensslSerial(compromised.serialNumber)))!;
  expect(earlier).toContain("Key Compromise");
});

test("STAT-1: a burst of 20 revocations within a second makes one new CRL (one CRL number), listing all of them", async () => {
  const rows = [];
  for (let i = 0; i < 20; i++) rows.push(await cloneCertificateRow(f.t.services, compromised.id));
  const before = await currentCrl("before-burst", compromised);
  await Promise.all(rows.map((r) => revoke(f.t.services, r.id, "affiliationChanged")));
  const [{ n }] = await f.t.ds.query(
    `SELECT count(*)::int AS n FROM job WHERE kind = 'crl.publish' AND status = 'PENDING'`,
  );
  expect(n).toBe(1);
  expect(await publishDue()).toBe(1);
  const after = await currentCrl("after-burst", compromised);
  expect(after.number).toBe(before.number + 1n);
  for (const r of rows) expect(after.text).toContain(`Serial Number: ${opensslSerial(r.serialHex)}`);
  expect(after.text.split("Affiliation Changed").length - 1).toBe(20);
});

test("STAT-1: a revocation after the window's CRL was published gets a new publication (no revocation is left waiting for the daily run)", async () => {
  const row = await cloneCertificateRow(f.t.services, compromised.id);
  const other = await cloneCertificateRow(f.t.services, compromised.id);
  // Same clock second twice: the first window's job runs, then a second revocation in the same window.
  await revoke(f.t.services, row.id, "superseded");
  const first = f.t.clock.now();
  f.t.clock.advance(1000);
  expect(await f.t.jobs.runDue()).toBe(1);
  f.t.clock.set(first);
  await revoke(f.t.services, other.id, "superseded");
  expect(await publishDue()).toBe(1);
  const crl = await currentCrl("late-in-window", compromised);
  expect(crl.text).toContain(`Serial Number: ${opensslSerial(other.serialHex)}`);
});

test("STAT-1: CRLNumber strictly increases across publications (jobs, the daily run, start-up), and the daily run re-publishes every CA", async () => {
  const seen: bigint[] = [];
  for (let i = 0; i < 3; i++) {
    await f.t.services.ds.transaction((tx) => f.t.services.crls.publish(tx, f.issuingCaId));
    seen.push((await currentCrl(`seq-${i}`)).number);
  }
  // The daily job: scheduled for 03:00 JST, republishes both CAs.
  const rootBefore = (await f.t.services.crls.latest(f.rootCaId))!.crlNumber;
  await f.t.jobs.scheduleRecurring();
  const [{ run_at }] = await f.t.ds.query(`SELECT run_at FROM job WHERE kind = 'crl.refresh' AND status = 'PENDING'`);
  const saved = f.t.clock.now();
  f.t.clock.set(new Date(run_at));
  await f.t.jobs.runDue();
  seen.push((await currentCrl("daily")).number);
  expect((await f.t.services.crls.latest(f.rootCaId))!.crlNumber).toBe(rootBefore + 1n);
  // the next day's run is scheduled (a CRL at least every 4 days)
  const [{ n }] = await f.t.ds.query(
    `SELECT count(*)::int AS n FROM job WHERE kind = 'crl.refresh' AND status = 'PENDING' AND run_at > $1`,
    [new Date(run_at)],
  );
  expect(n).toBe(1);
  // start-up with a CRL older than a day publishes a fresh one; with a fresh one it does nothing
  f.t.clock.advance(25 * 3600_000);
  await f.t.services.crls.ensureCrls();
  seen.push((await currentCrl("startup")).number);
  await f.t.services.crls.ensureCrls();
  seen.push((await currentCrl("startup-again")).number);
  f.t.clock.set(saved);
  for (let i = 1; i < seen.length - 1; i++) expect(seen[i]).toBe(seen[i - 1] + 1n);
  expect(seen[seen.length - 1]).toBe(seen[seen.length - 2]);
});
