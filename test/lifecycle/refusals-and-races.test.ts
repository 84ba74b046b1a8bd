import { TempDir, makeCsr } from "../support/openssl";
import {
  APPLICATION_FIELDS,
  CONSENTS,
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  productIds,
  reviewAndApprove,
  submitApplication,
} from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * Refusals end to end over HTTP: every bad input is refused with its own userErrors code (and the
 * input field at fault) and writes nothing at all. Then the races: two approvals at once issue one
 * certificate, and idempotent submits return one application. Then APP-3: rejection destroys the
 * documents' content but keeps their record.
 */
const NOW = new Date("2026-11-21T03:00:00Z"); // Saturday 2026-11-21, 12:00 JST.
const ISSUED_NAMES = ["issued.refusals.akashi-demo.jp", "www.issued.refusals.akashi-demo.jp"];
const RACE_NAMES = ["race.refusals.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let reseller: { id: string; globalId: string; key: string };
let otherReseller: { id: string; globalId: string; key: string };
let products: Record<string, string>;
let subscriberId: string;
let issued: any;

const TABLES = [
  "application",
  "consent",
  "domain_validation",
  "contract",
  "certificate",
  "audit_event",
  "application_document",
] as const;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`);
    out[table] = row.n;
  }
  return out;
}

/** Runs `act` and asserts that no row was added to or removed from any table it could have written. */
async function writesNothing<T>(act: () => Promise<T>): Promise<T> {
  const before = await counts();
  const result = await act();
  expect(await counts()).toEqual(before);
  return result;
}

const SUBMIT = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { ${APPLICATION_FIELDS} } userErrors { code field message messageJa } } }`;

/** submitApplication with the given input as is (consents included), returning the payload. */
async function submitRaw(
  key: string,
  input: Record<string, unknown>,
): Promise<{ application: any; userErrors: any[] }> {
  return (await gqlOk(t, key, SUBMIT, { input })).submitApplication;
}

function baseInput(names: string[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names,
    csr: csrFor(dir, names),
    consents: CONSENTS,
    ...overrides,
  };
}

/** Submits, expects exactly one userError with this code (and field), and that nothing was written. */
async function expectRefused(
  input: Record<string, unknown>,
  code: string,
  field: string | null,
  key = reseller.key,
): Promise<any> {
  const payload = await writesNothing(() => submitRaw(key, input));
  expect(payload.application).toBeNull();
  expect(payload.userErrors).toHaveLength(1);
  expect(payload.userErrors[0]).toMatchObject({ code, field });
  return payload.userErrors[0];
}

/** base64 → DER → flip one bit near the end (inside the signature value) → PEM again. */
function breakSignature(pem: string): string {
  const m = /-----BEGIN CERTIFICATE REQUEST-----([\s\S]+?)-----END CERTIFICATE REQUEST-----/.exec(pem);
  if (!m) throw new Error("not a CSR PEM");
  const der = Buffer.from(m[1].replace(/\s+/g, ""), "base64");
  der[der.length - 2] ^= 0x01;
  const body = der.toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE REQUEST-----\n${body}-----END CERTIFICATE REQUEST-----\n`;
}

async function application(id: string): Promise<any> {
  const data = await gqlOk(
    t,
    t.operatorKey,
    `query($id: ID!) { node(id: $id) { ... on Application { id status refusalCode rejectionReason documents { filename sizeBytes sha256 destroyedAt } } } }`,
    { id },
  );
  return data.node;
}

/** A submitted application for fresh names, taken for review and asked for documents (AWAITING_DOCUMENTS). */
async function awaitingDocuments(names: string[]): Promise<any> {
  const submitted = await submitApplication(t, reseller.key, {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names,
    csr: csrFor(dir, names),
  });
  expect(submitted.userErrors).toEqual([]);
  const id = submitted.application.id;
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { userErrors { code } } }`,
    { id },
  );
  const asked = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { requestDocuments(input: { applicationId: $id, message: "登記事項証明書を提出してください", dueInBusinessDays: 5 }) { application { status } userErrors { code } } }`,
    { id },
  );
  expect(asked.requestDocuments).toEqual({ application: { status: "AWAITING_DOCUMENTS" }, userErrors: [] });
  return submitted.application;
}

const UPLOAD = `mutation($id: ID!, $docs: [DocumentInput!]!) { uploadDocuments(input: { applicationId: $id, documents: $docs }) { application { status documents { filename } } userErrors { code field message } } }`;

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: NOW,
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides([...ISSUED_NAMES, ...RACE_NAMES]) },
  });
  reseller = await t.createReseller("refusals");
  otherReseller = await t.createReseller("refusals-other");
  products = await productIds(t);
  subscriberId = await createSubscriber(t, reseller.key);
  // A contract with a valid certificate, for the renewal-window and duplicate cases.
  const submitted = await submitApplication(t, reseller.key, {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names: ISSUED_NAMES,
    csr: csrFor(dir, ISSUED_NAMES),
  });
  expect(submitted.userErrors).toEqual([]);
  issued = await reviewAndApprove(t, dcv, reseller.key, submitted.application);
  expect(issued.status).toBe("ISSUED");
  expect(issued.contract.endsAt).toBe("2027-11-30T14:59:59.000Z");
});

afterAll(async () => {
  await t?.close();
  await dcv.close();
  dir.remove();
});

// --- APP-10: CSRs -------------------------------------------------------------------------------

test("APP-10: a CSR whose signature is broken is refused with CSR_SIGNATURE_INVALID and nothing is written", async () => {
  const names = ["badsig.refusals.akashi-demo.jp"];
  const good = csrFor(dir, names);
  const broken = breakSignature(good);
  expect(broken).not.toBe(good);
  await expectRefused(baseInput(names, { csr: broken }), "CSR_SIGNATURE_INVALID", "input.csr");
});

test("APP-10: a CSR with an RSA-1024 key is refused with CSR_KEY_TOO_WEAK and nothing is written", async () => {
  const names = ["weak.refusals.akashi-demo.jp"];
  const { csrPem } = makeCsr(dir, "weak-rsa-1024", { key: "rsa:1024", subj: `/CN=${names[0]}`, san: names });
  const err = await expectRefused(baseInput(names, { csr: csrPem }), "CSR_KEY_TOO_WEAK", "input.csr");
  expect(err.message).toContain("1024");
});

test("APP-10: a CSR whose names differ from the names applied for is refused with CSR_NAMES_MISMATCH and nothing is written", async () => {
  const names = ["mismatch.refusals.akashi-demo.jp", "www.mismatch.refusals.akashi-demo.jp"];
  // The CSR asks for the first name only.
  await expectRefused(baseInput(names, { csr: csrFor(dir, [names[0]]) }), "CSR_NAMES_MISMATCH", "input.csr");
  // … or for a name that was not applied for.
  await expectRefused(
    baseInput([names[0]], { csr: csrFor(dir, [names[0], "other.refusals.akashi-demo.jp"]) }),
    "CSR_NAMES_MISMATCH",
    "input.csr",
  );
});

test("APP-10: a wildcard name on a product without wildcards (DV) is refused with WILDCARD_NOT_ALLOWED and nothing is written", async () => {
  const names = ["*.wild.refusals.akashi-demo.jp"];
  await expectRefused(baseInput(names, { productId: products.DV }), "WILDCARD_NOT_ALLOWED", "input.names[0]");
});

test("APP-10, APP-9: the same wildcard on DV_WILDCARD is accepted and validated by DNS TXT", async () => {
  const names = ["*.wild.refusals.akashi-demo.jp"];
  const payload = await submitRaw(
    reseller.key,
    baseInput(names, { productId: products.DV_WILDCARD, idempotencyKey: "wildcard-ok" }),
  );
  expect(payload.userErrors).toEqual([]);
  expect(payload.application).toMatchObject({ kind: "NEW", status: "SUBMITTED", names });
  expect(payload.application.domainValidations).toHaveLength(1);
  expect(payload.application.domainValidations[0]).toMatchObject({
    method: "DNS_TXT",
    status: "PENDING",
    httpUrl: null,
    dnsRecordName: "_pki-validation.wild.refusals.akashi-demo.jp",
  });
  const [{ n }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM domain_validation WHERE application_id = (SELECT id FROM application WHERE idempotency_key = 'wildcard-ok')`,
  );
  expect(n).toBe(1);
});

