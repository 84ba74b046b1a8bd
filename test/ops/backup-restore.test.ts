import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import request from "supertest";
import { createDataSource } from "../../api/src/db/data-source";
import { copyTextField } from "../../api/src/ops/restore";
import { DcvWebServer, createSubscriber, gqlOk, issueCertificate, productIds } from "../support/lifecycle";
import { TempDir, openssl } from "../support/openssl";
import { READY_TIMEOUT_MS, spawnServer, waitUntilReady, serverPort } from "../support/spawn-server";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * Operations (issue 14): `npm run akashi -- backup` and `restore`. A backup of a running database restored
 * into a NEW data directory (embedded PostgreSQL) holds the same rows and signs with the same CA; without
 * the right passphrase nothing is restored; a non-empty target is refused.
 */
// A start may take the whole readiness wait; the rest of a test gets three minutes beside it.
jest.setTimeout(READY_TIMEOUT_MS + 180_000);

const CLI = path.resolve(__dirname, "../../dist/api/src/cli/akashi.js");
const run = promisify(execFile);
const START = new Date("2026-11-21T03:00:00Z");
const pki = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let work: string;
let sourceUrl: string;
let sealId: string;
let serialNumber: string;
/** PEM files of the source's root, issuing CA and the leaf, for openssl. */
const files = { root: "", issuing: "", leaf: "", rootPem: "" };

/** The built CLI with exactly this environment (no DATABASE_URL unless given). */
async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== "DATABASE_URL" && !k.startsWith("AKASHI_")) clean[k] = v;
  try {
    const r = await run(process.execPath, [CLI, ...args], {
      env: { ...clean, LOG_LEVEL: "silent", ...env },
      timeout: 120_000,
    });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? "", stderr: err.stderr ?? "", code: err.code ?? 1 };
  }
}

/** A new, empty data directory PostgreSQL (running as `postgres` when we are root) can reach. */
function newDataDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

async function counts(url: string): Promise<Record<string, number>> {
  const ds = createDataSource(url, { poolSize: 1 });
  await ds.initialize();
  try {
    const tables: { tablename: string }[] = await ds.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migration' ORDER BY 1`,
    );
    const out: Record<string, number> = {};
    for (const { tablename } of tables)
      out[tablename] = (await ds.query(`SELECT count(*)::int AS n FROM "${tablename}"`))[0].n;
    return out;
  } finally {
    await ds.destroy();
  }
}

beforeAll(async () => {
  if (!fs.existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`npm test\` (it builds first) or \`npm run build\`.`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-backup-"));
  fs.chmodSync(work, 0o755);
  await dcv.start();
  t = await startTestApp({ now: START, env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(["backup.akashi-demo.jp"]) } });
  sourceUrl = (t.ds.options as { url: string }).url;
  const reseller = await t.createReseller("backup");
  const products = await productIds(t);
  const subscriberId = await createSubscriber(t, reseller.key, { name: "株式会社バックアップ", nameEn: "Backup K.K." });
  const issued = await issueCertificate(t, dcv, pki, reseller.key, subscriberId, products.OV, [
    "backup.akashi-demo.jp",
  ]);
  serialNumber = issued.certificate.serialNumber;
  sealId = (
    await gqlOk(t, reseller.key, `mutation($id: ID!) { createSeal(input: { contractId: $id }) { seal { id } } }`, {
      id: issued.contract.id,
    })
  ).createSeal.seal.id;
  const pems = await gqlOk(t, null, `query($id: ID!) { seal(id: $id) { certificate { pem chainPem } } }`, {
    id: sealId,
  });
  const chain = pems.seal.certificate.chainPem as string;
  files.rootPem = (await request(t.app).get("/ca/root.pem")).text;
  files.root = pki.file("root.pem", files.rootPem);
  files.leaf = pki.file("leaf.pem", pems.seal.certificate.pem);
  files.issuing = pki.file("issuing.pem", chain.slice(chain.indexOf("-----BEGIN CERTIFICATE-----", 10)));
  await request(t.app)
    .post(`/verify/${sealId}/report?lang=en`)
    .type("form")
    .send({ description: "A report, so that a sequence moves." });
});

afterAll(async () => {
  await t?.close();
  await dcv.close();
  pki.remove();
  fs.rmSync(work, { recursive: true, force: true });
});

