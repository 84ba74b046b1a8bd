import { inTransaction } from "../../api/src/db/transaction";
import { systemActor } from "../../api/src/auth/caller";
import { Certificate } from "../../api/src/certificates/certificate.entity";
import type { JobRunner } from "../../api/src/jobs/job-runner";
import { MASS_REVOCATION_JOB } from "../../api/src/revocations/mass-revocation.service";
import { RevocationRequester } from "../../api/src/revocations/revocation.entity";
import { Job } from "../../api/src/jobs/job.entity";
import { CRL_PUBLISH_JOB, CRL_RELEASE_JOB, HELD_KEY_PREFIX } from "../../api/src/status/status-publisher";
import { DcvWebServer, createSubscriber, gqlOk, issueCertificate, productIds } from "../support/lifecycle";
import { holdOpen, untilWaitingForLock } from "../support/open-transaction";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * REV-4 at scale (issue 11): the set-based mass revocation must leave, for each certificate, exactly
 * what RevocationService.execute leaves for one (REV-6 contract end, REV-7 once only, audit, events,
 * webhook deliveries, notices, CRL publication), resume after a crash, and never revoke twice.
 */
const NAMES = Array.from({ length: 40 }, (_, i) => `m${i}.mass.akashi-demo.jp`);
const START = new Date("2026-11-21T03:00:00Z");
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let alpha: { id: string; key: string };
let products: Record<string, string>;
let subscriberId: string;
let nameIndex = 0;
/** Runs only mass revocation batches (and, separately, CRL publication): webhook deliveries to the test endpoint must never be attempted. */
let massRunner: JobRunner;
let crlRunner: JobRunner;
let releaseRunner: JobRunner;

const uuidOf = (globalId: string) => Buffer.from(globalId, "base64url").toString().split(":")[1];
const STATUS = `query($s: String!) { certificateStatus(serialNumber: $s) { status revokedAt revocationReason } }`;
const START_MASS = `mutation($input: StartMassRevocationInput!) { startMassRevocation(input: $input) { massRevocation { id status total done } userErrors { code message } } }`;
const PROGRESS = `query($id: ID!) { node(id: $id) { ... on MassRevocation { status total done } } }`;

interface Issued {
  id: string;
  uuid: string;
  serial: string;
  contractId: string;
}

async function issue(): Promise<Issued> {
  const app = await issueCertificate(t, dcv, dir, alpha.key, subscriberId, products.DV, [NAMES[nameIndex++]]);
  const uuid = uuidOf(app.certificate.id);
  const [{ contract_id }] = await t.ds.query(`SELECT contract_id FROM certificate WHERE id = $1`, [uuid]);
  return { id: app.certificate.id, uuid, serial: app.certificate.serialNumber, contractId: contract_id };
}

async function startMass(input: Record<string, unknown>): Promise<{ id: string; uuid: string; total: number }> {
  const res = (
    await gqlOk(t, t.operatorKey, START_MASS, {
      input: { reason: "KEY_COMPROMISE", ground: "key generation flaw", ...input },
    })
  ).startMassRevocation;
  expect(res.userErrors).toEqual([]);
  return { id: res.massRevocation.id, uuid: uuidOf(res.massRevocation.id), total: res.massRevocation.total };
}

/** What the old per-certificate path did for each certificate of a mass revocation. */
async function revokeSingly(cert: Issued, massUuid: string): Promise<void> {
  await inTransaction(t.ds, async (tx) => {
    const row = await tx.findOneOrFail(Certificate, { where: { id: cert.uuid }, lock: { mode: "pessimistic_write" } });
    await t.services.revocations.execute(tx, systemActor(`mass-revocation:${massUuid}`), row, "keyCompromise", {
      requestedBy: RevocationRequester.OPERATOR,
      requesterKeyId: null,
      comment: "mass revocation",
      massRevocationId: massUuid,
    });
  });
}

