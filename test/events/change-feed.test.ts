import { DataSource } from "typeorm";
import { createDataSource } from "../../api/src/db/data-source";
import { EventType } from "../../api/src/events/event-publisher";
import { toGlobalId } from "../../api/src/ids";
import {
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  productIds,
  reviewAndApprove,
  submitApplication,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/** RES-5: the change feed — every event once, in order, across pages; no gaps under concurrent commits. */
const START = new Date("2026-11-21T03:00:00Z");
const NAMES = ["feed-a.akashi-demo.jp", "feed-b.akashi-demo.jp", "feed-c.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let alpha: { id: string; key: string };
let beta: { id: string; key: string };
let writers: DataSource;

const FEED = `query($after: String) { events(first: 2, after: $after) {
  edges { cursor node { id type subjectType subjectId resellerId occurredAt data } } pageInfo { hasNextPage endCursor } } }`;

/** Reads the whole feed from `after`, two at a time, as a reseller that missed its webhooks would. */
async function readFeed(key: string, after: string | null = null): Promise<{ events: any[]; cursor: string | null }> {
  const events: any[] = [];
  let cursor = after;
  for (;;) {
    const page = (await gqlOk(t, key, FEED, { after: cursor })).events;
    expect(page.edges.length).toBeLessThanOrEqual(2);
    events.push(...page.edges.map((e: any) => e.node));
    page.edges.forEach((e: any) => expect(e.cursor).toBe(e.node.id));
    if (page.pageInfo.endCursor) cursor = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage) return { events, cursor };
  }
}

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: START,
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES), AKASHI_WEBHOOK_ALLOW_INSECURE: "true" },
  });
  alpha = await t.createReseller("alpha-feed");
  beta = await t.createReseller("beta-feed");
  writers = createDataSource((t.ds.options as { url: string }).url, {
    poolSize: 12,
    applicationName: "akashi-feed-writers",
  });
  await writers.initialize();
});

afterAll(async () => {
  await writers.destroy();
  await t.close();
  await dcv.close();
  dir.remove();
});

test("RES-5, NOT-1: a scripted scenario through GraphQL yields every event exactly once, in order, across pages of 2; RES-3: each reseller sees only its own", async () => {
  const products = await productIds(t);
  const alphaSubscriber = await createSubscriber(t, alpha.key);
  const betaSubscriber = await createSubscriber(t, beta.key);
  const submit = async (key: string, subscriberId: string, name: string) => {
    const r = await submitApplication(t, key, {
      subscriberId,
      productId: products.DV,
      termMonths: 12,
      names: [name],
      csr: csrFor(dir, [name]),
    });
    expect(r.userErrors).toEqual([]);
    return r.application;
  };
  const op = (q: string, v: Record<string, unknown>) => gqlOk(t, t.operatorKey, q, v);

  const a1 = await submit(alpha.key, alphaSubscriber, NAMES[0]);
  const b1 = await submit(beta.key, betaSubscriber, NAMES[1]);
  const a2 = await submit(alpha.key, alphaSubscriber, NAMES[2]);
  await op(`mutation($id: ID!) { startReview(input: { applicationId: $id }) { userErrors { code } } }`, { id: a1.id });
  const docs = await op(
    `mutation($id: ID!) { requestDocuments(input: { applicationId: $id, message: "登記事項証明書を提出してください", dueInBusinessDays: 5 }) { application { documentsDueAt } userErrors { code } } }`,
    { id: a1.id },
  );
  expect(docs.requestDocuments.userErrors).toEqual([]);
  const rejected = await op(
    `mutation($id: ID!) { rejectApplication(input: { applicationId: $id, ground: NOT_ELIGIBLE, reason: "not eligible" }) { userErrors { code } } }`,
    { id: a1.id },
  );
  expect(rejected.rejectApplication.userErrors).toEqual([]);
  const issued = await reviewAndApprove(t, dcv, alpha.key, a2);

  const expected = [
    { type: "APPLICATION_SUBMITTED", subjectType: "Application", subjectId: a1.id },
    { type: "APPLICATION_SUBMITTED", subjectType: "Application", subjectId: a2.id },
    { type: "DOCUMENTS_REQUESTED", subjectType: "Application", subjectId: a1.id },
    { type: "APPLICATION_REJECTED", subjectType: "Application", subjectId: a1.id },
    { type: "APPLICATION_APPROVED", subjectType: "Application", subjectId: a2.id },
    { type: "CERTIFICATE_ISSUED", subjectType: "Certificate", subjectId: issued.certificate.id },
  ];
  const { events, cursor } = await readFeed(alpha.key);
  expect(events.map(({ type, subjectType, subjectId }) => ({ type, subjectType, subjectId }))).toEqual(expected);
  const positions = events.map((e) => BigInt(e.id));
  positions.forEach((p, i) => i > 0 && expect(p > positions[i - 1]).toBe(true));
  expect(
    events.every((e) => e.resellerId === toGlobalId("Reseller", alpha.id) && e.occurredAt === START.toISOString()),
  ).toBe(true);
  expect(events[5].data).toMatchObject({
    serialNumber: issued.certificate.serialNumber,
    names: [NAMES[2]],
    applicationId: a2.id,
  });
  expect(events[2].data).toEqual({
    message: "登記事項証明書を提出してください",
    documentsDueAt: new Date(docs.requestDocuments.application.documentsDueAt).toISOString(),
  });

  const betaFeed = await readFeed(beta.key);
  expect(betaFeed.events.map((e) => [e.type, e.subjectId])).toEqual([["APPLICATION_SUBMITTED", b1.id]]);
  const operatorFeed = await readFeed(t.operatorKey);
  expect(operatorFeed.events.map((e) => e.id)).toEqual(
    [...events.map((e) => e.id), betaFeed.events[0].id].sort((x, y) => Number(x) - Number(y)),
  );

  // Catching up from the saved cursor: nothing old again, only what is new.
  expect((await readFeed(alpha.key, cursor)).events).toEqual([]);
  const a3 = await submit(alpha.key, alphaSubscriber, "feed-d.akashi-demo.jp");
  expect((await readFeed(alpha.key, cursor)).events.map((e) => [e.type, e.subjectId])).toEqual([
    ["APPLICATION_SUBMITTED", a3.id],
  ]);
  // A bad cursor is a top-level input error, not an empty page.
  expect(
    (await t.gql(alpha.key, `{ events(first: 2, after: "abc") { edges { cursor } } }`)).errors?.[0].extensions?.code,
  ).toBe("BAD_USER_INPUT");
});