test("backup of a live database, restore into a new data directory: same rows, same CA, passphrase apart", async () => {
  const file = path.join(work, "akashi.backup");
  const passFile = path.join(work, "ca-passphrase.offline");
  const b = await cli(["backup", "--out", file, "--passphrase-out", passFile], {
    DATABASE_URL: sourceUrl,
    DATABASE_OWNER_URL: t.ownerUrl,
    AKASHI_CA_PASSPHRASE: "test passphrase",
  });
  expect(b).toMatchObject({ code: 0, stderr: "" });
  expect(b.stdout).toMatch(/backup written to .*akashi\.backup: \d+ tables/);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(passFile, "utf8").trim()).toBe("test passphrase");
  // The backup itself never contains the passphrase.
  expect(fs.readFileSync(file).includes(Buffer.from("test passphrase"))).toBe(false);

  const target = newDataDir("restored");
  const r = await cli(["restore", "--in", file, "--passphrase-file", passFile], { AKASHI_DATA_DIR: target });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/restored \d+ rows in \d+ tables .* 2 CA keys open with the passphrase/);
  expect(fs.readFileSync(path.join(target, "ca-passphrase"), "utf8").trim()).toBe("test passphrase");

  // The built service on the restored data directory: same rows, same CA, signing fresh answers.
  const port = await serverPort();
  const server = spawnServer({
    AKASHI_DATA_DIR: target,
    PORT: String(port),
    AKASHI_DEMO: "false",
    PUBLIC_BASE_URL: "http://akashi.test",
  });
  try {
    await waitUntilReady(server);
    const owner = JSON.parse(fs.readFileSync(path.join(target, "embedded-postgres.json"), "utf8")) as { url: string };
    const restoredCounts = await counts(owner.url);
    const sourceCounts = await counts(sourceUrl);
    expect(Object.keys(restoredCounts)).toEqual(Object.keys(sourceCounts));
    for (const [table, n] of Object.entries(sourceCounts)) {
      // The started service publishes a CRL and schedules its jobs at once: those two only grow.
      if (table === "crl" || table === "job")
        expect({ table, atLeast: restoredCounts[table] >= n }).toEqual({ table, atLeast: true });
      else expect({ table, rows: restoredCounts[table] }).toEqual({ table, rows: n });
    }
    expect(sourceCounts.certificate_authority).toBe(2);
    const base = `http://127.0.0.1:${port}`;
    const page = await (await fetch(`${base}/verify/${sealId}?lang=en`)).text();
    expect(page).toContain('data-status="VALID"');
    expect(page).toContain(serialNumber);
    const root = await (await fetch(`${base}/ca/root.pem`)).text();
    expect(root).toBe(files.rootPem);
    // A nonce makes the responder sign now, with the restored key; openssl checks it against the source's root.
    const ocsp = openssl([
      "ocsp",
      "-issuer",
      files.issuing,
      "-cert",
      files.leaf,
      "-url",
      `${base}/ocsp`,
      "-CAfile",
      files.root,
    ]);
    expect(ocsp.out).toContain("Response verify OK");
    expect(ocsp.out).toMatch(/: good/);
    // Sequences go on after the backup's values (no receipt number is handed out twice).
    const restoredDs = createDataSource(owner.url, { poolSize: 1 });
    await restoredDs.initialize();
    const before = (await t.ds.query(`SELECT last_value::int AS n FROM problem_report_receipt_seq`))[0].n;
    expect((await restoredDs.query(`SELECT nextval('problem_report_receipt_seq')::int AS n`))[0].n).toBe(before + 1);
    await restoredDs.destroy();
  } finally {
    server.proc.kill("SIGINT");
    await server.exited;
  }
});

test("restore refuses a wrong passphrase (writing nothing), a missing one, and a non-empty target", async () => {
  const file = path.join(work, "second.backup");
  expect(
    (await cli(["backup", "--out", file], { DATABASE_URL: sourceUrl, AKASHI_CA_PASSPHRASE: "test passphrase" })).code,
  ).toBe(0);

  const wrong = newDataDir("wrong");
  const bad = await cli(["restore", "--in", file], {
    AKASHI_DATA_DIR: wrong,
    AKASHI_CA_PASSPHRASE: "not the passphrase",
  });
  // Code and stderr together, so that a failure shows what the command said.
  expect({ code: bad.code, stderr: bad.stderr }).toEqual({
    code: 2,
    stderr: expect.stringMatching(/passphrase does not open the key/),
  });
  // Nothing was written (the passphrase is checked first), so the same target takes the restore once the
  // right passphrase is given.
  const right = await cli(["restore", "--in", file], {
    AKASHI_DATA_DIR: wrong,
    AKASHI_CA_PASSPHRASE: "test passphrase",
  });
  expect(right).toMatchObject({ code: 0, stderr: "" });

  const none = await cli(["restore", "--in", file], { AKASHI_DATA_DIR: newDataDir("none") });
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/needs the CA passphrase/);

  const full = await cli(["restore", "--in", file], {
    DATABASE_URL: sourceUrl,
    AKASHI_CA_PASSPHRASE: "test passphrase",
  });
  expect(full.code).toBe(2);
  expect(full.stderr).toMatch(/not empty/);
});

test("COPY text fields are read back exactly (PEM newlines, backslashes, tabs, NULL)", () => {
  expect(copyTextField("-----BEGIN X-----\\nAB\\\\CD\\tE\\n")).toBe("-----BEGIN X-----\nAB\\CD\tE\n");
  expect(copyTextField("\\N")).toBeNull();
  expect(copyTextField("\\x41\\102")).toBe("AB");
});
