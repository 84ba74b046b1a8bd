import request from "supertest";
import { TempDir, openssl, opensslOk } from "../support/openssl";
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
 * The heart of Akashi end to end over HTTP: a reseller applies, the operator reviews and asks for
 * documents, domain control is proved against a real HTTP server, the CA issues, and the reseller
 * downloads a certificate that openssl verifies for every name. Then renewal and reissue.
 */
const NAMES = ["shop.akashi-demo.jp", "www.shop.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let reseller: { id: string; key: string };
let products: Record<string, string>;
let subscriberId: string;
let issued: any;

beforeAll(async () => {
  await dcv.start();
  // Saturday 2026-11-21, 12:00 JST.
  t = await startTestApp({
    now: new Date("2026-11-21T03:00:00Z"),
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) },
  });
  reseller = await t.createReseller("lifecycle");
  products = await productIds(t);
  subscriberId = await createSubscriber(t, reseller.key);
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

function writeChain(name: string, cert: { pem: string; chainPem: string }) {
  return { leaf: dir.file(`${name}.pem`, cert.pem), chain: dir.file(`${name}-chain.pem`, cert.chainPem) };
}

async function rootPath(): Promise<string> {
  const res = await request(t.app).get("/ca/root.pem");
  expect(res.status).toBe(200);
  return dir.file("root.pem", res.text);
}

test("APP-2, APP-9, CON-1: submit → review → documents → domain validated → approve → download → openssl verifies every name", async () => {
  const submitted = await submitApplication(t, reseller.key, {
    subscriberId,
    productId: products.OV,
    termMonths: 12,
    names: NAMES,
    csr: csrFor(dir, NAMES),
    idempotencyKey: "first-order",
  });
  expect(submitted.userErrors).toEqual([]);
  const app = submitted.application;
  expect(app).toMatchObject({ kind: "NEW", status: "SUBMITTED", names: NAMES });
  expect(app.domainValidations.map((v: any) => [v.name, v.method, v.status])).toEqual([
    ["shop.akashi-demo.jp", "HTTP_FILE", "PENDING"],
    ["www.shop.akashi-demo.jp", "HTTP_FILE", "PENDING"],
  ]);
  expect(app.domainValidations[0].httpUrl).toBe(
    `http://shop.akashi-demo.jp/.well-known/pki-validation/${app.domainValidations[0].token}.txt`,
  );

  // The operator asks for documents on Saturday 21 Nov 2026, outside support hours: it counts from the
  // next business day, Tuesday 24 Nov (Monday 23 Nov is 勤労感謝の日), and 5 business days after that
  // is Tuesday 1 Dec, 18:00 JST (CAL-1, CAL-2).
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { application { status } } }`,
    { id: app.id },
  );
  const asked = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { requestDocuments(input: { applicationId: $id, message: "登記事項証明書を提出してください", dueInBusinessDays: 5 }) { application { status documentsDueAt } userErrors { code } } }`,
    { id: app.id },
  );
  expect(asked.requestDocuments.application).toEqual({
    status: "AWAITING_DOCUMENTS",
    documentsDueAt: "2026-12-01T09:00:00.000Z",
  });

  const pdf = Buffer.from("%PDF-1.4\n% registration certificate\n").toString("base64");
  const uploaded = await gqlOk(
    t,
    reseller.key,
    `mutation($id: ID!, $c: String!) { uploadDocuments(input: { applicationId: $id, documents: [{ filename: "touki.pdf", mediaType: "application/pdf", contentBase64: $c }] }) { application { status documents { filename sizeBytes } } userErrors { code } } }`,
    { id: app.id, c: pdf },
  );
  expect(uploaded.uploadDocuments.application).toEqual({
    status: "UNDER_REVIEW",
    documents: [{ filename: "touki.pdf", sizeBytes: 36 }],
  });

  // APP-9: no approval before domain control is proved.
  const early = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { certificate { id } userErrors { code message } } }`,
    { id: app.id },
  );
  expect(early.approveApplication.userErrors[0].code).toBe("DOMAIN_CONTROL_NOT_VALIDATED");
  expect(early.approveApplication.certificate).toBeNull();

  dcv.publish(app.domainValidations);
  const checked = await gqlOk(
    t,
    reseller.key,
    `mutation($id: ID!) { checkDomainControl(input: { applicationId: $id }) { domainValidations { name status checkedAt } } }`,
    { id: app.id },
  );
  expect(checked.checkDomainControl.domainValidations.map((v: any) => v.status)).toEqual(["VALID", "VALID"]);

  const approved = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { application { ${APPLICATION_FIELDS} } certificate { id } userErrors { code } } }`,
    { id: app.id },
  );
  expect(approved.approveApplication.userErrors).toEqual([]);
  issued = approved.approveApplication.application;
  expect(issued.status).toBe("ISSUED");
  // VAL-2: 12 months from 21 Nov 2026 end 30 Nov 2027 23:59:59 JST. VAL-7: issued after 2026-03-15,
  // so the certificate lives at most 200 days, one day under: notAfter = notBefore + 199 days.
  expect(issued.contract.endsAt).toBe("2027-11-30T14:59:59.000Z");
  expect(issued.certificate.notBefore).toBe("2026-11-21T03:00:00.000Z");
  expect(issued.certificate.notAfter).toBe("2027-06-08T03:00:00.000Z");
  expect(issued.certificate.status).toBe("VALID");
  expect(issued.certificate.serialNumber).toMatch(/^[0-9a-f]{30,34}$/);

  // The reseller downloads PEM + chain; openssl verifies it for every name against the served root.
  const files = writeChain("issued", issued.certificate);
  const root = await rootPath();
  for (const name of NAMES) {
    const out = opensslOk([
      "verify",
      "-x509_strict",
      "-purpose",
      "sslserver",
      "-verify_hostname",
      name,
      "-attime",
      String(Date.parse("2026-12-01T00:00:00Z") / 1000),
      "-CAfile",
      root,
      "-untrusted",
      files.chain,
      files.leaf,
    ]);
    expect(out).toContain(": OK");
  }
  const text = opensslOk(["x509", "-in", files.leaf, "-noout", "-text"]);
  expect(text).toContain("2.23.140.1.2.2"); // OV policy
  expect(text).toMatch(
    /Subject: C\s*=\s*JP, ST\s*=\s*Tokyo, L\s*=\s*Chiyoda-ku, O\s*=\s*.+, CN\s*=\s*shop\.akashi-demo\.jp/,
  );
  expect(text).toContain("http://akashi.test/ocsp");
  const caIssuers = /CA Issuers - URI:(\S+)/.exec(text)![1];
  const served = await request(t.app)
    .get(new URL(caIssuers).pathname)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => cb(null, Buffer.concat(chunks)));
    });
  expect(served.headers["content-type"]).toContain("application/pkix-cert");
  const issuingPem = dir.file("issuing-from-url.der", served.body as Buffer);
  expect(opensslOk(["x509", "-inform", "DER", "-in", issuingPem, "-noout", "-subject"])).toContain(
    "Akashi TLS Issuing CA 1",
  );

  // A name not in the certificate does not verify.
  expect(
    openssl([
      "verify",
      "-purpose",
      "sslserver",
      "-verify_hostname",
      "evil.example",
      "-CAfile",
      root,
      "-untrusted",
      files.chain,
      files.leaf,
    ]).status,
  ).not.toBe(0);
});

