import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadDemoData } from "../../api/src/demo/demo-data";
import { gqlOk } from "../support/lifecycle";
import { TestApp, startTestApp } from "../support/test-app";

/** The demo data shows CON-8's rounding: a price whose tax has a yen fraction, rounded down on the statement. */
let t: TestApp;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-demo-"));
  t = await startTestApp({ now: new Date("2026-11-21T03:00:00Z"), env: { AKASHI_DATA_DIR: dataDir } });
});

afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("CON-8: the demo statement carries a line whose tax has a yen fraction, rounded down (¥54,545 → tax ¥5,454, total ¥59,999)", async () => {
  const keys = await loadDemoData(t.services);
  expect(keys).not.toBeNull();
  const s = (
    await gqlOk(
      t,
      keys?.resellerKey ?? null,
      `{ statement(month: "2026-11") { subtotalYen taxYen totalYen lines { kind amountYen taxRatePercent taxYen ` +
        `totalYen } } }`,
    )
  ).statement;
  expect(s.lines).toContainEqual({
    kind: "ISSUANCE",
    amountYen: 54545,
    taxRatePercent: 10,
    taxYen: 5454,
    totalYen: 59999,
  });
  expect(s.totalYen).toBe(s.lines.reduce((n: number, l: any) => n + l.totalYen, 0));
  expect(s.taxYen).toBe(s.lines.reduce((n: number, l: any) => n + l.taxYen, 0));
});
