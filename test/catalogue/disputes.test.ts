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
import { TestApp, startTestApp } from "../support/test-app";
import { audits, call } from "./catalogue-support";

/** APP-6 name disputes, APP-7 prohibited conduct, REV-3 the reseller's own revocation, CON-4 "do not renew". */
const NAMES = [
  "brand.akashi-demo.jp",
  "unrelated.akashi-demo.jp",
  "other.akashi-demo.jp",
  "conduct.akashi-demo.jp",
  "rev3.akashi-demo.jp",
  "con4.akashi-demo.jp",
];
const START = new Date("2026-11-21T03:00:00Z");
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let products: Record<string, string>;
let r: { id: string; globalId: string; key: string };
let sub: string;

const DISPUTE = "dispute { id names claimant refuseApplications closedAt certificate { id } }";
const REVOKE = "certificate { status revocationReason revocations { ground } } alreadyRevoked";
const apply = (name: string, productId = products.DV) =>
  submitApplication(t, r.key, {
    subscriberId: sub,
    productId,
    termMonths: 12,
    names: [name],
    csr: csrFor(dir, [name]),
  });

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  products = await productIds(t);
  r = await t.createReseller("disputes");
  sub = await createSubscriber(t, r.key);
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

test("APP-6: while a trademark dispute is open, applications for its names (and the names below them) are refused; the operator may revoke a certificate carrying them; closed, they are accepted again", async () => {
  const brand = await issueCertificate(t, dcv, dir, r.key, sub, products.DV, [NAMES[0]]);
  const unrelated = await issueCertificate(t, dcv, dir, r.key, sub, products.DV, [NAMES[1]]);
  const opened = await Promise.all(
    Array.from({ length: 20 }, () =>
      call(
        t,
        t.operatorKey,
        "openNameDispute",
        "OpenNameDisputeInput",
        {
          certificateId: brand.certificate.id,
          claimant: "株式会社ブランド",
          description: "登録商標「BRAND」の無断使用との申立て",
        },
        DISPUTE,
      ),
    ),
  );
  expect(new Set(opened.map((o) => o.dispute?.id)).size).toBe(1);
  const dispute = opened[0].dispute;
  expect(dispute).toMatchObject({
    names: ["brand.akashi-demo.jp"],
    refuseApplications: true,
    closedAt: null,
    certificate: { id: brand.certificate.id },
  });
  expect(await audits(t, "dispute.open", dispute.id)).toHaveLength(1);
  // Operator records only: a reseller neither opens nor sees them.
  const byReseller = await t.gql(
    r.key,
    `mutation { openNameDispute(input: { names: ["x.akashi-demo.jp"], claimant: "x", description: "x" }) { dispute { ` +
      `id } } }`,
  );
  expect(byReseller.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  expect((await gqlOk(t, r.key, `query($id: ID!) { node(id: $id) { id } }`, { id: dispute.id })).node).toBeNull();

  for (const [name, productId] of [
    ["shop.brand.akashi-demo.jp", products.DV],
    ["*.brand.akashi-demo.jp", products.DV_WILDCARD],
  ] as const) {
    const refused = await apply(name, productId);
    expect(refused.userErrors).toEqual([
      { code: "NAME_IN_DISPUTE", field: "input.names", message: expect.stringContaining("brand.akashi-demo.jp") },
    ]);
  }
  expect((await apply(NAMES[2])).userErrors).toEqual([]);

  const notDisputed = await call(
    t,
    t.operatorKey,
    "revokeForDispute",
    "RevokeForDisputeInput",
    { disputeId: dispute.id, certificateId: unrelated.certificate.id },
    REVOKE,
  );
  expect(notDisputed.userErrors[0].code).toBe("NAME_NOT_IN_DISPUTE");
  const revoked = await call(
    t,
    t.operatorKey,
    "revokeForDispute",
    "RevokeForDisputeInput",
    { disputeId: dispute.id, certificateId: brand.certificate.id },
    REVOKE,
  );
  expect(revoked).toMatchObject({
    certificate: {
      status: "REVOKED",
      revocationReason: "PRIVILEGE_WITHDRAWN",
      revocations: [{ ground: expect.stringContaining("APP-6") }],
    },
    alreadyRevoked: false,
    userErrors: [],
  });
  expect((await audits(t, "certificate.revokeForDispute", brand.certificate.id))[0].after).toMatchObject({
    disputeId: dispute.id,
    names: ["brand.akashi-demo.jp"],
  });

  const closed = await call(
    t,
    t.operatorKey,
    "closeNameDispute",
    "CloseNameDisputeInput",
    { disputeId: dispute.id, resolution: "当事者間で和解" },
    DISPUTE,
  );
  expect(closed.dispute.closedAt).not.toBeNull();
  expect((await apply("shop.brand.akashi-demo.jp")).userErrors).toEqual([]);
  const late = await call(
    t,
    t.operatorKey,
    "revokeForDispute",
    "RevokeForDisputeInput",
    { disputeId: dispute.id, certificateId: unrelated.certificate.id },
    REVOKE,
  );
  expect(late.userErrors[0].code).toBe("DISPUTE_CLOSED");

  // A dispute recorded without refusing applications leaves them to the operator's review.
  await call(
    t,
    t.operatorKey,
    "openNameDispute",
    "OpenNameDisputeInput",
    { names: ["watch.akashi-demo.jp"], claimant: "A", description: "monitoring only", refuseApplications: false },
    DISPUTE,
  );
  expect((await apply("watch.akashi-demo.jp")).userErrors).toEqual([]);
});

test("APP-7: a refusal for prohibited conduct names the conduct, recorded with the decision", async () => {
  const submitted = await apply(NAMES[3]);
  const reject = (input: Record<string, unknown>) =>
    call(
      t,
      t.operatorKey,
      "rejectApplication",
      "RejectApplicationInput",
      { applicationId: submitted.application.id, ...input },
      "application { status refusalCode prohibitedConduct }",
    );
  expect((await reject({ ground: "PROHIBITED_CONDUCT", reason: "迷惑メールの送信元" })).userErrors).toEqual([
    expect.objectContaining({ code: "PROHIBITED_CONDUCT_REQUIRED", field: "input.prohibitedConduct" }),
  ]);
  expect((await reject({ ground: "OTHER", reason: "x", prohibitedConduct: ["SPAM"] })).userErrors[0].code).toBe(
    "INVALID_INPUT",
  );
  const done = await reject({
    ground: "PROHIBITED_CONDUCT",
    reason: "迷惑メールの送信元、反社会的勢力との関係",
    prohibitedConduct: ["SPAM", "ANTI_SOCIAL_FORCES"],
  });
  expect(done).toEqual({
    application: {
      status: "REJECTED",
      refusalCode: "PROHIBITED_CONDUCT",
      prohibitedConduct: ["SPAM", "ANTI_SOCIAL_FORCES"],
    },
    userErrors: [],
  });
  const seen = await gqlOk(
    t,
    r.key,
    `query($id: ID!) { node(id: $id) { ... on Application { prohibitedConduct rejectionReason } } }`,
    { id: submitted.application.id },
  );
  expect(seen.node.prohibitedConduct).toEqual(["SPAM", "ANTI_SOCIAL_FORCES"]);
  expect((await audits(t, "application.reject", submitted.application.id))[0].after.prohibitedConduct).toEqual([
    "SPAM",
    "ANTI_SOCIAL_FORCES",
  ]);
});

test("REV-3: the managing reseller revokes on its own account only when its contract with the subscriber ends (or for unavoidable cause), says so, and the ground is recorded", async () => {
  const cert = await issueCertificate(t, dcv, dir, r.key, sub, products.DV, [NAMES[4]]);
  const REQUEST = `mutation($input: RequestRevocationInput!) { requestRevocation(input: $input) { revocation { requestedBy reason ground } userErrors { code field } } }`;
  const ask = (key: string, input: Record<string, unknown>) =>
    gqlOk(t, key, REQUEST, { input: { certificateId: cert.certificate.id, onBehalfOfSubscriber: false, ...input } });
  expect((await ask(r.key, { reason: "CESSATION_OF_OPERATION" })).requestRevocation.userErrors).toEqual([
    { code: "RESELLER_GROUND_REQUIRED", field: "input.resellerGround" },
  ]);
  expect(
    (await ask(r.key, { reason: "KEY_COMPROMISE", resellerGround: "SUBSCRIBER_CONTRACT_ENDED" })).requestRevocation
      .userErrors[0].code,
  ).toBe("REVOCATION_REASON_NOT_ALLOWED");
  const stranger = await t.createReseller("disputes-stranger");
  expect(
    (await ask(stranger.key, { reason: "CESSATION_OF_OPERATION", resellerGround: "SUBSCRIBER_CONTRACT_ENDED" }))
      .requestRevocation.userErrors[0].code,
  ).toBe("NOT_FOUND");
  const done = await ask(r.key, {
    reason: "CESSATION_OF_OPERATION",
    resellerGround: "SUBSCRIBER_CONTRACT_ENDED",
    operatorGround: "a reseller cannot write this",
  });
  expect(done.requestRevocation).toEqual({
    revocation: {
      requestedBy: "RESELLER",
      reason: "CESSATION_OF_OPERATION",
      ground: "REV-3 [J 10.4]: the managing reseller's contract with the subscriber has ended",
    },
    userErrors: [],
  });
});

test('CON-4: a "do not renew" reply ends the contract at the term\'s end — no renewal notice, no renewal, no renewal fee', async () => {
  const w = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  try {
    const rr = await w.createReseller("con4");
    const s = await createSubscriber(w, rr.key);
    const c = await issueCertificate(w, dcv, dir, rr.key, s, products.DV, [NAMES[5]]);
    const reply = await gqlOk(
      w,
      rr.key,
      `mutation($id: ID!) { setDoNotRenew(input: { contractId: $id, doNotRenew: true }) { contract { doNotRenew } ` +
        `userErrors { code } } }`,
      { id: c.contract.id },
    );
    expect(reply.setDoNotRenew).toEqual({ contract: { doNotRenew: true }, userErrors: [] });
    await w.jobs.scheduleRecurring();
    w.clock.set(new Date("2027-08-31T15:00:00Z")); // the renewal window opens: nobody is asked
    await w.jobs.runDue();
    const notices = await gqlOk(w, rr.key, `{ notices(first: 100) { edges { node { kind } } } }`);
    expect(notices.notices.edges.map((e: any) => e.node.kind)).not.toContain("RENEWAL_DUE");
    w.clock.set(new Date("2027-11-30T15:00:00Z")); // the term ended at 23:59:59 JST on 30 November
    await w.jobs.runDue();
    const node = (
      await gqlOk(
        w,
        rr.key,
        `query($id: ID!) { node(id: $id) { ... on Contract { status endReason endedAt charges { kind } } } }`,
        { id: c.contract.id },
      )
    ).node;
    expect(node).toEqual({
      status: "ENDED",
      endReason: "NOT_RENEWED",
      endedAt: "2027-11-30T14:59:59.000Z",
      charges: [{ kind: "ISSUANCE" }],
    });
    expect((await gqlOk(w, rr.key, `{ contracts(status: ACTIVE) { edges { node { id } } } }`)).contracts.edges).toEqual(
      [],
    );
    // Asked to renew anyway, after the end: there is nothing left to renew.
    const renewal = await gqlOk(
      w,
      rr.key,
      `mutation($input: SubmitRenewalInput!) { submitRenewal(input: $input) { userErrors { code } } }`,
      {
        input: { contractId: c.contract.id, termMonths: 12, csr: csrFor(dir, [NAMES[5]]), consents: CONSENTS },
      },
    );
    expect(renewal.submitRenewal.userErrors).toEqual([{ code: "CONTRACT_ENDED" }]);
  } finally {
    await w.close();
  }
});
