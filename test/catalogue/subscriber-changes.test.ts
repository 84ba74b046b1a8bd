import {
  CONSENTS,
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  issueCertificate,
  productIds,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { audits, call, eventTypes, uuidOf } from "./catalogue-support";

/** CON-6: changes of registered data confirmed by the operator; successions by merger or split. APP-8: no reissue across them. */
const NAMES = ["ov.change.akashi-demo.jp", "split-a.akashi-demo.jp", "split-b.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let products: Record<string, string>;

const SUBSCRIBER = `query($id: ID!) { node(id: $id) { ... on Subscriber { name address representativeName preferredLanguage
  pendingChange { id status changes { field from to } } changes { status requestedAt decidedAt decisionNote changes { field to } } } } }`;
const UPDATE = `mutation($input: UpdateSubscriberInput!) { updateSubscriber(input: $input) { subscriber { name preferredLanguage pendingChange { id } } userErrors { code field } } }`;
const REISSUE = `mutation($input: SubmitReissueInput!) { submitReissue(input: $input) { application { id } userErrors { code field message } } }`;
const CHANGE = "change { id status decidedAt decisionNote }";

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: new Date("2026-11-21T03:00:00Z"),
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) },
  });
  products = await productIds(t);
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

test("CON-6: once verified, a change of name, address or representative waits for the operator's confirmation, with a dated history; APP-8: the confirmed new name needs a new application, not a reissue", async () => {
  const r = await t.createReseller("changes");
  const sub = await createSubscriber(t, r.key, { address: "東京都千代田区1-1", representativeName: "旧 代表" });
  // Not verified yet: nothing to confirm, the change applies at once.
  expect(
    (await gqlOk(t, r.key, UPDATE, { input: { id: sub, name: "株式会社テストショップ本店" } })).updateSubscriber
      .subscriber.name,
  ).toBe("株式会社テストショップ本店");
  const ov = await issueCertificate(t, dcv, dir, r.key, sub, products.OV, [NAMES[0]]);

  t.clock.set(new Date("2026-12-01T03:00:00Z"));
  const asked = {
    id: sub,
    name: "株式会社新テストショップ",
    address: "東京都港区2-2",
    representativeName: "新 代表",
    preferredLanguage: "EN",
  };
  const first = (await gqlOk(t, r.key, UPDATE, { input: asked })).updateSubscriber;
  expect(first).toMatchObject({
    subscriber: {
      name: "株式会社テストショップ本店",
      preferredLanguage: "EN",
      pendingChange: { id: expect.any(String) },
    },
    userErrors: [],
  });
  const changeId = first.subscriber.pendingChange.id;
  expect((await gqlOk(t, r.key, UPDATE, { input: asked })).updateSubscriber.subscriber.pendingChange.id).toBe(changeId);
  expect(await audits(t, "subscriber.change.request", changeId)).toHaveLength(1);
  const other = (await gqlOk(t, r.key, UPDATE, { input: { id: sub, name: "別名株式会社" } })).updateSubscriber;
  expect(other.userErrors).toEqual([{ code: "SUBSCRIBER_CHANGE_PENDING", field: "input.id" }]);
  const pending = (await gqlOk(t, r.key, SUBSCRIBER, { id: sub })).node;
  expect(pending.pendingChange.changes).toEqual([
    { field: "name", from: "株式会社テストショップ本店", to: "株式会社新テストショップ" },
    { field: "address", from: "東京都千代田区1-1", to: "東京都港区2-2" },
    { field: "representativeName", from: "旧 代表", to: "新 代表" },
  ]);
  const queue = await gqlOk(
    t,
    t.operatorKey,
    `{ pendingSubscriberChanges { edges { node { id subscriber { id } } } } }`,
  );
  expect(queue.pendingSubscriberChanges.edges.map((e: any) => e.node)).toContainEqual({
    id: changeId,
    subscriber: { id: sub },
  });
  expect(
    (await t.gql(r.key, `{ pendingSubscriberChanges { edges { node { id } } } }`)).errors?.[0].extensions?.code,
  ).toBe("FORBIDDEN");

  // Confirmed (twenty times at once: once), it takes effect now.
  t.clock.set(new Date("2026-12-03T03:00:00Z"));
  const confirmed = await Promise.all(
    Array.from({ length: 20 }, () =>
      call(
        t,
        t.operatorKey,
        "confirmSubscriberChange",
        "ConfirmSubscriberChangeInput",
        { changeId, note: "履歴事項全部証明書で確認" },
        CHANGE,
      ),
    ),
  );
  expect(confirmed.flatMap((c) => c.userErrors)).toEqual([]);
  expect(new Set(confirmed.map((c) => c.change.decidedAt))).toEqual(new Set(["2026-12-03T03:00:00.000Z"]));
  expect(await audits(t, "subscriber.change.confirmed", changeId)).toHaveLength(1);
  const now = (await gqlOk(t, r.key, SUBSCRIBER, { id: sub })).node;
  expect(now).toMatchObject({
    name: "株式会社新テストショップ",
    address: "東京都港区2-2",
    representativeName: "新 代表",
    pendingChange: null,
  });
  expect(now.changes).toEqual([
    {
      status: "CONFIRMED",
      requestedAt: "2026-12-01T03:00:00.000Z",
      decidedAt: "2026-12-03T03:00:00.000Z",
      decisionNote: "履歴事項全部証明書で確認",
      changes: expect.any(Array),
    },
  ]);

  // APP-8: the certificate names the old organisation; a reissue would change it.
  const reissue = await gqlOk(t, r.key, REISSUE, {
    input: { contractId: ov.contract.id, csr: csrFor(dir, [NAMES[0]]), consents: CONSENTS },
  });
  expect(reissue.submitReissue.userErrors).toEqual([
    { code: "REISSUE_SUBJECT_CHANGED", field: "input.contractId", message: expect.stringContaining("(O)") },
  ]);

  // A rejected change changes nothing, and stays rejected.
  const second = (await gqlOk(t, r.key, UPDATE, { input: { id: sub, address: "大阪府大阪市3-3" } })).updateSubscriber
    .subscriber.pendingChange.id;
  const rejected = await call(
    t,
    t.operatorKey,
    "rejectSubscriberChange",
    "RejectSubscriberChangeInput",
    { changeId: second, reason: "証明書類が不足しています" },
    CHANGE,
  );
  expect(rejected.change).toMatchObject({ status: "REJECTED", decisionNote: "証明書類が不足しています" });
  expect(
    (
      await call(
        t,
        t.operatorKey,
        "confirmSubscriberChange",
        "ConfirmSubscriberChangeInput",
        { changeId: second },
        CHANGE,
      )
    ).userErrors[0].code,
  ).toBe("SUBSCRIBER_CHANGE_DECIDED");
  expect((await gqlOk(t, r.key, SUBSCRIBER, { id: sub })).node.address).toBe("東京都港区2-2");
  expect(await eventTypes(t, r.key)).toEqual(
    expect.arrayContaining(["SUBSCRIBER_CHANGE_REQUESTED", "SUBSCRIBER_CHANGE_DECIDED"]),
  );
});

