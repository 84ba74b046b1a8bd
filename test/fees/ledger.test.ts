import request from "supertest";
import { inTransaction } from "../../api/src/db/transaction";
import { ChargeInput } from "../../api/src/fees/fee.service";
import { gqlOk } from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * The fee ledger on its own: tax by the rate in force (CON-8), due dates (CON-7), idempotency,
 * statements whose totals are the sums of their lines (GraphQL and CSV), append-only charges
 * (REV-6) and per-reseller isolation (RES-3).
 */
let t: TestApp;
let a: { id: string; globalId: string; key: string };
let b: { id: string; globalId: string; key: string };

const STATEMENT = `query($month: String!, $rid: ID) { statement(month: $month, resellerId: $rid) {
  month subtotalYen taxYen totalYen taxByRate { ratePercent baseYen taxYen }
  lines { kind description amountYen taxRatePercent taxYen totalYen chargedAt dueAt periodStart periodEnd contract { id } } } }`;

const record = (c: Partial<ChargeInput> & { amountYen: number; chargedAt: Date }) =>
  inTransaction(t.ds, (tx) =>
    t.services.fees.recordCharge(tx, {
      resellerId: a.id,
      contractId: null,
      kind: "CHANGE",
      description: "test fee",
      ...c,
    }),
  );

beforeAll(async () => {
  t = await startTestApp({ now: new Date("2026-11-21T03:00:00Z") });
  a = await t.createReseller("ledger-a");
  b = await t.createReseller("ledger-b");
  // CON-8: a (hypothetical) rate change, effective 15 April 2027 JST, entered as the operator would: as data.
  await t.ds.query(`INSERT INTO tax_rate (effective_from, rate_percent) VALUES ('2027-04-15T00:00:00+09:00', 12)`);
});

afterAll(() => t.close());

test("CON-8: tax is the rate in force on the charge date with yen fractions rounded down (¥12,345 at 10 % → ¥1,234); CON-7: due at the end of the following month", async () => {
  const c = await record({ amountYen: 12345, chargedAt: new Date("2027-03-10T01:00:00Z") });
  expect({ rate: c.taxRatePercent, tax: c.taxYen, total: c.totalYen, due: c.dueAt.toISOString() }).toEqual({
    rate: 10,
    tax: 1234,
    total: 13579,
    due: "2027-04-30T14:59:59.000Z",
  });
  const small = await record({ amountYen: 1999, chargedAt: new Date("2027-03-10T02:00:00Z") });
  expect([small.taxYen, small.totalYen]).toEqual([199, 2198]);
});

test("CON-8: a rate change between two charges — the day before at 10 %, from 00:00 JST on the change day at the new rate", async () => {
  const before = await record({ amountYen: 12345, chargedAt: new Date("2027-04-14T14:59:59Z") }); // 23:59:59 JST on 14 Apr
  const after = await record({ amountYen: 12345, chargedAt: new Date("2027-04-14T15:00:00Z") }); // 00:00 JST on 15 Apr
  expect([before.taxRatePercent, before.taxYen]).toEqual([10, 1234]);
  expect([after.taxRatePercent, after.taxYen]).toEqual([12, 1481]);
  // CON-7: both are due at the end of May (JST), whatever the rate.
  expect([before.dueAt.toISOString(), after.dueAt.toISOString()]).toEqual([
    "2027-05-31T14:59:59.000Z",
    "2027-05-31T14:59:59.000Z",
  ]);
});

test("CON-7: a charge on 2027-01-01 00:00 JST (still 31 Dec in UTC) is due 2027-02-28 23:59:59 JST", async () => {
  const c = await record({ amountYen: 1000, chargedAt: new Date("2026-12-31T15:00:00Z") });
  expect(c.dueAt.toISOString()).toBe("2027-02-28T14:59:59.000Z");
});