// --- Products and terms ---------------------------------------------------------------------------

test("VAL-1: an unknown product is refused with PRODUCT_NOT_FOUND and nothing is written", async () => {
  const names = ["noproduct.refusals.akashi-demo.jp"];
  const unknown = Buffer.from("Product:00000000-0000-4000-8000-000000000000").toString("base64url");
  await expectRefused(baseInput(names, { productId: unknown }), "PRODUCT_NOT_FOUND", "input.productId");
});

test("VAL-1: a term the product does not offer (18 months) is refused with TERM_NOT_OFFERED and nothing is written", async () => {
  const names = ["term.refusals.akashi-demo.jp"];
  const err = await expectRefused(baseInput(names, { termMonths: 18 }), "TERM_NOT_OFFERED", "input.termMonths");
  expect(err.message).toContain("12, 24, 36");
});

// --- APP-1: consents ------------------------------------------------------------------------------

test("APP-1: without the registrant's consent the application is refused with CONSENT_MISSING on registrantDataUse and nothing is written", async () => {
  const names = ["consent1.refusals.akashi-demo.jp"];
  await expectRefused(
    baseInput(names, { consents: { ...CONSENTS, registrantDataUse: false } }),
    "CONSENT_MISSING",
    "input.consents.registrantDataUse",
  );
});

