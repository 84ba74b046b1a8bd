import { chainCount, cursorOf, idRanges, positionRanges } from "../../api/src/revocations/mass-revocation-chains";

/** Issue 11: how a mass revocation's work is cut into chains that run side by side. */

const ZERO = "00000000-0000-0000-0000-000000000000";
const MAX = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/** Which ranges of `ranges` hold `id`, compared as PostgreSQL compares uuid (byte by byte, so as lower-case hex). */
const holders = (ranges: ReturnType<typeof idRanges>, id: string) =>
  ranges.filter((r) => "after" in r && (r.after === null || id > r.after) && (r.through === null || id <= r.through));

test.each([1, 2, 3, 4])("REV-4: %i chains of an issuing CA hold every certificate id exactly once", (chains) => {
  const ranges = idRanges(chains);
  expect(ranges.map((r) => r.chain)).toEqual(Array.from({ length: chains }, (_, i) => i));
  const boundaries = ranges.flatMap((r) => ("after" in r ? [r.after, r.through] : [])).filter((b) => b !== null);
  const samples = [ZERO, MAX, "7fffffff-ffff-ffff-ffff-ffffffffffff", "80000000-0000-0000-0000-000000000000"];
  for (const b of boundaries)
    samples.push(
      b,
      b.replace(/f$/, "e"),
      `${b.slice(0, 7)}${((parseInt(b[7], 16) + 1) % 16).toString(16)}${b.slice(8)}`,
    );
  for (let i = 0; i < 200; i++) samples.push(crypto.randomUUID());
  for (const id of samples) expect(holders(ranges, id)).toHaveLength(1);
});

test("REV-4: an issuing CA's chains get about equal shares of random certificate ids", () => {
  const ranges = idRanges(3);
  const counts = ranges.map(() => 0);
  for (let i = 0; i < 30_000; i++) counts[holders(ranges, crypto.randomUUID())[0].chain]++;
  for (const n of counts) expect(n).toBeGreaterThan(9_000);
});

test("REV-4: a list of serials is cut into runs of consecutive positions that cover it once", () => {
  for (const [length, chains] of [
    [1, 1],
    [5, 2],
    [7, 3],
    [100_000, 4],
  ]) {
    const ranges = positionRanges(length, chains);
    let next = 0;
    for (const r of ranges) {
      if (!("from" in r)) throw new Error("a list's chain has positions");
      expect(r.from).toBe(next);
      expect(r.end).toBeGreaterThan(r.from);
      next = r.end;
    }
    expect(next).toBe(length);
  }
});

test("REV-4: no chain is made that would have less than one batch to do", () => {
  expect(chainCount(1, 5000, 2)).toBe(1);
  expect(chainCount(5000, 5000, 2)).toBe(1);
  expect(chainCount(5001, 5000, 2)).toBe(2);
  expect(chainCount(1_000_000, 5000, 2)).toBe(2);
  expect(chainCount(3, 2, 4)).toBe(2);
});

test("REV-4: a batch job resumes only from a cursor of its own kind of mass revocation, and refuses anything else", () => {
  expect(cursorOf({ massRevocationId: "m", chain: 1, after: null, through: MAX }, "issuingCa")).toEqual({
    chain: 1,
    after: null,
    through: MAX,
  });
  expect(cursorOf({ massRevocationId: "m", chain: 0, from: 5, end: 9 }, "serials")).toEqual({
    chain: 0,
    from: 5,
    end: 9,
  });
  const refused = (payload: Record<string, unknown>, of: "issuingCa" | "serials") =>
    expect(() => cursorOf({ massRevocationId: "m", ...payload }, of)).toThrow(
      `not a chain cursor of a mass revocation by ${of}`,
    );
  // The payload of a job enqueued before chains existed is rewritten by the migration; one left over is an error, not "start again".
  refused({}, "issuingCa");
  refused({}, "serials");
  // A cursor of the other kind: an issuing CA's chain never walks list positions, nor a list's chain ids.
  refused({ chain: 0, from: 5, end: 9 }, "issuingCa");
  refused({ chain: 0, after: null, through: MAX }, "serials");
  // Bounds that are not certificate ids, and positions that are not whole, in order and not negative.
  refused({ chain: 0, after: 7, through: null }, "issuingCa");
  refused({ chain: 0, after: "0' OR 1=1", through: null }, "issuingCa");
  refused({ chain: 0, from: -1, end: 9 }, "serials");
  refused({ chain: 0, from: 1.5, end: 9 }, "serials");
  refused({ chain: 0, from: 9, end: 5 }, "serials");
  refused({ chain: -1, from: 0, end: 5 }, "serials");
  refused({ chain: "0", from: 0, end: 5 }, "serials");
});
