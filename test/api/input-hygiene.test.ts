import request from "supertest";
import { CONSENTS, createSubscriber, csrFor, gqlOk, productIds } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * Input hygiene at the edge, once (issue "hold under load"): text that PostgreSQL would refuse, or that
 * would change what a reviewer or visitor reads, never gets past the GraphQL layer; names must be public
 * (APP-12); PEM inputs are exactly what they claim. Every refusal is clear and writes nothing.
 */
jest.setTimeout(120_000);

const dir = new TempDir();
let t: TestApp;
let reseller: { id: string; key: string };
let products: Record<string, string>;
let subscriberId: string;

const TABLES = [
  "subscriber",
  "subscriber_contact",
  "application",
  "consent",
  "domain_validation",
  "audit_event",
  "event",
] as const;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  return out;
}

beforeAll(async () => {
  t = await startTestApp();
  reseller = await t.createReseller("hygiene");
  products = await productIds(t);
  subscriberId = await createSubscriber(t, reseller.key);
});

afterAll(async () => {
  dir.remove();
  await t?.close();
});

const CREATE = `mutation($input: CreateSubscriberInput!) { createSubscriber(input: $input) { subscriber { id address } userErrors { code field } } }`;
const SUBSCRIBER = {
  kind: "ORGANIZATION",
  name: "株式会社テスト",
  nameEn: "Test Co., Ltd.",
  country: "JP",
  stateOrProvince: "Tokyo",
  locality: "Chiyoda-ku",
  address: "東京都千代田区1-1",
  representativeName: "代表 太郎",
  contacts: [],
};

const BAD_TEXT: [string, string][] = [
  ["NUL", "ab\u0000c"],
  ["a lone high surrogate", "ab\ud800c"],
  ["a lone low surrogate", "ab\udc00c"],
  ["ESC", "ab\u001b[31mc"],
  ["BEL", "ab\u0007c"],
  ["DEL", "ab\u007fc"],
  ["a C1 control (NEL)", "ab\u0085c"],
  ["a right-to-left override", "ab\u202ec"],
];

describe.each(["name", "nameEn", "country", "stateOrProvince", "locality", "address", "representativeName"])(
  "createSubscriber.%s",
  (field) => {
    test.each(BAD_TEXT)(
      "input hygiene: %s is refused with BAD_USER_INPUT naming the field, and nothing is written",
      async (_what, value) => {
        const before = await counts();
        const res = await t.gql(reseller.key, CREATE, { input: { ...SUBSCRIBER, [field]: value } });
        expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: `input.${field}` });
        expect(res.errors?.[0]?.message).toContain(`input.${field}`);
        expect(await counts()).toEqual(before);
      },
    );
  },
);

test("input hygiene: line breaks are allowed in an address, and refused in a name", async () => {
  const ok = await gqlOk(t, reseller.key, CREATE, {
    input: { ...SUBSCRIBER, address: "東京都千代田区1-1\r\n丸の内ビル 3F\tA" },
  });
  expect(ok.createSubscriber.subscriber.address).toBe("東京都千代田区1-1\r\n丸の内ビル 3F\tA");
  const res = await t.gql(reseller.key, CREATE, { input: { ...SUBSCRIBER, name: "株式会社\nテスト" } });
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
});

