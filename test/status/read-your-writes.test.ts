import { Client } from "pg";
import { Contract } from "../../api/src/contracts/contract.entity";
import { CommitBuffer, VIEW_TABLES } from "../../api/src/db/commit-hooks";
import { dedicatedClient } from "../../api/src/db/pg-client";
import { PgListener } from "../../api/src/db/listener";
import { inTransaction } from "../../api/src/db/transaction";
import { insertAtCommit, updateByIdAtCommit } from "../../api/src/db/write-entity";
import { fromGlobalId } from "../../api/src/ids/global-id";
import {
  APPLICATION_FIELDS,
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  productIds,
  submitApplication,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * STAT-3, read your writes (issue 11): a mutation answers once this replica's views have heard what it
 * changed. The marker it waits for rides in its transaction's last statement, after the transaction's
 * own notifications, and only a transaction that changed a view sends one: a submission, a review or a
 * domain-control check changes nothing the public views hold, and wakes no replica.
 */
const NAMES = [
  "first.ryw.akashi-demo.jp",
  "second.ryw.akashi-demo.jp",
  "third.ryw.akashi-demo.jp",
  "fourth.ryw.akashi-demo.jp",
];

const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let resellerKey: string;
let subscriberId: string;
let products: Record<string, string>;
/** A LISTEN connection of the test's own: every payload on the views channel, in the order sent. */
let watcher: Client;
const payloads: string[] = [];

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({ env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  resellerKey = (await t.createReseller("ryw")).key;
  products = await productIds(t);
  subscriberId = await createSubscriber(t, resellerKey);
  watcher = dedicatedClient(t.ds, "test-watcher");
  await watcher.connect();
  watcher.on("notification", (m) => payloads.push(m.payload ?? ""));
  await watcher.query("LISTEN akashi_views");
}, 120_000);

afterAll(async () => {
  await watcher?.end();
  await t?.close();
  await dcv.close();
  dir.remove();
});

async function submitted(name: string): Promise<any> {
  const r = await submitApplication(t, resellerKey, {
    subscriberId,
    productId: products.OV,
    termMonths: 12,
    names: [name],
    csr: csrFor(dir, [name]),
  });
  if (r.userErrors.length) throw new Error(JSON.stringify(r.userErrors));
  return r.application;
}

async function reviewedAndValidated(app: any): Promise<void> {
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { userErrors { code } } }`,
    {
      id: app.id,
    },
  );
  dcv.publish(app.domainValidations);
  const checked = await gqlOk(
    t,
    resellerKey,
    `mutation($id: ID!) { checkDomainControl(input: { applicationId: $id }) { domainValidations { status } userErrors { code } } }`,
    { id: app.id },
  );
  expect(checked.checkDomainControl.domainValidations.map((v: any) => v.status)).toEqual(["VALID"]);
}

async function approved(app: any): Promise<any> {
  const data = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { application { ${APPLICATION_FIELDS} } userErrors { code } } }`,
    { id: app.id },
  );
  expect(data.approveApplication.userErrors).toEqual([]);
  return data.approveApplication.application;
}

/** The row id behind a GraphQL id. */
function rowId(globalId: string): string {
  const id = fromGlobalId(globalId)?.id;
  if (!id) throw new Error(`not a global id: ${globalId}`);
  return id;
}

/** Resolves once the watcher has heard a payload that `match`es (PostgreSQL delivers in commit order). */
async function heardByWatcher(match: (p: string) => boolean): Promise<void> {
  for (let i = 0; i < 600 && !payloads.some(match); i++) await new Promise((r) => setTimeout(r, 50));
  if (!payloads.some(match)) throw new Error(`the watcher never heard it; heard ${JSON.stringify(payloads)}`);
}

/**
 * The service's own LISTEN connection stops reading (as a slow or busy replica would) until 300 ms
 * after the test's watcher heard the next marker, that is after the marked transaction committed: an
 * answer that did not wait would have left by then. `released` says whether it has resumed.
 */
function holdUntilAfterMarker(listener: PgListener): { released: () => boolean; release: () => void } {
  const client = (listener as unknown as { client: Client }).client;
  const socket = (client as unknown as { connection: { stream: NodeJS.ReadableStream } }).connection.stream;
  const markersBefore = payloads.filter((p) => p.startsWith("sync:")).length;
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(timer);
    if (released) return;
    released = true;
    socket.resume();
  };
  socket.pause();
  void heardByWatcher(() => payloads.filter((p) => p.startsWith("sync:")).length > markersBefore).then(
    () => (timer = setTimeout(release, 300)),
    release,
  );
  return { released: () => released, release };
}

