import * as acme from "acme-client";
import { AcmeWorld, newAccount, obtain, startAcmeWorld } from "../support/acme-harness";
import { gqlOk } from "../support/lifecycle";

const DAY = 86_400_000;
let w: AcmeWorld;

beforeAll(async () => {
  w = await startAcmeWorld({ httpNames: ["acct.akashi-demo.jp"] });
  await w.register(["acct.akashi-demo.jp"]);
});
afterAll(() => w.close());

async function refusedAccount(eab: { kid: string; hmacKey: string } | null): Promise<{ type: string; status: number }> {
  const client = await w.client(eab);
  await expect(client.createAccount({ termsOfServiceAgreed: true })).rejects.toThrow();
  const p = w.lastProblem();
  return { type: p?.data.type, status: p?.status ?? 0 };
}

test("ACME-3: newAccount without externalAccountBinding is refused (externalAccountRequired)", async () => {
  expect(await refusedAccount(null)).toEqual({
    type: "urn:ietf:params:acme:error:externalAccountRequired",
    status: 400,
  });
});

test("ACME-3: newAccount with a revoked EAB credential is refused (unauthorized)", async () => {
  const eab = await w.eab();
  const revoked = await gqlOk(
    w.t,
    w.reseller.key,
    `mutation($id: ID!) { revokeAcmeEabCredential(input: { eabCredentialId: $id }) { eabCredential { status revokedAt } userErrors { code } } }`,
    { id: eab.id },
  );
  expect(revoked.revokeAcmeEabCredential.eabCredential.status).toBe("REVOKED");
  expect(await refusedAccount(eab)).toEqual({ type: "urn:ietf:params:acme:error:unauthorized", status: 403 });
});

test("ACME-3: an EAB credential binds one account only; a second account with it is refused", async () => {
  const eab = await w.eab();
  const first = await w.client(eab);
  await first.createAccount({ termsOfServiceAgreed: true });
  expect(await refusedAccount(eab)).toEqual({ type: "urn:ietf:params:acme:error:unauthorized", status: 403 });
  const listed = await gqlOk(
    w.t,
    w.reseller.key,
    `{ acmeEabCredentials { edges { node { keyId status account { accountUrl status } } } } }`,
  );
  const row = listed.acmeEabCredentials.edges.map((e: any) => e.node).find((n: any) => n.keyId === eab.kid);
  expect(row).toEqual({
    keyId: eab.kid,
    status: "USED",
    account: { accountUrl: first.getAccountUrl(), status: "VALID" },
  });
});

test("ACME-3: a wrong HMAC key or an expired credential is refused", async () => {
  const eab = await w.eab();
  expect(await refusedAccount({ kid: eab.kid, hmacKey: Buffer.alloc(32, 7).toString("base64url") })).toEqual({
    type: "urn:ietf:params:acme:error:unauthorized",
    status: 403,
  });
  const old = await w.eab();
  w.t.clock.advance(31 * DAY);
  try {
    expect(await refusedAccount(old)).toEqual({ type: "urn:ietf:params:acme:error:unauthorized", status: 403 });
  } finally {
    w.t.clock.advance(-31 * DAY);
  }
});

test("ACME-3: the terms of service must be agreed (userActionRequired)", async () => {
  const client = await w.client(await w.eab());
  await expect(client.createAccount({ termsOfServiceAgreed: false })).rejects.toThrow();
  expect(w.lastProblem()?.data.type).toBe("urn:ietf:params:acme:error:userActionRequired");
});

test("ACME-8: key roll-over: the new key works, the old one no longer finds the account", async () => {
  const oldKey = await acme.crypto.createPrivateEcdsaKey("P-256");
  const client = await newAccount(w, oldKey);
  const url = client.getAccountUrl();
  const newKey = await acme.crypto.createPrivateRsaKey(2048);
  await client.updateAccountKey(newKey);
  const after = await w.client(null, newKey);
  expect((await after.createAccount({ onlyReturnExisting: true })).status).toBe("valid");
  expect(after.getAccountUrl()).toBe(url);
  const before = await w.client(null, oldKey);
  await expect(before.createAccount({ onlyReturnExisting: true })).rejects.toThrow();
  expect(w.lastProblem()?.data.type).toBe("urn:ietf:params:acme:error:accountDoesNotExist");
  // RS256 after the roll-over: a whole issuance with the new key.
  const { order } = await obtain(w, after, ["acct.akashi-demo.jp"]);
  expect(order.status).toBe("valid");
});

test("ACME-8: account deactivation: later requests are unauthorized; the account stays on record (ACME-3)", async () => {
  const client = await newAccount(w);
  const deactivated = await client.updateAccount({ status: "deactivated" });
  expect(deactivated.status).toBe("deactivated");
  await expect(client.createOrder({ identifiers: [{ type: "dns", value: "acct.akashi-demo.jp" }] })).rejects.toThrow();
  expect(w.lastProblem()?.data.type).toBe("urn:ietf:params:acme:error:unauthorized");
  const listed = await gqlOk(
    w.t,
    w.reseller.key,
    `{ acmeAccounts(first: 100) { edges { node { accountUrl status deactivatedAt } } } }`,
  );
  expect(
    listed.acmeAccounts.edges.map((e: any) => e.node).find((n: any) => n.accountUrl === client.getAccountUrl()).status,
  ).toBe("DEACTIVATED");
});

test("ACME-8: contacts must be mailto: (unsupportedContact) with one valid address (invalidContact)", async () => {
  const c1 = await w.client(await w.eab());
  await expect(c1.createAccount({ termsOfServiceAgreed: true, contact: ["tel:+81312345678"] })).rejects.toThrow();
  expect(w.lastProblem()?.data.type).toBe("urn:ietf:params:acme:error:unsupportedContact");
  await expect(c1.createAccount({ termsOfServiceAgreed: true, contact: ["mailto:not an address"] })).rejects.toThrow();
  expect(w.lastProblem()?.data.type).toBe("urn:ietf:params:acme:error:invalidContact");
});

test("ACME-8: every response carries a fresh Replay-Nonce and the directory Link; a refused request still used its nonce", async () => {
  const client = await newAccount(w);
  await client.createOrder({ identifiers: [{ type: "dns", value: "acct.akashi-demo.jp" }] });
  const last = w.responses[w.responses.length - 1];
  expect(last.headers["replay-nonce"]).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  expect(last.headers.link).toContain(`<${w.directoryUrl}>;rel="index"`);
  const nonces = new Set(w.responses.map((r) => r.headers["replay-nonce"]).filter(Boolean));
  expect(nonces.size).toBe(w.responses.filter((r) => r.headers["replay-nonce"]).length);
});
