import { EntityMetadata } from "typeorm";
import { Application } from "../../api/src/applications";
import { findById, findByIdOrFail, findByIds } from "../../api/src/db/by-id";
import { DcvWebServer, createSubscriber, issueCertificate, productIds } from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

/** db/by-id.ts reads entities by primary key with a prepared text; what it returns must be what TypeORM's find returns. */
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
