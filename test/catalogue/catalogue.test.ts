import {
  CONSENTS,
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  issueCertificate,
  reviewAndApprove,
  submitApplication,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { CREATE_PRODUCT, DV_TRIAL, audits, call, eventTypes, uuidOf } from "./catalogue-support";

/** VAL-1, CON-5, CON-8: the operator's catalogue — products, effective-dated prices and tax rates, discontinuation. */
const NAMES = [
  "eve.price.akashi-demo.jp",
  "day.price.akashi-demo.jp",
  "before.tax.akashi-demo.jp",
  "after.tax.akashi-demo.jp",
  "old-a.akashi-demo.jp",
  "old-b.akashi-demo.jp",
  "new.old.akashi-demo.jp",
  "initial.price.akashi-demo.jp",
];
const START = new Date("2026-11-21T03:00:00Z"); // 12:00 JST
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let trialId: string;

const PRICE = "price { id termMonths kind priceYen effectiveFrom }";
const CHARGES = `query($id: ID!) { node(id: $id) { ... on Contract { status endReason charges { kind amountYen taxRatePercent taxYen totalYen chargedAt } } } }`;

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

test("VAL-1: the operator adds and changes products as data — audited, announced to every reseller; the same create twice is one product; resellers cannot", async () => {
  t.clock.set(START);
  const r = await t.createReseller("cat-watcher");
  const created = await call(t, t.operatorKey, "createProduct", "CreateProductInput", DV_TRIAL, CREATE_PRODUCT);
  expect(created).toMatchObject({
    product: { code: "DV_TRIAL", termMonths: [12, 24], liabilityBasis: "RECEIVED_FEES", discontinuedAt: null },
    userErrors: [],
  });
  trialId = created.product.id;
  expect(
    (await call(t, t.operatorKey, "createProduct", "CreateProductInput", DV_TRIAL, CREATE_PRODUCT)).product.id,
  ).toBe(trialId);
  expect(await audits(t, "product.create", trialId)).toHaveLength(1);
  const clash = await call(
    t,
    t.operatorKey,
    "createProduct",
    "CreateProductInput",
    { ...DV_TRIAL, nameJa: "別の商品" },
    CREATE_PRODUCT,
  );
  expect(clash.userErrors).toEqual([expect.objectContaining({ code: "PRODUCT_CODE_EXISTS", field: "input.code" })]);
  const bad = await call(
    t,
    t.operatorKey,
    "createProduct",
    "CreateProductInput",
    { ...DV_TRIAL, code: "DV_AUTO_X", autoRenew: true, liabilityBasis: "RECEIVED_FEES" },
    CREATE_PRODUCT,
  );
  expect(bad.userErrors).toEqual([expect.objectContaining({ code: "INVALID_INPUT", field: "input.liabilityBasis" })]);

  const byReseller = await t.gql(
    r.key,
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
    { input: { ...DV_TRIAL, code: "MINE" } },
  );
  expect(byReseller.errors?.[0].extensions?.code).toBe("FORBIDDEN");

  const updated = await call(
    t,
    t.operatorKey,
    "updateProduct",
    "UpdateProductInput",
    { productId: trialId, nameJa: "ドメイン認証型 体験版", termMonths: [12] },
    CREATE_PRODUCT,
  );
  expect(updated).toMatchObject({ product: { nameJa: "ドメイン認証型 体験版", termMonths: [12] }, userErrors: [] });
  const [entry] = await audits(t, "product.update", trialId);
  expect([entry.before.nameJa, entry.after.nameJa]).toEqual(["ドメイン認証型 お試し", "ドメイン認証型 体験版"]);
  // Public and catalogue data: every reseller hears of it.
  const listed = await gqlOk(t, null, `{ products(first: 100) { edges { node { id code } } } }`);
  expect(listed.products.edges.map((e: any) => e.node.code)).toContain("DV_TRIAL");
  expect(await eventTypes(t, r.key)).toEqual(expect.arrayContaining(["PRODUCT_CREATED", "PRODUCT_UPDATED"]));
});

test("VAL-1, CON-8: a new price takes effect at 00:00 JST — approved the day before pays the old price, on the day the new one (¥12,345: tax ¥1,234 rounded down); history keeps both; a past price never changes", async () => {
  t.clock.set(START);
  const r = await t.createReseller("cat-price");
  const sub = await createSubscriber(t, r.key);
  const now = await call(
    t,
    t.operatorKey,
    "setProductPrice",
    "SetProductPriceInput",
    { productId: trialId, termMonths: 12, kind: "TERM", priceYen: 10000 },
    PRICE,
  );
  expect(now).toMatchObject({ price: { priceYen: 10000, effectiveFrom: START.toISOString() }, userErrors: [] });
  const next = await call(
    t,
    t.operatorKey,
    "setProductPrice",
    "SetProductPriceInput",
    { productId: trialId, termMonths: 12, kind: "TERM", priceYen: 12345, effectiveFrom: "2026-12-01T00:00:00+09:00" },
    PRICE,
  );
  expect(next).toMatchObject({ price: { priceYen: 12345, effectiveFrom: "2026-11-30T15:00:00.000Z" }, userErrors: [] });

  const eve = await submitApplication(t, r.key, {
    subscriberId: sub,
    productId: trialId,
    termMonths: 12,
    names: [NAMES[0]],
    csr: csrFor(dir, [NAMES[0]]),
  });
  const day = await submitApplication(t, r.key, {
    subscriberId: sub,
    productId: trialId,
    termMonths: 12,
    names: [NAMES[1]],
    csr: csrFor(dir, [NAMES[1]]),
  });
  t.clock.set(new Date("2026-11-30T14:59:59Z")); // 23:59:59 JST on 30 November
  const onEve = await reviewAndApprove(t, dcv, r.key, eve.application);
  t.clock.set(new Date("2026-11-30T15:00:00Z")); // 00:00 JST on 1 December
  const onDay = await reviewAndApprove(t, dcv, r.key, day.application);
  const line = async (id: string) =>
    (await gqlOk(t, r.key, CHARGES, { id })).node.charges.map((c: any) => [c.amountYen, c.taxYen, c.totalYen]);
  expect(await line(onEve.contract.id)).toEqual([[10000, 1000, 11000]]);
  expect(await line(onDay.contract.id)).toEqual([[12345, 1234, 13579]]);

  // The price already in force, set again: nothing changes.
  const same = await call(
    t,
    t.operatorKey,
    "setProductPrice",
    "SetProductPriceInput",
    { productId: trialId, termMonths: 12, kind: "TERM", priceYen: 12345 },
    PRICE,
  );
  expect(same.price.id).toBe(next.price.id);
  // A price for "now" never reaches behind the charge just made in this same second.
  const later = await call(
    t,
    t.operatorKey,
    "setProductPrice",
    "SetProductPriceInput",
    { productId: trialId, termMonths: 12, kind: "TERM", priceYen: 12500 },
    PRICE,
  );
  expect(later.price.effectiveFrom).toBe("2026-11-30T15:00:01.000Z");
  const past = await call(
    t,
    t.operatorKey,
    "setProductPrice",
    "SetProductPriceInput",
    { productId: trialId, termMonths: 12, kind: "TERM", priceYen: 9000, effectiveFrom: "2026-11-01T00:00:00+09:00" },
    PRICE,
  );
  expect(past.userErrors).toEqual([
    expect.objectContaining({ code: "PRICE_EFFECTIVE_DATE_PASSED", field: "input.effectiveFrom" }),
  ]);
  const notOffered = await call(
    t,
    t.operatorKey,
    "setProductPrice",
    "SetProductPriceInput",
    { productId: trialId, termMonths: 36, kind: "TERM", priceYen: 1 },
    PRICE,
  );
  expect(notOffered.userErrors[0].code).toBe("TERM_NOT_OFFERED");

  const history = await gqlOk(
    t,
    null,
    `query($id: ID!) { node(id: $id) { ... on Product { prices { priceYen } priceHistory { priceYen effectiveFrom ` +
      `} } } }`,
    { id: trialId },
  );
  expect(history.node.priceHistory.map((p: any) => [p.priceYen, p.effectiveFrom])).toEqual([
    [12500, "2026-11-30T15:00:01.000Z"],
    [12345, "2026-11-30T15:00:00.000Z"],
    [10000, START.toISOString()],
  ]);
  await expect(
    t.ds.query(`UPDATE product_price SET price_yen = 1 WHERE product_id = $1`, [uuidOf(trialId)]),
  ).rejects.toThrow(/history/);
  await expect(t.ds.query(`DELETE FROM product_price WHERE product_id = $1`, [uuidOf(trialId)])).rejects.toThrow(
    /history/,
  );
});

test("CON-8: a tax rate is set from a future JST date; a statement spanning the change shows each line at its own rate, totals equal to the sums of the lines", async () => {
  t.clock.set(START); // designated (and charged for it) in November, so January holds only the two certificates
  const r = await t.createReseller("cat-tax");
  const sub = await createSubscriber(t, r.key);
  t.clock.set(new Date("2027-01-05T03:00:00Z"));
  const today = await call(
    t,
    t.operatorKey,
    "setTaxRate",
    "SetTaxRateInput",
    { effectiveOn: "2027-01-05", ratePercent: 12 },
    "taxRate { effectiveOn ratePercent }",
  );
  expect(today.userErrors).toEqual([
    expect.objectContaining({ code: "TAX_RATE_DATE_PASSED", field: "input.effectiveOn" }),
  ]);
  const tomorrow = { effectiveOn: "2027-01-06", ratePercent: 12 };
  const tooSoon = await call(t, t.operatorKey, "setTaxRate", "SetTaxRateInput", tomorrow, "taxRate { ratePercent }");
  expect(tooSoon.userErrors[0].message).toContain("2027-01-07 at the earliest");
  const set = await call(
    t,
    t.operatorKey,
    "setTaxRate",
    "SetTaxRateInput",
    { effectiveOn: "2027-01-15", ratePercent: 12 },
    "taxRate { effectiveOn ratePercent }",
  );
  expect(set).toEqual({ taxRate: { effectiveOn: "2027-01-15", ratePercent: 12 }, userErrors: [] });
  expect(
    (
      await call(
        t,
        t.operatorKey,
        "setTaxRate",
        "SetTaxRateInput",
        { effectiveOn: "2027-01-15", ratePercent: 12 },
        "taxRate { ratePercent }",
      )
    ).userErrors,
  ).toEqual([]);
  const other = await call(
    t,
    t.operatorKey,
    "setTaxRate",
    "SetTaxRateInput",
    { effectiveOn: "2027-01-15", ratePercent: 13 },
    "taxRate { ratePercent }",
  );
  expect(other.userErrors[0].code).toBe("TAX_RATE_EXISTS");
  expect((await gqlOk(t, null, `{ taxRates { effectiveOn ratePercent } }`)).taxRates.slice(-2)).toEqual([
    { effectiveOn: "2019-10-01", ratePercent: 10 },
    { effectiveOn: "2027-01-15", ratePercent: 12 },
  ]);
  expect(await audits(t, "taxRate.set", "2027-01-15")).toHaveLength(1);

  await call(
    t,
    t.operatorKey,
    "setProductPrice",
    "SetProductPriceInput",
    { productId: trialId, termMonths: 12, kind: "TERM", priceYen: 12345 },
    PRICE,
  );
  const before = await submitApplication(t, r.key, {
    subscriberId: sub,
    productId: trialId,
    termMonths: 12,
    names: [NAMES[2]],
    csr: csrFor(dir, [NAMES[2]]),
  });
  const after = await submitApplication(t, r.key, {
    subscriberId: sub,
    productId: trialId,
    termMonths: 12,
    names: [NAMES[3]],
    csr: csrFor(dir, [NAMES[3]]),
  });
  t.clock.set(new Date("2027-01-14T14:59:59Z")); // 23:59:59 JST on 14 January
  await reviewAndApprove(t, dcv, r.key, before.application);
  t.clock.set(new Date("2027-01-14T15:00:00Z")); // 00:00 JST on 15 January
  await reviewAndApprove(t, dcv, r.key, after.application);

  const s = (
    await gqlOk(
      t,
      r.key,
      `{ statement(month: "2027-01") { subtotalYen taxYen totalYen taxByRate { ratePercent baseYen taxYen } lines ` +
        `{ amountYen taxRatePercent taxYen totalYen } } }`,
    )
  ).statement;
  expect(s.lines).toEqual([
    { amountYen: 12345, taxRatePercent: 10, taxYen: 1234, totalYen: 13579 },
    { amountYen: 12345, taxRatePercent: 12, taxYen: 1481, totalYen: 13826 },
  ]);
  expect(s.taxByRate).toEqual([
    { ratePercent: 10, baseYen: 12345, taxYen: 1234 },
    { ratePercent: 12, baseYen: 12345, taxYen: 1481 },
  ]);
  expect([s.subtotalYen, s.taxYen, s.totalYen]).toEqual([24690, 2715, 27405]);
  // A rate for a date already charged would rewrite those charges' history: refused.
  const behind = await call(
    t,
    t.operatorKey,
    "setTaxRate",
    "SetTaxRateInput",
    { effectiveOn: "2027-01-14", ratePercent: 11 },
    "taxRate { ratePercent }",
  );
  expect(behind.userErrors[0].code).toBe("TAX_RATE_DATE_PASSED");
  await expect(t.ds.query(`UPDATE tax_rate SET rate_percent = 8 WHERE rate_percent = 12`)).rejects.toThrow(/history/);
});

test("CON-5: a discontinued product takes no new applications and no renewals (refused naming the product); its managing resellers are notified; its contracts end at their term's end", async () => {
  t.clock.set(START);
  const manager = await t.createReseller("cat-old");
  const bystander = await t.createReseller("cat-bystander");
  const sub = await createSubscriber(t, manager.key);
  const old = await call(
    t,
    t.operatorKey,
    "createProduct",
    "CreateProductInput",
    { ...DV_TRIAL, code: "DV_OLD", nameJa: "旧ドメイン認証型", nameEn: "Old DV", termMonths: [12] },
    CREATE_PRODUCT,
  );
  await call(
    t,
    t.operatorKey,
    "setProductPrice",
    "SetProductPriceInput",
    { productId: old.product.id, termMonths: 12, kind: "TERM", priceYen: 8000 },
    PRICE,
  );
  const a = await issueCertificate(t, dcv, dir, manager.key, sub, old.product.id, [NAMES[4]]);
  const b = await issueCertificate(t, dcv, dir, manager.key, sub, old.product.id, [NAMES[5]]);
  await t.jobs.scheduleRecurring();

  // The renewal window of both opens 2027-09-01 00:00 JST; a's renewal is submitted, then the product is discontinued.
  t.clock.set(new Date("2027-08-31T15:00:00Z"));
  const renewal = await gqlOk(
    t,
    manager.key,
    `mutation($input: SubmitRenewalInput!) { submitRenewal(input: $input) { application { id domainValidations { ` +
      `name method token status } } userErrors { code message } } }`,
    {
      input: { contractId: a.contract.id, termMonths: 12, csr: csrFor(dir, [NAMES[4]]), consents: CONSENTS },
    },
  );
  expect(renewal.submitRenewal.userErrors).toEqual([]);
  const done = await call(
    t,
    t.operatorKey,
    "discontinueProduct",
    "DiscontinueProductInput",
    { productId: old.product.id, reason: "取扱い終了 / no longer offered" },
    CREATE_PRODUCT,
  );
  expect(done).toMatchObject({ product: { discontinuedAt: "2027-08-31T15:00:00.000Z" }, userErrors: [] });

  const fresh = await submitApplication(t, manager.key, {
    subscriberId: sub,
    productId: old.product.id,
    termMonths: 12,
    names: [NAMES[6]],
    csr: csrFor(dir, [NAMES[6]]),
  });
  expect(fresh.userErrors).toEqual([
    expect.objectContaining({
      code: "PRODUCT_DISCONTINUED",
      field: "input.productId",
      message: expect.stringContaining("DV_OLD"),
    }),
  ]);
  const renewB = await gqlOk(
    t,
    manager.key,
    `mutation($input: SubmitRenewalInput!) { submitRenewal(input: $input) { userErrors { code message } } }`,
    {
      input: { contractId: b.contract.id, termMonths: 12, csr: csrFor(dir, [NAMES[5]]), consents: CONSENTS },
    },
  );
  expect(renewB.submitRenewal.userErrors).toEqual([
    { code: "PRODUCT_DISCONTINUED", message: expect.stringContaining("DV_OLD") },
  ]);
  // The renewal submitted before the discontinuation is not issued either.
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { userErrors { code } } }`,
    { id: renewal.submitRenewal.application.id },
  );
  dcv.publish(renewal.submitRenewal.application.domainValidations);
  await gqlOk(
    t,
    manager.key,
    `mutation($id: ID!) { checkDomainControl(input: { applicationId: $id }) { userErrors { code } } }`,
    { id: renewal.submitRenewal.application.id },
  );
  const approve = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { userErrors { code message } } }`,
    { id: renewal.submitRenewal.application.id },
  );
  expect(approve.approveApplication.userErrors).toEqual([
    { code: "PRODUCT_DISCONTINUED", message: expect.stringContaining("DV_OLD") },
  ]);

  // Notified: the managing reseller with the number of its contracts; every reseller hears of the catalogue change.
  const notices = (
    await gqlOk(t, manager.key, `{ notices(first: 100) { edges { node { kind subject body } } } }`)
  ).notices.edges.map((e: any) => e.node);
  const notice = notices.find((n: any) => n.kind === "PRODUCT_DISCONTINUED");
  expect(notice.subject).toContain("DV_OLD");
  expect(notice.body).toContain("貴社が管理する契約2件");
  const others = (
    await gqlOk(t, bystander.key, `{ notices(first: 100) { edges { node { kind } } } }`)
  ).notices.edges.map((e: any) => e.node.kind);
  expect(others).not.toContain("PRODUCT_DISCONTINUED");
  expect(await eventTypes(t, bystander.key)).toContain("PRODUCT_DISCONTINUED");

  // Both terms end 2027-11-30 23:59:59 JST: no default renewal, no renewal fee.
  t.clock.set(new Date("2027-11-30T15:00:00Z"));
  await t.jobs.runDue();
  for (const c of [a, b]) {
    const node = (await gqlOk(t, manager.key, CHARGES, { id: c.contract.id })).node;
    expect(node).toMatchObject({ status: "ENDED", endReason: "DISCONTINUED" });
    expect(node.charges.map((x: any) => x.amountYen)).toEqual([8000]);
  }
  const active = await gqlOk(t, manager.key, `{ contracts(status: ACTIVE) { edges { node { id } } } }`);
  expect(active.contracts.edges).toEqual([]);
});

