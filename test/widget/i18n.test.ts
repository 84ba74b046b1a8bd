/** Language choice, JST formatting and badge wording (widget/src/i18n.ts). */
import { badgeText, formatJst, jstMinutes, pickLang } from "../../widget/src/i18n";
import { SEAL_STATES, type SealState } from "../../widget/src/state";

describe("pickLang: element lang, then <html lang>, then navigator.language", () => {
  it.each([
    [["ja", "en", "en-US"], "ja"],
    [["ja-JP", "", ""], "ja"],
    [["JA_jp", undefined, undefined], "ja"],
    [["en", "ja", "ja"], "en"],
    [["", "ja", "en-US"], "ja"],
    [[null, "", "ja-JP"], "ja"],
    [[null, "  ", "ja"], "ja"],
    [["", "fr", "ja"], "en"],
    [["", "", "en-GB"], "en"],
    [["", "", ""], "en"],
    [[undefined, undefined, undefined], "en"],
    [["jam", "", ""], "en"], // Jamaican Creole, not Japanese: only the primary subtag "ja" counts
  ] as const)("%j → %s", (candidates, expected) => {
    expect(pickLang(...candidates)).toBe(expected);
  });
});

describe("formatJst and jstMinutes", () => {
  it.each([
    ["2026-11-21T03:00:00Z", "2026-11-21 12:00 JST"],
    ["2026-11-21T12:00:00+09:00", "2026-11-21 12:00 JST"],
    ["2026-12-31T15:00:00.000Z", "2027-01-01 00:00 JST"], // crosses the year in JST
    ["2028-02-28T20:05:59Z", "2028-02-29 05:05 JST"], // leap day, seconds truncated
    ["2026-06-01T00:00:00-07:00", "2026-06-01 16:00 JST"],
  ])("%s → %s", (iso, expected) => {
    expect(formatJst(iso)).toBe(expected);
    expect(jstMinutes(iso)).toBe(expected.replace(/ JST$/, ""));
  });

  it("is empty for a missing or unparsable time", () => {
    for (const v of [null, undefined, "", "not a date"]) {
      expect(formatJst(v)).toBe("");
      expect(jstMinutes(v)).toBe("");
    }
  });
});

describe("badgeText", () => {
  const at = "2026-12-01T14:21:00Z";
  const facts = (org: string | null = null, domain: string | null = "shop.akashi-demo.jp") => ({
    domain,
    org,
    checkedAt: at,
  });

  it("valid OV/EV: status, organisation, domain, labelled time (確認 2026-12-01 23:21); the name says it all", () => {
    expect(badgeText("valid", "en", facts("Example K.K."))).toEqual({
      status: "Verified",
      org: "Example K.K.",
      detail: "shop.akashi-demo.jp",
      time: "Checked 2026-12-01 23:21",
      label:
        "Akashi site seal: shop.akashi-demo.jp (Example K.K.) — certificate verified, checked 2026-12-01 23:21 JST. " +
        "Opens the verification page in a new tab.",
    });
    expect(badgeText("valid", "ja", facts("株式会社デモ"))).toEqual({
      status: "認証済み",
      org: "株式会社デモ",
      detail: "shop.akashi-demo.jp",
      time: "確認 2026-12-01 23:21",
      label:
        "Akashi サイトシール: shop.akashi-demo.jp (株式会社デモ) — 証明書は認証済み、確認日時 2026-12-01 23:21 JST。検証ページを新しいタブで開きます。",
    });
  });

  it("valid DV: no organisation line", () => {
    const t = badgeText("valid", "ja", facts(null));
    expect(t.org).toBe("");
    expect(t.detail).toBe("shop.akashi-demo.jp");
  });

  it("keeps markup in data as plain text (the element sets it with textContent)", () => {
    const evil = "<img src=x onerror=alert(1)>";
    const t = badgeText("valid", "en", facts(evil));
    expect(t.label).toContain(evil);
    expect(t.org).toBe(evil);
  });

  const notValid: SealState[] = ["expired", "revoked", "not-yet-valid", "unknown", "service-ended", "wrong-site"];

  it.each(notValid)(
    "%s: the badge itself says 'not valid' / 無効 (REV-8, SEAL-4), never 'verified', and names no organisation",
    (state) => {
      const en = badgeText(state, "en", facts("Example K.K."));
      const ja = badgeText(state, "ja", facts("Example K.K."));
      expect(`${en.status} ${en.detail}`).toMatch(/^Not valid /);
      expect(en.label).toMatch(/not valid/i);
      expect(`${ja.status}${ja.detail}`).toContain("無効");
      expect(ja.label).toContain("無効");
      for (const t of [en, ja]) {
        expect(`${t.status} ${t.org} ${t.detail} ${t.time} ${t.label}`).not.toMatch(/verified|認証済み/i);
        expect(t.org).toBe("");
        expect(t.label).not.toContain("Example K.K.");
      }
      expect(en.time).toBe("Checked 2026-12-01 23:21");
      expect(ja.time).toBe("確認 2026-12-01 23:21");
    },
  );

  it("wrong-site says 'not valid for this site' / 'このサイトでは無効' (SEAL-2)", () => {
    const en = badgeText("wrong-site", "en", facts());
    expect(`${en.status} ${en.detail}`).toBe("Not valid for this site");
    expect(en.label).toContain("Not valid for this site");
    const ja = badgeText("wrong-site", "ja", facts());
    expect(ja.detail).toBe("このサイトでは無効");
    expect(ja.label).toContain("このサイトでは無効");
  });

  it("network-error is neutral: neither valid nor invalid, no time of check", () => {
    for (const lang of ["en", "ja"] as const) {
      const t = badgeText("network-error", lang, { domain: null, org: null, checkedAt: null });
      expect(`${t.status} ${t.detail} ${t.label}`).not.toMatch(/verified|認証済み|not valid|無効/i);
      expect(t.time).toBe("");
    }
    expect(badgeText("network-error", "en", facts()).status).toBe("Status unavailable");
  });

  it("unknown does not name a domain; loading claims nothing and shows no time", () => {
    expect(badgeText("unknown", "en", facts()).label).not.toContain("shop.akashi-demo.jp");
    const l = badgeText("loading", "en", { domain: null, org: null, checkedAt: null });
    expect(l.status).toBe("Checking…");
    expect(l.time).toBe("");
    expect(`${l.status} ${l.detail} ${l.label}`).not.toMatch(/verified|not valid/i);
  });

  it.each(SEAL_STATES)("%s has text in both languages and a label naming Akashi and the new tab", (state) => {
    for (const lang of ["en", "ja"] as const) {
      const t = badgeText(state, lang, facts());
      expect(t.status.length).toBeGreaterThan(0);
      expect(t.label).toMatch(/^Akashi /);
      expect(t.label).toMatch(lang === "ja" ? /新しいタブ/ : /new tab/);
    }
  });
});
