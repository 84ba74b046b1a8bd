import { X509Certificate } from "node:crypto";
import https from "node:https";
import * as acme from "acme-client";
import request from "supertest";
import { certIdOf } from "../../api/src/acme/renewal-info";
import { canonicalSerialHex } from "../../api/src/pki/serial";
import { AcmeWorld, newAccount, obtain, startAcmeWorld } from "../support/acme-harness";
import { gqlOk } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { binary, crlUrlOf, listen, opensslAsync, pathOf, realNow } from "../status/status-support";

const NAMES = ["rev.akashi-demo.jp", "rev2.akashi-demo.jp", "ari.akashi-demo.jp"];
const dir = new TempDir();
let w: AcmeWorld;
let plain: { url: string; close(): Promise<void> };
let issuingPem: string;

beforeAll(async () => {
  w = await startAcmeWorld({ httpNames: NAMES, now: realNow() });
  await w.register(NAMES);
  plain = await listen(w.t.app);
  const { ca } = await w.t.services.ca.activeIssuer();
  issuingPem = await w.t.services.ca.chainPem(ca.id);
  dir.file("root.pem", w.rootPem);
  dir.file("issuing.pem", issuingPem);
});
afterAll(async () => {
  await plain.close();
  await w.close();
  dir.remove();
});

/** openssl verify -purpose sslserver with the CRL, and openssl ocsp, against the live server. */
async function channels(leafPem: string, name: string): Promise<{ verify: string; ocsp: string }> {
  const leaf = dir.file(`${name}.pem`, acme.crypto.splitPemChain(leafPem)[0]);
  // STAT-1: the CRL in the certificate's CRL Distribution Point (its shard).
  const crl = await binary(request(w.t.app).get(pathOf(crlUrlOf(leaf))));
  const crlDer = dir.file(`${name}.crl.der`, crl.body as Buffer);
  const crlPem = (await opensslAsync(["crl", "-inform", "DER", "-in", crlDer])).stdout;
  dir.file(`${name}.crl.pem`, crlPem);
  const verify = (
    await opensslAsync([
      "verify",
      "-purpose",
      "sslserver",
      "-CAfile",
      dir.file("root.pem"),
      "-untrusted",
      dir.file("issuing.pem"),
      "-crl_check",
      "-CRLfile",
      dir.file(`${name}.crl.pem`),
      leaf,
    ])
  ).out;
  const ocsp = (
    await opensslAsync([
      "ocsp",
      "-issuer",
      dir.file("issuing.pem"),
      "-cert",
      leaf,
      "-url",
      `${plain.url}/ocsp`,
      "-CAfile",
      dir.file("root.pem"),
      "-validity_period",
      "100000000",
    ])
  ).out;
  return { verify, ocsp };
}

/** Lower-case hex, no leading zeros (as GraphQL shows serial numbers). */
/** The canonical form the API reports (minimal DER content octets, so a leading 0x0… byte keeps its zero). */
function serialOf(pem: string): string {
  return canonicalSerialHex(new X509Certificate(acme.crypto.splitPemChain(pem)[0]).serialNumber);
}

/** RFC 8555 §7.6 with the certificate's own key: acme-client's lower-level API, signed with jwk instead of kid. */
function revokeByKey(client: acme.Client, certificate: string, reason: number): Promise<unknown> {
  const api = (
    client as unknown as {
      api: { apiResourceRequest(r: string, p: object, ok: number[], o: { includeJwsKid: boolean }): Promise<unknown> };
    }
  ).api;
  return api.apiResourceRequest("revokeCert", { certificate, reason }, [200], { includeJwsKid: false });
}

async function status(pem: string): Promise<string> {
  const serial = serialOf(pem);
  const d = await gqlOk(
    w.t,
    null,
    `query($s: String) { certificateStatus(serialNumber: $s) { status revocationReason } }`,
    { s: serial },
  );
  return `${d.certificateStatus.status}${d.certificateStatus.revocationReason ? ` ${d.certificateStatus.revocationReason}` : ""}`;
}