/** Drops what names one certificate (ids, serial, names, fingerprint), keeping everything a revocation decides. */
function neutral(value: unknown, cert: Issued): unknown {
  if (Array.isArray(value)) return value.map((v) => neutral(v, cert));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) {
      if (
        [
          "id",
          "contractId",
          "applicationId",
          "certificateId",
          "serialHex",
          "serialNumber",
          "sha256Fingerprint",
          "commonName",
          "names",
          "subjectDn",
          "subjectId",
          "entity_id",
          "notBefore",
          "notAfter",
          "createdAt",
          "revocationId",
          "crlShard",
        ].includes(k)
      )
        continue;
      out[k] = neutral(v, cert);
    }
    return out;
  }
  if (typeof value === "string") {
    const names = NAMES.filter((n) => value.includes(n));
    let s = value.split(cert.serial).join("<serial>");
    for (const n of names) s = s.split(n).join("<name>");
    return s;
  }
  return value;
}

/** Everything a revocation of `cert` wrote, in a form comparable between two certificates. */
async function effects(cert: Issued) {
  const certGid = cert.id;
  const contractGid = Buffer.from(`Contract:${cert.contractId}`).toString("base64url");
  const q = (sql: string, params: unknown[]) => t.ds.query(sql, params);
  return neutral(
    {
      certificate: await q(`SELECT revoked_at, revocation_reason FROM certificate WHERE id = $1`, [cert.uuid]),
      revocations: await q(
        `SELECT requested_by, requester_key_id, reason, operator_ground, comment, status, requested_at, scheduled_for, deadline_at, executed_at, withdrawn_at, problem_report_id, mass_revocation_id
         FROM revocation WHERE certificate_id = $1 ORDER BY requested_at, status`,
        [cert.uuid],
      ),
      contract: await q(`SELECT status, ended_at, end_reason FROM contract WHERE id = $1`, [cert.contractId]),
      events: await q(
        `SELECT type, subject_type, data FROM event WHERE subject_id = ANY($1) AND type IN ('revocation.executed', 'contract.ended') ORDER BY type, id`,
        [[certGid, contractGid]],
      ),
      deliveries: await q(
        `SELECT e.type, count(*)::int AS n FROM webhook_delivery d JOIN event e ON e.id = d.event_id WHERE e.subject_id = ANY($1) GROUP BY e.type ORDER BY e.type`,
        [[certGid, contractGid]],
      ),
      deliveryJobs: await q(
        `SELECT count(*)::int AS n FROM job j JOIN webhook_delivery d ON j.payload->>'deliveryId' = d.id::text JOIN event e ON e.id = d.event_id WHERE e.subject_id = ANY($1)`,
        [[certGid, contractGid]],
      ),
      audit: await q(
        `SELECT action, actor_kind, actor_label, reseller_id, reason, before, after FROM audit_event WHERE entity_id = ANY($1) AND action IN ('certificate.revoke', 'contract.end') ORDER BY action, id`,
        [[certGid, contractGid]],
      ),
      notices: await q(
        `SELECT kind, recipient, language, subject, body, channel, email_to, due_at, sent_at FROM notice WHERE contract_id = $1 AND kind = 'REVOCATION_EXECUTED' ORDER BY recipient, email_to`,
        [cert.contractId],
      ),
    },
    cert,
  );
}

/** A runner of one job kind (another replica, when a test makes a second). */
const runnerOf = (kind: string): JobRunner => t.runner({ [kind]: t.services.jobs.handlers[kind] });

