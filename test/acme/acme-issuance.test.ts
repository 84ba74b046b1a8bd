import * as acme from "acme-client";
import { AcmeWorld, newAccount, obtain, startAcmeWorld } from "../support/acme-harness";
import { gqlOk } from "../support/lifecycle";

const NAMES = ["shop.akashi-demo.jp", "www.shop.akashi-demo.jp"];
let w: AcmeWorld;

beforeAll(async () => {
  w = await startAcmeWorld({ httpNames: NAMES });
  await w.register([...NAMES, "*.shop.akashi-demo.jp"]);
});
afterAll(() => w.close());

test("ACME-4: http-01 against a loopback web server, finalize, certificate with its chain", async () => {
  const client = await newAccount(w);
  const { order, pem } = await obtain(w, client, NAMES, "http-01");
  expect(order.status).toBe("valid");
  const certs = acme.crypto.splitPemChain(pem);
  expect(certs).toHaveLength(2);
  const info = acme.crypto.readCertificateInfo(certs[0]);
  expect(info.domains.altNames.sort()).toEqual([...NAMES].sort());
});

test("ACME-4: a wildcard only by dns-01, against the test DNS server", async () => {
  const client = await newAccount(w);
  const order = await client.createOrder({ identifiers: [{ type: "dns", value: "*.shop.akashi-demo.jp" }] });
  const [authz] = await client.getAuthorizations(order);
  expect(authz.wildcard).toBe(true);
  expect(authz.challenges.map((c) => c.type)).toEqual(["dns-01"]);
  const { pem } = await obtain(w, client, ["*.shop.akashi-demo.jp"], "dns-01");
  expect(acme.crypto.readCertificateInfo(pem).domains.altNames).toEqual(["*.shop.akashi-demo.jp"]);
});

test("ACME-5: the reseller lists the account, its order and certificate", async () => {
  const d = await gqlOk(
    w.t,
    w.reseller.key,
    `{ acmeAccounts { edges { node { status orders { edges { node { status names certificate { serialNumber status } } } } } } } }`,
  );
  expect(d.acmeAccounts.edges.length).toBeGreaterThan(0);
});