test("RES-1, RES-6: recording the designation fee twice records it once and returns the first", async () => {
  // A reseller row of its own, so that nothing else has charged its designation yet.
  const [{ id }] = await t.ds.query(
    `INSERT INTO reseller (code, name, representative_name, contact_email, designated_at) VALUES ('ledger-c', 'C 株式会社', '代表者', 'c@reseller.akashi-demo.jp', now()) RETURNING id`,
  );
  const first = await record({
    kind: "DESIGNATION",
    resellerId: id,
    amountYen: 250000,
    chargedAt: new Date("2027-03-01T00:00:00Z"),
    description: "designation",
  });
  const again = await record({
    kind: "DESIGNATION",
    resellerId: id,
    amountYen: 250000,
    chargedAt: new Date("2027-03-02T00:00:00Z"),
    description: "designation",
  });
  expect(again.id).toBe(first.id);
  expect([first.taxYen, first.totalYen]).toEqual([25000, 275000]);
  expect(
    await t.ds.query(`SELECT count(*)::int AS n FROM charge WHERE reseller_id = $1 AND kind = 'DESIGNATION'`, [id]),
  ).toEqual([{ n: 1 }]);
});

test("REV-6: the ledger is append-only — the database refuses to change or delete a charge", async () => {
  const c = await record({ amountYen: 100, chargedAt: new Date("2027-07-01T00:00:00Z") });
  await expect(t.ds.query(`UPDATE charge SET amount_yen = 0 WHERE id = $1`, [c.id])).rejects.toThrow(/append-only/);
  await expect(t.ds.query(`DELETE FROM charge WHERE id = $1`, [c.id])).rejects.toThrow(/append-only/);
  await expect(
    t.ds.query(
      `INSERT INTO charge (reseller_id, kind, description, amount_yen, tax_rate_percent, tax_yen, charged_at, due_at) VALUES ($1, 'CHANGE', 'refund', -100, 10, 0, now(), now())`,
      [a.id],
    ),
  ).rejects.toThrow(/check constraint/);
});

test("CON-8: a month's statement (GraphQL) equals the sum of its lines, with a breakdown per rate", async () => {
  // April 2027 holds the two charges of the rate-change test plus one more at each rate.
  await record({ amountYen: 333, chargedAt: new Date("2027-04-01T00:00:00Z") }); // 10 % → 33
  await record({ amountYen: 777, chargedAt: new Date("2027-04-30T14:59:59Z") }); // 12 % → 93
  const s = (await gqlOk(t, a.key, STATEMENT, { month: "2027-04" })).statement;
  expect(s.lines.map((l: any) => [l.amountYen, l.taxRatePercent, l.taxYen, l.totalYen])).toEqual([
    [333, 10, 33, 366],
    [12345, 10, 1234, 13579],
    [12345, 12, 1481, 13826],
    [777, 12, 93, 870],
  ]);
  expect({ subtotal: s.subtotalYen, tax: s.taxYen, total: s.totalYen }).toEqual({
    subtotal: 25800,
    tax: 2841,
    total: 28641,
  });
  expect(s.taxByRate).toEqual([
    { ratePercent: 10, baseYen: 12678, taxYen: 1267 },
    { ratePercent: 12, baseYen: 13122, taxYen: 1574 },
  ]);
  // Exactly the sums of the lines, whatever they are.
  const sum = (f: (l: any) => number) => s.lines.reduce((n: number, l: any) => n + f(l), 0);
  expect([s.subtotalYen, s.taxYen, s.totalYen]).toEqual([
    sum((l) => l.amountYen),
    sum((l) => l.taxYen),
    sum((l) => l.totalYen),
  ]);
  // A charge at 00:00 JST on 1 May belongs to May, not April.
  await record({ amountYen: 5, chargedAt: new Date("2027-04-30T15:00:00Z") });
  expect((await gqlOk(t, a.key, STATEMENT, { month: "2027-04" })).statement.lines).toHaveLength(4);
  // The operator names the reseller and sees the same statement.
  expect((await gqlOk(t, t.operatorKey, STATEMENT, { month: "2027-04", rid: a.globalId })).statement).toEqual(s);
});