test("APP-1: without the data subjects' consent the application is refused with CONSENT_MISSING on dataSubjects and nothing is written", async () => {
  const names = ["consent2.refusals.akashi-demo.jp"];
  await expectRefused(
    baseInput(names, { consents: { ...CONSENTS, dataSubjects: false } }),
    "CONSENT_MISSING",
    "input.consents.dataSubjects",
  );
});

test("APP-1, NOT-5: an unknown terms version is refused with TERMS_VERSION_UNKNOWN and nothing is written", async () => {
  const names = ["consent3.refusals.akashi-demo.jp"];
  await expectRefused(
    baseInput(names, { consents: { ...CONSENTS, termsVersion: "1999-01" } }),
    "TERMS_VERSION_UNKNOWN",
    "input.consents.termsVersion",
  );
});

// --- RES-3 ----------------------------------------------------------------------------------------

test("RES-3: an application for another reseller's subscriber is refused with SUBSCRIBER_NOT_FOUND and nothing is written", async () => {
  const names = ["foreign.refusals.akashi-demo.jp"];
  // The subscriber exists, but is managed by `reseller`, not by `otherReseller`.
  await expectRefused(baseInput(names), "SUBSCRIBER_NOT_FOUND", "input.subscriberId", otherReseller.key);
});

// --- VAL-5 ----------------------------------------------------------------------------------------

test("VAL-5: a renewal before the window opens is refused with RENEWAL_WINDOW_NOT_OPEN and nothing is written", async () => {
  const payload = await writesNothing(
    async () =>
      (
        await gqlOk(
          t,
          reseller.key,
          `mutation($input: SubmitRenewalInput!) { submitRenewal(input: $input) { application { id } userErrors { code field message } } }`,
          {
            input: {
              contractId: issued.contract.id,
              termMonths: 12,
              csr: csrFor(dir, ISSUED_NAMES),
              consents: CONSENTS,
            },
          },
        )
      ).submitRenewal,
  );
  expect(payload.application).toBeNull();
  expect(payload.userErrors).toHaveLength(1);
  expect(payload.userErrors[0]).toMatchObject({ code: "RENEWAL_WINDOW_NOT_OPEN", field: "input.contractId" });
  // Term ends 2027-11-30 → the window opens 2027-09-01 00:00 JST.
  expect(payload.userErrors[0].message).toContain("2027-09-01");
});

// --- APP-5 ----------------------------------------------------------------------------------------

test("APP-5: an individual applying for OV (organisations only) is refused with NOT_ELIGIBLE and nothing is written", async () => {
  const individual = await createSubscriber(t, reseller.key, { kind: "INDIVIDUAL", name: "山田 太郎" });
  const names = ["individual.refusals.akashi-demo.jp"];
  await expectRefused(
    baseInput(names, { subscriberId: individual, productId: products.OV }),
    "NOT_ELIGIBLE",
    "input.subscriberId",
  );
});