test("STAT-3: a submission, a review and a domain-control check send no marker; an approval sends one, after its certificate's notification", async () => {
  payloads.length = 0;
  const app = await submitted(NAMES[0]);
  await reviewedAndValidated(app);
  const done = await approved(app);
  const certificateId = rowId(done.certificate.id);
  await heardByWatcher((p) => p.startsWith("sync:"));
  const markers = payloads.filter((p) => p.startsWith("sync:"));
  expect(markers).toHaveLength(1);
  const certificateAt = payloads.findIndex((p) => p.startsWith(`c:${certificateId}:`));
  expect(certificateAt).toBeGreaterThanOrEqual(0);
  expect(payloads.indexOf(markers[0])).toBeGreaterThan(certificateAt);
});

test("STAT-3: an approval's answer leaves only once this replica has heard its new certificate", async () => {
  const app = await submitted(NAMES[1]);
  await reviewedAndValidated(app);
  const heard = new Set<string>();
  const off = t.services.viewChanges.on((c) => {
    if (c.kind === "certificate") heard.add(c.certificateId);
  });
  const hold = holdUntilAfterMarker(t.services.listener);
  try {
    const done = await approved(app);
    expect(hold.released()).toBe(true);
    expect(heard.has(rowId(done.certificate.id))).toBe(true);
  } finally {
    hold.release();
    off();
  }
});

test("STAT-3: a mutation whose later transaction changed no view still waits for the earlier one's change", async () => {
  const app = await submitted(NAMES[3]);
  await reviewedAndValidated(app);
  const contractId = rowId((await approved(app)).contract.id);
  const heard = new Set<string>();
  const off = t.services.viewChanges.on((c) => {
    if (c.kind === "contract") heard.add(c.contractId);
  });
  const hold = holdUntilAfterMarker(t.services.listener);
  const writes = t.services.viewChanges.ownWrites();
  try {
    await writes.run(async () => {
      // An UPDATE that changes nothing still fires the view trigger for its row.
      await inTransaction(t.ds, (tx) =>
        tx.query(`UPDATE contract SET do_not_renew = do_not_renew WHERE id = $1`, [contractId]),
      );
      await inTransaction(t.ds, (tx) => tx.query(`SELECT 1`));
    });
    await writes.heard();
    expect(hold.released()).toBe(true);
    expect(heard.has(contractId)).toBe(true);
  } finally {
    hold.release();
    off();
  }
});

test("STAT-3: a view changed in the transaction's last statement, after the marker, is refused and nothing is written", async () => {
  const app = await submitted(NAMES[2]);
  await reviewedAndValidated(app);
  const contractId = rowId((await approved(app)).contract.id);
  const before = await t.ds.getRepository(Contract).findOneByOrFail({ id: contractId });
  // A commit-time write to a table the views watch: its trigger runs after the marker in the same statement.
  const late = new CommitBuffer<string>("late contract write", async (_tx, ids) => ({
    text: `UPDATE contract SET do_not_renew = NOT do_not_renew WHERE id = $1`,
    values: [ids[0]],
  }));
  const writes = t.services.viewChanges.ownWrites();
  await expect(
    writes.run(() =>
      inTransaction(t.ds, async (tx) => {
        late.add(tx, contractId);
      }),
    ),
  ).rejects.toThrow(/read-your-writes marker/);
  await writes.heard();
  const after = await t.ds.getRepository(Contract).findOneByOrFail({ id: contractId });
  expect(after.doNotRenew).toBe(before.doNotRenew);
});

test("STAT-3: writes at commit to a table the views watch are refused when asked for, and the list is the database's", async () => {
  const watched: { table: string }[] = await t.ds.query(
    `SELECT DISTINCT c.relname AS table FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_proc p ON p.oid = g.tgfoid
     WHERE p.proname LIKE 'views_notify_%' ORDER BY 1`,
  );
  expect(watched.map((w) => w.table)).toEqual([...VIEW_TABLES].sort());
  await inTransaction(t.ds, async (tx) => {
    expect(() =>
      updateByIdAtCommit(tx, Contract, "00000000-0000-4000-8000-000000000000", { doNotRenew: true }),
    ).toThrow(/watched by the public views/);
    expect(() => insertAtCommit(tx, Contract, [{}])).toThrow(/watched by the public views/);
  });
});