test("VAL-1, CON-5, CON-8: twenty identical catalogue calls at once make one change each, and every caller gets the same answer", async () => {
  t.clock.set(new Date("2027-12-01T03:00:00Z"));
  const twenty = <T>(f: () => Promise<T>) => Promise.all(Array.from({ length: 20 }, f));
  const created = await twenty(() =>
    call(t, t.operatorKey, "createProduct", "CreateProductInput", { ...DV_TRIAL, code: "DV_RACE" }, CREATE_PRODUCT),
  );
  expect(new Set(created.map((c) => c.product?.id)).size).toBe(1);
  expect(created.flatMap((c) => c.userErrors)).toEqual([]);
  const id = created[0].product.id;
  const priced = await twenty(() =>
    call(
      t,
      t.operatorKey,
      "setProductPrice",
      "SetProductPriceInput",
      { productId: id, termMonths: 12, kind: "TERM", priceYen: 7777 },
      PRICE,
    ),
  );
  expect(new Set(priced.map((p) => p.price?.id)).size).toBe(1);
  const renamed = await twenty(() =>
    call(t, t.operatorKey, "updateProduct", "UpdateProductInput", { productId: id, nameEn: "Race" }, CREATE_PRODUCT),
  );
  expect(renamed.flatMap((r) => r.userErrors)).toEqual([]);
  const taxed = await twenty(() =>
    call(
      t,
      t.operatorKey,
      "setTaxRate",
      "SetTaxRateInput",
      { effectiveOn: "2028-04-01", ratePercent: 12 },
      "taxRate { ratePercent }",
    ),
  );
  expect(taxed.flatMap((r) => r.userErrors)).toEqual([]);
  const ended = await twenty(() =>
    call(
      t,
      t.operatorKey,
      "discontinueProduct",
      "DiscontinueProductInput",
      { productId: id, reason: "race" },
      CREATE_PRODUCT,
    ),
  );
  expect(new Set(ended.map((e) => e.product?.discontinuedAt)).size).toBe(1);
  for (const action of ["product.create", "product.price.set", "product.update", "product.discontinue"])
    expect(await audits(t, action, id)).toHaveLength(1);
  expect(await audits(t, "taxRate.set", "2028-04-01")).toHaveLength(1);
});