test("APP-5: an organisation without a base in Japan applying for EV is refused with NOT_ELIGIBLE and nothing is written", async () => {
  const foreign = await createSubscriber(t, reseller.key, {
    kind: "ORGANIZATION",
    name: "Example Inc.",
    country: "US",
    stateOrProvince: "California",
    locality: "San Francisco",
  });
  const names = ["foreignorg.refusals.akashi-demo.jp"];
  const err = await expectRefused(
    baseInput(names, { subscriberId: foreign, productId: products.EV }),
    "NOT_ELIGIBLE",
    "input.subscriberId",
  );
  expect(err.message).toContain("Japan");
  // The same organisation may apply for OV (organisations only, no base in Japan needed): the refusal was the EV limit.
  const ov = await submitRaw(reseller.key, baseInput(names, { subscriberId: foreign, productId: products.OV }));
  expect(ov.userErrors).toEqual([]);
});

// --- APP-4 ----------------------------------------------------------------------------------------

test("APP-4: a second NEW application of the same product and names while a valid certificate exists is refused with DUPLICATE_CERTIFICATE and nothing is written", async () => {
  expect(issued.certificate.status).toBe("VALID");
  await expectRefused(baseInput(ISSUED_NAMES, { productId: products.DV }), "DUPLICATE_CERTIFICATE", "input.names");
  // The names in another order are the same names.
  await expectRefused(
    baseInput([...ISSUED_NAMES].reverse(), { productId: products.DV }),
    "DUPLICATE_CERTIFICATE",
    "input.names",
  );
});

// --- Hostnames ------------------------------------------------------------------------------------

test("APP-12: an IDN in U-label form is converted to the A-label, and a CSR naming the U-label form is refused", async () => {
  const payload = await submitRaw(reseller.key, baseInput(["例え.jp"], { csr: csrFor(dir, ["xn--r8jz45g.jp"]) }));
  expect(payload.userErrors).toEqual([]);
  expect(payload.application.names).toEqual(["xn--r8jz45g.jp"]);
  await expectRefused(
    baseInput(["例え.refusals.jp"], { csr: csrFor(dir, ["other.refusals.jp"]) }),
    "CSR_NAMES_MISMATCH",
    "input.csr",
  );
});

// --- APP-2: documents -----------------------------------------------------------------------------

test("APP-2: a document of a type not allowed (text/html) is refused with DOCUMENT_TYPE_NOT_ALLOWED and nothing is written", async () => {
  const app = await awaitingDocuments(["doctype.refusals.akashi-demo.jp"]);
  const docs = [
    { filename: "page.html", mediaType: "text/html", contentBase64: Buffer.from("<html>hi</html>").toString("base64") },
  ];
  const payload = await writesNothing(
    async () => (await gqlOk(t, reseller.key, UPLOAD, { id: app.id, docs })).uploadDocuments,
  );
  expect(payload.application).toBeNull();
  expect(payload.userErrors).toEqual([
    expect.objectContaining({ code: "DOCUMENT_TYPE_NOT_ALLOWED", field: "input.documents[0].mediaType" }),
  ]);
  expect(await application(app.id)).toMatchObject({ status: "AWAITING_DOCUMENTS", documents: [] });
});

test("APP-2: a document larger than 5 MB is refused with DOCUMENT_TOO_LARGE and nothing is written", async () => {
  const app = await awaitingDocuments(["docsize.refusals.akashi-demo.jp"]);
  const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x41);
  big.write("%PDF-1.4\n", 0);
  const docs = [{ filename: "huge.pdf", mediaType: "application/pdf", contentBase64: big.toString("base64") }];
  const payload = await writesNothing(
    async () => (await gqlOk(t, reseller.key, UPLOAD, { id: app.id, docs })).uploadDocuments,
  );
  expect(payload.application).toBeNull();
  expect(payload.userErrors).toEqual([
    expect.objectContaining({ code: "DOCUMENT_TOO_LARGE", field: "input.documents[0].contentBase64" }),
  ]);
  expect(await application(app.id)).toMatchObject({ status: "AWAITING_DOCUMENTS", documents: [] });
  // Exactly 5 MB is allowed.
  const ok = await gqlOk(t, reseller.key, UPLOAD, {
    id: app.id,
    docs: [{ ...docs[0], contentBase64: big.subarray(0, 5 * 1024 * 1024).toString("base64") }],
  });
  expect(ok.uploadDocuments).toEqual({
    application: { status: "UNDER_REVIEW", documents: [{ filename: "huge.pdf" }] },
    userErrors: [],
  });
});

// --- Authorisation --------------------------------------------------------------------------------

