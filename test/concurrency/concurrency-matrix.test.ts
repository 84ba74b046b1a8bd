import fs from "node:fs";
import path from "node:path";
import request from "supertest";
import { checkCsr, issueServerCertificate, newSerialHex, toPem } from "../../api/src/pki";
import {
  CONSENTS,
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  issueCertificate,
  productIds,
  submitApplication,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestCa, makeTestCa } from "../support/pki-fixtures";
import { TestApp, startTestApp } from "../support/test-app";
import { mutation, plusDays, uuid } from "../governance/governance-support";
import { toGlobalId } from "../../api/src/ids";
import { jstDateOf } from "../../api/src/domain";

/**
 * The concurrency matrix (issue "hold under load"): every mutation of the schema is listed here, or the
 * test fails. A mutation that acts on one existing object is called 20 times at once with the same input
 * on a fresh object, and must have exactly the effect of one call — every table's row count changes as
 * after a single call on another fresh object (so one audit entry, one event, one charge, one notice) —
 * while each of the 20 answers is either success (the same result: idempotent) or a clear userErrors
 * code; never a top-level error, a 500 or a hang. A mutation that creates objects says how repeating it
 * behaves (idempotency key, unique field, or a new object each time by design) and is called the same way.
 */
jest.setTimeout(600_000);

const PARALLEL = 20;
const START = new Date("2026-11-21T03:00:00Z");
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let alpha: { id: string; globalId: string; key: string };
let products: Record<string, string>;
let subscriberId: string;
let otherCa: TestCa;
let inputTypes: Record<string, string>;
let n = 0;
/** Names the DCV web server answers for (host overrides are exact names). */
const POOL = 800;
const fresh = (_what: string) => {
  if (n >= POOL) throw new Error("the matrix ran out of names: raise POOL");
  return `n${++n}.matrix.akashi-demo.jp`;
};

/** How one mutation is called in the matrix. */
interface Case {
  /** ONE_OBJECT: acts on one existing object. CREATES: makes objects; `how` says what repeating it does. */
  kind: "ONE_OBJECT" | "CREATES";
  how?: string;
  /** ONE (default): the 20 calls change what one call changes. PER_SUCCESS: each successful call makes one more object, by design. */
  effects?: "ONE" | "PER_SUCCESS";
  key: () => string;
  /** Makes a fresh object in the state the mutation needs; returns the mutation's input. */
  prepare: () => Promise<Record<string, unknown>>;
}

const operator = () => t.operatorKey;
const reseller = () => alpha.key;

// ---- fixtures: each call makes new objects ----------------------------------------------------------

async function submitted(productId = products.DV): Promise<any> {
  const names = [fresh("app")];
  const r = await submitApplication(t, alpha.key, {
    subscriberId,
    productId,
    termMonths: productId === products.DV_AUTO_RENEW ? 36 : 12,
    names,
    csr: csrFor(dir, names),
  });
  if (r.userErrors.length) throw new Error(JSON.stringify(r.userErrors));
  return r.application;
}

async function underReview(): Promise<any> {
  const app = await submitted();
  await mutation(
    t,
    t.operatorKey,
    "startReview",
    "ApplicationIdInput",
    { applicationId: app.id },
    "application { id }",
  );
  return app;
}

async function validated(): Promise<any> {
  const app = await underReview();
  dcv.publish(app.domainValidations);
  const checked = await mutation(
    t,
    alpha.key,
    "checkDomainControl",
    "ApplicationIdInput",
    { applicationId: app.id },
    "domainValidations { status }",
  );
  if (checked.userErrors.length) throw new Error(JSON.stringify(checked.userErrors));
  return app;
}

async function issued(productId = products.DV): Promise<any> {
  const names = [fresh("cert")];
  const termMonths = productId === products.DV_AUTO_RENEW ? 36 : 12;
  return issueCertificate(t, dcv, dir, alpha.key, subscriberId, productId, names, termMonths);
}

async function awaitingDocuments(): Promise<any> {
  const app = await underReview();
  await mutation(
    t,
    t.operatorKey,
    "requestDocuments",
    "RequestDocumentsInput",
    { applicationId: app.id, message: "登記簿を提出してください", dueInBusinessDays: 5 },
    "application { id }",
  );
  return app;
}

