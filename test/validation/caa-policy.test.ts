import { evaluateCaa, parseIssueValue } from "../../api/src/validation";

const ctx = { issuerDomains: ["ca.akashi-demo.jp"], wildcard: false, accountUri: null, method: "ca-http-file" };
const rec = (tag: string, value: string, critical = false) => ({ tag, value, critical });

describe("APP-11: RFC 8659 issue values", () => {
  test.each([
    ["ca.akashi-demo.jp", { issuer: "ca.akashi-demo.jp", params: {} }],
    [
      "  CA.Akashi-Demo.JP ; accounturi=https://a/acct/1 ; validationmethods=dns-01,http-01",
      { issuer: "ca.akashi-demo.jp", params: { accounturi: "https://a/acct/1", validationmethods: "dns-01,http-01" } },
    ],
    [";", { issuer: null, params: {} }],
    ["ca.akashi-demo.jp;", { issuer: "ca.akashi-demo.jp", params: {} }],
  ])("parses %p", (value, parsed) => expect(parseIssueValue(value)).toEqual(parsed));
  test.each(["ak ashi.akashi-demo.jp", "ca.akashi-demo.jp; bad param", "-bad.akashi-demo.jp"])(
    "treats %p as naming no CA (malformed)",
    (v) => expect(parseIssueValue(v)).toBeNull(),
  );
});

describe("APP-11: the decision for a relevant record set", () => {
  test("no issue property (only iodef) does not restrict issuance", () => {
    expect(evaluateCaa([rec("iodef", "mailto:sec@example.jp")], ctx)).toEqual({
      permitted: true,
      reason: "NO_ISSUE_PROPERTY",
    });
  });
  test("an issue property naming this CA permits; one naming another CA or ';' refuses", () => {
    expect(evaluateCaa([rec("issue", "other.example"), rec("issue", "ca.akashi-demo.jp")], ctx)).toMatchObject({
      permitted: true,
      reason: "AUTHORIZED",
    });
    expect(evaluateCaa([rec("issue", "other.example")], ctx)).toMatchObject({
      permitted: false,
      cause: "CAA_ISSUER_NOT_AUTHORIZED",
    });
    expect(evaluateCaa([rec("issue", ";")], ctx)).toMatchObject({
      permitted: false,
      cause: "CAA_ISSUER_NOT_AUTHORIZED",
    });
  });
  test("issuewild governs wildcards when present, issue otherwise; issuewild does not affect other names", () => {
    const set = [rec("issue", "ca.akashi-demo.jp"), rec("issuewild", ";")];
    expect(evaluateCaa(set, { ...ctx, wildcard: true })).toMatchObject({ permitted: false });
    expect(evaluateCaa(set, ctx)).toMatchObject({ permitted: true });
    expect(evaluateCaa([rec("issue", "ca.akashi-demo.jp")], { ...ctx, wildcard: true })).toMatchObject({
      permitted: true,
    });
  });
  test("a critical unknown property blocks issuance; a critical known one does not", () => {
    expect(evaluateCaa([rec("issue", "ca.akashi-demo.jp"), rec("future", "x", true)], ctx)).toMatchObject({
      permitted: false,
      cause: "CAA_CRITICAL_UNKNOWN_PROPERTY",
    });
    expect(evaluateCaa([rec("issue", "ca.akashi-demo.jp", true)], ctx)).toMatchObject({ permitted: true });
  });
  test("RFC 8657: accounturi never matches outside ACME; validationmethods must list the method", () => {
    expect(evaluateCaa([rec("issue", "ca.akashi-demo.jp; accounturi=https://x/acct/1")], ctx)).toMatchObject({
      permitted: false,
      cause: "CAA_ACCOUNT_URI_MISMATCH",
    });
    expect(
      evaluateCaa([rec("issue", "ca.akashi-demo.jp; accounturi=https://x/acct/1")], {
        ...ctx,
        accountUri: "https://x/acct/1",
      }),
    ).toMatchObject({ permitted: true });
    expect(evaluateCaa([rec("issue", "ca.akashi-demo.jp; validationmethods=dns-01")], ctx)).toMatchObject({
      permitted: false,
      cause: "CAA_VALIDATION_METHOD_NOT_ALLOWED",
    });
    expect(evaluateCaa([rec("issue", "ca.akashi-demo.jp; validationmethods=ca-http-file,dns-01")], ctx)).toMatchObject({
      permitted: true,
    });
  });
});
