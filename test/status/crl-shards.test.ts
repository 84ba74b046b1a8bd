import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificateList, IssuingDistributionPoint, id_ce_issuingDistributionPoint } from "@peculiar/asn1-x509";
import request from "supertest";
import { crlShardFor, DEFAULT_CRL_SHARDS } from "../../api/src/certificates/ca.service";
import { checkCsr, issueServerCertificate, newSerialHex } from "../../api/src/pki";
import { toGlobalId } from "../../api/src/ids";
import { createKeyAndCsr } from "../../api/src/pki/csr-builder";
import { APPLICATION_FIELDS, CONSENTS, csrFor, gqlOk, reviewAndApprove } from "../support/lifecycle";
import { openssl, opensslOk, opensslSerial } from "../support/openssl";
import {
  IssuedCertificate,
  StatusFixture,
  binary,
  crlUrlOf,
  field,
  pathOf,
  revoke,
  startStatusFixture,
} from "./status-support";

/**
 * STAT-1 with sharded CRLs: a certificate's shard is fixed at issuance and named in its CRL Distribution
 * Point; every shard CRL (and the legacy CRL next to them) carries a critical Issuing Distribution Point
 * naming its own URL; a revocation republishes its own shard only; CRL numbers increase per shard; the
 * legacy URL in certificates issued before sharding keeps listing them.
 */

let f: StatusFixture;
let certs: IssuedCertificate[];
const BASE = "http://akashi.test";

beforeAll(async () => {
  f = await startStatusFixture(6);
  certs = [];
  for (let i = 0; i < 4; i++) certs.push(await f.issue());
}, 120_000);

afterAll(async () => {
  await f.close();
});

const shardUrl = (shard: number) => `${BASE}/crl/${f.issuingCaId}/${shard}.crl`;
const legacyUrl = () => `${BASE}/crl/${f.issuingCaId}.crl`;

async function fetchCrl(url: string, name: string) {
  const res = await binary(request(f.t.app).get(pathOf(url)));
  expect(res.status).toBe(200);
  const der = res.body as Buffer;
  const file = f.dir.file(`${name}.crl`, der);
  const pem = f.dir.file(`${name}.crl.pem`);
  opensslOk(["crl", "-inform", "DER", "-in", file, "-out", pem]);
  const text = opensslOk(["crl", "-inform", "DER", "-in", file, "-noout", "-text"]);
  return { der, file, pem, text, number: BigInt(field(text, "X509v3 CRL Number: (?:critical)?\\s*")) };
}

/** The Issuing Distribution Point of a CRL, parsed with @peculiar/asn1-x509. */
function idpOf(der: Buffer): { critical: boolean; uris: string[]; onlyContainsUserCerts: boolean } | null {
  const crl = AsnConvert.parse(der, CertificateList);
  const ext = crl.tbsCertList.crlExtensions?.find((e) => e.extnID === id_ce_issuingDistributionPoint);
  if (!ext) return null;
  const idp = AsnConvert.parse(ext.extnValue, IssuingDistributionPoint);
  const uris = (idp.distributionPoint?.fullName ?? []).map((n) => n.uniformResourceIdentifier ?? "?");
  return { critical: ext.critical, uris, onlyContainsUserCerts: idp.onlyContainsUserCerts };
}

async function shardOfRow(id: string): Promise<number | null> {
  const [{ crl_shard }] = await f.t.ds.query(`SELECT crl_shard FROM certificate WHERE id = $1`, [id]);
  return crl_shard;
}

test("STAT-1: every shard CRL and the legacy CRL verify with openssl against the chain and carry a critical Issuing Distribution Point with their own URL and onlyContainsUserCerts", async () => {
  const [{ crl_shards }] = await f.t.ds.query(`SELECT crl_shards FROM certificate_authority WHERE id = $1`, [
    f.issuingCaId,
  ]);
  expect(crl_shards).toBe(DEFAULT_CRL_SHARDS);
  const urls = [legacyUrl(), ...Array.from({ length: DEFAULT_CRL_SHARDS }, (_, i) => shardUrl(i))];
  for (const [i, url] of urls.entries()) {
    const crl = await fetchCrl(url, `all-${i}`);
    expect(openssl(["crl", "-inform", "DER", "-in", crl.file, "-CAfile", f.chainPath, "-noout"]).out).toContain(
      "verify OK",
    );
    expect(crl.text).toMatch(/X509v3 Issuing Distribution Point: critical/);
    expect(crl.text).toContain("Only User Certificates");
    expect(idpOf(crl.der)).toEqual({ critical: true, uris: [url], onlyContainsUserCerts: true });
    const days = (opensslTimeOf(crl.text, "Next Update") - opensslTimeOf(crl.text, "Last Update")) / 86_400_000;
    expect(days).toBeLessThanOrEqual(10);
  }
  // The root's CRL lists CA certificates and is not sharded: a complete CRL, no IDP.
  const root = await binary(request(f.t.app).get(`/crl/${f.rootCaId}.crl`));
  expect(idpOf(root.body as Buffer)).toBeNull();
  expect((await request(f.t.app).get(`/crl/${f.rootCaId}/0.crl`)).status).toBe(404);
  expect((await request(f.t.app).get(`/crl/${f.issuingCaId}/${DEFAULT_CRL_SHARDS}.crl`)).status).toBe(404);
  expect((await request(f.t.app).get(`/crl/${f.issuingCaId}/01.crl`)).status).toBe(404);
});