async function scheduledRevocation(): Promise<string> {
  const cert = await issued();
  const r = await mutation(
    t,
    alpha.key,
    "requestRevocation",
    "RequestRevocationInput",
    { certificateId: cert.certificate.id, reason: "CESSATION_OF_OPERATION", atEndOfMonth: true },
    "revocation { id }",
  );
  return r.revocation.id;
}

async function problemReport(): Promise<string> {
  const cert = await issued();
  // Reports are rate-limited per address (the test's one address): each fixture report comes an hour later.
  t.clock.set(new Date(t.clock.now().getTime() + 3_600_000));
  const r = await gqlOk(
    t,
    null,
    `mutation($input: ReportProblemInput!) { reportProblem(input: $input) { receipt { id } userErrors { code } } }`,
    {
      input: {
        serialNumber: cert.certificate.serialNumber,
        description: "The private key was posted on a public forum.",
      },
    },
  );
  return r.reportProblem.receipt.id;
}

async function newReseller(): Promise<{ id: string; globalId: string; key: string }> {
  return t.createReseller(`m${++resellers}`);
}

async function cureNotice(resellerGlobalId: string): Promise<string> {
  const r = await mutation(
    t,
    t.operatorKey,
    "issueCureNotice",
    "IssueCureNoticeInput",
    {
      resellerId: resellerGlobalId,
      ground: "MATERIAL_BREACH",
      detail: "手数料が未払いです。",
      deadline: plusDays(t.clock.now(), 30).toISOString(),
    },
    "cureNotice { id }",
  );
  return r.cureNotice.id;
}

/** A reseller whose cure notice's deadline has passed (moves the clock forward 31 days). */
async function pastCureDeadline(): Promise<{ reseller: { globalId: string }; noticeId: string }> {
  const r = await newReseller();
  const noticeId = await cureNotice(r.globalId);
  t.clock.set(plusDays(t.clock.now(), 31));
  return { reseller: r, noticeId };
}

async function foreignCertificate(names: string[]): Promise<string> {
  const csr = checkCsr(csrFor(dir, names), { names, wildcardAllowed: false });
  if (!csr.ok) throw new Error(csr.message);
  const now = t.clock.now();
  const cert = await issueServerCertificate({
    issuer: otherCa.issuing,
    subjectPublicKeySpki: csr.publicKeySpki,
    serialHex: newSerialHex(),
    names,
    subject: { commonName: names[0] },
    validationLevel: "DV",
    notBefore: plusDays(now, -30),
    notAfter: plusDays(now, 150),
    urls: {
      crlUrl: "http://other-ca.akashi-demo.jp/crl",
      ocspUrl: "http://other-ca.akashi-demo.jp/ocsp",
      caIssuersUrl: "http://other-ca.akashi-demo.jp/ca.der",
    },
  });
  return cert.pem + toPem(otherCa.issuing.certDer, "CERTIFICATE");
}

async function importedContract(): Promise<string> {
  const r = await gqlOk(
    t,
    alpha.key,
    `mutation($input: ImportCertificateInput!) { importCertificate(input: $input) { application { contract { id } } userErrors { code } } }`,
    {
      input: {
        subscriberId,
        productId: products.BRING_YOUR_OWN,
        termMonths: 6,
        certificate: await foreignCertificate([fresh("byo")]),
        consents: CONSENTS,
      },
    },
  );
  if (r.importCertificate.userErrors.length) throw new Error(JSON.stringify(r.importCertificate.userErrors));
  return r.importCertificate.application.contract.id;
}

async function deadWebhookDelivery(): Promise<string> {
  const endpoint = await mutation(
    t,
    alpha.key,
    "createWebhookEndpoint",
    "CreateWebhookEndpointInput",
    { url: `https://${fresh("hook")}/akashi`, eventTypes: ["APPLICATION_SUBMITTED"] },
    "webhookEndpoint { id }",
  );
  await submitted();
  // As if the receiver had refused every attempt (the delivery worker's own tests show how it gets there).
  const [[row]] = await t.ds.query(
    `UPDATE webhook_delivery SET status = 'DEAD', attempts = 12 WHERE endpoint_id = $1 RETURNING id`,
    [uuid(endpoint.webhookEndpoint.id)],
  );
  return toGlobalId("WebhookDelivery", row.id);
}

