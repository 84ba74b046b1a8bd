import { nameCovers, normalizeHostname, normalizeHostnames, sameNameSet } from "../../api/src/domain/hostnames";

const label = (n: number): string => "a".repeat(n);

describe("DNS names (APP-10)", () => {
  test.each([
    ["Akashi-Demo.JP", "akashi-demo.jp"],
    ["AKASHI-DEMO.jp.", "akashi-demo.jp"],
    [" www.akashi-demo.jp ", "www.akashi-demo.jp"],
    ["xn--r8jz45g.jp", "xn--r8jz45g.jp"],
    ["a-b.akashi-demo.jp", "a-b.akashi-demo.jp"],
    ["123.akashi-demo.jp", "123.akashi-demo.jp"],
  ])("APP-10: %p normalises to %p", (input, name) => {
    expect(normalizeHostname(input)).toEqual({ ok: true, name, wildcard: false });
  });

  test("APP-12: U-labels are converted to lower-case A-labels (IDNA 2008); invalid ones are refused", () => {
    expect(normalizeHostname("例え.jp")).toEqual({ ok: true, name: "xn--r8jz45g.jp", wildcard: false });
    expect(normalizeHostname("ＡＫＡＳＨＩ-ＤＥＭＯ.jp")).toEqual({
      ok: true,
      name: "akashi-demo.jp",
      wildcard: false,
    });
    expect(normalizeHostname("*.例え.jp", { allowWildcard: true })).toEqual({
      ok: true,
      name: "*.xn--r8jz45g.jp",
      wildcard: true,
    });
    expect(normalizeHostname("ショップ.コム")).toEqual({ ok: true, name: "xn--xckya1d0c.xn--tckwe", wildcard: false });
    expect(normalizeHostname("ショップ.日本")).toMatchObject({ ok: false, code: "HOSTNAME_NOT_PUBLIC" }); // no such TLD
    expect(normalizeHostname("a\u200d例.jp")).toMatchObject({ ok: false, code: "HOSTNAME_INVALID_IDN" }); // a joiner where IDNA forbids it
    expect(normalizeHostname("例え..jp")).toMatchObject({ ok: false, code: "HOSTNAME_LABEL_EMPTY" });
  });

  test.each([
    ["x.localhost", "HOSTNAME_SPECIAL_USE"],
    ["printer.local", "HOSTNAME_SPECIAL_USE"],
    ["db.internal", "HOSTNAME_SPECIAL_USE"],
    ["a.test", "HOSTNAME_SPECIAL_USE"],
    ["a.invalid", "HOSTNAME_SPECIAL_USE"],
    ["www.example", "HOSTNAME_SPECIAL_USE"],
    ["shop.example.jp", "HOSTNAME_SPECIAL_USE"],
    ["example.com", "HOSTNAME_SPECIAL_USE"],
    ["www.example.co.jp", "HOSTNAME_SPECIAL_USE"],
    ["abc.onion", "HOSTNAME_SPECIAL_USE"],
    ["nas.home.arpa", "HOSTNAME_SPECIAL_USE"],
    ["x.alt", "HOSTNAME_SPECIAL_USE"],
    ["intranet.corp", "HOSTNAME_SPECIAL_USE"],
    ["www.unknowntld", "HOSTNAME_NOT_PUBLIC"],
    ["co.jp", "HOSTNAME_PUBLIC_SUFFIX"],
    ["tokyo.jp", "HOSTNAME_PUBLIC_SUFFIX"],
    ["localhost", "HOSTNAME_SINGLE_LABEL"],
    ["1.2.3.4", "HOSTNAME_IP_ADDRESS"],
    ["[::1]", "HOSTNAME_INVALID_CHARACTER"],
  ])("APP-12: %p is refused with %s", (input, code) => {
    expect(normalizeHostname(input)).toMatchObject({ ok: false, code });
  });

  test.each([["*.co.jp"], ["*.jp"], ["*.onion"], ["*.akashi-demo.test"]])(
    "APP-12: the wildcard %p is refused",
    (input) => {
      expect(normalizeHostname(input, { allowWildcard: true }).ok).toBe(false);
    },
  );

  test.each([
    ["shop.akashi-demo.jp"],
    ["test.jp"],
    ["local.akashi-demo.jp"],
    ["example-shop.co.jp"],
    ["a.b.blogspot.com"],
    ["xn--r8jz45g.jp"],
  ])("APP-12: %p is a public name and accepted", (input) => {
    expect(normalizeHostname(input)).toMatchObject({ ok: true, name: input });
  });

  test.each([
    ["", "HOSTNAME_EMPTY"],
    ["xn--zz.jp", "HOSTNAME_INVALID_PUNYCODE"],
    ["ab--cd.jp", "HOSTNAME_RESERVED_LABEL"],
    ["a_b.akashi-demo.jp", "HOSTNAME_INVALID_CHARACTER"],
    ["a b.akashi-demo.jp", "HOSTNAME_INVALID_CHARACTER"],
    ["akashi-demo.jp:443", "HOSTNAME_INVALID_CHARACTER"],
    ["-a.akashi-demo.jp", "HOSTNAME_LABEL_HYPHEN"],
    ["a-.akashi-demo.jp", "HOSTNAME_LABEL_HYPHEN"],
    ["a..jp", "HOSTNAME_LABEL_EMPTY"],
    [".akashi-demo.jp", "HOSTNAME_LABEL_EMPTY"],
    [`${label(64)}.jp`, "HOSTNAME_LABEL_TOO_LONG"],
    [`${[label(63), label(63), label(63), label(59)].join(".")}.jp`, "HOSTNAME_TOO_LONG"] /* 254 */,
  ])("APP-10: %p is refused with %s", (input, code) => {
    expect(normalizeHostname(input)).toMatchObject({ ok: false, code });
  });

  test("APP-10: 63-character labels and 253-character names are the limits", () => {
    expect(normalizeHostname(`${label(63)}.jp`).ok).toBe(true);
    const name253 = `${[label(63), label(63), label(63), label(58)].join(".")}.jp`;
    expect(name253).toHaveLength(253);
    expect(normalizeHostname(name253).ok).toBe(true);
  });

  test.each([
    ["*.akashi-demo.jp", { allowWildcard: true }, { ok: true, name: "*.akashi-demo.jp", wildcard: true }],
    ["*.AKASHI-DEMO.jp", { allowWildcard: true }, { ok: true, name: "*.akashi-demo.jp", wildcard: true }],
    ["*.akashi-demo.jp", {}, { ok: false, code: "HOSTNAME_WILDCARD_NOT_ALLOWED" }],
    ["*.jp", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_TOO_BROAD" }],
    ["*", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_TOO_BROAD" }],
    ["www.*.akashi-demo.jp", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_POSITION" }],
    ["*www.akashi-demo.jp", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_POSITION" }],
    ["w*.akashi-demo.jp", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_POSITION" }],
    ["*.*.akashi-demo.jp", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_POSITION" }],
  ])("APP-10: wildcard %p with %p", (input, options, expected) => {
    expect(normalizeHostname(input, options)).toMatchObject(expected);
  });

  test("APP-10: lists are normalised and duplicates refused with their index", () => {
    expect(normalizeHostnames(["Akashi-Demo.jp", "www.akashi-demo.jp"])).toEqual({
      ok: true,
      names: ["akashi-demo.jp", "www.akashi-demo.jp"],
    });
    expect(normalizeHostnames(["Akashi-Demo.jp", "akashi-demo.jp."])).toMatchObject({
      ok: false,
      code: "HOSTNAME_DUPLICATE",
      index: 1,
    });
    expect(normalizeHostnames(["akashi-demo.jp", "a_b.jp"])).toMatchObject({
      ok: false,
      code: "HOSTNAME_INVALID_CHARACTER",
      index: 1,
    });
    expect(normalizeHostnames([])).toMatchObject({ ok: false, code: "HOSTNAME_EMPTY" });
  });

  test("APP-10: CSR names must be exactly the names applied for", () => {
    expect(sameNameSet(["www.akashi-demo.jp", "akashi-demo.jp"], ["AKASHI-DEMO.jp.", "www.akashi-demo.jp"])).toBe(true);
    expect(sameNameSet(["www.akashi-demo.jp"], ["www.akashi-demo.jp", "akashi-demo.jp"])).toBe(false);
    expect(sameNameSet(["*.akashi-demo.jp"], ["www.akashi-demo.jp"])).toBe(false);
  });
});

describe("SEAL-2 which hosts a certificate covers", () => {
  test.each([
    [["*.akashi-demo.jp"], "www.akashi-demo.jp", true],
    [["*.akashi-demo.jp"], "WWW.Akashi-Demo.JP.", true],
    [["*.akashi-demo.jp"], "akashi-demo.jp", false],
    [["*.akashi-demo.jp"], "a.b.akashi-demo.jp", false],
    [["*.akashi-demo.jp"], "evilakashi-demo.jp", false],
    [["*.akashi-demo.jp"], "www.akashi-demo.jp.evil.jp", false],
    [["*.akashi-demo.jp"], "*.akashi-demo.jp", false],
    [["akashi-demo.jp"], "akashi-demo.jp", true],
    [["akashi-demo.jp"], "www.akashi-demo.jp", false],
    [["akashi-demo.jp", "*.akashi-demo.jp"], "akashi-demo.jp", true],
    [["xn--r8jz45g.jp"], "例え.jp", true],
    [["akashi-demo.jp"], "", false],
  ])("SEAL-2: %p covers %p: %s", (names, host, expected) => {
    expect(nameCovers(names, host)).toBe(expected);
  });
});