test("REC-1: every step of the application is in the audit log", async () => {
  const log = await gqlOk(
    t,
    t.operatorKey,
    `query($id: ID!) { auditEvents(entityId: $id, first: 50) { edges { node { action actorKind } } } }`,
    { id: issued.id },
  );
  expect(log.auditEvents.edges.map((e: any) => e.node.action).reverse()).toEqual([
    "application.submit.new",
    "application.startReview",
    "application.requestDocuments",
    "application.uploadDocuments",
    "domainValidation.succeed",
    "domainValidation.succeed",
    "application.approve",
  ]);
});

test("VAL-5: a renewal before the window opens is refused naming the opening date; inside it the term runs from the current expiry", async () => {
  const contractId = issued.contract.id;
  const renewal = (key: string) =>
    gqlOk(
      t,
      reseller.key,
      `mutation($input: SubmitRenewalInput!) { submitRenewal(input: $input) { application { ${APPLICATION_FIELDS} } userErrors { code field message } } }`,
      {
        input: { contractId, termMonths: 12, csr: csrFor(dir, NAMES), consents: CONSENTS, idempotencyKey: key },
      },
    );
  const early = await renewal("renew-early");
  expect(early.submitRenewal.application).toBeNull();
  expect(early.submitRenewal.userErrors[0].code).toBe("RENEWAL_WINDOW_NOT_OPEN");
  expect(early.submitRenewal.userErrors[0].message).toContain("2027-09-01");

  // Term ends 2027-11-30 → the window opens 2027-09-01 00:00 JST.
  t.clock.set(new Date("2027-08-31T15:00:00Z"));
  const onTime = await renewal("renew-on-time");
  expect(onTime.submitRenewal.userErrors).toEqual([]);
  const app = onTime.submitRenewal.application;
  expect(app.kind).toBe("RENEWAL");
  // APP-9: the validation of 2026-11-21 is older than the 100 days allowed from 2027-03-15, so it is asked again.
  expect(app.domainValidations.map((v: any) => v.status)).toEqual(["PENDING", "PENDING"]);
  const done = await reviewAndApprove(t, dcv, reseller.key, app);
  expect(done.contract.id).not.toBe(contractId);
  expect(done.contract.endsAt).toBe("2028-11-30T14:59:59.000Z");
  // VAL-7: from 2027-03-15 at most 100 days.
  expect(done.certificate.notAfter).toBe("2027-12-08T15:00:00.000Z");
  t.clock.set(new Date("2026-11-21T03:00:00Z"));
});

