import * as acme from "acme-client";
import { AcmeWorld, newAccount, obtain, startAcmeWorld } from "../support/acme-harness";

let w: AcmeWorld;

beforeAll(async () => {
  w = await startAcmeWorld({ httpNames: [] });
  await w.register([
    "ok.caa.akashi-demo.jp",
    "wrong.caa.akashi-demo.jp",
    "*.wild.caa.akashi-demo.jp",
    "crit.caa.akashi-demo.jp",
    "fail.caa.akashi-demo.jp",
    "acct.caa.akashi-demo.jp",
    "deep.tree.caa.akashi-demo.jp",
    "method.caa.akashi-demo.jp",
  ]);
});
afterAll(() => w.close());

/** Answers dns-01 and returns the authorisation's final state (acme-client gives up on `invalid`). */
async function validate(
  client: acme.Client,
  name: string,
): Promise<{ status: string; error?: { type: string; detail: string } }> {
  const order = await client.createOrder({ identifiers: [{ type: "dns", value: name }] });
  const [authz] = await client.getAuthorizations(order);
  const ch = authz.challenges.find((c) => c.type === "dns-01");
  if (!ch) throw new Error("no dns-01 challenge");
  w.t.dns.set(`_acme-challenge.${authz.identifier.value}`, [await client.getChallengeKeyAuthorization(ch)]);
  const done = (await client.completeChallenge(ch)) as unknown as {
    status: string;
    error?: { type: string; detail: string };
  };
  return { status: done.status, ...(done.error ? { error: done.error } : {}) };
}

test("APP-11: an issue property naming this CA (RFC 8659 tree climbing to the parent) permits issuance", async () => {
  w.t.dns.setCaa("tree.caa.akashi-demo.jp", [{ flags: 0, tag: "issue", value: "ca.akashi-demo.jp" }]);
  const client = await newAccount(w);
  const { order } = await obtain(w, client, ["deep.tree.caa.akashi-demo.jp"], "dns-01");
  expect(order.status).toBe("valid");
  const rows = await w.t.ds.query(`SELECT status, evidence FROM caa_check WHERE name = 'deep.tree.caa.akashi-demo.jp'`);
  expect(rows[0].status).toBe("PERMITTED");
  expect(rows[0].evidence).toMatchObject({
    relevantName: "tree.caa.akashi-demo.jp",
    records: ['0 issue "ca.akashi-demo.jp"'],
    queried: [
      { name: "deep.tree.caa.akashi-demo.jp", outcome: "NXDOMAIN" },
      { name: "tree.caa.akashi-demo.jp", outcome: "RECORDS" },
    ],
  });
});

test("APP-11: a wrong issue property refuses issuance (caa)", async () => {
  w.t.dns.setCaa("wrong.caa.akashi-demo.jp", [{ flags: 0, tag: "issue", value: "other-ca.example.com" }]);
  const r = await validate(await newAccount(w), "wrong.caa.akashi-demo.jp");
  expect(r.status).toBe("invalid");
  expect(r.error?.type).toBe("urn:ietf:params:acme:error:caa");
  expect(r.error?.detail).toContain("CAA_ISSUER_NOT_AUTHORIZED");
});

test("APP-11: issuewild governs wildcards: issue names this CA, issuewild another: the wildcard is refused", async () => {
  w.t.dns.setCaa("wild.caa.akashi-demo.jp", [
    { flags: 0, tag: "issue", value: "ca.akashi-demo.jp" },
    { flags: 0, tag: "issuewild", value: "other-ca.example.com" },
  ]);
  const r = await validate(await newAccount(w), "*.wild.caa.akashi-demo.jp");
  expect(r).toMatchObject({ status: "invalid", error: { type: "urn:ietf:params:acme:error:caa" } });
});

test("APP-11: an unknown property flagged critical blocks issuance", async () => {
  w.t.dns.setCaa("crit.caa.akashi-demo.jp", [
    { flags: 0, tag: "issue", value: "ca.akashi-demo.jp" },
    { flags: 128, tag: "tbs", value: "unknown" },
  ]);
  const r = await validate(await newAccount(w), "crit.caa.akashi-demo.jp");
  expect(r.error?.detail).toContain("CAA_CRITICAL_UNKNOWN_PROPERTY");
});

test("APP-11: a DNS failure (SERVFAIL) blocks issuance", async () => {
  w.t.dns.fail("fail.caa.akashi-demo.jp", 2);
  try {
    const r = await validate(await newAccount(w), "fail.caa.akashi-demo.jp");
    expect(r.error?.type).toBe("urn:ietf:params:acme:error:caa");
    expect(r.error?.detail).toContain("SERVFAIL");
  } finally {
    w.t.dns.fail("fail.caa.akashi-demo.jp", null);
  }
});

test("APP-11, RFC 8657: accounturi binds the permission to one ACME account", async () => {
  const mine = await newAccount(w);
  w.t.dns.setCaa("acct.caa.akashi-demo.jp", [
    { flags: 0, tag: "issue", value: `ca.akashi-demo.jp; accounturi=${mine.getAccountUrl()}` },
  ]);
  const other = await validate(await newAccount(w), "acct.caa.akashi-demo.jp");
  expect(other.error?.detail).toContain("CAA_ACCOUNT_URI_MISMATCH");
  expect((await obtain(w, mine, ["acct.caa.akashi-demo.jp"], "dns-01")).order.status).toBe("valid");
});

test("APP-11, RFC 8657: validationmethods limits the challenge types", async () => {
  w.t.dns.setCaa("method.caa.akashi-demo.jp", [
    { flags: 0, tag: "issue", value: "ca.akashi-demo.jp; validationmethods=http-01" },
  ]);
  const r = await validate(await newAccount(w), "method.caa.akashi-demo.jp");
  expect(r.error?.detail).toContain("CAA_VALIDATION_METHOD_NOT_ALLOWED");
});

test("APP-11: no CAA record set anywhere up the tree permits issuance", async () => {
  const { order } = await obtain(w, await newAccount(w), ["ok.caa.akashi-demo.jp"], "dns-01");
  expect(order.status).toBe("valid");
});