async function runMassJobs(): Promise<void> {
  // Bounded: each pass runs what is due; a mass revocation enqueues its next batch as due at once.
  for (let i = 0; i < 200; i++) {
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM job WHERE kind = $1 AND status = 'PENDING'`, [
      MASS_REVOCATION_JOB,
    ]);
    if (n === 0) {
      await releaseRunner.runDue(); // as the core lane does, once the last batch has committed
      return;
    }
    await massRunner.runDue();
  }
  throw new Error("mass revocation jobs never finished");
}

/** STAT-1: whether the newest CRL of the certificate's own shard (fixed at issuance) carries its serial. */
async function onNewestCrlOfItsShard(cert: Issued): Promise<boolean> {
  const [crl] = await t.ds.query(
    `SELECT l.der FROM crl l JOIN certificate c ON c.issuing_ca_id = l.issuing_ca_id AND c.crl_shard IS NOT DISTINCT FROM l.shard
     WHERE c.serial_hex = $1 ORDER BY l.crl_number DESC LIMIT 1`,
    [cert.serial],
  );
  return (crl.der as Buffer).includes(Buffer.from(cert.serial.length % 2 ? `0${cert.serial}` : cert.serial, "hex"));
}

async function executedCount(uuid: string): Promise<number> {
  return (
    await t.ds.query(`SELECT count(*)::int AS n FROM revocation WHERE certificate_id = $1 AND status = 'EXECUTED'`, [
      uuid,
    ])
  )[0].n;
}

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: START,
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES), AKASHI_MASS_REVOCATION_BATCH: "2" },
  });
  alpha = await t.createReseller("alpha-mass");
  products = await productIds(t);
  subscriberId = await createSubscriber(t, alpha.key, {
    contacts: [{ role: "NOTICE", name: "Notice Desk", email: "notice@mass.akashi-demo.jp" }],
  });
  // The reseller listens to both events a revocation emits: deliveries (and their jobs) are part of what is compared.
  await t.ds.query(
    `INSERT INTO webhook_endpoint (reseller_id, url, secret, event_types, created_at, updated_at) VALUES ($1, 'https://hooks.mass.akashi-demo.jp/in', $2, ARRAY['revocation.executed','contract.ended'], $3, $3)`,
    [alpha.id, "s".repeat(40), START],
  );
  massRunner = runnerOf(MASS_REVOCATION_JOB);
  crlRunner = runnerOf(CRL_PUBLISH_JOB);
  releaseRunner = runnerOf(CRL_RELEASE_JOB);
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

beforeEach(() => t.clock.set(START));

test("REV-4: a mass revocation writes for each certificate what a single revocation writes", async () => {
  // Plain certificates, and certificates whose revocation was scheduled for the month's end (superseded, REV-2).
  const [singlePlain, massPlain, singleScheduled, massScheduled] = [
    await issue(),
    await issue(),
    await issue(),
    await issue(),
  ];
  for (const c of [singleScheduled, massScheduled]) {
    const r = await gqlOk(
      t,
      alpha.key,
      `mutation($input: RequestRevocationInput!) { requestRevocation(input: $input) { userErrors { code } } }`,
      {
        input: {
          certificateId: c.id,
          reason: "CESSATION_OF_OPERATION",
          onBehalfOfSubscriber: true,
          atEndOfMonth: true,
        },
      },
    );
    expect(r.requestRevocation.userErrors).toEqual([]);
  }
  t.clock.set(new Date(START.getTime() + 60_000));
  const mass = await startMass({ serials: [massPlain.serial, massScheduled.serial] });
  expect(mass.total).toBe(2);
  await revokeSingly(singlePlain, mass.uuid);
  await revokeSingly(singleScheduled, mass.uuid);
  await runMassJobs();

  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node).toEqual({
    status: "COMPLETED",
    total: 2,
    done: 2,
  });
  const plain = await effects(massPlain);
  expect(plain).toEqual(await effects(singlePlain));
  expect(await effects(massScheduled)).toEqual(await effects(singleScheduled));
  // Guard against comparing two empty sets: the effects are there.
  expect(plain).toMatchObject({
    certificate: [{ revocation_reason: "keyCompromise" }],
    revocations: [
      { status: "EXECUTED", requested_by: "OPERATOR", comment: "mass revocation", mass_revocation_id: mass.uuid },
    ],
    contract: [{ status: "ENDED", end_reason: "REVOKED" }],
    deliveries: [
      { type: "contract.ended", n: 1 },
      { type: "revocation.executed", n: 1 },
    ],
    deliveryJobs: [{ n: 2 }],
  });
  const p = plain as { events: unknown[]; audit: unknown[]; notices: unknown[] };
  expect(p.events).toHaveLength(2);
  expect(p.audit).toHaveLength(2);
  expect(p.notices).toHaveLength(2); // the reseller, and the subscriber's NOTICE contact
  expect(((await effects(massScheduled)) as { revocations: unknown[] }).revocations).toEqual([
    expect.objectContaining({ status: "EXECUTED", requested_by: "SUBSCRIBER", reason: "keyCompromise" }),
  ]);

  // STAT-1..3: the status answers at once, and the next CRL of the CA lists the serials.
  for (const c of [massPlain, massScheduled])
    expect((await gqlOk(t, null, STATUS, { s: c.serial })).certificateStatus).toMatchObject({
      status: "REVOKED",
      revocationReason: "KEY_COMPROMISE",
    });
  t.clock.set(new Date(START.getTime() + 120_000));
  await crlRunner.runDue();
  // STAT-1: each certificate is listed on the CRL of its own shard (fixed at issuance).
  for (const c of [massPlain, massScheduled]) expect(await onNewestCrlOfItsShard(c)).toBe(true);
});

test("REV-4: a mass revocation of a list of serials matches each serial once, skips what is expired or revoked, and counts progress right", async () => {
  const certs = [await issue(), await issue(), await issue(), await issue(), await issue()];
  // Already revoked before the start: not counted, not touched.
  const single = await gqlOk(
    t,
    t.operatorKey,
    `mutation($input: RequestRevocationInput!) { requestRevocation(input: $input) { userErrors { code } } }`,
    {
      input: { certificateId: certs[1].id, reason: "KEY_COMPROMISE", operatorGround: "reported", comment: "single" },
    },
  );
  expect(single.requestRevocation.userErrors).toEqual([]);
  // Upper case, a repeated serial and an unknown one: each certificate is matched once.
  const mass = await startMass({
    serials: [...certs.map((c) => c.serial.toUpperCase()), certs[0].serial, "abcdef0123"],
  });
  expect(mass.total).toBe(4);
  await runMassJobs();
  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node).toEqual({
    status: "COMPLETED",
    total: mass.total,
    done: mass.total,
  });
  for (const c of certs) expect(await executedCount(c.uuid)).toBe(1);
  const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM revocation WHERE mass_revocation_id = $1`, [
    mass.uuid,
  ]);
  expect(n).toBe(mass.total);
});

