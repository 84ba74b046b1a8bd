/** SEAL-2: the seal is valid only on hosts named in the certificate (widget/src/host-match.ts). */
import { hostCovered, nameCovers } from "../../widget/src/host-match";

describe("SEAL-2 host matching", () => {
  it.each([
    ["shop.akashi-demo.jp", "shop.akashi-demo.jp", true],
    ["Shop.Akashi-Demo.JP", "shop.akashi-demo.jp", true],
    ["shop.akashi-demo.jp.", "shop.akashi-demo.jp", true],
    ["shop.akashi-demo.jp", "SHOP.akashi-demo.jp.", true],
    ["shop.akashi-demo.jp", "akashi-demo.jp", false],
    ["shop.akashi-demo.jp", "www.shop.akashi-demo.jp", false],
    ["shop.akashi-demo.jp", "shop.akashi-demo.jp.evil.test", false],
    ["shop.akashi-demo.jp", "evilshop.akashi-demo.jp", false],
    ["*.akashi-demo.jp", "shop.akashi-demo.jp", true],
    ["*.akashi-demo.jp", "SHOP.AKASHI-DEMO.JP", true],
    ["*.akashi-demo.jp", "a.b.akashi-demo.jp", false],
    ["*.akashi-demo.jp", "akashi-demo.jp", false],
    ["*.akashi-demo.jp", ".akashi-demo.jp", false],
    ["*.akashi-demo.jp", "shopakashi-demo.jp", false],
    ["*.akashi-demo.jp", "shop.akashi-demo.jp.evil.test", false],
    ["*.jp", "akashi-demo.jp", false],
    ["*", "akashi-demo.jp", false],
    ["f*.akashi-demo.jp", "foo.akashi-demo.jp", false],
    ["*.*.akashi-demo.jp", "a.b.akashi-demo.jp", false],
    ["", "", false],
  ])("%s covers %s: %s", (name, host, expected) => {
    expect(nameCovers(name, host)).toBe(expected);
  });

  it("checks every domain of the certificate", () => {
    const domains = ["akashi-demo.jp", "*.shop.akashi-demo.jp"];
    expect(hostCovered(domains, "akashi-demo.jp")).toBe(true);
    expect(hostCovered(domains, "tokyo.shop.akashi-demo.jp")).toBe(true);
    expect(hostCovered(domains, "shop.akashi-demo.jp")).toBe(false);
    expect(hostCovered(domains, "www.akashi-demo.jp")).toBe(false);
    expect(hostCovered([], "akashi-demo.jp")).toBe(false);
    expect(hostCovered(null, "akashi-demo.jp")).toBe(false);
    expect(hostCovered(undefined, "akashi-demo.jp")).toBe(false);
    expect(hostCovered([42 as unknown as string, "akashi-demo.jp"], "akashi-demo.jp")).toBe(true);
  });
});
