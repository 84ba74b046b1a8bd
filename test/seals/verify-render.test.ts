import { createHash } from "node:crypto";
import { SealStatus, type PublicSeal } from "../../api/src/seals/seal.types";
import { verifyModel } from "../../api/src/http/pages/verify-model";
import {
  MARK_LETTER as PAGE_LETTER,
  MARK_SHIELD as PAGE_SHIELD,
  renderReceiptPage,
  renderVerifyPage,
} from "../../api/src/http/pages/verify-render";
import { VERIFY_CSS, VERIFY_PAGE } from "../../api/src/http/pages/verify-style";
import { MARK_LETTER, MARK_SHIELD } from "../../widget/src/mark";

/** The verification page's renderer: a pure function from a view to HTML (issue 11 will feed it from memory). */
const seal = {
  id: "U2VhbElkU2VhbElkU2VhbElk",
  status: SealStatus.VALID,
  checkedAt: new Date("2026-11-21T03:00:00Z"),
  verificationUrl: "https://akashi.example/verify/U2VhbElkU2VhbElkU2VhbElk",
  certificate: {
    serialNumber: "0a1b2c",
    sha256Fingerprint: "ab".repeat(32),
    notBefore: new Date("2026-11-21T03:00:00Z"),
    notAfter: new Date("2027-06-08T03:00:00Z"),
    domains: ["shop.akashi-demo.jp"],
    organizationName: "株式会社デモ",
    organizationNameEn: "Demo K.K.",
    validationLevel: "OV",
    issuerName: "C=JP, O=Akashi, CN=Akashi TLS Issuing CA 1",
    issuerCommonName: "Akashi TLS Issuing CA 1",
    status: "VALID",
    revokedAt: null,
    revocationReason: null,
    revocationScheduledAt: null,
  },
} as unknown as PublicSeal;

test("the same view renders the same bytes, and the model carries no request or database handle", () => {
  const model = verifyModel("en", seal.id, seal, { referer: "https://shop.akashi-demo.jp", claimed: null });
  expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  expect(renderVerifyPage(model)).toBe(
    renderVerifyPage(verifyModel("en", seal.id, seal, { referer: "https://shop.akashi-demo.jp", claimed: null })),
  );
  expect(renderVerifyPage(model)).toContain("AB:AB:AB");
});

test("the stylesheet's CSP hash is computed once, for exactly the stylesheet the page inlines", () => {
  const hash = createHash("sha256").update(VERIFY_CSS, "utf8").digest("base64");
  expect(VERIFY_PAGE.csp).toContain(`style-src 'sha256-${hash}'`);
  expect(renderVerifyPage(verifyModel("ja", seal.id, seal, { referer: null, claimed: null }))).toContain(
    `<style>${VERIFY_CSS}</style>`,
  );
  expect(
    renderReceiptPage({
      lang: "ja",
      sealId: seal.id,
      receiptNumber: "0795-9145",
      firstAnswerDueAt: "2026-11-22 12:00:00 JST",
    }),
  ).toContain(`<style>${VERIFY_CSS}</style>`);
});

test("the page shows the operator mark of the seal", () => {
  expect([PAGE_SHIELD, PAGE_LETTER]).toEqual([MARK_SHIELD, MARK_LETTER]);
});

test("SEAL-2: values are text, never markup", () => {
  const evil = {
    ...seal,
    certificate: { ...seal.certificate, organizationName: "<img src=x onerror=alert(1)>", organizationNameEn: null },
  } as unknown as PublicSeal;
  const page = renderVerifyPage(verifyModel("en", seal.id, evil, { referer: null, claimed: "https://x.example" }));
  expect(page).not.toContain("<img");
  expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
});
