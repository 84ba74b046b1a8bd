import {
  DcvWebServer,
  createSubscriber,
  gqlOk,
  issueCertificate,
  productIds,
  reviewAndApprove,
  submitApplication,
} from "../support/lifecycle";
import { inTransaction } from "../../api/src/db/transaction";
import { EXECUTE_SCHEDULED_JOB } from "../../api/src/revocations/revocation.service";
import { holdOpen, untilWaitingForLock } from "../support/open-transaction";
import { TempDir, makeCsr, opensslOk } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { contractWriteGaps, scheduledRevocationGaps } from "../support/write-paths";

/** REV-1..REV-10 through GraphQL: who may revoke for which reason, schedules, finality, reports, mass revocation. */
const NAMES = Array.from({ length: 40 }, (_, i) => `r${i}.revoke.akashi-demo.jp`);
const START = new Date("2026-11-21T03:00:00Z");
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let alpha: { id: string; key: string };
let beta: { id: string; key: string };
let products: Record<string, string>;
let subscriberId: string;
let nameIndex = 0;

const REQUEST = `mutation($input: RequestRevocationInput!) { requestRevocation(input: $input) {
  alreadyRevoked certificate { id status revokedAt revocationReason contract { status endReason } }
  revocation { id status reason requestedBy scheduledFor executedAt deadlineAt } userErrors { code field message } } }`;
const STATUS = `query($s: String!) { certificateStatus(serialNumber: $s) { status revokedAt revocationReason revocationScheduledAt } }`;

async function freshCertificate(): Promise<{ id: string; serialNumber: string }> {
  const name = NAMES[nameIndex++];
  const app = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.DV, [name]);
  return app.certificate;
}

function revoke(key: string, certificateId: string, reason: string, extra: Record<string, unknown> = {}) {
  return gqlOk(t, key, REQUEST, { input: { certificateId, reason, ...extra } }).then((d) => d.requestRevocation);
}

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: START,
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES), AKASHI_MASS_REVOCATION_BATCH: "2" },
  });
  alpha = await t.createReseller("alpha-rev");
  beta = await t.createReseller("beta-rev");
  products = await productIds(t);
  subscriberId = await createSubscriber(t, alpha.key);
  await t.jobs.scheduleRecurring();
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

beforeEach(() => t.clock.set(START));