test("RES-2: operator actions with a reseller key are refused with a top-level FORBIDDEN and nothing is written", async () => {
  const submitted = await submitApplication(t, reseller.key, {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names: ["forbidden.refusals.akashi-demo.jp"],
    csr: csrFor(dir, ["forbidden.refusals.akashi-demo.jp"]),
  });
  expect(submitted.userErrors).toEqual([]);
  const id = submitted.application.id;
  const operatorOnly = [
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { application { id } userErrors { code } } }`,
    `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { certificate { id } userErrors { code } } }`,
    `mutation($id: ID!) { rejectApplication(input: { applicationId: $id, ground: OTHER, reason: "no" }) { application { id } userErrors { code } } }`,
    `mutation($id: ID!) { requestDocuments(input: { applicationId: $id, message: "docs", dueInBusinessDays: 3 }) { application { id } userErrors { code } } }`,
  ];
  for (const query of operatorOnly) {
    const res = await writesNothing(() => t.gql(reseller.key, query, { id }));
    expect(res.errors).toBeDefined();
    expect(res.errors!.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(res.data).toBeNull();
  }
  expect((await application(id)).status).toBe("SUBMITTED");
});

// --- Races ----------------------------------------------------------------------------------------

test("APP-2, CON-1: two approvals of the same application at once issue exactly one certificate", async () => {
  const submitted = await submitApplication(t, reseller.key, {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names: RACE_NAMES,
    csr: csrFor(dir, RACE_NAMES),
  });
  expect(submitted.userErrors).toEqual([]);
  const id = submitted.application.id;
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { userErrors { code } } }`,
    { id },
  );
  dcv.publish(submitted.application.domainValidations);
  const checked = await gqlOk(
    t,
    reseller.key,
    `mutation($id: ID!) { checkDomainControl(input: { applicationId: $id }) { domainValidations { status } userErrors { code } } }`,
    { id },
  );
  expect(checked.checkDomainControl).toEqual({ domainValidations: [{ status: "VALID" }], userErrors: [] });

  const approve = () =>
    gqlOk(
      t,
      t.operatorKey,
      `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { application { id status } certificate { id } userErrors { code field } } }`,
      { id },
    );
  const results = (await Promise.all([approve(), approve()])).map((d) => d.approveApplication);
  const winners = results.filter((r) => r.certificate !== null);
  const losers = results.filter((r) => r.certificate === null);
  expect(winners).toHaveLength(1);
  expect(losers).toHaveLength(1);
  expect(winners[0].userErrors).toEqual([]);
  expect(winners[0].application).toEqual({ id, status: "ISSUED" });
  expect(losers[0]).toEqual({
    application: null,
    certificate: null,
    userErrors: [{ code: "APPLICATION_STATE", field: "input.applicationId" }],
  });

  const rawId = Buffer.from(id, "base64url").toString("utf8").split(":")[1];
  const [{ n: certs }] = await t.ds.query(`SELECT count(*)::int AS n FROM certificate WHERE application_id = $1`, [
    rawId,
  ]);
  const [{ n: contracts }] = await t.ds.query(`SELECT count(*)::int AS n FROM contract WHERE application_id = $1`, [
    rawId,
  ]);
  const [{ n: approvals }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM audit_event WHERE action = 'application.approve' AND entity_id = $1`,
    [id],
  );
  expect({ certs, contracts, approvals }).toEqual({ certs: 1, contracts: 1, approvals: 1 });
});

test("APP-1: retrying submitApplication with the same idempotency key and input returns the same application and writes one", async () => {
  const input = baseInput(["idem1.refusals.akashi-demo.jp"], { idempotencyKey: "idem-retry" });
  const first = await submitRaw(reseller.key, input);
  expect(first.userErrors).toEqual([]);
  const second = await writesNothing(() => submitRaw(reseller.key, input));
  expect(second.userErrors).toEqual([]);
  expect(second.application.id).toBe(first.application.id);
  const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM application WHERE idempotency_key = 'idem-retry'`);
  expect(n).toBe(1);
});

