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
            domains: ["shop.example.jp", "*.example.jp"],
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
    expect(stateFor(seal(), "shop.example.jp", now)).toBe("valid");
    expect(stateFor(seal(), "www.example.jp", now)).toBe("valid");
  });

  it("wrong-site on any other host (SEAL-2)", () => {
    expect(stateFor(seal(), "a.b.example.jp", now)).toBe("wrong-site");
    expect(stateFor(seal(), "example.jp", now)).toBe("wrong-site");
    expect(stateFor(seal(), "evil.test", now)).toBe("wrong-site");
    expect(stateFor(seal({}, { domains: [] }), "shop.example.jp", now)).toBe("wrong-site");
  });

  it.each([
    ["EXPIRED", "expired"],
    ["REVOKED", "revoked"],
    ["NOT_YET_VALID", "not-yet-valid"],
    ["SERVICE_ENDED", "service-ended"],
  ])("seal status %s → %s, on the right site and on any other (REV-8, SEAL-4)", (status, state) => {
    expect(stateFor(seal({ status }), "shop.example.jp", now)).toBe(state);
    expect(stateFor(seal({ status }), "evil.test", now)).toBe(state);
  });

  it("null (unknown id) → unknown", () => {
    expect(stateFor(null, "shop.example.jp", now)).toBe("unknown");
  });

  it("no answer or a malformed one → network-error, never valid", () => {
    expect(stateFor(undefined, "shop.example.jp", now)).toBe("network-error");
    expect(stateFor("VALID", "shop.example.jp", now)).toBe("network-error");
    expect(stateFor({}, "shop.example.jp", now)).toBe("network-error");
    expect(stateFor({ status: 1 }, "shop.example.jp", now)).toBe("network-error");
    expect(stateFor(seal({}, { domains: "shop.example.jp" }), "shop.example.jp", now)).toBe("network-error");
  });

  it("does not claim validity when the answer is inconsistent or stale", () => {
    // an unrecognised status value → not valid
    expect(stateFor(seal({ status: "SUSPENDED" }), "shop.example.jp", now)).toBe("unknown");
    // VALID without a certificate → not valid
    expect(stateFor(seal({}, null), "shop.example.jp", now)).toBe("unknown");
    // the certificate's own status wins over a VALID seal status
    expect(stateFor(seal({}, { status: "REVOKED" }), "shop.example.jp", now)).toBe("revoked");
    expect(stateFor(seal({}, { status: "EXPIRED" }), "shop.example.jp", now)).toBe("expired");
    // a cached VALID answer after notAfter → expired
    expect(stateFor(seal({}, { notAfter: "2026-11-21T02:59:59Z" }), "shop.example.jp", now)).toBe("expired");
    expect(stateFor(seal({}, { notAfter: "2026-11-21T03:00:00Z" }), "shop.example.jp", now)).toBe("valid");
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
    expect(parseSeal(seal())?.certificate?.domains[0]).toBe("shop.example.jp");
  });
});