function opensslTimeOf(text: string, label: string): number {
  return new Date(field(text, label).replace(/ GMT$/, " UTC")).getTime();
}

test("STAT-1: a certificate's shard is chosen at its issuance from its serial, written in its CRL Distribution Point and its row, and never changes", async () => {
  for (const c of certs) {
    const shard = await shardOfRow(c.id);
    expect(shard).toBe(crlShardFor(c.serialNumber, DEFAULT_CRL_SHARDS));
    expect(crlUrlOf(c.leafPath)).toBe(shardUrl(shard!));
    // The CRL of that shard is the one whose IDP matches the CDP: openssl uses it for -crl_check.
    const crl = await fetchCrl(crlUrlOf(c.leafPath), `own-${c.serialNumber}`);
    expect(idpOf(crl.der)!.uris).toEqual([crlUrlOf(c.leafPath)]);
  }
  await expect(
    f.t.ds.query(`UPDATE certificate SET crl_shard = (crl_shard + 1) % 16 WHERE id = $1`, [certs[0].id]),
  ).rejects.toThrow(/fixed at issuance/);
  expect(await shardOfRow(certs[0].id)).toBe(crlShardFor(certs[0].serialNumber, DEFAULT_CRL_SHARDS));
});

test("STAT-1: a reissue gets its own shard at its own issuance; the superseded certificate keeps its shard", async () => {
  const old = certs[3];
  const oldShard = await shardOfRow(old.id);
  const [{ contract_id, common_name }] = await f.t.ds.query(
    `SELECT contract_id, common_name FROM certificate WHERE id = $1`,
    [old.id],
  );
  const res = await gqlOk(
    f.t,
    f.resellerKey,
    `mutation($input: SubmitReissueInput!) { submitReissue(input: $input) { application { ${APPLICATION_FIELDS} } userErrors { code field message } } }`,
    {
      input: { contractId: toGlobalId("Contract", contract_id), csr: csrFor(f.dir, [common_name]), consents: CONSENTS },
    },
  );
  expect(res.submitReissue.userErrors).toEqual([]);
  const done = await reviewAndApprove(f.t, f.dcv, f.resellerKey, res.submitReissue.application);
  const [row] = await f.t.ds.query(`SELECT id, crl_shard FROM certificate WHERE serial_hex = $1`, [
    done.certificate.serialNumber,
  ]);
  expect(row.crl_shard).toBe(crlShardFor(done.certificate.serialNumber, DEFAULT_CRL_SHARDS));
  expect(crlUrlOf(f.dir.file("reissued.pem", done.certificate.pem))).toBe(shardUrl(row.crl_shard));
  expect(await shardOfRow(old.id)).toBe(oldShard);
});

test("STAT-1: a revocation is published on its shard's CRL (one job, that shard only) and on no other; CRL numbers increase per shard; openssl -crl_check says revoked with that CRL", async () => {
  const target = certs[0];
  const shard = (await shardOfRow(target.id))!;
  const before = new Map<number, bigint>();
  for (let i = 0; i < DEFAULT_CRL_SHARDS; i++)
    before.set(i, (await f.t.services.crls.latest(f.issuingCaId, undefined, i))!.crlNumber);
  const legacyBefore = (await f.t.services.crls.latest(f.issuingCaId))!.crlNumber;

  await revoke(f.t.services, target.id, "keyCompromise");
  const jobs: Array<{ payload: { caId: string; shard: number | null } }> = await f.t.ds.query(
    `SELECT payload FROM job WHERE kind = 'crl.publish' AND status = 'PENDING'`,
  );
  expect(jobs.map((j) => j.payload)).toEqual([{ caId: f.issuingCaId, shard }]);
  f.t.clock.advance(2000);
  expect(await f.t.jobs.runDue()).toBe(1);

  for (let i = 0; i < DEFAULT_CRL_SHARDS; i++) {
    const crl = await fetchCrl(shardUrl(i), `after-${i}`);
    expect(crl.number).toBe(before.get(i)! + (i === shard ? 1n : 0n));
    if (i === shard) expect(crl.text).toContain(`Serial Number: ${opensslSerial(target.serialNumber)}`);
    else expect(crl.text).not.toContain(opensslSerial(target.serialNumber));
  }
  const legacy = await fetchCrl(legacyUrl(), "after-legacy");
  expect(legacy.number).toBe(legacyBefore);
  expect(legacy.text).not.toContain(opensslSerial(target.serialNumber));

  const own = await fetchCrl(shardUrl(shard), "own-after");
  const attime = String(Math.floor(f.t.clock.now().getTime() / 1000) + 5);
  const revoked = openssl([
    "verify",
    "-crl_check",
    "-CRLfile",
    own.pem,
    "-attime",
    attime,
    "-CAfile",
    f.rootPath,
    "-untrusted",
    f.issuingPath,
    target.leafPath,
  ]);
  expect(revoked.out).toContain("certificate revoked");
  // Another shard's CRL does not cover this certificate (its IDP names another URL): openssl refuses it ("different CRL scope").
  const other = await fetchCrl(shardUrl((shard + 1) % DEFAULT_CRL_SHARDS), "other-after");
  const wrong = openssl([
    "verify",
    "-crl_check",
    "-CRLfile",
    other.pem,
    "-attime",
    attime,
    "-CAfile",
    f.rootPath,
    "-untrusted",
    f.issuingPath,
    target.leafPath,
  ]);
  expect(wrong.status).not.toBe(0);
  expect(wrong.out).toContain("different CRL scope");

  // The daily run and start-up republish every shard, each under its own counter.
  await f.t.services.ds.transaction(async (tx) => {
    for (let i = 0; i < DEFAULT_CRL_SHARDS; i++) await f.t.services.crls.publish(tx, f.issuingCaId, i);
  });
  for (let i = 0; i < DEFAULT_CRL_SHARDS; i++) {
    expect((await f.t.services.crls.latest(f.issuingCaId, undefined, i))!.crlNumber).toBe(
      before.get(i)! + (i === shard ? 2n : 1n),
    );
  }
});

