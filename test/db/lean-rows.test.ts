import { randomUUID } from "node:crypto";
import { EntityMetadata, In } from "typeorm";
import { Application } from "../../api/src/applications";
import { CaaCheck } from "../../api/src/applications/caa-check.entity";
import { findById, findByIdOrFail, findByIds, findEachById } from "../../api/src/db/by-id";
import { findWhere } from "../../api/src/db/find-where";
import { insertAtCommit, insertEntity, updateById, updateByIdAtCommit } from "../../api/src/db/write-entity";
import { DomainValidation } from "../../api/src/applications/domain-validation.entity";
import { Certificate } from "../../api/src/certificates";
import { Contract } from "../../api/src/contracts";
import { Reseller } from "../../api/src/resellers/reseller.entity";
import { DcvWebServer, createSubscriber, issueCertificate, productIds } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * db/by-id.ts reads entities by primary key, db/find-where.ts by a condition in SQL, db/write-entity.ts
 * inserts and updates one row, each with a prepared text; what they return and store must be what
 * TypeORM's find and save return and store.
 */
const NAMES = ["byid.akashi-demo.jp"];
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({ env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES) } });
  const r = await t.createReseller("byid");
  const products = await productIds(t);
  const subscriberId = await createSubscriber(t, r.key);
  await issueCertificate(t, dcv, dir, r.key, subscriberId, products.DV, NAMES);
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

/** Entities of plain columns with one primary key, and up to three ids of each that the issuance above wrote. */
async function stored(): Promise<{ meta: EntityMetadata; ids: string[] }[]> {
  const out = [];
  for (const meta of t.ds.entityMetadatas) {
    if (meta.relations.length > 0 || meta.embeddeds.length > 0 || meta.primaryColumns.length !== 1) continue;
    const pk = meta.primaryColumns[0].databaseName;
    const rows: { id: string }[] = await t.ds.query(`SELECT "${pk}"::text AS id FROM "${meta.tableName}" LIMIT 3`);
    if (rows.length > 0) out.push({ meta, ids: rows.map((r) => r.id) });
  }
  return out;
}

test("issue 11: findById and findByIds return exactly what findOneBy and findBy return, for every stored entity", async () => {
  const all = await stored();
  // The issuance wrote at least these; a vacuous run would prove nothing.
  expect(all.map((e) => e.meta.name)).toEqual(
    expect.arrayContaining(["Application", "Certificate", "Contract", "Product", "Reseller", "Subscriber"]),
  );
  for (const { meta, ids } of all) {
    const pk = meta.primaryColumns[0].propertyName;
    for (const id of ids) {
      const typeorm = await t.ds.manager.findOneBy(meta.target, { [pk]: id });
      const ours = await findById(t.ds.manager, meta.target, id);
      expect({ entity: meta.name, row: ours }).toEqual({ entity: meta.name, row: typeorm });
      expect(Object.getPrototypeOf(ours)).toBe(Object.getPrototypeOf(typeorm));
    }
    const many = await findByIds(t.ds.manager, meta.target, ids);
    const byKey = (rows: Record<string, unknown>[]) =>
      [...rows].sort((a, b) => String(a[pk]).localeCompare(String(b[pk])));
    expect(byKey(many)).toEqual(
      byKey(
        await t.ds.manager.findBy(
          meta.target,
          ids.map((id) => ({ [pk]: id })),
        ),
      ),
    );
  }
});

test("issue 11: findEachById reads entities of different kinds in one statement, each as findOneBy returns it, null for none", async () => {
  const all = (await stored()).slice(0, 6);
  expect(all.length).toBe(6);
  const none = "00000000-0000-4000-8000-000000000000";
  const asks = [
    ...all.map(({ meta, ids }) => [meta.target, ids[0]] as const),
    [Application, none] as const,
    [Contract, null] as const,
  ];
  const found = await findEachById(t.ds.manager, asks);
  expect(found).toHaveLength(8);
  for (const [i, { meta, ids }] of all.entries()) {
    const typeorm = await t.ds.manager.findOneBy(meta.target, { [meta.primaryColumns[0].propertyName]: ids[0] });
    expect({ entity: meta.name, row: found[i] }).toEqual({ entity: meta.name, row: typeorm });
    expect(Object.getPrototypeOf(found[i])).toBe(Object.getPrototypeOf(typeorm));
  }
  expect(found.slice(6)).toEqual([null, null]);
  // The same kinds twice: each keeps its own row.
  const [a, b] = all[0].ids;
  if (b) {
    const [first, second] = await findEachById(t.ds.manager, [
      [all[0].meta.target, a],
      [all[0].meta.target, b],
    ]);
    expect(
      [first, second].map((e) => (e as Record<string, unknown>)[all[0].meta.primaryColumns[0].propertyName]),
    ).toEqual([a, b]);
  }
});

test("issue 11: findById answers null for no such row; findByIdOrFail throws as findOneByOrFail does", async () => {
  const none = "00000000-0000-4000-8000-000000000000";
  expect(await findById(t.ds.manager, Application, none)).toBeNull();
  await expect(findByIdOrFail(t.ds.manager, Application, none)).rejects.toThrow(/Could not find any entity/);
});