/** Until a mass revocation's batch waits for a row lock (or `backends` connections for a lock in `statement`). */
const untilBatchWaitsForLock = (statement = "%FOR UPDATE%", backends = 1) =>
  untilWaitingForLock(t.ds, statement, backends);

test("REV-7: a certificate revoked singly during a mass revocation is revoked once", async () => {
  const certs = [await issue(), await issue(), await issue()];
  const mass = await startMass({ serials: certs.map((c) => c.serial) });
  // A single revocation of certs[0] holds its row lock while the mass revocation's batch reaches it.
  const single = holdOpen(t.ds, async (tx) => {
    const row = await tx.findOneOrFail(Certificate, {
      where: { id: certs[0].uuid },
      lock: { mode: "pessimistic_write" },
    });
    await t.services.revocations.execute(tx, systemActor("single"), row, "keyCompromise", {
      requestedBy: RevocationRequester.OPERATOR,
      requesterKeyId: null,
    });
  });
  await single.held;
  const batch = massRunner.runDue(1);
  await untilBatchWaitsForLock();
  single.release();
  await single.done;
  await batch;
  await runMassJobs();
  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node).toEqual({
    status: "COMPLETED",
    total: 3,
    done: 3,
  });
  for (const c of certs) expect(await executedCount(c.uuid)).toBe(1);
  const [first] = await t.ds.query(`SELECT mass_revocation_id FROM revocation WHERE certificate_id = $1`, [
    certs[0].uuid,
  ]);
  expect(first.mass_revocation_id).toBeNull(); // the single revocation's row, not a second one
  const [{ n }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM audit_event WHERE action = 'certificate.revoke' AND entity_id = $1`,
    [certs[0].id],
  );
  expect(n).toBe(1);
});

test("REV-7: a single revocation that rolls back while a mass revocation waits for it does not make the mass revocation skip the certificate", async () => {
  const certs = [await issue(), await issue()];
  const mass = await startMass({ serials: certs.map((c) => c.serial) });
  const single = holdOpen(
    t.ds,
    (tx) => tx.findOneOrFail(Certificate, { where: { id: certs[0].uuid }, lock: { mode: "pessimistic_write" } }),
    async () => {
      throw new Error("the single revocation fails");
    },
  );
  await single.held;
  const batch = massRunner.runDue(1);
  await untilBatchWaitsForLock();
  single.release();
  await expect(single.done).rejects.toThrow("the single revocation fails");
  await batch;
  await runMassJobs();
  for (const c of certs) expect(await executedCount(c.uuid)).toBe(1);
  const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM revocation WHERE mass_revocation_id = $1`, [
    mass.uuid,
  ]);
  expect(n).toBe(2);
});