async function apiKeyOf(r: { key: string }): Promise<string> {
  const keys = await gqlOk(t, r.key, `{ apiKeys { id } }`);
  return keys.apiKeys[0].id;
}

// ---- the operator's catalogue, ledger, subscriber changes and disputes (issue 13) --------------------

async function freshProduct(): Promise<string> {
  const code = `MX_${++resellers}`;
  const p = await mutation(
    t,
    t.operatorKey,
    "createProduct",
    "CreateProductInput",
    {
      code,
      nameJa: "マトリクス商品",
      nameEn: "Matrix product",
      validationLevel: "DV",
      issuanceMode: "BUILT_IN_CA",
      termMonths: [12],
    },
    "product { id }",
  );
  return p.product.id;
}

/** A subscriber of alpha's with a pending change of its registered data (CON-6): verified by an issuance first. */
async function pendingChange(): Promise<string> {
  const sub = await createSubscriber(t, alpha.key);
  await issueCertificate(t, dcv, dir, alpha.key, sub, products.DV, [fresh("chg")]);
  const u = await mutation(
    t,
    alpha.key,
    "updateSubscriber",
    "UpdateSubscriberInput",
    { id: sub, name: `株式会社変更後${++resellers}` },
    "subscriber { pendingChange { id } }",
  );
  return u.subscriber.pendingChange.id;
}

const disputed = () => `d${++resellers}.disputed.akashi-demo.jp`;
const today = () => jstDateOf(t.clock.now());

function CATALOGUE_MATRIX(): Record<string, Case> {
  return {
    createProduct: {
      kind: "CREATES",
      how: "code is unique: the same product again is the first one",
      key: operator,
      prepare: async () => ({
        code: `MXC_${++resellers}`,
        nameJa: "新商品",
        nameEn: "New product",
        validationLevel: "DV",
        issuanceMode: "BUILT_IN_CA",
        termMonths: [12],
      }),
    },
    updateProduct: {
      kind: "ONE_OBJECT",
      key: operator,
      prepare: async () => ({ productId: await freshProduct(), nameEn: "Renamed" }),
    },
    setProductPrice: {
      kind: "ONE_OBJECT",
      key: operator,
      prepare: async () => ({ productId: await freshProduct(), termMonths: 12, kind: "TERM", priceYen: 12345 }),
    },
    discontinueProduct: {
      kind: "ONE_OBJECT",
      key: operator,
      prepare: async () => ({ productId: await freshProduct(), reason: "提供終了" }),
    },
    setTaxRate: {
      kind: "CREATES",
      how: "one rate per date: the same rate for the same date is one rate",
      key: operator,
      prepare: async () => ({ effectiveOn: jstDateOf(plusDays(t.clock.now(), 100 + ++resellers)), ratePercent: 10 }),
    },
    recordPayment: {
      kind: "CREATES",
      how: "reference is unique per reseller: the same payment again is the first one",
      key: operator,
      prepare: async () => ({
        resellerId: alpha.globalId,
        month: today().slice(0, 7),
        amountYen: 1000,
        receivedOn: today(),
        method: "BANK_TRANSFER",
        reference: `MX-${++resellers}`,
      }),
    },
    revokeForUnpaidFee: {
      kind: "ONE_OBJECT",
      key: operator,
      prepare: async () => {
        const r = await newReseller();
        const c = await issueCertificate(t, dcv, dir, r.key, await createSubscriber(t, r.key), products.DV, [
          fresh("unpaid"),
        ]);
        const month = today().slice(0, 7);
        t.clock.set(plusDays(t.clock.now(), 62)); // CON-7: past the end of the following month
        return { certificateId: c.certificate.id, month };
      },
    },
    confirmSubscriberChange: {
      kind: "ONE_OBJECT",
      key: operator,
      prepare: async () => ({ changeId: await pendingChange() }),
    },
    rejectSubscriberChange: {
      kind: "ONE_OBJECT",
      key: operator,
      prepare: async () => ({ changeId: await pendingChange(), reason: "書類不足" }),
    },
    recordSuccession: {
      kind: "ONE_OBJECT",
      key: operator,
      prepare: async () => {
        const predecessor = await createSubscriber(t, alpha.key);
        await issueCertificate(t, dcv, dir, alpha.key, predecessor, products.DV, [fresh("succ")]);
        return {
          predecessorSubscriberId: predecessor,
          successorSubscriberId: await createSubscriber(t, alpha.key),
          kind: "MERGER",
          succeededOn: today(),
          notifiedOn: today(),
        };
      },
    },
    openNameDispute: {
      kind: "CREATES",
      how: "the same open dispute (names and claimant) again is the first one",
      key: operator,
      prepare: async () => ({
        names: [disputed()],
        claimant: "商標権者",
        description: "商標の無断使用",
        refuseApplications: false,
      }),
    },
    closeNameDispute: {
      kind: "ONE_OBJECT",
      key: operator,
      prepare: async () => {
        const d = await mutation(
          t,
          t.operatorKey,
          "openNameDispute",
          "OpenNameDisputeInput",
          { names: [disputed()], claimant: "X", description: "x", refuseApplications: false },
          "dispute { id }",
        );
        return { disputeId: d.dispute.id, resolution: "和解" };
      },
    },
    revokeForDispute: {
      kind: "ONE_OBJECT",
      key: operator,
      prepare: async () => {
        const c = await issued();
        const d = await mutation(
          t,
          t.operatorKey,
          "openNameDispute",
          "OpenNameDisputeInput",
          { certificateId: c.certificate.id, claimant: "X", description: "x", refuseApplications: false },
          "dispute { id }",
        );
        return { disputeId: d.dispute.id, certificateId: c.certificate.id };
      },
    },
  };
}

