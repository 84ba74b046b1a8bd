import { newEabKeyId } from "../../api/src/acme/eab.service";

/** ACME-3: the EAB pair is typed into command lines; a value starting with "-" reads as an option there. */

/** Random sources that yield the given 16-byte values in turn. */
const yields = (...values: Buffer[]) => {
  let i = 0;
  return () => values[i++];
};
// 0xf8 0x... encodes to "-..." in base64url (0b111110 = 62 = "-").
const dashFirst = Buffer.from("f8".padEnd(32, "0"), "hex");
const plain = Buffer.from("00".padEnd(32, "1"), "hex");

test("ACME-3: an EAB key id never starts with '-' (certbot reads `--eab-kid -x…` as an option)", () => {
  expect(dashFirst.toString("base64url").startsWith("-")).toBe(true);
  const id = newEabKeyId(() => Buffer.from("ok"), yields(dashFirst, plain));
  expect(id).toBe(plain.toString("base64url"));
});

test("ACME-3: nor does the HMAC key that goes with it", () => {
  const other = Buffer.from("02".padEnd(32, "3"), "hex");
  // The first id's HMAC key would start with "-": that id is passed over.
  const hmacOf = (keyId: string) =>
    keyId === plain.toString("base64url") ? Buffer.from([0xf8, 1, 2]) : Buffer.from([1, 2, 3]);
  expect(newEabKeyId(hmacOf, yields(plain, other))).toBe(other.toString("base64url"));
});