test("REV-4, issue 11: a mass revocation's chains run side by side, and only the last to finish completes it and releases the CRLs", async () => {
  // A day of its own, so that only this mass revocation's held CRL publications are counted.
  const t0 = new Date(START.getTime() + 5 * 24 * 3600_000);
  t.clock.set(t0);
  const certs = [await issue(), await issue(), await issue(), await issue()];
  const heldDelays = async () =>
    (
      await t.ds.query(
        `SELECT DISTINCT run_at FROM job WHERE kind = $1 AND status = 'PENDING' AND unique_key LIKE $2 AND run_at > $3`,
        [CRL_PUBLISH_JOB, `${HELD_KEY_PREFIX}%`, t0],
      )
    ).map((j: { run_at: Date }) => j.run_at.getTime() - t0.getTime());
  // Batches of two, two chains: the first over certs[0..1], the second over certs[2..3].
  const mass = await startMass({ serials: certs.map((c) => c.serial) });
  const chains = await t.ds.query(`SELECT payload FROM job WHERE kind = $1 AND status = 'PENDING' ORDER BY id`, [
    MASS_REVOCATION_JOB,
  ]);
  expect(chains.map((j: { payload: object }) => j.payload)).toEqual([
    { massRevocationId: mass.uuid, chain: 0, from: 0, end: 2 },
    { massRevocationId: mass.uuid, chain: 1, from: 2, end: 4 },
  ]);

  // The first chain's batch waits for a row lock on certs[0]...
  const holder = holdOpen(t.ds, (tx) =>
    tx.findOneOrFail(Certificate, { where: { id: certs[0].uuid }, lock: { mode: "pessimistic_write" } }),
  );
  await holder.held;
  const first = massRunner.runDue(1);
  await untilBatchWaitsForLock();
  // ...while the second chain, in another runner, revokes its certificates and commits.
  const other = runnerOf(MASS_REVOCATION_JOB);
  expect(await other.runDue(1)).toBe(1);
  for (const c of certs.slice(2))
    expect((await gqlOk(t, null, STATUS, { s: c.serial })).certificateStatus.status).toBe("REVOKED");
  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node).toEqual({
    status: "RUNNING",
    total: 4,
    done: 2,
  });
  // The second chain is done, but not the mass revocation: its CRLs stay held.
  expect(await heldDelays()).toEqual([60_000]);

  holder.release();
  await holder.done;
  await first;
  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node).toEqual({
    status: "COMPLETED",
    total: 4,
    done: 4,
  });
  // The release runs in a job of its own, once the last batch has committed.
  expect(await heldDelays()).toEqual([60_000]);
  expect(await releaseRunner.runDue()).toBe(1);
  expect(await heldDelays()).toEqual([500]);
  for (const c of certs) expect(await executedCount(c.uuid)).toBe(1);
  // The released publications run, and list every certificate (and leave no held job for the tests after this one).
  t.clock.set(new Date(t0.getTime() + 1000));
  await crlRunner.runDue();
  expect(await heldDelays()).toEqual([]);
  for (const c of certs) expect(await onNewestCrlOfItsShard(c)).toBe(true);
  const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM job WHERE kind = $1 AND status = 'PENDING'`, [
    MASS_REVOCATION_JOB,
  ]);
  expect(n).toBe(0);
});

test("REV-4, issue 11: when two chains' last batches end at the same moment, exactly one completes the mass revocation and has its CRLs released", async () => {
  const t0 = new Date(START.getTime() + 7 * 24 * 3600_000);
  t.clock.set(t0);
  const certs = [await issue(), await issue(), await issue(), await issue()];
  // Batches of two, two chains of one batch each: both batches are their chain's last.
  const mass = await startMass({ serials: certs.map((c) => c.serial) });
  // This window's held CRL publications exist already (as after an earlier batch): the two batches only join
  // them, where the first batch of a window to create one would make the other wait for its commit.
  const [{ caId }] = await t.ds.query(`SELECT issuing_ca_id AS "caId" FROM certificate WHERE id = $1`, [certs[0].uuid]);
  await inTransaction(t.ds, (tx) =>
    t.services.statusPublisher.certificatesRevoked(
      tx,
      certs.map((c) => ({ id: c.uuid, issuingCaId: caId, serialHex: c.serial })),
      { held: true },
    ),
  );
  // The progress row is held, so both batches do all their work and then wait at its UPDATE together.
  // NO KEY: the batches' revocation rows still reference it (their foreign key check takes a KEY SHARE lock).
  const holder = holdOpen(t.ds, (tx) =>
    tx.query(`SELECT id FROM mass_revocation WHERE id = $1 FOR NO KEY UPDATE`, [mass.uuid]),
  );
  await holder.held;
  const other = runnerOf(MASS_REVOCATION_JOB);
  const releaseCalls = jest.spyOn(t.services.statusPublisher, "releaseHeldCrlPublications");
  const batches = Promise.all([massRunner.runDue(1), other.runDue(1)]);
  await untilBatchWaitsForLock("%UPDATE mass_revocation SET done%", 2);
  holder.release();
  await holder.done;
  expect(await batches).toEqual([1, 1]);

  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node).toEqual({
    status: "COMPLETED",
    total: 4,
    done: 4,
  });
  const [{ chains_running }] = await t.ds.query(`SELECT chains_running FROM mass_revocation WHERE id = $1`, [
    mass.uuid,
  ]);
  expect(chains_running).toBe(0);
  // One of the two batches saw the last chain end; the other saw one still running.
  expect(releaseCalls).toHaveBeenCalledTimes(1);
  releaseCalls.mockRestore();
  const releases = await t.ds.query(`SELECT unique_key FROM job WHERE kind = $1 AND status = 'PENDING'`, [
    CRL_RELEASE_JOB,
  ]);
  expect(releases).toEqual([{ unique_key: `${CRL_RELEASE_JOB}:mass:${mass.uuid}` }]);
  const [{ audits }] = await t.ds.query(
    `SELECT count(*)::int AS audits FROM audit_event WHERE action = 'certificate.revoke' AND actor_label = $1`,
    [`mass-revocation:${mass.uuid}`],
  );
  expect(audits).toBe(4);
  // The released publications run, and list every certificate (and leave no held job for the tests after this one).
  expect(await releaseRunner.runDue()).toBe(1);
  t.clock.set(new Date(t0.getTime() + 1000));
  await crlRunner.runDue();
  for (const c of certs) expect(await onNewestCrlOfItsShard(c)).toBe(true);
});

// Last: it revokes every certificate of the issuing CA, those of the tests above included.
test("REV-4: a mass revocation stopped half-way resumes without revoking anything twice", async () => {
  for (let i = 0; i < 5; i++) await issue();
  const [{ id: caId }] = await t.ds.query(
    `SELECT issuing_ca_id AS id FROM certificate WHERE source = 'ISSUED' LIMIT 1`,
  );
  const [{ n: pending }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM certificate WHERE issuing_ca_id = $1 AND revoked_at IS NULL`,
    [caId],
  );
  const mass = await startMass({ issuingCaId: caId });
  expect(mass.total).toBe(pending);
  expect(pending).toBeGreaterThanOrEqual(5);

  // One batch commits; the next one dies half-way (its transaction rolls back, cursor and all). The chains cut
  // the CA by random certificate ids: the first batch takes the first two of chain 0's range, if it holds two.
  const revokedSoFar = async () =>
    (await t.ds.query(`SELECT count(*)::int AS n FROM revocation WHERE mass_revocation_id = $1`, [mass.uuid]))[0]
      .n as number;
  const pendingJobs = async (): Promise<Array<{ id: string; payload: Record<string, unknown> }>> =>
    t.ds.query(`SELECT id, payload FROM job WHERE kind = $1 AND status = 'PENDING' ORDER BY id`, [MASS_REVOCATION_JOB]);
  const [chain0] = await pendingJobs();
  expect(chain0.payload).toMatchObject({ chain: 0, after: null });
  const [{ n: inChain0 }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM certificate
     WHERE issuing_ca_id = $1 AND source = 'ISSUED' AND revoked_at IS NULL AND not_after > $3 AND id <= $2`,
    [caId, chain0.payload.through, t.clock.now()],
  );
  expect(await massRunner.runDue(1)).toBe(1);
  const afterOne = await revokedSoFar();
  expect(afterOne).toBe(Math.min(2, inChain0));
  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node).toEqual({
    status: "RUNNING",
    total: pending,
    done: afterOne,
  });
  const beforeCrash = await pendingJobs();
  // Chain 0 goes on after the last certificate its batch revoked (a batch short of two ends it); chain 1 has not started.
  expect(beforeCrash.map((j) => j.payload.chain)).toEqual(inChain0 >= 2 ? [1, 0] : [1]);
  const next = beforeCrash.find((j) => j.payload.chain === 0) ?? beforeCrash[0];
  await expect(
    inTransaction(t.ds, async (tx) => {
      await t.services.jobs.handlers[MASS_REVOCATION_JOB](
        Object.assign(new Job(), {
          id: String(next.id),
          kind: MASS_REVOCATION_JOB,
          payload: next.payload,
          attempts: 0,
        }),
        tx,
      );
      throw new Error("the process dies before commit");
    }),
  ).rejects.toThrow("the process dies");
  expect(await revokedSoFar()).toBe(afterOne);
  expect(await pendingJobs()).toEqual(beforeCrash); // every chain's cursor where it was
  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node).toEqual({
    status: "RUNNING",
    total: pending,
    done: afterOne,
  });

  // Another replica (or the restarted process) picks up where the last committed batch stopped.
  const restarted = runnerOf(MASS_REVOCATION_JOB);
  for (let i = 0; i < 100; i++) {
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM job WHERE kind = $1 AND status = 'PENDING'`, [
      MASS_REVOCATION_JOB,
    ]);
    if (n === 0) break;
    await restarted.runDue();
  }
  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node).toEqual({
    status: "COMPLETED",
    total: pending,
    done: pending,
  });
  const perCert = await t.ds.query(
    `SELECT c.id, (SELECT count(*)::int FROM revocation r WHERE r.certificate_id = c.id AND r.status = 'EXECUTED') AS revocations
     FROM certificate c WHERE c.issuing_ca_id = $1 AND c.revoked_at IS NOT NULL AND EXISTS (SELECT 1 FROM revocation r WHERE r.certificate_id = c.id AND r.mass_revocation_id = $2)`,
    [caId, mass.uuid],
  );
  expect(perCert).toHaveLength(pending);
  for (const row of perCert) expect(row.revocations).toBe(1);
  const [{ n: events }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM event WHERE type = 'revocation.executed' AND subject_id = ANY($1)`,
    [perCert.map((r: { id: string }) => Buffer.from(`Certificate:${r.id}`).toString("base64url"))],
  );
  expect(events).toBe(pending);
  const [{ n: audits }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM audit_event WHERE action = 'certificate.revoke' AND actor_label = $1`,
    [`mass-revocation:${mass.uuid}`],
  );
  expect(audits).toBe(pending);
  const [{ n: left }] = await t.ds.query(
    `SELECT count(*)::int AS n FROM certificate WHERE issuing_ca_id = $1 AND revoked_at IS NULL AND not_after > $2`,
    [caId, t.clock.now()],
  );
  expect(left).toBe(0);
});

