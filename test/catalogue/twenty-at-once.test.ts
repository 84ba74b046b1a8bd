import { DcvWebServer, createSubscriber, gqlOk, issueCertificate, productIds } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { audits, call } from "./catalogue-support";

/**
 * The new mutations that act on one existing object, each called twenty times at once with the same
 * input: one effect (one audit entry), and every caller gets the same answer or a clear user error.
 */
const NAMES = ["race-a.akashi-demo.jp", "race-b.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;

const twenty = <T>(f: () => Promise<T>) => Promise.all(Array.from({ length: 20 }, f));

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: new Date("2026-11-21T03:00:00Z"),
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) },
  });
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

test("RES-6, APP-6, CON-6: payments, dispute decisions and subscriber decisions made twenty times at once take effect once", async () => {
  const r = await t.createReseller("race");
  const products = await productIds(t);
  const predecessor = await createSubscriber(t, r.key, { name: "株式会社旧" });
  const successor = await createSubscriber(t, r.key, { name: "株式会社新" });
  const a = await issueCertificate(t, dcv, dir, r.key, predecessor, products.DV, [NAMES[0]]);
  await issueCertificate(t, dcv, dir, r.key, successor, products.DV, [NAMES[1]]);

  const payment = {
    resellerId: r.globalId,
    month: "2026-11",
    amountYen: 1000,
    receivedOn: "2026-11-21",
    method: "BANK_TRANSFER",
    reference: "R-1",
  };
  const paid = await twenty(() =>
    call(t, t.operatorKey, "recordPayment", "RecordPaymentInput", payment, "payment { id }"),
  );
  expect(paid.flatMap((p) => p.userErrors)).toEqual([]);
  expect(new Set(paid.map((p) => p.payment.id)).size).toBe(1);
  expect(await audits(t, "payment.record", paid[0].payment.id)).toHaveLength(1);

  const opened = await call(
    t,
    t.operatorKey,
    "openNameDispute",
    "OpenNameDisputeInput",
    { certificateId: a.certificate.id, claimant: "X", description: "x" },
    "dispute { id }",
  );
  const id = opened.dispute.id;
  const revoked = await twenty(() =>
    call(
      t,
      t.operatorKey,
      "revokeForDispute",
      "RevokeForDisputeInput",
      { disputeId: id, certificateId: a.certificate.id },
      "alreadyRevoked certificate { status }",
    ),
  );
  expect(revoked.flatMap((x) => x.userErrors)).toEqual([]);
  expect(revoked.filter((x) => !x.alreadyRevoked)).toHaveLength(1);
  expect(await audits(t, "certificate.revokeForDispute", a.certificate.id)).toHaveLength(1);
  const closed = await twenty(() =>
    call(
      t,
      t.operatorKey,
      "closeNameDispute",
      "CloseNameDisputeInput",
      { disputeId: id, resolution: "done" },
      "dispute { closedAt }",
    ),
  );
  expect(new Set(closed.map((c) => c.dispute?.closedAt)).size).toBe(1);
  expect(await audits(t, "dispute.close", id)).toHaveLength(1);

  const pending = await gqlOk(
    t,
    r.key,
    `mutation($id: ID!) { updateSubscriber(input: { id: $id, address: "大阪" }) { subscriber { pendingChange { id } } } }`,
    { id: successor },
  );
  const changeId = pending.updateSubscriber.subscriber.pendingChange.id;
  const rejected = await twenty(() =>
    call(
      t,
      t.operatorKey,
      "rejectSubscriberChange",
      "RejectSubscriberChangeInput",
      { changeId, reason: "no" },
      "change { status }",
    ),
  );
  expect(rejected.flatMap((x) => x.userErrors)).toEqual([]);
  expect(await audits(t, "subscriber.change.rejected", changeId)).toHaveLength(1);

  const input = {
    predecessorSubscriberId: predecessor,
    successorSubscriberId: successor,
    kind: "MERGER",
    succeededOn: "2026-11-01",
    notifiedOn: "2026-11-21",
  };
  const recorded = await twenty(() =>
    call(t, t.operatorKey, "recordSuccession", "RecordSuccessionInput", input, "succession { id }"),
  );
  expect(recorded.flatMap((x) => x.userErrors)).toEqual([]);
  expect(new Set(recorded.map((x) => x.succession.id)).size).toBe(1);
  expect(await audits(t, "subscriber.succession.record")).toHaveLength(1);
});
