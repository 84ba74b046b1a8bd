/** The badge's link target (widget/src/link.ts). */
import { LINK_REFERRER_POLICY, LINK_REL, LINK_TARGET, verificationHref } from "../../widget/src/link";

const api = "https://akashi.example";

describe("verificationHref", () => {
  it("is verificationUrl + ?origin=<encodeURIComponent(page origin)>&lang=", () => {
    expect(verificationHref(api, "U2VhbDox", `${api}/verify/U2VhbDox`, "https://shop.akashi-demo.jp", "ja")).toBe(
      "https://akashi.example/verify/U2VhbDox?origin=https%3A%2F%2Fshop.akashi-demo.jp&lang=ja",
    );
    expect(verificationHref(api, "U2VhbDox", `${api}/verify/U2VhbDox`, "http://localhost:8080", "en")).toBe(
      "https://akashi.example/verify/U2VhbDox?origin=http%3A%2F%2Flocalhost%3A8080&lang=en",
    );
  });

  it("without an answer (unknown, network error) still links to the operator's verification page", () => {
    expect(verificationHref(api, "a/b?c", null, "https://shop.akashi-demo.jp", "en")).toBe(
      "https://akashi.example/verify/a%2Fb%3Fc?origin=https%3A%2F%2Fshop.akashi-demo.jp&lang=en",
    );
  });

  it("never links off the script's origin, whatever the answer says (SEAL-2)", () => {
    for (const url of ["https://evil.test/verify/x", "javascript:alert(1)", "//evil.test/x", "not a url"]) {
      expect(verificationHref(api, "x", url, "https://shop.akashi-demo.jp", "en")).toBe(
        "https://akashi.example/verify/x?origin=https%3A%2F%2Fshop.akashi-demo.jp&lang=en",
      );
    }
  });

  it("appends with & when the verification URL already has a query", () => {
    expect(verificationHref(api, "x", `${api}/verify/x?v=1`, "https://a.jp", "en")).toBe(
      "https://akashi.example/verify/x?v=1&origin=https%3A%2F%2Fa.jp&lang=en",
    );
  });
});

describe("link attributes", () => {
  it("SEAL-2: opens a new tab without window.opener but lets the browser send the page's origin as the Referer", () => {
    expect(LINK_TARGET).toBe("_blank");
    expect(LINK_REL).toBe("noopener");
    expect(LINK_REL.split(/\s+/)).not.toContain("noreferrer");
    expect(LINK_REFERRER_POLICY).toBe("strict-origin");
  });
});