test("STAT-1, REV-4: a mass revocation's batches hold their CRL publications, one per shard and one-minute window, and its last batch has them all released at once", async () => {
  // A day of its own, so that no earlier test's CRL jobs are among those counted here.
  const t0 = new Date(START.getTime() + 3 * 24 * 3600_000);
  t.clock.set(t0);
  const certs = [await issue(), await issue(), await issue(), await issue(), await issue()];
  const shardsOf = async (some: Issued[]): Promise<Array<number | null>> =>
    (
      await t.ds.query(`SELECT DISTINCT crl_shard FROM certificate WHERE id = ANY($1) ORDER BY crl_shard NULLS FIRST`, [
        some.map((c) => c.uuid),
      ])
    ).map((r: { crl_shard: number | null }) => r.crl_shard);
  const crlJobs = async () =>
    (
      await t.ds.query(
        `SELECT unique_key, payload, run_at FROM job WHERE kind = $1 AND status = 'PENDING' AND run_at > $2 ORDER BY (payload->>'shard')::int NULLS FIRST`,
        [CRL_PUBLISH_JOB, t0],
      )
    ).map((j: { unique_key: string; payload: { shard: number | null }; run_at: Date }) => ({
      held: j.unique_key.startsWith(HELD_KEY_PREFIX),
      shard: j.payload.shard,
      runAt: j.run_at.getTime() - t0.getTime(),
    }));
  const mass = await startMass({ serials: certs.map((c) => c.serial) });

  // Batches of two: the first two batches schedule one held publication per shard they touched, a minute out,
  // and nothing sooner; the second joins the first's where they share a shard.
  await massRunner.runDue(1);
  expect(await crlJobs()).toEqual(
    (await shardsOf(certs.slice(0, 2))).map((shard) => ({ held: true, shard, runAt: 60_000 })),
  );
  await massRunner.runDue(1);
  expect(await crlJobs()).toEqual(
    (await shardsOf(certs.slice(0, 4))).map((shard) => ({ held: true, shard, runAt: 60_000 })),
  );
  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node.status).toBe("RUNNING");

  // The last batch releases every held publication: each shard once, half a second out, as for a single revocation.
  await runMassJobs();
  expect((await gqlOk(t, t.operatorKey, PROGRESS, { id: mass.id })).node.status).toBe("COMPLETED");
  expect(await crlJobs()).toEqual((await shardsOf(certs)).map((shard) => ({ held: true, shard, runAt: 500 })));

  t.clock.set(new Date(t0.getTime() + 1000));
  await crlRunner.runDue();
  expect(await crlJobs()).toEqual([]);
  for (const c of certs) expect(await onNewestCrlOfItsShard(c)).toBe(true);
});