test("VAL-4: a reissue keeps the common name and the notAfter, and schedules the superseded certificate's revocation after 72 hours", async () => {
  t.clock.set(new Date("2026-12-01T01:00:00Z"));
  const contractId = issued.contract.id;
  const res = await gqlOk(
    t,
    reseller.key,
    `mutation($input: SubmitReissueInput!) { submitReissue(input: $input) { application { ${APPLICATION_FIELDS} } userErrors { code field message } } }`,
    {
      input: { contractId, csr: csrFor(dir, NAMES, "rsa:2048"), consents: CONSENTS },
    },
  );
  expect(res.submitReissue.userErrors).toEqual([]);
  // The validations from 21 Nov are reused (within the reuse period): nothing to publish.
  expect(res.submitReissue.application.domainValidations.map((v: any) => v.status)).toEqual(["VALID", "VALID"]);
  const done = await reviewAndApprove(t, dcv, reseller.key, res.submitReissue.application);
  expect(done.contract.id).toBe(contractId);
  expect(done.certificate.notAfter).toBe(issued.certificate.notAfter);
  expect(done.certificate.serialNumber).not.toBe(issued.certificate.serialNumber);
  const [row] = await t.ds.query(
    `SELECT r.status, r.reason, r.scheduled_for FROM revocation r JOIN certificate c ON c.id = r.certificate_id WHERE c.serial_hex = $1`,
    [issued.certificate.serialNumber],
  );
  expect(row).toEqual({ status: "SCHEDULED", reason: "superseded", scheduled_for: new Date("2026-12-04T01:00:00Z") });

  // VAL-4: a different common name is not a reissue.
  const other = await gqlOk(
    t,
    reseller.key,
    `mutation($input: SubmitReissueInput!) { submitReissue(input: $input) { application { id } userErrors { code field } } }`,
    {
      input: {
        contractId,
        csr: csrFor(dir, ["www.shop.akashi-demo.jp", "shop.akashi-demo.jp"]),
        names: ["www.shop.akashi-demo.jp", "shop.akashi-demo.jp"],
        consents: CONSENTS,
      },
    },
  );
  expect(other.submitReissue).toEqual({
    application: null,
    userErrors: [{ code: "REISSUE_NAME_CHANGED", field: "input.names[0]" }],
  });
  t.clock.set(new Date("2026-11-21T03:00:00Z"));
});

test("RES-3: the issued certificate is visible to its managing reseller only", async () => {
  const other = await t.createReseller("other-lifecycle");
  for (const id of [issued.certificate.id, issued.contract.id, issued.id]) {
    const seen = await gqlOk(t, other.key, `query($id: ID!) { node(id: $id) { id } }`, { id });
    expect(seen.node).toBeNull();
    const own = await gqlOk(t, reseller.key, `query($id: ID!) { node(id: $id) { id } }`, { id });
    expect(own.node).toEqual({ id });
  }
  const list = await gqlOk(
    t,
    other.key,
    `{ certificates { edges { node { id } } } contracts { edges { node { id } } } applications { edges { node { id } } } }`,
  );
  expect(list).toEqual({ certificates: { edges: [] }, contracts: { edges: [] }, applications: { edges: [] } });
});