// ---- the matrix: every mutation of the schema -------------------------------------------------------

const MATRIX: Record<string, Case> = {
  // applications (APP)
  submitApplication: {
    kind: "CREATES",
    how: "idempotencyKey: the same key returns the same application",
    key: reseller,
    prepare: async () => {
      const names = [fresh("sub")];
      return {
        subscriberId,
        productId: products.DV,
        termMonths: 12,
        names,
        csr: csrFor(dir, names),
        consents: CONSENTS,
        idempotencyKey: `k${n}`,
      };
    },
  },
  submitRenewal: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => {
      const c = await issued();
      // VAL-5: inside the renewal window, a month before the term ends (the clock only ever moves forward).
      t.clock.set(plusDays(new Date(c.contract.endsAt), -30));
      return { contractId: c.contract.id, termMonths: 12, csr: csrFor(dir, c.names), consents: CONSENTS };
    },
  },
  submitReissue: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => {
      const c = await issued();
      return { contractId: c.contract.id, csr: csrFor(dir, c.names), consents: CONSENTS };
    },
  },
  submitReplacement: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => {
      const c = await issued();
      return { contractId: c.contract.id, csr: csrFor(dir, c.names), consents: CONSENTS };
    },
  },
  importCertificate: {
    kind: "CREATES",
    how: "idempotencyKey: the same key returns the same import",
    key: reseller,
    prepare: async () => ({
      subscriberId,
      productId: products.BRING_YOUR_OWN,
      termMonths: 6,
      certificate: await foreignCertificate([fresh("imp")]),
      consents: CONSENTS,
      idempotencyKey: `imp${n}`,
    }),
  },
  renewImportedCertificate: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => {
      const contractId = await importedContract();
      return { contractId, termMonths: 6, certificate: await foreignCertificate([fresh("imp2")]), consents: CONSENTS };
    },
  },
  startReview: { kind: "ONE_OBJECT", key: operator, prepare: async () => ({ applicationId: (await submitted()).id }) },
  requestDocuments: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({
      applicationId: (await underReview()).id,
      message: "登記簿を提出してください",
      dueInBusinessDays: 5,
    }),
  },
  uploadDocuments: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({
      applicationId: (await awaitingDocuments()).id,
      documents: [
        {
          filename: "touki.pdf",
          mediaType: "application/pdf",
          contentBase64: Buffer.from("%PDF-1.4\n%matrix\n").toString("base64"),
        },
      ],
    }),
  },
  checkDomainControl: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => {
      const app = await underReview();
      dcv.publish(app.domainValidations);
      return { applicationId: app.id };
    },
  },
  approveApplication: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({ applicationId: (await validated()).id }),
  },
  rejectApplication: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({
      applicationId: (await underReview()).id,
      ground: "OTHER",
      reason: "申請内容に不備があります",
    }),
  },
  withdrawApplication: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({ applicationId: (await submitted()).id, reason: "取り下げ" }),
  },
  // contracts (CON)
  cancelContract: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({ contractId: (await issued()).contract.id }),
  },
  setDoNotRenew: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({ contractId: (await issued()).contract.id, doNotRenew: true }),
  },
  stopAutoRenew: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({ contractId: (await issued(products.DV_AUTO_RENEW)).contract.id }),
  },
  // seals (SEAL)
  createSeal: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({ contractId: (await issued()).contract.id }),
  },
  // revocation (REV)
  requestRevocation: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({ certificateId: (await issued()).certificate.id, reason: "KEY_COMPROMISE" }),
  },
  withdrawRevocation: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({ revocationId: await scheduledRevocation() }),
  },
  reportProblem: {
    kind: "CREATES",
    how: "each report is a new report (REV-5), rate-limited per address",
    effects: "PER_SUCCESS",
    key: () => "",
    prepare: async () => ({
      serialNumber: (await issued()).certificate.serialNumber,
      description: "Someone else holds this private key.",
    }),
  },
  answerProblemReport: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({ problemReportId: await problemReport(), answer: "確認しました。", dismiss: false }),
  },
  revokeFromProblemReport: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({ problemReportId: await problemReport(), reason: "KEY_COMPROMISE" }),
  },
  startMassRevocation: {
    kind: "CREATES",
    how: "each call is a new mass revocation of what is still unrevoked (its jobs revoke each certificate once)",
    effects: "PER_SUCCESS",
    key: operator,
    prepare: async () => ({
      serials: [(await issued()).certificate.serialNumber],
      reason: "KEY_COMPROMISE",
      ground: "鍵の危殆化",
    }),
  },
  // subscribers
  createSubscriber: {
    kind: "CREATES",
    how: "a new subscriber each time, by design (no natural key)",
    effects: "PER_SUCCESS",
    key: reseller,
    prepare: async () => ({ kind: "INDIVIDUAL", name: `利用者 ${++resellers}`, country: "JP" }),
  },
  updateSubscriber: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({ id: await createSubscriber(t, alpha.key), locality: "Shibuya-ku" }),
  },
  // resellers and their keys (RES)
  createReseller: {
    kind: "CREATES",
    how: "code is unique: one reseller, the others RESELLER_CODE_TAKEN",
    key: operator,
    prepare: async () => ({
      code: `new${++resellers}`,
      name: "新規 株式会社",
      representativeName: "代表",
      contactEmail: `new${resellers}@reseller.akashi-demo.jp`,
    }),
  },
  updateReseller: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({ resellerId: (await newReseller()).globalId, contactPhone: "03-0000-0000" }),
  },
  createApiKey: {
    kind: "CREATES",
    how: "a new key each time, by design (several keys per reseller)",
    effects: "PER_SUCCESS",
    key: operator,
    prepare: async () => ({ resellerId: (await newReseller()).globalId, name: "portal" }),
  },
  rotateApiKey: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({ id: await apiKeyOf(await newReseller()), name: "rotated", overlapHours: 1 }),
  },
  revokeApiKey: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({ id: await apiKeyOf(await newReseller()), reason: "漏えい" }),
  },
  invalidateAllKeys: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({ resellerId: (await newReseller()).globalId, reason: "漏えいの疑い" }),
  },
  applyForAcme: {
    kind: "ONE_OBJECT",
    key: () => lastReseller!.key,
    prepare: async () => {
      lastReseller = await newReseller();
      return { note: "ACME" };
    },
  },
  enableAcme: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => {
      const r = await newReseller();
      await mutation(t, r.key, "applyForAcme", "ApplyForAcmeInput", { note: "ACME" }, "acmeApplication { id }");
      return { resellerId: r.globalId };
    },
  },
  issueCureNotice: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({
      resellerId: (await newReseller()).globalId,
      ground: "NO_RESPONSE",
      detail: "連絡が取れません。",
      deadline: plusDays(t.clock.now(), 30).toISOString(),
    }),
  },
  cureNoticeCured: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({ cureNoticeId: await cureNotice((await newReseller()).globalId) }),
  },
  suspendReseller: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => {
      const p = await pastCureDeadline();
      return { resellerId: p.reseller.globalId, cureNoticeId: p.noticeId, reason: "手数料未払い" };
    },
  },
  suspendImmediately: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({ resellerId: (await newReseller()).globalId, reason: "APIキー漏えい" }),
  },
  liftSuspension: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => {
      const r = await newReseller();
      const s = await mutation(
        t,
        t.operatorKey,
        "suspendImmediately",
        "SuspendImmediatelyInput",
        { resellerId: r.globalId, reason: "漏えい" },
        "suspension { id }",
      );
      return { suspensionId: s.suspension.id, reason: "原因除去を確認" };
    },
  },
  notifySubscribersDirectly: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => {
      const r = await newReseller();
      await createSubscriber(t, r.key);
      await mutation(
        t,
        t.operatorKey,
        "suspendImmediately",
        "SuspendImmediatelyInput",
        { resellerId: r.globalId, reason: "漏えい" },
        "suspension { id }",
      );
      return { resellerId: r.globalId, subject: "指定事業者の停止について", body: "お取引の指定事業者は停止中です。" };
    },
  },
  terminateReseller: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => ({
      resellerId: (await newReseller()).globalId,
      handoverDeadline: plusDays(t.clock.now(), 20).toISOString(),
      reason: "指定取消し",
    }),
  },
  takeOverContracts: {
    kind: "ONE_OBJECT",
    key: operator,
    prepare: async () => {
      const r = await newReseller();
      const sub = await createSubscriber(t, r.key);
      const names = [fresh("take")];
      await issueCertificate(t, dcv, dir, r.key, sub, products.DV, names);
      await mutation(
        t,
        t.operatorKey,
        "terminateReseller",
        "TerminateResellerInput",
        { resellerId: r.globalId, handoverDeadline: plusDays(t.clock.now(), 20).toISOString(), reason: "指定取消し" },
        "termination { id }",
      );
      return { resellerId: r.globalId, successorResellerId: null };
    },
  },
  // notices and announcements (NOT)
  announceMaintenance: {
    kind: "CREATES",
    how: "a new announcement each time, by design",
    effects: "PER_SUCCESS",
    key: operator,
    prepare: async () => ({
      title: "定期メンテナンス",
      body: "システムを停止します。",
      startsAt: plusDays(t.clock.now(), 10).toISOString(),
      endsAt: plusDays(t.clock.now(), 11).toISOString(),
    }),
  },
  announceServiceEnd: {
    kind: "CREATES",
    how: "a new announcement each time, by design",
    effects: "PER_SUCCESS",
    key: operator,
    prepare: async () => ({ body: "サービスを終了します。", endsAt: plusDays(t.clock.now(), 120).toISOString() }),
  },
  publishTermsVersion: {
    kind: "CREATES",
    how: "version is unique: one terms version, the others TERMS_VERSION_EXISTS",
    key: operator,
    // In force only long after the matrix: applications here keep agreeing to the version in force (APP-1, NOT-5).
    prepare: async () => ({
      version: `2027-${++resellers}`,
      url: "https://akashi-demo.jp/terms",
      effectiveFrom: plusDays(t.clock.now(), 36500).toISOString(),
      textJa: "利用条件",
      textEn: "Terms",
    }),
  },
  // webhooks (NOT-1)
  createWebhookEndpoint: {
    kind: "CREATES",
    how: "idempotencyKey: the same key returns the same endpoint",
    key: reseller,
    prepare: async () => ({
      url: `https://${fresh("hooks")}/in`,
      eventTypes: ["CERTIFICATE_ISSUED"],
      idempotencyKey: `hook${n}`,
    }),
  },
  updateWebhookEndpoint: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => {
      const e = await mutation(
        t,
        alpha.key,
        "createWebhookEndpoint",
        "CreateWebhookEndpointInput",
        { url: `https://${fresh("upd")}/in`, eventTypes: ["CERTIFICATE_ISSUED"] },
        "webhookEndpoint { id }",
      );
      return { webhookEndpointId: e.webhookEndpoint.id, active: false };
    },
  },
  deleteWebhookEndpoint: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => {
      const e = await mutation(
        t,
        alpha.key,
        "createWebhookEndpoint",
        "CreateWebhookEndpointInput",
        { url: `https://${fresh("del")}/in`, eventTypes: ["CERTIFICATE_ISSUED"] },
        "webhookEndpoint { id }",
      );
      return { webhookEndpointId: e.webhookEndpoint.id };
    },
  },
  replayWebhookDelivery: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({ deliveryId: await deadWebhookDelivery() }),
  },
  ...CATALOGUE_MATRIX(),
  // the ACME variant (ACME-2, ACME-3)
  registerUsageFqdns: {
    kind: "CREATES",
    how: "one live registration per name: one success, the others USAGE_FQDN_TAKEN",
    key: reseller,
    prepare: async () => ({ subscriberId, names: [fresh("fqdn")] }),
  },
  continueUsageFqdn: { kind: "ONE_OBJECT", key: reseller, prepare: async () => ({ usageFqdnId: await usageFqdn() }) },
  endUsageFqdn: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => ({ usageFqdnId: await usageFqdn(), reason: "解約" }),
  },
  createAcmeEabCredential: {
    kind: "CREATES",
    how: "idempotencyKey: the same key returns the same credential (and HMAC key)",
    key: reseller,
    prepare: async () => ({ subscriberId, idempotencyKey: `eab${++eabs}` }),
  },
  revokeAcmeEabCredential: {
    kind: "ONE_OBJECT",
    key: reseller,
    prepare: async () => {
      const e = await mutation(
        t,
        alpha.key,
        "createAcmeEabCredential",
        "CreateAcmeEabCredentialInput",
        { subscriberId },
        "eabCredential { id }",
      );
      return { eabCredentialId: e.eabCredential.id };
    },
  },
};