test("issue 11: findById with FOR UPDATE holds the row lock until its transaction ends", async () => {
  const [{ id }] = await t.ds.query(`SELECT id FROM application LIMIT 1`);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = t.ds.transaction(async (tx) => {
    expect((await findById(tx, Application, id, "FOR UPDATE"))?.id).toBe(id);
    locked();
    await held;
  });
  await isLocked;
  await expect(
    t.ds.transaction((tx) => tx.query(`SELECT id FROM application WHERE id = $1 FOR UPDATE NOWAIT`, [id])),
  ).rejects.toMatchObject({ driverError: { code: "55P03" } });
  release();
  await holder;
});

test("issue 11: findWhere returns exactly what find returns, in the order asked, for every stored entity", async () => {
  const all = await stored();
  expect(all.length).toBeGreaterThanOrEqual(6);
  for (const { meta, ids } of all) {
    const pk = meta.primaryColumns[0];
    const typeorm = await t.ds.manager.find(meta.target, {
      where: ids.map((id) => ({ [pk.propertyName]: id })),
      order: { [pk.propertyName]: "DESC" },
    });
    const ours = await findWhere(
      t.ds.manager,
      meta.target,
      `WHERE "${pk.databaseName}"::text = ANY($1::text[]) ORDER BY "${pk.databaseName}" DESC`,
      [ids],
    );
    expect({ entity: meta.name, rows: ours }).toEqual({ entity: meta.name, rows: typeorm });
    expect(ours.map((o) => Object.getPrototypeOf(o))).toEqual(typeorm.map((o) => Object.getPrototypeOf(o)));
  }
});

test("issue 11: findWhere with distinctOn keeps the first row of each group in the order given", async () => {
  const [{ subscriber_id: subscriberId }] = await t.ds.query(`SELECT subscriber_id FROM caa_check LIMIT 1`);
  const older = new Date("2026-01-01T00:00:00Z");
  // A second, older result for the same name: DISTINCT ON (name) ordered newest first must skip it.
  await t.ds.query(
    `INSERT INTO caa_check (subscriber_id, name, method, status, checked_at, evidence)
     SELECT subscriber_id, name, method, status, $1, evidence FROM caa_check WHERE subscriber_id = $2`,
    [older, subscriberId],
  );
  const newest = await findWhere(
    t.ds.manager,
    CaaCheck,
    `WHERE subscriber_id = $1 ORDER BY name, checked_at DESC, seq DESC`,
    [subscriberId],
    ["name"],
  );
  expect(newest.map((c) => c.name)).toEqual(NAMES);
  expect(newest[0]).toBeInstanceOf(CaaCheck);
  expect(newest[0].checkedAt.getTime()).toBeGreaterThan(older.getTime());
  const everyOne = await findWhere(t.ds.manager, CaaCheck, `WHERE subscriber_id = $1`, [subscriberId]);
  expect(everyOne.length).toBeGreaterThanOrEqual(2);
});

/** Runs `work` in a transaction that is rolled back, so a test's writes leave the shared rows as they were. */
async function rolledBack(work: (tx: import("typeorm").EntityManager) => Promise<void>): Promise<void> {
  const undo = new Error("roll back");
  await expect(
    t.ds.transaction(async (tx) => {
      await work(tx);
      throw undo;
    }),
  ).rejects.toBe(undo);
}

test("issue 11: insertEntity stores what save stores and returns the row as find reads it (defaults and conversions included)", async () => {
  const [stored] = await t.ds.manager.find(Certificate, { take: 1 });
  const [contract] = await t.ds.manager.find(Contract, { take: 1 });
  await rolledBack(async (tx) => {
    const copy = (serial: string) => {
      const { id: _id, createdAt: _createdAt, ...rest } = stored;
      return { ...rest, serialHex: serial, sha256Fingerprint: serial.repeat(16) };
    };
    const saved = await tx.save(tx.create(Certificate, copy("aa11")));
    const ours = await insertEntity(tx, Certificate, copy("bb22"));
    expect(ours).toBeInstanceOf(Certificate);
    // Columns left out take the database default, as with save (created_at is now()).
    expect(ours.createdAt).toBeInstanceOf(Date);
    expect(ours).toEqual(await tx.findOneBy(Certificate, { id: ours.id }));
    const same = (c: Certificate) => ({ ...c, id: null, createdAt: null, serialHex: null, sha256Fingerprint: null });
    expect(same(await tx.findOneByOrFail(Certificate, { id: ours.id }))).toEqual(
      same(await tx.findOneByOrFail(Certificate, { id: saved.id })),
    );
    expect(ours.der.equals(stored.der)).toBe(true);
    expect(ours.names).toEqual(stored.names);

    const { id: _id, ...terms } = contract;
    const openedByUs = await insertEntity(tx, Contract, { ...terms, applicationId: contract.applicationId });
    expect(openedByUs).toEqual({ ...contract, id: openedByUs.id });
    await expect(insertEntity(tx, Contract, { nonsense: 1 } as Partial<Contract>)).rejects.toThrow(
      /no column nonsense/,
    );
  });
});