test("STAT-1: a certificate issued before sharding (legacy CRL URL, no shard) is listed on the legacy CRL when revoked, and on no shard", async () => {
  // A certificate as the CA issued them before this change: CRL Distribution Point /crl/<caId>.crl, no shard.
  const { ca, signer } = await f.t.services.ca.activeIssuer();
  const name = `legacy-${Date.now().toString(36)}.akashi-demo.jp`;
  const { csrPem } = await createKeyAndCsr([name]);
  const spki = checkCsr(csrPem, { names: [name], wildcardAllowed: false });
  if (!spki.ok) throw new Error(spki.message);
  const now = f.t.clock.now();
  const issued = await issueServerCertificate({
    issuer: { certDer: ca.certDer, signer },
    subjectPublicKeySpki: spki.publicKeySpki,
    serialHex: newSerialHex(),
    names: [name],
    subject: { commonName: name },
    validationLevel: "DV",
    notBefore: now,
    notAfter: new Date(now.getTime() + 30 * 86_400_000),
    urls: f.t.services.ca.urlsFor(ca.id),
  });
  const leafPath = f.dir.file("legacy.pem", issued.pem);
  expect(crlUrlOf(leafPath)).toBe(legacyUrl());
  const [{ id }] = await f.t.ds.query(
    `INSERT INTO certificate (contract_id, source, issuing_ca_id, serial_hex, sha256_fingerprint, der, common_name, names, subject_dn, issuer_dn, not_before, not_after, key_algorithm, crl_shard)
     SELECT contract_id, source, issuing_ca_id, $2, $3, $4, $5, ARRAY[$5], subject_dn, issuer_dn, $6, $7, key_algorithm, NULL FROM certificate WHERE id = $1 RETURNING id`,
    [
      certs[1].id,
      issued.serialHex,
      issued.sha256Fingerprint,
      issued.der,
      name,
      now,
      new Date(now.getTime() + 30 * 86_400_000),
    ],
  );
  const legacyBefore = (await f.t.services.crls.latest(f.issuingCaId))!.crlNumber;
  await revoke(f.t.services, id, "superseded");
  const jobs: Array<{ payload: unknown }> = await f.t.ds.query(
    `SELECT payload FROM job WHERE kind = 'crl.publish' AND status = 'PENDING'`,
  );
  expect(jobs.map((j) => j.payload)).toEqual([{ caId: f.issuingCaId, shard: null }]);
  f.t.clock.advance(2000);
  expect(await f.t.jobs.runDue()).toBe(1);
  const legacy = await fetchCrl(legacyUrl(), "legacy-after");
  expect(legacy.number).toBe(legacyBefore + 1n);
  expect(legacy.text).toContain(`Serial Number: ${opensslSerial(issued.serialHex)}`);
  expect(idpOf(legacy.der)).toEqual({ critical: true, uris: [legacyUrl()], onlyContainsUserCerts: true });
  const attime = String(Math.floor(f.t.clock.now().getTime() / 1000) + 5);
  const revoked = openssl([
    "verify",
    "-crl_check",
    "-CRLfile",
    legacy.pem,
    "-attime",
    attime,
    "-CAfile",
    f.rootPath,
    "-untrusted",
    f.issuingPath,
    leafPath,
  ]);
  expect(revoked.out).toContain("certificate revoked");
  for (let i = 0; i < DEFAULT_CRL_SHARDS; i++)
    expect((await fetchCrl(shardUrl(i), `legacy-shard-${i}`)).text).not.toContain(opensslSerial(issued.serialHex));
});
