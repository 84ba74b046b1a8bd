import { nameCovers, normalizeHostname, normalizeHostnames, sameNameSet } from "../../api/src/domain/hostnames";

const label = (n: number): string => "a".repeat(n);

describe("DNS names (APP-10)", () => {
  test.each([
    ["Example.JP", "example.jp"],
    ["EXAMPLE.jp.", "example.jp"],
    [" www.example.jp ", "www.example.jp"],
    ["xn--r8jz45g.jp", "xn--r8jz45g.jp"],
    ["a-b.example.jp", "a-b.example.jp"],
    ["123.example.jp", "123.example.jp"],
  ])("APP-10: %p normalises to %p", (input, name) => {
    expect(normalizeHostname(input)).toEqual({ ok: true, name, wildcard: false });
  });

  test("APP-10: U-labels are refused with the A-label suggested", () => {
    expect(normalizeHostname("例え.jp")).toMatchObject({ ok: false, code: "HOSTNAME_NOT_A_LABEL", suggestion: "xn--r8jz45g.jp" });
    expect(normalizeHostname("ｅｘａｍｐｌｅ.jp")).toMatchObject({ ok: false, code: "HOSTNAME_NOT_A_LABEL", suggestion: "example.jp" });
  });

  test.each([
    ["", "HOSTNAME_EMPTY"],
    ["xn--zz.jp", "HOSTNAME_INVALID_PUNYCODE"],
    ["ab--cd.jp", "HOSTNAME_RESERVED_LABEL"],
    ["a_b.example.jp", "HOSTNAME_INVALID_CHARACTER"],
    ["a b.example.jp", "HOSTNAME_INVALID_CHARACTER"],
    ["example.jp:443", "HOSTNAME_INVALID_CHARACTER"],
    ["-a.example.jp", "HOSTNAME_LABEL_HYPHEN"],
    ["a-.example.jp", "HOSTNAME_LABEL_HYPHEN"],
    ["a..jp", "HOSTNAME_LABEL_EMPTY"],
    [".example.jp", "HOSTNAME_LABEL_EMPTY"],
    ["localhost", "HOSTNAME_SINGLE_LABEL"],
    ["1.2.3.4", "HOSTNAME_IP_ADDRESS"],
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
    ["*.example.jp", { allowWildcard: true }, { ok: true, name: "*.example.jp", wildcard: true }],
    ["*.EXAMPLE.jp", { allowWildcard: true }, { ok: true, name: "*.example.jp", wildcard: true }],
    ["*.example.jp", {}, { ok: false, code: "HOSTNAME_WILDCARD_NOT_ALLOWED" }],
    ["*.jp", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_TOO_BROAD" }],
    ["*", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_TOO_BROAD" }],
    ["www.*.example.jp", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_POSITION" }],
    ["*www.example.jp", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_POSITION" }],
    ["w*.example.jp", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_POSITION" }],
    ["*.*.example.jp", { allowWildcard: true }, { ok: false, code: "HOSTNAME_WILDCARD_POSITION" }],
  ])("APP-10: wildcard %p with %p", (input, options, expected) => {
    expect(normalizeHostname(input, options)).toMatchObject(expected);
  });

  test("APP-10: lists are normalised and duplicates refused with their index", () => {
    expect(normalizeHostnames(["Example.jp", "www.example.jp"])).toEqual({ ok: true, names: ["example.jp", "www.example.jp"] });
    expect(normalizeHostnames(["Example.jp", "example.jp."])).toMatchObject({ ok: false, code: "HOSTNAME_DUPLICATE", index: 1 });
    expect(normalizeHostnames(["example.jp", "a_b.jp"])).toMatchObject({ ok: false, code: "HOSTNAME_INVALID_CHARACTER", index: 1 });
    expect(normalizeHostnames([])).toMatchObject({ ok: false, code: "HOSTNAME_EMPTY" });
  });

  test("APP-10: CSR names must be exactly the names applied for", () => {
    expect(sameNameSet(["www.example.jp", "example.jp"], ["EXAMPLE.jp.", "www.example.jp"])).toBe(true);
    expect(sameNameSet(["www.example.jp"], ["www.example.jp", "example.jp"])).toBe(false);
    expect(sameNameSet(["*.example.jp"], ["www.example.jp"])).toBe(false);
  });
});

describe("SEAL-2 which hosts a certificate covers", () => {
  test.each([
    [["*.example.jp"], "www.example.jp", true],
    [["*.example.jp"], "WWW.Example.JP.", true],
    [["*.example.jp"], "example.jp", false],
    [["*.example.jp"], "a.b.example.jp", false],
    [["*.example.jp"], "evilexample.jp", false],
    [["*.example.jp"], "www.example.jp.evil.jp", false],
    [["*.example.jp"], "*.example.jp", false],
    [["example.jp"], "example.jp", true],
    [["example.jp"], "www.example.jp", false],
    [["example.jp", "*.example.jp"], "example.jp", true],
    [["xn--r8jz45g.jp"], "例え.jp", true],
    [["example.jp"], "", false],
  ])("SEAL-2: %p covers %p: %s", (names, host, expected) => {
    expect(nameCovers(names, host)).toBe(expected);
  });
});