test("RES-6, CON-8: a new term of a product with an INITIAL price owes the TERM and INITIAL prices together, as one charge", async () => {
  t.clock.set(START);
  const r = await t.createReseller("cat-initial");
  const sub = await createSubscriber(t, r.key);
  const created = await call(
    t,
    t.operatorKey,
    "createProduct",
    "CreateProductInput",
    { ...DV_TRIAL, code: "DV_INITIAL", nameEn: "Domain validated, with an initial fee" },
    CREATE_PRODUCT,
  );
  const productId = created.product.id;
  for (const [kind, priceYen] of [
    ["TERM", 20000],
    ["INITIAL", 5000],
  ] as const) {
    const set = await call(
      t,
      t.operatorKey,
      "setProductPrice",
      "SetProductPriceInput",
      { productId, termMonths: 12, kind, priceYen },
      PRICE,
    );
    expect(set.userErrors).toEqual([]);
  }
  const name = "initial.price.akashi-demo.jp";
  const submitted = await submitApplication(t, r.key, {
    subscriberId: sub,
    productId,
    termMonths: 12,
    names: [name],
    csr: csrFor(dir, [name]),
  });
  const issued = await reviewAndApprove(t, dcv, r.key, submitted.application);
  const charges = await gqlOk(
    t,
    r.key,
    `query($id: ID!) { node(id: $id) { ... on Contract { charges { kind amountYen taxYen description } } } }`,
    { id: issued.contract.id },
  );
  expect(charges.node.charges).toEqual([
    {
      kind: "ISSUANCE",
      amountYen: 25000,
      taxYen: 2500,
      description: "DV_INITIAL Domain validated, with an initial fee — 12 months (new, incl. initial fee 5000)",
    },
  ]);
});
