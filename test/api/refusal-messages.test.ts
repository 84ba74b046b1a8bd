import { REFUSAL_MESSAGES_JA, RefusalCode, RefusalError, fromDomain, refusal } from "../../api/src/refusal";
import { CONSENTS, createSubscriber, csrFor, gqlOk, productIds } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/** Issue 14: every refusal code answers in Japanese too (`messageJa` is never null). */
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
const codes = Object.values(RefusalCode);

test("every RefusalCode has a Japanese message of its own (the table and the enum match exactly)", () => {
  expect(Object.keys(REFUSAL_MESSAGES_JA).sort()).toEqual([...codes].sort());
  const texts = codes.map((c) => REFUSAL_MESSAGES_JA[c]);
  for (const code of codes) {
    const text = REFUSAL_MESSAGES_JA[code];
    expect({ code, japanese: JAPANESE.test(text), sentence: text.endsWith("。") }).toEqual({
      code,
      japanese: true,
      sentence: true,
    });
  }
  // Each code says something of its own (a copy-pasted message would hide which rule refused).
  expect(new Set(texts).size).toBe(texts.length);
});

test.each(codes)("%s: a refusal without Japanese text of its own gets the code's message", (code) => {
  const e = refusal(code, "English only.");
  expect(e).toBeInstanceOf(RefusalError);
  expect(e.messageJa).toBe(REFUSAL_MESSAGES_JA[code]);
});

test("a thrower's own Japanese text (with dates or names) is kept; domain refusals without one get the table's", () => {
  expect(
    refusal(RefusalCode.RENEWAL_WINDOW_NOT_OPEN, "Opens 2027-03-01.", null, "2027-03-01 から申請できます。").messageJa,
  ).toBe("2027-03-01 から申請できます。");
  expect(fromDomain({ code: "CSR_NAMES_MISMATCH", message: "names differ" }).messageJa).toBe(
    REFUSAL_MESSAGES_JA.CSR_NAMES_MISMATCH,
  );
  expect(fromDomain({ code: "CSR_NAMES_MISMATCH", message: "names differ", messageJa: "" }).messageJa).toBe(
    REFUSAL_MESSAGES_JA.CSR_NAMES_MISMATCH,
  );
});

describe("over GraphQL", () => {
  const dir = new TempDir();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: new Date("2026-11-21T03:00:00Z") });
  });

  afterAll(async () => {
    await t?.close();
    dir.remove();
  });

  test("userErrors.messageJa is non-null, and filled for CSR_NAMES_MISMATCH and IDEMPOTENCY_KEY_REUSED", async () => {
    const type = await gqlOk(
      t,
      t.operatorKey,
      `{ __type(name: "UserError") { fields { name type { kind ofType { name } } } } }`,
    );
    expect(type.__type.fields.find((f: { name: string }) => f.name === "messageJa").type).toEqual({
      kind: "NON_NULL",
      ofType: { name: "String" },
    });

    const reseller = await t.createReseller("messages-ja");
    const products = await productIds(t);
    const subscriberId = await createSubscriber(t, reseller.key);
    const names = ["ja.messages.akashi-demo.jp", "www.ja.messages.akashi-demo.jp"];
    const SUBMIT =
      "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) " +
      "{ application { id } userErrors { code message messageJa } } }";
    const input = { subscriberId, productId: products.DV, termMonths: 12, names, consents: CONSENTS };
    const mismatch = await gqlOk(t, reseller.key, SUBMIT, { input: { ...input, csr: csrFor(dir, [names[0]]) } });
    expect(mismatch.submitApplication.userErrors).toEqual([
      { code: "CSR_NAMES_MISMATCH", message: expect.any(String), messageJa: REFUSAL_MESSAGES_JA.CSR_NAMES_MISMATCH },
    ]);

    const key = { idempotencyKey: "messages-ja-1" };
    const first = await gqlOk(t, reseller.key, SUBMIT, { input: { ...input, ...key, csr: csrFor(dir, names) } });
    expect(first.submitApplication.userErrors).toEqual([]);
    const reused = await gqlOk(t, reseller.key, SUBMIT, {
      input: { ...input, ...key, termMonths: 24, csr: csrFor(dir, names) },
    });
    expect(reused.submitApplication.userErrors).toEqual([
      {
        code: "IDEMPOTENCY_KEY_REUSED",
        message: expect.any(String),
        messageJa: REFUSAL_MESSAGES_JA.IDEMPOTENCY_KEY_REUSED,
      },
    ]);
  });
});