test("CON-6: a successor by split takes the contracts named, one by merger takes them all; notice after 30 days is flagged late; APP-8: the successor gets no reissue of the predecessor's certificate", async () => {
  t.clock.set(new Date("2026-11-21T03:00:00Z"));
  const r = await t.createReseller("succession");
  const predecessor = await createSubscriber(t, r.key, { name: "株式会社旧社" });
  const splitTo = await createSubscriber(t, r.key, { name: "株式会社分割先" });
  const mergedInto = await createSubscriber(t, r.key, { name: "株式会社合併先" });
  const a = await issueCertificate(t, dcv, dir, r.key, predecessor, products.DV, [NAMES[1]]);
  const b = await issueCertificate(t, dcv, dir, r.key, predecessor, products.DV, [NAMES[2]]);
  const seal = (
    await gqlOk(t, r.key, `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id } } }`, {
      id: a.contract.id,
    })
  ).createSeal.seal.id;

  const SUCCESSION =
    "succession { id kind succeededOn notifiedOn late contracts { id } predecessor { id } successor { id } }";
  const split = await call(
    t,
    t.operatorKey,
    "recordSuccession",
    "RecordSuccessionInput",
    {
      predecessorSubscriberId: predecessor,
      successorSubscriberId: splitTo,
      kind: "SPLIT",
      succeededOn: "2026-10-22",
      notifiedOn: "2026-11-21",
      contractIds: [a.contract.id],
    },
    SUCCESSION,
  );
  expect(split).toEqual({
    succession: {
      id: expect.any(String),
      kind: "SPLIT",
      succeededOn: "2026-10-22",
      notifiedOn: "2026-11-21",
      late: false,
      contracts: [{ id: a.contract.id }],
      predecessor: { id: predecessor },
      successor: { id: splitTo },
    },
    userErrors: [],
  });
  const again = await call(
    t,
    t.operatorKey,
    "recordSuccession",
    "RecordSuccessionInput",
    {
      predecessorSubscriberId: predecessor,
      successorSubscriberId: splitTo,
      kind: "SPLIT",
      succeededOn: "2026-10-22",
      notifiedOn: "2026-11-21",
      contractIds: [a.contract.id],
    },
    SUCCESSION,
  );
  expect(again.succession.id).toBe(split.succession.id);
  const holder = async (contractId: string) =>
    (
      await gqlOk(t, r.key, `query($id: ID!) { node(id: $id) { ... on Contract { subscriber { id } } } }`, {
        id: contractId,
      })
    ).node.subscriber.id;
  expect([await holder(a.contract.id), await holder(b.contract.id)]).toEqual([splitTo, predecessor]);
  // The seal followed its contract (a succession is not a transfer, SEAL-3) and still shows the certificate.
  expect((await gqlOk(t, null, `query($id: ID!) { seal(id: $id) { status } }`, { id: seal })).seal.status).toBe(
    "VALID",
  );
  expect((await t.ds.query(`SELECT subscriber_id FROM seal WHERE id = $1`, [seal]))[0].subscriber_id).toBe(
    uuidOf(splitTo),
  );

  const reissue = await gqlOk(t, r.key, REISSUE, {
    input: { contractId: a.contract.id, csr: csrFor(dir, [NAMES[1]]), consents: CONSENTS },
  });
  expect(reissue.submitReissue.userErrors).toEqual([
    { code: "REISSUE_HOLDER_CHANGED", field: "input.contractId", message: expect.stringContaining("APP-8") },
  ]);

  const withList = await call(
    t,
    t.operatorKey,
    "recordSuccession",
    "RecordSuccessionInput",
    {
      predecessorSubscriberId: predecessor,
      successorSubscriberId: mergedInto,
      kind: "MERGER",
      succeededOn: "2026-10-01",
      notifiedOn: "2026-11-21",
      contractIds: [b.contract.id],
    },
    SUCCESSION,
  );
  expect(withList.userErrors[0]).toMatchObject({ code: "INVALID_INPUT", field: "input.contractIds" });
  const merger = await call(
    t,
    t.operatorKey,
    "recordSuccession",
    "RecordSuccessionInput",
    {
      predecessorSubscriberId: predecessor,
      successorSubscriberId: mergedInto,
      kind: "MERGER",
      succeededOn: "2026-10-01",
      notifiedOn: "2026-11-21",
    },
    SUCCESSION,
  );
  expect(merger.succession).toMatchObject({ kind: "MERGER", late: true, contracts: [{ id: b.contract.id }] });
  expect(await holder(b.contract.id)).toBe(mergedInto);
  const history = await gqlOk(
    t,
    r.key,
    `query($id: ID!) { node(id: $id) { ... on Subscriber { successions { kind late } } } }`,
    { id: predecessor },
  );
  expect(history.node.successions).toEqual([
    { kind: "SPLIT", late: false },
    { kind: "MERGER", late: true },
  ]);
  expect(await eventTypes(t, r.key)).toContain("SUBSCRIBER_SUCCEEDED");

  const elsewhere = await t.createReseller("succession-other");
  const foreign = await createSubscriber(t, elsewhere.key);
  const refused = await call(
    t,
    t.operatorKey,
    "recordSuccession",
    "RecordSuccessionInput",
    {
      predecessorSubscriberId: splitTo,
      successorSubscriberId: foreign,
      kind: "MERGER",
      succeededOn: "2026-11-01",
      notifiedOn: "2026-11-02",
    },
    SUCCESSION,
  );
  expect(refused.userErrors[0].code).toBe("SUCCESSOR_NOT_ALLOWED");
});
