/** SEAL-2: the seal is valid only on hosts named in the certificate (widget/src/host-match.ts). */
import { hostCovered, nameCovers } from "../../widget/src/host-match";

describe("SEAL-2 host matching", () => {
  it.each([
    ["shop.example.jp", "shop.example.jp", true],
    ["Shop.Example.JP", "shop.example.jp", true],
    ["shop.example.jp.", "shop.example.jp", true],
    ["shop.example.jp", "SHOP.example.jp.", true],
    ["shop.example.jp", "example.jp", false],
    ["shop.example.jp", "www.shop.example.jp", false],
    ["shop.example.jp", "shop.example.jp.evil.test", false],
    ["shop.example.jp", "evilshop.example.jp", false],
    ["*.example.jp", "shop.example.jp", true],
    ["*.example.jp", "SHOP.EXAMPLE.JP", true],
    ["*.example.jp", "a.b.example.jp", false],
    ["*.example.jp", "example.jp", false],
    ["*.example.jp", ".example.jp", false],
    ["*.example.jp", "shopexample.jp", false],
    ["*.example.jp", "shop.example.jp.evil.test", false],
    ["*.jp", "example.jp", false],
    ["*", "example.jp", false],
    ["f*.example.jp", "foo.example.jp", false],
    ["*.*.example.jp", "a.b.example.jp", false],
    ["", "", false],
  ])("%s covers %s: %s", (name, host, expected) => {
    expect(nameCovers(name, host)).toBe(expected);
  });

  it("checks every domain of the certificate", () => {
    const domains = ["example.jp", "*.shop.example.jp"];
    expect(hostCovered(domains, "example.jp")).toBe(true);
    expect(hostCovered(domains, "tokyo.shop.example.jp")).toBe(true);
    expect(hostCovered(domains, "shop.example.jp")).toBe(false);
    expect(hostCovered(domains, "www.example.jp")).toBe(false);
    expect(hostCovered([], "example.jp")).toBe(false);
    expect(hostCovered(null, "example.jp")).toBe(false);
    expect(hostCovered(undefined, "example.jp")).toBe(false);
    expect(hostCovered([42 as unknown as string, "example.jp"], "example.jp")).toBe(true);
  });
});