let eabs = 0;

async function usageFqdn(): Promise<string> {
  const r = await mutation(
    t,
    alpha.key,
    "registerUsageFqdns",
    "RegisterUsageFqdnsInput",
    { subscriberId, names: [fresh("fqdn")] },
    "usageFqdns { id }",
  );
  if (r.userErrors.length) throw new Error(JSON.stringify(r.userErrors));
  return r.usageFqdns[0].id;
}

let lastReseller: { key: string } | undefined;
let resellers = 0;

// ---- running one case --------------------------------------------------------------------------------

async function rowCounts(): Promise<Record<string, number>> {
  const tables: { tablename: string }[] = await t.ds.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('job', 'schema_migration')`,
  );
  const counts = await t.ds.query(
    tables.map((r) => `SELECT '${r.tablename}' AS t, count(*)::int AS n FROM ${r.tablename}`).join(" UNION ALL "),
  );
  return Object.fromEntries(counts.map((r: { t: string; n: number }) => [r.t, r.n]));
}

function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(after)) if (after[k] !== before[k]) out[k] = after[k] - (before[k] ?? 0);
  return out;
}

interface Answer {
  status: number;
  errors?: { message: string; extensions?: { code?: string } }[];
  userErrors: { code: string }[] | undefined;
}

async function call(name: string, key: string, input: Record<string, unknown>): Promise<Answer> {
  const req = request(t.app)
    .post("/graphql")
    .timeout({ response: 120_000, deadline: 180_000 })
    .set("Content-Type", "application/json");
  if (key) req.set("Authorization", `Bearer ${key}`);
  const res = await req.send({
    query: `mutation($input: ${inputTypes[name]}!) { ${name}(input: $input) { userErrors { code field } } }`,
    variables: { input },
  });
  return { status: res.status, errors: res.body.errors, userErrors: res.body.data?.[name]?.userErrors };
}

interface Outcome {
  mutation: string;
  kind: string;
  single: Record<string, number>;
  parallel: Record<string, number>;
  succeeded: number;
  refusedWith: Record<string, number>;
}

const outcomes: Outcome[] = [];

async function runCase(name: string, c: Case): Promise<Outcome> {
  // One call on a fresh object: what one call changes.
  const singleInput = await c.prepare();
  const before1 = await rowCounts();
  const one = await call(name, c.key(), singleInput);
  expect({ name, status: one.status, errors: one.errors, userErrors: one.userErrors }).toEqual({
    name,
    status: 200,
    errors: undefined,
    userErrors: [],
  });
  const single = delta(before1, await rowCounts());
  // Twenty identical calls at once on another fresh object.
  const input = await c.prepare();
  const key = c.key();
  const before = await rowCounts();
  const answers = await Promise.all(Array.from({ length: PARALLEL }, () => call(name, key, input)));
  const parallel = delta(before, await rowCounts());
  const refusedWith: Record<string, number> = {};
  for (const a of answers) {
    expect({ name, status: a.status, errors: a.errors }).toEqual({ name, status: 200, errors: undefined });
    expect(Array.isArray(a.userErrors)).toBe(true);
    for (const e of a.userErrors ?? []) refusedWith[e.code] = (refusedWith[e.code] ?? 0) + 1;
  }
  const succeeded = answers.filter((a) => a.userErrors?.length === 0).length;
  expect({ name, succeeded: succeeded > 0 }).toEqual({ name, succeeded: true });
  return { mutation: name, kind: c.kind, single, parallel, succeeded, refusedWith };
}

// ---- set-up and the tests ------------------------------------------------------------------------------

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: START,
    env: {
      AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(
        Array.from({ length: POOL }, (_, i) => `n${i + 1}.matrix.akashi-demo.jp`),
      ),
      AKASHI_DB_POOL_SIZE: "10",
      AKASHI_WEBHOOK_ALLOW_INSECURE: "true",
    },
  });
  alpha = await t.createReseller("matrix");
  // ACME-1: alpha brokers the ACME variant, so its mutations reach their own rules.
  await mutation(t, alpha.key, "applyForAcme", "ApplyForAcmeInput", { note: "ACME" }, "acmeApplication { id }");
  await mutation(t, t.operatorKey, "enableAcme", "ResellerIdInput", { resellerId: alpha.globalId }, "reseller { id }");
  products = await productIds(t);
  subscriberId = await createSubscriber(t, alpha.key);
  otherCa = await makeTestCa(dir, "ECDSA_P256", new Date("2026-01-01T00:00:00Z"));
  const schema: any = (
    await gqlOk(
      t,
      t.operatorKey,
      `{ __schema { mutationType { fields { name args { name type { kind name ofType { kind name } } } } } } }`,
    )
  ).__schema;
  inputTypes = Object.fromEntries(
    schema.mutationType!.fields.map((f: any) => [
      f.name,
      f.args.find((a: any) => a.name === "input")?.type.ofType?.name ?? f.args[0]?.type.ofType?.name,
    ]),
  );
});

afterAll(async () => {
  const out = path.resolve(__dirname, "../../test-artifacts/concurrency-matrix.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(outcomes, null, 2));
  await dcv.close();
  dir.remove();
  await t?.close();
});

test("concurrency: every mutation of the schema is in the matrix, and nothing in the matrix is gone from the schema", () => {
  expect(Object.keys(inputTypes).sort()).toEqual(Object.keys(MATRIX).sort());
});

describe.each(Object.keys(MATRIX).sort())("%s", (name) => {
  test(`concurrency: ${PARALLEL} identical calls at once have the effect of one, each answering the same result or a clear user error`, async () => {
    const c = MATRIX[name];
    const outcome = await runCase(name, c);
    outcomes.push(outcome);
    const times = c.effects === "PER_SUCCESS" ? outcome.succeeded : 1;
    const expected = Object.fromEntries(Object.entries(outcome.single).map(([table, d]) => [table, d * times]));
    expect({ name, changes: outcome.parallel }).toEqual({ name, changes: expected });
  });
});

test("concurrency: 30 approvals of 30 different applications at once, on a pool of 10 connections, all issue and nothing wedges", async () => {
  const apps = [];
  for (let i = 0; i < 30; i++) apps.push(await validated());
  const answers = await Promise.all(
    apps.map((a) => call("approveApplication", t.operatorKey, { applicationId: a.id })),
  );
  expect(answers.map((a) => [a.status, a.errors, a.userErrors])).toEqual(apps.map(() => [200, undefined, []]));
  const ids = apps.map((a) => uuid(a.id));
  const [{ n }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM certificate WHERE application_id = ANY($1::uuid[])`,
    [ids],
  );
  expect(n).toBe(30);
  expect((await request(t.app).get("/readyz")).status).toBe(200);
});