test("ACME-5: revoked by the account: verified by openssl with the CRL and OCSP before, revoked on every channel after", async () => {
  const client = await newAccount(w);
  const { pem } = await obtain(w, client, ["rev.akashi-demo.jp"]);
  const before = await channels(pem, "rev-before");
  expect(before.verify).toMatch(/: OK/);
  expect(before.ocsp).toContain("Response verify OK");
  expect(before.ocsp).toMatch(/: good/);
  expect(await status(pem)).toBe("VALID");
  await client.revokeCertificate(pem, { reason: 4 });
  w.t.clock.advance(5_000);
  await w.t.jobs.runDue(); // STAT-1: the CRL is republished by a job within seconds
  const after = await channels(pem, "rev-after");
  expect(after.verify).toContain("certificate revoked");
  expect(after.ocsp).toMatch(/: revoked/);
  expect(after.ocsp).toContain("superseded");
  expect(await status(pem)).toBe("REVOKED SUPERSEDED");
  await expect(client.revokeCertificate(pem)).rejects.toThrow();
  expect(w.lastProblem()?.data.type).toBe("urn:ietf:params:acme:error:alreadyRevoked");
});

test("ACME-5: revoked by the certificate's key (jwk-signed revokeCert), REV-1 reasons only", async () => {
  const client = await newAccount(w);
  const { pem, key } = await obtain(w, client, ["rev2.akashi-demo.jp"]);
  const byKey = await w.client(null, key);
  const der = acme.crypto.getPemBodyAsB64u(pem);
  await expect(revokeByKey(byKey, der, 9)).rejects.toThrow();
  expect(w.lastProblem()?.data.type).toBe("urn:ietf:params:acme:error:badRevocationReason");
  const stranger = await w.client(null);
  await expect(revokeByKey(stranger, der, 1)).rejects.toThrow();
  expect(w.lastProblem()?.data.type).toBe("urn:ietf:params:acme:error:unauthorized");
  await revokeByKey(byKey, der, 1);
  expect(await status(pem)).toBe("REVOKED KEY_COMPROMISE");
  const audit = await gqlOk(w.t, w.t.operatorKey, `{ auditEvents(first: 100) { edges { node { action reason } } } }`);
  expect(audit.auditEvents.edges.map((e: any) => e.node)).toContainEqual({
    action: "certificate.revoke",
    reason: "ACME revokeCert by the certificate's key",
  });
});

test("ACME-7: renewalInfo: the middle third normally, now once a revocation is scheduled", async () => {
  const client = await newAccount(w);
  const { pem } = await obtain(w, client, ["ari.akashi-demo.jp"]);
  const info = acme.crypto.readCertificateInfo(pem);
  const serial = serialOf(pem);
  const { ca } = await w.t.services.ca.activeIssuer();
  const certId = certIdOf(ca.certDer, serial);
  const get = () =>
    new Promise<{ status: number; body: any; retryAfter: string | undefined }>((resolve, reject) => {
      https
        .get(`${w.directoryUrl.replace("/directory", "")}/renewal-info/${certId}`, { ca: w.rootPem }, (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(text),
              retryAfter: res.headers["retry-after"],
            }),
          );
        })
        .on("error", reject);
    });
  const normal = await get();
  expect(normal.status).toBe(200);
  const nb = info.notBefore.getTime();
  const na = info.notAfter.getTime();
  expect(Math.abs(new Date(normal.body.suggestedWindow.start).getTime() - (nb + (na - nb) / 3))).toBeLessThan(2000);
  expect(Math.abs(new Date(normal.body.suggestedWindow.end).getTime() - (nb + (2 * (na - nb)) / 3))).toBeLessThan(2000);
  expect(normal.retryAfter).toBe("21600");
  const certs = await gqlOk(w.t, w.reseller.key, `{ certificates(first: 100) { edges { node { id serialNumber } } } }`);
  const id = certs.certificates.edges.map((e: any) => e.node).find((c: any) => c.serialNumber === serial).id;
  const scheduled = await gqlOk(
    w.t,
    w.reseller.key,
    `mutation($id: ID!) { requestRevocation(input: { certificateId: $id, reason: CESSATION_OF_OPERATION, onBehalfOfSubscriber: true, atEndOfMonth: true }) { userErrors { code message } } }`,
    { id },
  );
  expect(scheduled.requestRevocation.userErrors).toEqual([]);
  const moved = await get();
  const now = w.t.clock.now().getTime();
  expect(new Date(moved.body.suggestedWindow.start).getTime()).toBe(now);
  expect(new Date(moved.body.suggestedWindow.end).getTime()).toBeGreaterThan(now);
  expect(new Date(moved.body.suggestedWindow.end).getTime()).toBeLessThanOrEqual(now + 3_600_000);
  expect(moved.retryAfter).toBe("3600");
});
