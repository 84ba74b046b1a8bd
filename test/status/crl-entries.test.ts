import { crlEntriesSql } from "../../api/src/status/crl.service";
import { IssuedCertificate, StatusFixture, cloneCertificateRow, revoke, startStatusFixture } from "./status-support";

/**
 * STAT-1's CRL entries come from `crl_entry`, which the certificate table's triggers keep in the revoking
 * transaction (issue 11: then a revocation touches no certificate index, and rewrites only its row's page).
 */

let f: StatusFixture;
let certs: IssuedCertificate[];

beforeAll(async () => {
  f = await startStatusFixture(3);
  certs = [];
  for (let i = 0; i < 3; i++) certs.push(await f.issue());
}, 120_000);

afterAll(async () => {
  await f.close();
});

const ROW = `certificate_id::text AS id, issuing_ca_id::text AS ca, crl_shard, serial_hex, revoked_at, revocation_reason, not_after`;

/** What the CRLs list, and what the certificate table says they must list. */
async function entriesAndTruth() {
  const entries = await f.t.ds.query(`SELECT ${ROW} FROM crl_entry ORDER BY certificate_id`);
  const truth = await f.t.ds.query(
    `SELECT ${ROW.replace("certificate_id::text", "id::text")} FROM certificate
     WHERE issuing_ca_id IS NOT NULL AND revoked_at IS NOT NULL ORDER BY id`,
  );
  return { entries, truth };
}

test("STAT-1: every revoked issued certificate has exactly its CRL entry — serial, time, reason, shard, expiry — written in the revoking transaction", async () => {
  const before = await entriesAndTruth();
  expect(before.entries).toEqual(before.truth);
  await revoke(f.t.services, certs[0].id, "keyCompromise");
  // A row written as already revoked (e.g. a restore) is listed too.
  const copy = await cloneCertificateRow(f.t.services, certs[1].id);
  await f.t.ds.query(
    `INSERT INTO certificate (contract_id, source, issuing_ca_id, serial_hex, sha256_fingerprint, der, common_name, names, subject_dn, issuer_dn, not_before, not_after, key_algorithm, crl_shard, revoked_at, revocation_reason)
     SELECT contract_id, source, issuing_ca_id, serial_hex || '01', repeat('e', 64), der, common_name, names, subject_dn, issuer_dn, not_before, not_after, key_algorithm, crl_shard, now(), 'superseded'
     FROM certificate WHERE id = $1`,
    [copy.id],
  );
  const after = await entriesAndTruth();
  expect(after.entries).toEqual(after.truth);
  expect(after.entries.length).toBe(before.entries.length + 2);
  expect(after.entries.find((e: { id: string }) => e.id === certs[0].id)).toMatchObject({
    serial_hex: certs[0].serialNumber,
    revocation_reason: "keyCompromise",
  });
});

test("STAT-1: each entry's stored list item is its serial, its revocation time in whole seconds since the epoch, and its reason, also after they change", async () => {
  type Item = { list_item: string; expected: string };
  const read = (tx: { query(sql: string, params?: unknown[]): Promise<Item[]> }) =>
    tx.query(
      `SELECT list_item, serial_hex || ' ' || floor(date_part('epoch', revoked_at))::bigint || ' ' || revocation_reason AS expected
       FROM crl_entry WHERE certificate_id = $1`,
      [certs[1].id],
    );
  // An entry written, changed and rolled back here, in crl_entry alone: the entries stay the certificate
  // table's for the other tests, and no certificate page gets a dead row (the HOT test below needs the room).
  const seen: Item[][] = [];
  await f.t.ds
    .transaction(async (tx) => {
      // A microsecond before the second turns: the item floors, it does not round.
      await tx.query(
        `INSERT INTO crl_entry (certificate_id, issuing_ca_id, crl_shard, serial_hex, revoked_at, revocation_reason, not_after)
         SELECT id, issuing_ca_id, crl_shard, serial_hex, timestamptz '2026-03-31 23:59:59.999999+09', 'keyCompromise', not_after
         FROM certificate WHERE id = $1`,
        [certs[1].id],
      );
      seen.push(await read(tx));
      await tx.query(`UPDATE crl_entry SET revocation_reason = 'cessationOfOperation' WHERE certificate_id = $1`, [
        certs[1].id,
      ]);
      seen.push(await read(tx));
      // Before 1970, half a second before the epoch: floor gives -1, not 0.
      await tx.query(
        `UPDATE crl_entry SET revoked_at = timestamptz '1969-12-31 23:59:59.5+00' WHERE certificate_id = $1`,
        [certs[1].id],
      );
      seen.push(await read(tx));
      throw new Error("roll back");
    })
    .catch((e: Error) => expect(e.message).toBe("roll back"));
  const serial = certs[1].serialNumber;
  expect(seen).toEqual([
    [
      {
        list_item: `${serial} ${Date.UTC(2026, 2, 31, 14, 59, 59) / 1000} keyCompromise`,
        expected: expect.any(String),
      },
    ],
    [
      {
        list_item: `${serial} ${Date.UTC(2026, 2, 31, 14, 59, 59) / 1000} cessationOfOperation`,
        expected: expect.any(String),
      },
    ],
    [{ list_item: `${serial} -1 cessationOfOperation`, expected: expect.any(String) }],
  ]);
  for (const [item] of seen) expect(item.list_item).toBe(item.expected);
  expect((await entriesAndTruth()).entries.some((e: { id: string }) => e.id === certs[1].id)).toBe(false);
});

