/** The seal's state machine as a pure function (widget/src/state.ts). */
import { claimsValidity, parseSeal, SEAL_STATES, stateFor } from "../../widget/src/state";

const now = Date.parse("2026-11-21T03:00:00Z");

function seal(over: Record<string, unknown> = {}, cert: Record<string, unknown> | null = {}) {
  return {
    id: "U2VhbDox",
    status: "VALID",
    checkedAt: "2026-11-21T02:59:00Z",
    verificationUrl: "https://akashi.example/verify/U2VhbDox",
    certificate:
      cert === null
        ? null
        : {
            domains: ["shop.akashi-demo.jp", "*.akashi-demo.jp"],
            organizationName: "Example K.K.",
            notAfter: "2027-11-21T00:00:00Z",
            status: "VALID",
            ...cert,
          },
    ...over,
  };
}

describe("stateFor", () => {
  it("valid on a host the certificate names (exact or one-label wildcard)", () => {
    expect(stateFor(seal(), "shop.akashi-demo.jp", now)).toBe("valid");
    expect(stateFor(seal(), "www.akashi-demo.jp", now)).toBe("valid");
  });

  it("wrong-site on any other host (SEAL-2)", () => {
    expect(stateFor(seal(), "a.b.akashi-demo.jp", now)).toBe("wrong-site");
    expect(stateFor(seal(), "akashi-demo.jp", now)).toBe("wrong-site");
    expect(stateFor(seal(), "evil.test", now)).toBe("wrong-site");
    expect(stateFor(seal({}, { domains: [] }), "shop.akashi-demo.jp", now)).toBe("wrong-site");
  });

  it.each([
    ["EXPIRED", "expired"],
    ["REVOKED", "revoked"],
    ["NOT_YET_VALID", "not-yet-valid"],
    ["SERVICE_ENDED", "service-ended"],
  ])("seal status %s → %s, on the right site and on any other (REV-8, SEAL-4)", (status, state) => {
    expect(stateFor(seal({ status }), "shop.akashi-demo.jp", now)).toBe(state);
    expect(stateFor(seal({ status }), "evil.test", now)).toBe(state);
  });

  it("null (unknown id) → unknown", () => {
    expect(stateFor(null, "shop.akashi-demo.jp", now)).toBe("unknown");
  });

  it("no answer or a malformed one → network-error, never valid", () => {
    expect(stateFor(undefined, "shop.akashi-demo.jp", now)).toBe("network-error");
    expect(stateFor("VALID", "shop.akashi-demo.jp", now)).toBe("network-error");
    expect(stateFor({}, "shop.akashi-demo.jp", now)).toBe("network-error");
    expect(stateFor({ status: 1 }, "shop.akashi-demo.jp", now)).toBe("network-error");
    expect(stateFor(seal({}, { domains: "shop.akashi-demo.jp" }), "shop.akashi-demo.jp", now)).toBe("network-error");
  });

  it("does not claim validity when the answer is inconsistent or stale", () => {
    // an unrecognised status value → not valid
    expect(stateFor(seal({ status: "SUSPENDED" }), "shop.akashi-demo.jp", now)).toBe("unknown");
    // VALID without a certificate → not valid
    expect(stateFor(seal({}, null), "shop.akashi-demo.jp", now)).toBe("unknown");
    // the certificate's own status wins over a VALID seal status
    expect(stateFor(seal({}, { status: "REVOKED" }), "shop.akashi-demo.jp", now)).toBe("revoked");
    expect(stateFor(seal({}, { status: "EXPIRED" }), "shop.akashi-demo.jp", now)).toBe("expired");
    // a cached VALID answer after notAfter → expired
    expect(stateFor(seal({}, { notAfter: "2026-11-21T02:59:59Z" }), "shop.akashi-demo.jp", now)).toBe("expired");
    expect(stateFor(seal({}, { notAfter: "2026-11-21T03:00:00Z" }), "shop.akashi-demo.jp", now)).toBe("valid");
  });

  it("only `valid` claims validity", () => {
    expect(SEAL_STATES.filter(claimsValidity)).toEqual(["valid"]);
  });
});

describe("parseSeal", () => {
  it("keeps null, rejects non-objects and objects without a status", () => {
    expect(parseSeal(null)).toBeNull();
    expect(parseSeal(undefined)).toBeUndefined();
    expect(parseSeal(3)).toBeUndefined();
    expect(parseSeal({ id: "x" })).toBeUndefined();
    expect(parseSeal(seal())?.certificate?.domains[0]).toBe("shop.akashi-demo.jp");
  });
});