describe("REV-1: who may revoke for which reason", () => {
  const REASONS = [
    "UNSPECIFIED",
    "KEY_COMPROMISE",
    "AFFILIATION_CHANGED",
    "SUPERSEDED",
    "CESSATION_OF_OPERATION",
    "PRIVILEGE_WITHDRAWN",
  ];
  const ALLOWED: Record<string, string[]> = {
    SUBSCRIBER: ["UNSPECIFIED", "KEY_COMPROMISE", "AFFILIATION_CHANGED", "SUPERSEDED", "CESSATION_OF_OPERATION"],
    RESELLER: ["UNSPECIFIED", "AFFILIATION_CHANGED", "CESSATION_OF_OPERATION"],
    OPERATOR: REASONS,
  };
  const cases = (["SUBSCRIBER", "RESELLER", "OPERATOR"] as const).flatMap((role) =>
    REASONS.map((reason) => [role, reason, ALLOWED[role].includes(reason)] as const),
  );

  test.each(cases)("REV-1: %s with %s → allowed: %s", async (role, reason, allowed) => {
    const cert = await freshCertificate();
    const key = role === "OPERATOR" ? t.operatorKey : alpha.key;
    // REV-3: the reseller's own request names its ground.
    const ground = role === "RESELLER" ? { resellerGround: "SUBSCRIBER_CONTRACT_ENDED" } : {};
    const res = await revoke(key, cert.id, reason, { onBehalfOfSubscriber: role === "SUBSCRIBER", ...ground });
    if (allowed) {
      expect(res.userErrors).toEqual([]);
      expect(res.certificate.status).toBe("REVOKED");
      expect(res.revocation).toMatchObject({ status: "EXECUTED", reason, requestedBy: role });
    } else {
      expect(res.userErrors).toEqual([
        { code: "REVOCATION_REASON_NOT_ALLOWED", field: "input.reason", message: expect.any(String) },
      ]);
      expect((await gqlOk(t, null, STATUS, { s: cert.serialNumber })).certificateStatus.status).toBe("VALID");
      expect(
        await t.ds.query(
          `SELECT count(*)::int AS n FROM revocation r JOIN certificate c ON c.id = r.certificate_id WHERE c.serial_hex = $1`,
          [cert.serialNumber],
        ),
      ).toEqual([{ n: 0 }]);
    }
  });

  test("RES-3: a reseller cannot revoke another reseller's certificate", async () => {
    const cert = await freshCertificate();
    const res = await revoke(beta.key, cert.id, "KEY_COMPROMISE");
    expect(res.userErrors).toEqual([{ code: "NOT_FOUND", field: "input.certificateId", message: expect.any(String) }]);
    expect((await gqlOk(t, null, STATUS, { s: cert.serialNumber })).certificateStatus.status).toBe("VALID");
  });

  test("the public cannot revoke", async () => {
    const cert = await freshCertificate();
    const res = await t.gql(null, REQUEST, { input: { certificateId: cert.id, reason: "KEY_COMPROMISE" } });
    expect(res.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});

test("REV-6, REV-7: revocation ends the contract and is final; revoking again changes nothing and says so", async () => {
  const cert = await freshCertificate();
  const first = await revoke(alpha.key, cert.id, "KEY_COMPROMISE");
  expect(first.certificate.contract).toEqual({ status: "ENDED", endReason: "REVOKED" });
  // REV-10: key compromise must be executed within 24 hours.
  expect(Date.parse(first.revocation.deadlineAt) - Date.parse(first.revocation.executedAt)).toBeLessThanOrEqual(
    24 * 3600_000,
  );
  t.clock.set(new Date("2026-11-22T00:00:00Z"));
  const again = await revoke(t.operatorKey, cert.id, "PRIVILEGE_WITHDRAWN");
  expect(again.userErrors).toEqual([]);
  expect(again.alreadyRevoked).toBe(true);
  expect(again.certificate).toMatchObject({
    revokedAt: first.certificate.revokedAt,
    revocationReason: "KEY_COMPROMISE",
  });
  const history = await gqlOk(
    t,
    alpha.key,
    `query($id: ID!) { node(id: $id) { ... on Certificate { revocations { status reason } } } }`,
    { id: cert.id },
  );
  expect(history.node.revocations).toEqual([{ status: "EXECUTED", reason: "KEY_COMPROMISE" }]);
});

test("REC-1: a revocation's audit entry says what it changed — the serial, revokedAt and reason from null to set — and carries the revocation record", async () => {
  const cert = await freshCertificate();
  const done = await revoke(alpha.key, cert.id, "KEY_COMPROMISE", { comment: "key leaked in a public repository" });
  const log = await gqlOk(
    t,
    t.operatorKey,
    `query($id: ID!) { auditEvents(entityId: $id, first: 10) { edges { node { action reason actorKind before after } } } }`,
    { id: cert.id },
  );
  const entries = log.auditEvents.edges.map((e: any) => e.node).filter((n: any) => n.action === "certificate.revoke");
  expect(entries).toHaveLength(1);
  const [entry] = entries;
  expect(entry).toMatchObject({ reason: "key leaked in a public repository", actorKind: "RESELLER" });
  expect(entry.before).toEqual({ serialHex: cert.serialNumber, revokedAt: null, revocationReason: null });
  expect(entry.after).toMatchObject({
    serialHex: cert.serialNumber,
    revokedAt: new Date(done.certificate.revokedAt).toISOString(),
    revocationReason: "keyCompromise", // as stored (RFC 5280's name), not the GraphQL enum
    revocation: {
      status: "EXECUTED",
      reason: "keyCompromise",
      requestedBy: "SUBSCRIBER", // through its reseller, without a ground of the reseller's own (REV-1)
      comment: "key leaked in a public repository",
      executedAt: new Date(done.revocation.executedAt).toISOString(),
    },
  });
  // REV-6 ended its contract: that entry, too, holds what the end changed.
  const { node } = await gqlOk(
    t,
    alpha.key,
    `query($id: ID!) { node(id: $id) { ... on Certificate { contract { id } } } }`,
    {
      id: cert.id,
    },
  );
  const contractLog = await gqlOk(
    t,
    t.operatorKey,
    `query($id: ID!) { auditEvents(entityId: $id, first: 10) { edges { node { action before after } } } }`,
    { id: node.contract.id },
  );
  expect(contractLog.auditEvents.edges.map((e: any) => e.node).filter((n: any) => n.action === "contract.end")).toEqual(
    [
      {
        action: "contract.end",
        before: { status: "ACTIVE", endedAt: null, endReason: null },
        after: { status: "ENDED", endedAt: new Date(done.revocation.executedAt).toISOString(), endReason: "REVOKED" },
      },
    ],
  );
});

test("REV-2: a scheduled revocation stays valid until the end of the month (JST), then flips; it shows revocationScheduledAt", async () => {
  const cert = await freshCertificate();
  const res = await revoke(alpha.key, cert.id, "CESSATION_OF_OPERATION", { atEndOfMonth: true });
  expect(res.userErrors).toEqual([]);
  expect(res.revocation).toMatchObject({
    status: "SCHEDULED",
    scheduledFor: "2026-11-30T14:59:59.000Z",
    executedAt: null,
  });
  expect((await gqlOk(t, null, STATUS, { s: cert.serialNumber })).certificateStatus).toEqual({
    status: "VALID",
    revokedAt: null,
    revocationReason: null,
    revocationScheduledAt: "2026-11-30T14:59:59.000Z",
  });

  t.clock.set(new Date("2026-11-30T14:59:58Z"));
  await t.jobs.runDue();
  expect((await gqlOk(t, null, STATUS, { s: cert.serialNumber })).certificateStatus.status).toBe("VALID");
  t.clock.set(new Date("2026-11-30T14:59:59Z"));
  await t.jobs.runDue();
  expect((await gqlOk(t, null, STATUS, { s: cert.serialNumber })).certificateStatus).toEqual({
    status: "REVOKED",
    revokedAt: "2026-11-30T14:59:59.000Z",
    revocationReason: "CESSATION_OF_OPERATION",
    revocationScheduledAt: null,
  });
});

test("REV-2, REV-7: the executor of a scheduled revocation locks the certificate before the revocation, as every revoking path does, so that none waits for it in a cycle", async () => {
  const cert = await freshCertificate();
  expect((await revoke(alpha.key, cert.id, "SUPERSEDED", { atEndOfMonth: true })).userErrors).toEqual([]);
  const [{ id: revocationId, certificate_id: certificateId }] = await t.ds.query(
    `SELECT r.id, r.certificate_id FROM revocation r JOIN certificate c ON c.id = r.certificate_id
     WHERE c.serial_hex = $1 AND r.status = 'SCHEDULED'`,
    [cert.serialNumber.toLowerCase()],
  );
  // Another revoking transaction (a mass revocation's batch, say) holds the certificate when the month ends,
  // and then goes on to the revocation row, as such a batch does: this would deadlock if the executor held it.
  const holder = holdOpen(
    t.ds,
    (tx) => tx.query(`SELECT id FROM certificate WHERE id = $1 FOR UPDATE`, [certificateId]),
    async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = '10s'`);
      await tx.query(`SELECT id FROM revocation WHERE id = $1 FOR UPDATE`, [revocationId]);
    },
  );
  await holder.held;
  t.clock.set(new Date("2026-11-30T14:59:59Z"));
  const [{ due }] = await t.ds.query(
    `SELECT count(*)::int AS due FROM job WHERE kind = $1 AND status = 'PENDING' AND run_at <= $2`,
    [EXECUTE_SCHEDULED_JOB, t.clock.now()],
  );
  expect(due).toBe(1); // this revocation's: the one the executor below runs
  const executor = t.runner({ [EXECUTE_SCHEDULED_JOB]: t.services.jobs.handlers[EXECUTE_SCHEDULED_JOB] });
  const run = executor.runDue(1);
  // The executor's locking read of the certificate (pg_stat_activity keeps only the start of its long text).
  await untilWaitingForLock(t.ds, 'SELECT "Certificate"."id" AS "Certificate_id"%');
  // Waiting for the certificate, the executor holds nothing of the revocation.
  await inTransaction(t.ds, (tx) =>
    tx.query(`SELECT id FROM revocation WHERE id = $1 FOR UPDATE NOWAIT`, [revocationId]),
  );
  holder.release();
  await holder.done;
  expect(await run).toBe(1);
  expect((await gqlOk(t, null, STATUS, { s: cert.serialNumber })).certificateStatus).toMatchObject({
    status: "REVOKED",
    revokedAt: "2026-11-30T14:59:59.000Z",
  });
});

test("REV-2: only CESSATION_OF_OPERATION and SUPERSEDED can wait for the month's end", async () => {
  const cert = await freshCertificate();
  const res = await revoke(alpha.key, cert.id, "KEY_COMPROMISE", { atEndOfMonth: true });
  expect(res.userErrors).toEqual([
    { code: "REVOCATION_REASON_NOT_SCHEDULABLE", field: "input.reason", message: expect.any(String) },
  ]);
});

test("REV-7: a scheduled revocation withdrawn before the month's end never flips; an executed one cannot be withdrawn", async () => {
  const cert = await freshCertificate();
  const scheduled = await revoke(alpha.key, cert.id, "SUPERSEDED", { atEndOfMonth: true });
  const withdraw = (id: string) =>
    gqlOk(
      t,
      alpha.key,
      `mutation($id: ID!) { withdrawRevocation(input: { revocationId: $id }) { revocation { status withdrawnAt } userErrors { code } } }`,
      { id },
    ).then((d) => d.withdrawRevocation);
  t.clock.set(new Date("2026-11-29T00:00:00Z"));
  expect(await withdraw(scheduled.revocation.id)).toEqual({
    revocation: { status: "WITHDRAWN", withdrawnAt: "2026-11-29T00:00:00.000Z" },
    userErrors: [],
  });
  t.clock.set(new Date("2026-12-01T00:00:00Z"));
  await t.jobs.runDue();
  expect((await gqlOk(t, null, STATUS, { s: cert.serialNumber })).certificateStatus).toMatchObject({
    status: "VALID",
    revocationScheduledAt: null,
  });
  expect((await withdraw(scheduled.revocation.id)).userErrors).toEqual([{ code: "REVOCATION_ALREADY_WITHDRAWN" }]);

  const executed = await revoke(alpha.key, cert.id, "UNSPECIFIED");
  expect((await withdraw(executed.revocation.id)).userErrors).toEqual([{ code: "REVOCATION_FINAL" }]);
});

test("VAL-4: the certificate superseded by a reissue is revoked by the executor 72 hours later, and the contract goes on", async () => {
  const name = NAMES[nameIndex++];
  const first = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.DV, [name]);
  t.clock.set(new Date("2026-11-22T03:00:00Z"));
  const reissue = await gqlOk(
    t,
    alpha.key,
    `mutation($input: SubmitReissueInput!) { submitReissue(input: $input) { application { id domainValidations { name method token status } } userErrors { code } } }`,
    {
      input: {
        contractId: first.contract.id,
        csr: makeCsr(dir, `re-${name}`, { key: "ec-p256", subj: `/CN=${name}`, san: [name] }).csrPem,
        consents: { termsVersion: "2026-04", registrantDataUse: true, dataSubjects: true },
      },
    },
  );
  const second = await reviewAndApprove(t, dcv, alpha.key, reissue.submitReissue.application);
  t.clock.set(new Date("2026-11-25T02:59:59Z"));
  await t.jobs.runDue();
  expect((await gqlOk(t, null, STATUS, { s: first.certificate.serialNumber })).certificateStatus).toMatchObject({
    status: "VALID",
    revocationScheduledAt: "2026-11-25T03:00:00.000Z",
  });
  t.clock.set(new Date("2026-11-25T03:00:00Z"));
  await t.jobs.runDue();
  expect((await gqlOk(t, null, STATUS, { s: first.certificate.serialNumber })).certificateStatus).toMatchObject({
    status: "REVOKED",
    revocationReason: "SUPERSEDED",
  });
  expect((await gqlOk(t, null, STATUS, { s: second.certificate.serialNumber })).certificateStatus.status).toBe("VALID");
  const contract = await gqlOk(t, alpha.key, `query($id: ID!) { node(id: $id) { ... on Contract { status } } }`, {
    id: first.contract.id,
  });
  expect(contract.node.status).toBe("ACTIVE");
});

test("REV-2, VAL-4, NOT-1, CON-1: every scheduled revocation (request or reissue) left one event and one audit entry; every contract ended by revocation (REV-6) one contract.end entry and event", async () => {
  expect(
    Number((await t.ds.query(`SELECT count(*)::int AS n FROM revocation WHERE scheduled_for IS NOT NULL`))[0].n),
  ).toBeGreaterThanOrEqual(3);
  expect(await scheduledRevocationGaps(t)).toEqual([]);
  expect(await contractWriteGaps(t)).toEqual([]);
});

test("VAL-4, REV-2: a reissue of a certificate whose end-of-month revocation is pending is refused with REVOCATION_ALREADY_SCHEDULED, and nothing is issued", async () => {
  const name = NAMES[nameIndex++];
  const first = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.DV, [name]);
  const pending = await revoke(alpha.key, first.certificate.id, "CESSATION_OF_OPERATION", {
    onBehalfOfSubscriber: true,
    atEndOfMonth: true,
  });
  expect(pending.userErrors).toEqual([]);
  const reissue = await gqlOk(
    t,
    alpha.key,
    `mutation($input: SubmitReissueInput!) { submitReissue(input: $input) { application { id domainValidations { name method token status } } userErrors { code } } }`,
    {
      input: {
        contractId: first.contract.id,
        csr: makeCsr(dir, `re-${name}`, { key: "ec-p256", subj: `/CN=${name}`, san: [name] }).csrPem,
        consents: { termsVersion: "2026-04", registrantDataUse: true, dataSubjects: true },
      },
    },
  );
  const app = reissue.submitReissue.application;
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { userErrors { code } } }`,
    { id: app.id },
  );
  dcv.publish(app.domainValidations);
  await gqlOk(
    t,
    alpha.key,
    `mutation($id: ID!) { checkDomainControl(input: { applicationId: $id }) { userErrors { code } } }`,
    { id: app.id },
  );
  const approved = await t.gql(
    t.operatorKey,
    `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { application { status } userErrors { code field } } }`,
    { id: app.id },
  );
  expect(approved.errors).toBeUndefined();
  expect(approved.data!.approveApplication.userErrors).toEqual([
    { code: "REVOCATION_ALREADY_SCHEDULED", field: "input.applicationId" },
  ]);
  const certs = await gqlOk(
    t,
    alpha.key,
    `query($id: ID!) { node(id: $id) { ... on Contract { certificates { id } } } }`,
    { id: first.contract.id },
  );
  expect(certs.node.certificates).toEqual([{ id: first.certificate.id }]);
});

test("REV-5, REV-10: anyone may report a problem, with proof of the key; the operator sees the deadline and revokes from the report", async () => {
  const name = NAMES[nameIndex++];
  const { csrPem, keyPath } = makeCsr(dir, `leaky-${name}`, { key: "ec-p256", subj: `/CN=${name}`, san: [name] });
  const submitted = await submitApplication(t, alpha.key, {
    subscriberId,
    productId: products.DV,
    termMonths: 12,
    names: [name],
    csr: csrPem,
  });
  const issued = await reviewAndApprove(t, dcv, alpha.key, submitted.application);
  // Whoever holds the leaked key signs a CSR with it: that proves possession.
  const proof = opensslOk(["req", "-new", "-key", keyPath, "-subj", "/CN=I have your key"]);
  const report = await gqlOk(
    t,
    null,
    `mutation($input: ReportProblemInput!) { reportProblem(input: $input) { receipt { id receivedAt firstAnswerDueAt proofVerified } userErrors { code } } }`,
    {
      input: {
        serialNumber: issued.certificate.serialNumber,
        description: "The private key was published on a paste site.",
        reporterEmail: "finder@example.org",
        proofCsr: proof,
      },
    },
  );
  expect(report.reportProblem.receipt).toMatchObject({
    receivedAt: START.toISOString(),
    firstAnswerDueAt: "2026-11-22T03:00:00.000Z",
    proofVerified: true,
  });

  // A CSR made with another key proves nothing.
  const other = makeCsr(dir, `other-${name}`, { key: "ec-p256", subj: "/CN=x" }).csrPem;
  const unproven = await gqlOk(
    t,
    null,
    `mutation($input: ReportProblemInput!) { reportProblem(input: $input) { receipt { proofVerified } } }`,
    {
      input: {
        serialNumber: issued.certificate.serialNumber,
        description: "Second report with a CSR of another key.",
        proofCsr: other,
      },
    },
  );
  expect(unproven.reportProblem.receipt.proofVerified).toBe(false);

  t.clock.set(new Date("2026-11-22T04:00:00Z"));
  const queue = await gqlOk(
    t,
    t.operatorKey,
    `{ problemReports { edges { node { id serialNumber proofVerified firstAnswerDueAt overdue certificate { id } } } } }`,
  );
  const mine = queue.problemReports.edges
    .map((e: any) => e.node)
    .filter((n: any) => n.serialNumber === issued.certificate.serialNumber);
  expect(mine).toHaveLength(2);
  expect(mine.map((n: any) => n.proofVerified).sort()).toEqual([false, true]);
  for (const n of mine) expect(n).toMatchObject({ overdue: true, certificate: { id: issued.certificate.id } });

  const revoked = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { revokeFromProblemReport(input: { problemReportId: $id, reason: KEY_COMPROMISE }) { problemReport { status } userErrors { code } } }`,
    { id: report.reportProblem.receipt.id },
  );
  expect(revoked.revokeFromProblemReport).toEqual({ problemReport: { status: "REVOKED" }, userErrors: [] });
  expect((await gqlOk(t, null, STATUS, { s: issued.certificate.serialNumber })).certificateStatus).toMatchObject({
    status: "REVOKED",
    revocationReason: "KEY_COMPROMISE",
  });

  // Resellers and the public cannot read the queue.
  expect((await t.gql(alpha.key, `{ problemReports { edges { node { id } } } }`)).errors?.[0].extensions?.code).toBe(
    "FORBIDDEN",
  );
});

test("REV-5: problem reports are rate-limited per client address", async () => {
  const send = () =>
    t.gql(
      null,
      `mutation { reportProblem(input: { serialNumber: "abcdef", description: "Something looks wrong with this one." }) { receipt { id } userErrors { code } } }`,
    );
  const before = (await t.ds.query(`SELECT count(*)::int AS n FROM problem_report WHERE client_address IS NOT NULL`))[0]
    .n;
  const results = [];
  for (let i = 0; i < 12; i++) results.push((await send()).data.reportProblem);
  const accepted = results.filter((r) => r.receipt !== null).length;
  expect(accepted).toBe(10 - before);
  expect(results[11].userErrors).toEqual([{ code: "RATE_LIMITED" }]);
});

test("REV-4: a mass revocation of a list of serials runs in batches, survives a crash half-way and revokes each exactly once", async () => {
  const certs = [];
  for (let i = 0; i < 5; i++) certs.push(await freshCertificate());
  const started = await gqlOk(
    t,
    t.operatorKey,
    `mutation($s: [String!]!) { startMassRevocation(input: { serials: $s, reason: KEY_COMPROMISE, ground: "key generation flaw" }) { massRevocation { id status total done } userErrors { code } } }`,
    { s: certs.map((c) => c.serialNumber) },
  );
  const mass = started.startMassRevocation.massRevocation;
  expect(mass).toMatchObject({ status: "RUNNING", total: 5, done: 0 });
  await t.jobs.runDue(1); // one batch of 2, then the "process" dies
  const progress = async () =>
    (
      await gqlOk(
        t,
        t.operatorKey,
        `query($id: ID!) { node(id: $id) { ... on MassRevocation { status total done } } }`,
        { id: mass.id },
      )
    ).node;
  expect(await progress()).toEqual({ status: "RUNNING", total: 5, done: 2 });
  // A new runner (another replica, or the restarted process) picks up where it stopped.
  const restarted = t.runner(t.services.jobs.handlers);
  await restarted.runDue();
  expect(await progress()).toEqual({ status: "COMPLETED", total: 5, done: 5 });
  for (const c of certs)
    expect((await gqlOk(t, null, STATUS, { s: c.serialNumber })).certificateStatus.status).toBe("REVOKED");
  const counts = await t.ds.query(
    `SELECT count(*)::int AS n FROM revocation WHERE mass_revocation_id = $1 AND status = 'EXECUTED'`,
    [Buffer.from(mass.id, "base64url").toString().split(":")[1]],
  );
  expect(counts).toEqual([{ n: 5 }]);
});