test("STAT-1: a revocation that rolls back leaves no CRL entry", async () => {
  const before = await entriesAndTruth();
  await expect(
    f.t.ds.transaction(async (tx) => {
      await tx.query(`UPDATE certificate SET revoked_at = now(), revocation_reason = 'superseded' WHERE id = $1`, [
        certs[2].id,
      ]);
      throw new Error("the revoking transaction fails");
    }),
  ).rejects.toThrow("the revoking transaction fails");
  expect(await entriesAndTruth()).toEqual(before);
});

test("REV-7: the database refuses to take a revocation back", async () => {
  await expect(
    f.t.ds.query(`UPDATE certificate SET revoked_at = NULL, revocation_reason = NULL WHERE id = $1`, [certs[0].id]),
  ).rejects.toThrow(/REV-7: a revocation is final/);
  const [{ revoked_at }] = await f.t.ds.query(`SELECT revoked_at FROM certificate WHERE id = $1`, [certs[0].id]);
  expect(revoked_at).not.toBeNull();
});

test("issue 11: revoking a certificate rewrites only its row's page (a HOT update: no certificate index changes)", async () => {
  const hot = await f.t.ds.transaction(async (tx) => {
    // This backend's counters not yet reported, which include this transaction's: read before and after.
    const hotUpdates = async () =>
      (await tx.query(`SELECT pg_stat_get_xact_tuples_hot_updated('certificate'::regclass)::int AS n`))[0].n as number;
    const before = await hotUpdates();
    await tx.query(`UPDATE certificate SET revoked_at = now(), revocation_reason = 'superseded' WHERE id = $1`, [
      certs[2].id,
    ]);
    return (await hotUpdates()) - before;
  });
  expect(hot).toBe(1);
});

test.each([
  ["a shard", false, 0],
  ["the legacy list", true, null],
])(
  "STAT-1, issue 11: %s is read from crl_entry_items alone, already in the CRL's order (no sort, no table pages)",
  async (_scope, legacy, shard) => {
    // Sequential and bitmap scans off, so that the plan shows whether an index gives the rows in the CRL's
    // order with every column the CRL reads. The index before this (CA, shard, expiry) made PostgreSQL read
    // the shard's rows from the table, a few to a page across all of it, and sort them.
    const plan = await f.t.ds.transaction(async (tx) => {
      await tx.query(`SET LOCAL enable_seqscan = off`);
      await tx.query(`SET LOCAL enable_bitmapscan = off`);
      const rows: Array<{ "QUERY PLAN": unknown }> = await tx.query(`EXPLAIN (FORMAT JSON) ${crlEntriesSql(legacy)}`, [
        f.issuingCaId,
        new Date(),
        new Date(Date.now() - 8 * 24 * 3600 * 1000),
        shard,
      ]);
      return JSON.stringify(rows[0]["QUERY PLAN"]);
    });
    const nodes = [...plan.matchAll(/"Node Type":\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(nodes).toEqual(["Aggregate", "Index Only Scan"]);
    expect(plan).toMatch(/"Index Name":\s*"crl_entry_items"/);
  },
);