test("input hygiene: nested inputs, lists, idempotency keys and query arguments are checked the same way", async () => {
  const submit = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { id } userErrors { code field } } }`;
  const base = {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names: ["hygiene.akashi-demo.jp"],
    csr: csrFor(dir, ["hygiene.akashi-demo.jp"]),
    consents: CONSENTS,
  };
  const before = await counts();
  for (const [input, field] of [
    [{ ...base, consents: { ...CONSENTS, termsVersion: "2026-04\u0000" } }, "input.consents.termsVersion"],
    [{ ...base, idempotencyKey: "key\ud800" }, "input.idempotencyKey"],
    [{ ...base, names: ["ok.akashi-demo.jp", "bad\u0000.akashi-demo.jp"] }, "input.names[1]"],
  ] as const) {
    const res = await t.gql(reseller.key, submit, { input });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
  }
  expect(await counts()).toEqual(before);
  const status = await t.gql(null, `query($s: String) { certificateStatus(serialNumber: $s) { status } }`, {
    s: "01\u0000",
  });
  expect(status.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "serialNumber" });
  const node = await t.gql(reseller.key, `query($id: ID!) { node(id: $id) { id } }`, { id: "\u0000" });
  expect(node.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
});

test("input hygiene: the verification page's report form refuses control characters with a 400 page and records nothing", async () => {
  const before = (await t.ds.query(`SELECT count(*)::int AS n FROM problem_report`))[0].n;
  const res = await request(t.app)
    .post(`/verify/U2VhbDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA=/report`)
    .type("form")
    .send({ description: "leaked key \u0000 here", email: "a@b.jp" });
  expect(res.status).toBe(400);
  expect(res.text).toContain("U+0000");
  expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
  expect((await t.ds.query(`SELECT count(*)::int AS n FROM problem_report`))[0].n).toBe(before);
});

describe("APP-12: names are public DNS names", () => {
  const submit = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { id names } userErrors { code field message messageJa } } }`;

  test.each([
    "x.localhost",
    "printer.local",
    "db.internal",
    "a.test",
    "a.invalid",
    "www.example",
    "shop.example.jp",
    "abc.onion",
    "nas.home.arpa",
    "x.alt",
    "co.jp",
    "localhost",
    "192.0.2.1",
    `${"a".repeat(64)}.jp`,
  ])("APP-12: %p is refused at submission with INVALID_HOSTNAME, and nothing is written", async (name) => {
    const before = await counts();
    const data = await gqlOk(t, reseller.key, submit, {
      input: {
        subscriberId,
        productId: products.DV,
        termMonths: 12,
        names: [name],
        csr: csrFor(dir, ["refused.akashi-demo.jp"]),
        consents: CONSENTS,
      },
    });
    expect(data.submitApplication.application).toBeNull();
    expect(data.submitApplication.userErrors).toEqual([
      expect.objectContaining({ code: "INVALID_HOSTNAME", field: "input.names[0]" }),
    ]);
    expect(data.submitApplication.userErrors[0].messageJa).toBeTruthy();
    expect(await counts()).toEqual(before);
  });

  test("APP-12: a wildcard over a public suffix is refused even where the product allows wildcards", async () => {
    const wildcardProduct = Object.entries(products).find(([code]) => /WILDCARD/.test(code))?.[1];
    expect(wildcardProduct).toBeDefined();
    const data = await gqlOk(t, reseller.key, submit, {
      input: {
        subscriberId,
        productId: wildcardProduct,
        termMonths: 12,
        names: ["*.co.jp"],
        csr: csrFor(dir, ["*.co.jp"]),
        consents: CONSENTS,
      },
    });
    expect(data.submitApplication.userErrors).toEqual([
      expect.objectContaining({ code: "INVALID_HOSTNAME", field: "input.names[0]" }),
    ]);
  });

  test("APP-12: a U-label name is converted to its A-label, which the CSR must carry", async () => {
    const data = await gqlOk(t, reseller.key, submit, {
      input: {
        subscriberId,
        productId: products.DV,
        termMonths: 12,
        names: ["例え.jp"],
        csr: csrFor(dir, ["xn--r8jz45g.jp"]),
        consents: CONSENTS,
      },
    });
    expect(data.submitApplication.userErrors).toEqual([]);
    expect(data.submitApplication.application.names).toEqual(["xn--r8jz45g.jp"]);
  });
});

describe("PEM inputs are exactly one block of the expected label", () => {
  const submit = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { id } userErrors { code field message } } }`;
  const input = (csr: string) => ({
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names: ["pem.akashi-demo.jp"],
    csr,
    consents: CONSENTS,
  });

  test.each<[string, (csr: string) => string]>([
    ["trailing text after END", (csr) => `${csr}\nthis is not part of it\n`],
    ["text before BEGIN", (csr) => `Subject: pem.akashi-demo.jp\n${csr}`],
    ["two CSRs in one field", (csr) => `${csr}${csrFor(dir, ["pem.akashi-demo.jp"])}`],
    ["a block of another label", (csr) => csr.replace(/CERTIFICATE REQUEST/g, "CERTIFICATE")],
    ["base64 that is not", (csr) => csr.replace(/\n([A-Za-z0-9+/]{10})/, "\n!!!!!!!!!!")],
  ])("a CSR with %s is refused with PEM_INVALID, and nothing is written", async (_what, mangle) => {
    const before = await counts();
    const data = await gqlOk(t, reseller.key, submit, { input: input(mangle(csrFor(dir, ["pem.akashi-demo.jp"]))) });
    expect(data.submitApplication.userErrors).toEqual([
      expect.objectContaining({ code: "PEM_INVALID", field: "input.csr" }),
    ]);
    expect(await counts()).toEqual(before);
  });

  test("surrounding whitespace is fine", async () => {
    const data = await gqlOk(t, reseller.key, submit, {
      input: input(`\n\n  ${csrFor(dir, ["pem.akashi-demo.jp"])}  \n`),
    });
    expect(data.submitApplication.userErrors).toEqual([]);
  });
});