test("issue 11: updateById sets only the columns given, converted as save converts them, and says how many rows changed", async () => {
  const [certificate] = await t.ds.manager.find(Certificate, { take: 1 });
  await rolledBack(async (tx) => {
    const revokedAt = new Date("2027-03-01T01:02:03Z");
    expect(await updateById(tx, Certificate, certificate.id, { revokedAt, revocationReason: "keyCompromise" })).toBe(1);
    expect(await tx.findOneBy(Certificate, { id: certificate.id })).toEqual({
      ...certificate,
      revokedAt,
      revocationReason: "keyCompromise",
    });
    expect(await updateById(tx, Certificate, "00000000-0000-4000-8000-000000000000", { revokedAt })).toBe(0);
    expect(await updateById(tx, Certificate, certificate.id, {})).toBe(0);
  });
});

test("issue 11: updateByIdAtCommit writes with the transaction's last statement, one UPDATE per row, and not at all when it rolls back", async () => {
  const [reseller] = await t.ds.manager.find(Reseller, { take: 1 });
  const updatedAt = new Date("2027-03-01T01:02:03Z");
  await rolledBack(async (tx) => {
    updateByIdAtCommit(tx, Reseller, reseller.id, { contactPhone: "078-000-0000" });
  });
  expect(await t.ds.manager.findOneBy(Reseller, { id: reseller.id })).toEqual(reseller);
  try {
    await t.ds.transaction(async (tx) => {
      updateByIdAtCommit(tx, Reseller, reseller.id, { contactPhone: "078-000-0000" });
      updateByIdAtCommit(tx, Reseller, reseller.id, { updatedAt });
      // Not yet written: the change goes with the commit.
      expect((await tx.findOneBy(Reseller, { id: reseller.id }))?.updatedAt).toEqual(reseller.updatedAt);
    });
    // Both changes of the one row were written.
    expect(await t.ds.manager.findOneBy(Reseller, { id: reseller.id })).toEqual({
      ...reseller,
      updatedAt,
      contactPhone: "078-000-0000",
    });
  } finally {
    await updateById(t.ds.manager, Reseller, reseller.id, {
      updatedAt: reseller.updatedAt,
      contactPhone: reseller.contactPhone,
    });
  }
  expect(() => updateByIdAtCommit(t.ds.manager, Reseller, reseller.id, { updatedAt })).toThrow(
    /needs the changing transaction/,
  );
});

test("issue 11: insertAtCommit writes its rows with the transaction's last statement, as find reads them back, rows that refer to each other included", async () => {
  const [app] = await t.ds.manager.find(Application, { take: 1 });
  const [validation] = await t.ds.manager.find(DomainValidation, { take: 1 });
  const copyOf = (id: string) => ({ ...app, id, idempotencyKey: `commit-${id}`, names: ["commit.akashi-demo.jp"] });
  const ids = [randomUUID(), randomUUID()];
  const challengeId = randomUUID();
  let returned: Application[] = [];
  let challenges: DomainValidation[] = [];
  await t.ds.transaction(async (tx) => {
    returned = insertAtCommit(tx, Application, ids.map(copyOf));
    // A row naming one written in the same statement (the foreign key is checked at its end).
    challenges = insertAtCommit(tx, DomainValidation, [{ ...validation, id: challengeId, applicationId: ids[1] }]);
    // Not yet written: the rows go with the commit.
    expect(await tx.findOneBy(Application, { id: ids[0] })).toBeNull();
  });
  expect(returned[0]).toBeInstanceOf(Application);
  for (const [i, id] of ids.entries()) expect(await t.ds.manager.findOneBy(Application, { id })).toEqual(returned[i]);
  expect(await t.ds.manager.findOneBy(DomainValidation, { id: challengeId })).toEqual(challenges[0]);

  // A constraint the rows break fails the transaction, with its other writes.
  const dupId = randomUUID();
  await expect(
    t.ds.transaction(async (tx) => {
      insertAtCommit(tx, Application, [copyOf(dupId)]);
      insertAtCommit(tx, Application, [{ ...copyOf(randomUUID()), idempotencyKey: `commit-${ids[0]}` }]);
    }),
  ).rejects.toMatchObject({ driverError: { code: "23505" } });
  expect(await t.ds.manager.findOneBy(Application, { id: dupId })).toBeNull();

  // Every column is given, the key included, so what is returned is what is stored.
  const { id: _id, ...keyless } = copyOf(randomUUID());
  const { createdAt: _createdAt, ...undated } = copyOf(randomUUID());
  await rolledBack(async (tx) => {
    expect(() => insertAtCommit(tx, Application, [keyless])).toThrow(/needs every column; missing id/);
    expect(() => insertAtCommit(tx, Application, [undated])).toThrow(/missing createdAt/);
    expect(insertAtCommit(tx, Application, [])).toEqual([]);
  });
  expect(() => insertAtCommit(t.ds.manager, Application, [copyOf(randomUUID())])).toThrow(
    /needs the changing transaction/,
  );
  await t.ds.manager.delete(DomainValidation, { id: challengeId });
  await t.ds.manager.delete(Application, { id: In(ids) });
});