test("APP-1: two concurrent submits with the same idempotency key return the same application and write one", async () => {
  const input = baseInput(["idem2.refusals.akashi-demo.jp"], { idempotencyKey: "idem-race" });
  const before = await counts();
  const [a, b] = await Promise.all([submitRaw(reseller.key, input), submitRaw(reseller.key, input)]);
  expect(a.userErrors).toEqual([]);
  expect(b.userErrors).toEqual([]);
  expect(a.application.id).toBe(b.application.id);
  const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM application WHERE idempotency_key = 'idem-race'`);
  expect(n).toBe(1);
  // One application's worth of rows: 1 application, 3 consents, 1 validation, 1 audit entry.
  const after = await counts();
  expect(after).toEqual({
    ...before,
    application: before.application + 1,
    consent: before.consent + 3,
    domain_validation: before.domain_validation + 1,
    audit_event: before.audit_event + 1,
  });
});

test("APP-1: the same idempotency key with a different input is refused with IDEMPOTENCY_KEY_REUSED and nothing is written", async () => {
  const input = baseInput(["idem3.refusals.akashi-demo.jp"], { idempotencyKey: "idem-reuse" });
  const first = await submitRaw(reseller.key, input);
  expect(first.userErrors).toEqual([]);
  await expectRefused({ ...input, termMonths: 24 }, "IDEMPOTENCY_KEY_REUSED", "input.idempotencyKey");
  await expectRefused(
    { ...input, names: ["idem4.refusals.akashi-demo.jp"], csr: csrFor(dir, ["idem4.refusals.akashi-demo.jp"]) },
    "IDEMPOTENCY_KEY_REUSED",
    "input.idempotencyKey",
  );
});

// --- APP-3 ----------------------------------------------------------------------------------------

test("APP-3: rejecting an application destroys its documents' content, keeps their record, and a rejected application cannot be withdrawn", async () => {
  const app = await awaitingDocuments(["trademark.refusals.akashi-demo.jp"]);
  const pdf = Buffer.from("%PDF-1.4\n% trademark registration\n");
  const uploaded = await gqlOk(t, reseller.key, UPLOAD, {
    id: app.id,
    docs: [{ filename: "touki.pdf", mediaType: "application/pdf", contentBase64: pdf.toString("base64") }],
  });
  expect(uploaded.uploadDocuments.userErrors).toEqual([]);
  const rawId = Buffer.from(app.id, "base64url").toString("utf8").split(":")[1];
  const [stored] = await t.ds.query(
    `SELECT content, destroyed_at FROM application_document WHERE application_id = $1`,
    [rawId],
  );
  expect(Buffer.from(stored.content)).toEqual(pdf);
  expect(stored.destroyed_at).toBeNull();

  t.clock.set(new Date("2026-11-24T01:00:00Z"));
  try {
    const rejected = await gqlOk(
      t,
      t.operatorKey,
      `mutation($id: ID!) { rejectApplication(input: { applicationId: $id, ground: THIRD_PARTY_TRADEMARK, reason: "第三者の商標です" }) { application { id status refusalCode rejectionReason } userErrors { code } } }`,
      { id: app.id },
    );
    expect(rejected.rejectApplication).toEqual({
      application: {
        id: app.id,
        status: "REJECTED",
        refusalCode: "THIRD_PARTY_TRADEMARK",
        rejectionReason: "第三者の商標です",
      },
      userErrors: [],
    });

    const rows = await t.ds.query(
      `SELECT filename, size_bytes, sha256, content, destroyed_at FROM application_document WHERE application_id = $1`,
      [rawId],
    );
    expect(rows).toEqual([
      {
        filename: "touki.pdf",
        size_bytes: pdf.length,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        content: null,
        destroyed_at: new Date("2026-11-24T01:00:00Z"),
      },
    ]);
    expect(await application(app.id)).toMatchObject({
      status: "REJECTED",
      refusalCode: "THIRD_PARTY_TRADEMARK",
      documents: [{ filename: "touki.pdf", sizeBytes: pdf.length, destroyedAt: "2026-11-24T01:00:00.000Z" }],
    });

    const withdrawn = await writesNothing(
      async () =>
        (
          await gqlOk(
            t,
            reseller.key,
            `mutation($id: ID!) { withdrawApplication(input: { applicationId: $id, reason: "changed our mind" }) { application { id } userErrors { code field } } }`,
            { id: app.id },
          )
        ).withdrawApplication,
    );
    expect(withdrawn).toEqual({
      application: null,
      userErrors: [{ code: "APPLICATION_STATE", field: "input.applicationId" }],
    });
    expect((await application(app.id)).status).toBe("REJECTED");
  } finally {
    t.clock.set(NOW);
  }
});