test("CON-8: the CSV statement has a header, one row per charge and a TOTAL row equal to the column sums", async () => {
  const res = await request(t.app).get("/statements/2027-04.csv").set("Authorization", `Bearer ${a.key}`);
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
  const rows = res.text
    .trimEnd()
    .split("\r\n")
    .map((r) => r.split(","));
  expect(rows[0]).toEqual([
    "charged_at",
    "due_at",
    "kind",
    "description",
    "contract_id",
    "period_start",
    "period_end",
    "amount_yen",
    "tax_rate_percent",
    "tax_yen",
    "total_yen",
  ]);
  const lines = rows.slice(1, -1);
  const total = rows[rows.length - 1];
  expect(lines.map((r) => [r[0], r[1], r[2], r[7], r[8], r[9], r[10]])).toEqual([
    ["2027-04-01T09:00:00+09:00", "2027-05-31T23:59:59+09:00", "CHANGE", "333", "10", "33", "366"],
    ["2027-04-14T23:59:59+09:00", "2027-05-31T23:59:59+09:00", "CHANGE", "12345", "10", "1234", "13579"],
    ["2027-04-15T00:00:00+09:00", "2027-05-31T23:59:59+09:00", "CHANGE", "12345", "12", "1481", "13826"],
    ["2027-04-30T23:59:59+09:00", "2027-05-31T23:59:59+09:00", "CHANGE", "777", "12", "93", "870"],
  ]);
  expect(total).toEqual(["TOTAL", "", "", "", "", "", "", "25800", "", "2841", "28641"]);
  for (const col of [7, 9, 10]) expect(lines.reduce((n, r) => n + Number(r[col]), 0)).toBe(Number(total[col]));
  // The operator asks for the reseller by its ID and gets the same bytes.
  const op = await request(t.app)
    .get(`/statements/2027-04.csv?reseller=${a.globalId}`)
    .set("Authorization", `Bearer ${t.operatorKey}`);
  expect(op.status).toBe(200);
  expect(op.text).toBe(res.text);
});

test("RES-3: a reseller cannot read another reseller's statement or charges (GraphQL and CSV); its own is its own", async () => {
  const refused = await t.gql(b.key, STATEMENT, { month: "2027-04", rid: a.globalId });
  expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  const own = (await gqlOk(t, b.key, STATEMENT, { month: "2027-04" })).statement;
  expect(own).toMatchObject({ lines: [], subtotalYen: 0, taxYen: 0, totalYen: 0, taxByRate: [] });
  const ids = async (key: string) =>
    (await gqlOk(t, key, `{ charges(first: 100) { edges { node { id } } } }`)).charges.edges.map((e: any) => e.node.id);
  const ofA = await ids(a.key);
  expect(ofA.length).toBeGreaterThanOrEqual(9);
  expect((await ids(b.key)).filter((id: string) => ofA.includes(id))).toEqual([]);
  expect((await ids(t.operatorKey)).length).toBeGreaterThan(ofA.length - 1);
  // node(id:) of a's charge is null for b.
  const aCharges = await gqlOk(t, a.key, `{ charges(first: 1, month: "2027-04") { edges { node { id amountYen } } } }`);
  const aChargeId = aCharges.charges.edges[0].node.id;
  expect((await gqlOk(t, b.key, `query($id: ID!) { node(id: $id) { id } }`, { id: aChargeId })).node).toBeNull();
  expect(
    (await gqlOk(t, a.key, `query($id: ID!) { node(id: $id) { ... on Charge { amountYen } } }`, { id: aChargeId }))
      .node,
  ).toEqual({ amountYen: 333 });

  expect(
    (await request(t.app).get(`/statements/2027-04.csv?reseller=${a.globalId}`).set("Authorization", `Bearer ${b.key}`))
      .status,
  ).toBe(403);
  expect((await request(t.app).get("/statements/2027-04.csv")).status).toBe(401);
  expect((await request(t.app).get("/statements/2027-04.csv").set("Authorization", "Bearer ak_nope_nope")).status).toBe(
    401,
  );
  expect(
    (await request(t.app).get("/statements/2027-04.csv").set("Authorization", `Bearer ${t.operatorKey}`)).status,
  ).toBe(400);
  expect((await request(t.app).get("/statements/2027-13.csv").set("Authorization", `Bearer ${a.key}`)).status).toBe(
    400,
  );
  expect((await request(t.app).get("/statements/2027-04.pdf").set("Authorization", `Bearer ${a.key}`)).status).toBe(
    404,
  );
  const badMonth = await t.gql(a.key, STATEMENT, { month: "2027-4" });
  expect(badMonth.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  expect((await t.gql(null, STATEMENT, { month: "2027-04" })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
});