/** Emits one event in a transaction that stays open until `release` resolves. */
function slowEmit(release: Promise<void>, n: number): { done: Promise<void>; emitted: Promise<void> } {
  let markEmitted!: () => void;
  const emitted = new Promise<void>((r) => (markEmitted = r));
  const done = writers.transaction(async (tx) => {
    await t.services.events.emit(tx, {
      type: EventType.SEAL_CREATED,
      resellerId: alpha.id,
      subjectType: "Seal",
      subjectId: `seal-${n}`,
      data: { n },
    });
    markEmitted();
    await release;
  });
  return { done, emitted };
}

test("RES-5: feed positions follow commit order — an event whose transaction commits late comes after one that committed meanwhile, and a reader polling with `after` never skips it", async () => {
  const start = (await readFeed(alpha.key)).cursor;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  // The first writer emits and keeps its transaction open…
  const first = slowEmit(gate, 1);
  await first.emitted;
  // …a second writer emits and commits meanwhile: it is not held up, and it is in the feed at once.
  await writers.transaction((tx) =>
    t.services.events.emit(tx, {
      type: EventType.SEAL_CREATED,
      resellerId: alpha.id,
      subjectType: "Seal",
      subjectId: "seal-2",
      data: { n: 2 },
    }),
  );
  const early = await readFeed(alpha.key, start);
  expect(early.events.map((e) => e.subjectId)).toEqual(["seal-2"]);
  // The first commits later and gets a later position, after the reader's cursor: not skipped.
  release();
  await first.done;
  const late = await readFeed(alpha.key, early.cursor);
  expect(late.events.map((e) => e.subjectId)).toEqual(["seal-1"]);
  expect(BigInt(late.events[0].id) > BigInt(early.events[0].id)).toBe(true);
});

test("RES-5: 40 concurrent writers with random commit delays, one reader polling with `after` — the reader ends with every event once, in position order", async () => {
  const start = (await readFeed(alpha.key)).cursor;
  const seen: string[] = [];
  let cursor = start;
  let writing = true;
  const reader = (async () => {
    while (writing) {
      const page = await readFeed(alpha.key, cursor);
      seen.push(...page.events.map((e) => e.subjectId));
      cursor = page.cursor;
    }
  })();
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      writers.transaction(async (tx) => {
        await new Promise((r) => setTimeout(r, Math.random() * 20));
        await t.services.events.emit(tx, {
          type: EventType.SEAL_CREATED,
          resellerId: alpha.id,
          subjectType: "Seal",
          subjectId: `burst-${i}`,
          data: {},
        });
        await new Promise((r) => setTimeout(r, Math.random() * 20)); // commit late, in random order
      }),
    ),
  );
  writing = false;
  await reader;
  const rest = await readFeed(alpha.key, cursor);
  seen.push(...rest.events.map((e) => e.subjectId));
  const committed = await t.ds.query(
    `SELECT subject_id FROM event WHERE reseller_id = $1 AND id > $2::bigint ORDER BY id`,
    [alpha.id, start ?? "0"],
  );
  expect(committed).toHaveLength(40);
  expect(seen).toEqual(committed.map((r: any) => r.subject_id));
});
