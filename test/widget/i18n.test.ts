/** Language choice, JST formatting and badge wording (widget/src/i18n.ts). */
import { badgeText, formatJst, pickLang } from "../../widget/src/i18n";
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

describe("formatJst", () => {
  it.each([
    ["2026-11-21T03:00:00Z", "2026-11-21 12:00 JST"],
    ["2026-11-21T12:00:00+09:00", "2026-11-21 12:00 JST"],
    ["2026-12-31T15:00:00.000Z", "2027-01-01 00:00 JST"], // crosses the year in JST
    ["2028-02-28T20:05:59Z", "2028-02-29 05:05 JST"], // leap day, seconds truncated
    ["2026-06-01T00:00:00-07:00", "2026-06-01 16:00 JST"],
  ])("%s → %s", (iso, expected) => {
    expect(formatJst(iso)).toBe(expected);
  });

  it("is empty for a missing or unparsable time", () => {
    expect(formatJst(null)).toBe("");
    expect(formatJst(undefined)).toBe("");
    expect(formatJst("")).toBe("");
    expect(formatJst("not a date")).toBe("");
  });
});

describe("badgeText", () => {
  const at = "2026-11-21T03:00:00Z";

  it("valid: first domain, 'verified', time of check in JST; accessible name says it all", () => {
    const en = badgeText("valid", "en", "shop.akashi-demo.jp", at, "Example K.K.");
    expect(en).toEqual({
      head: "Verified",
      sub: "shop.akashi-demo.jp",
      foot: "2026-11-21 12:00 JST",
      label:
        "Akashi site seal: shop.akashi-demo.jp (Example K.K.) — certificate verified, checked 2026-11-21 12:00 JST. Opens the verification page in a new tab.",
    });
    const ja = badgeText("valid", "ja", "shop.akashi-demo.jp", at, null);
    expect(ja.head).toBe("認証済み");
    expect(ja.sub).toBe("shop.akashi-demo.jp");
    expect(ja.foot).toBe("2026-11-21 12:00 JST");
    expect(ja.label).toBe(
      "Akashi サイトシール: shop.akashi-demo.jp — 証明書は認証済み、確認日時 2026-11-21 12:00 JST。検証ページを新しいタブで開きます。",
    );
  });

  it("keeps markup in data as plain text (Lit renders it as text)", () => {
    const evil = "<img src=x onerror=alert(1)>";
    const t = badgeText("valid", "en", "shop.akashi-demo.jp", at, evil);
    expect(t.label).toContain(evil);
  });

  const notValid: SealState[] = ["expired", "revoked", "not-yet-valid", "unknown", "service-ended", "wrong-site"];

  it.each(notValid)("%s: the badge itself says 'not valid' / 無効 (REV-8, SEAL-4), never 'verified'", (state) => {
    const en = badgeText(state, "en", "shop.akashi-demo.jp", at);
    const ja = badgeText(state, "ja", "shop.akashi-demo.jp", at);
    expect(`${en.head} ${en.sub}`).toMatch(/^Not valid /);
    expect(en.label).toMatch(/not valid/i);
    expect(`${ja.head}${ja.sub}`).toContain("無効");
    expect(ja.label).toContain("無効");
    for (const t of [en, ja]) {
      expect(`${t.head} ${t.sub} ${t.foot} ${t.label}`).not.toMatch(/verified|認証済み/i);
      expect(t.foot).toBe("2026-11-21 12:00 JST");
    }
  });

  it("wrong-site says 'not valid for this site' / 'このサイトでは無効' (SEAL-2)", () => {
    const en = badgeText("wrong-site", "en", "shop.akashi-demo.jp", at);
    expect(`${en.head} ${en.sub}`).toBe("Not valid for this site");
    expect(en.label).toContain("Not valid for this site");
    const ja = badgeText("wrong-site", "ja", "shop.akashi-demo.jp", at);
    expect(ja.sub).toBe("このサイトでは無効");
    expect(ja.label).toContain("このサイトでは無効");
  });

  it("network-error is neutral: neither valid nor invalid, no time of check", () => {
    for (const lang of ["en", "ja"] as const) {
      const t = badgeText("network-error", lang, null, null);
      expect(`${t.head} ${t.sub} ${t.label}`).not.toMatch(/verified|認証済み|not valid|無効/i);
      expect(t.foot).toMatch(/^Akashi/);
    }
    expect(badgeText("network-error", "en", null, null).head).toBe("Status unavailable");
  });

  it("unknown does not name a domain; loading claims nothing", () => {
    expect(badgeText("unknown", "en", "shop.akashi-demo.jp", at).label).not.toContain("shop.akashi-demo.jp");
    const l = badgeText("loading", "en", null, null);
    expect(l.head).toBe("Checking…");
    expect(`${l.head} ${l.sub} ${l.label}`).not.toMatch(/verified|not valid/i);
  });

  it.each(SEAL_STATES)("%s has text in both languages and a label naming Akashi and the new tab", (state) => {
    for (const lang of ["en", "ja"] as const) {
      const t = badgeText(state, lang, "shop.akashi-demo.jp", at);
      expect(t.head.length).toBeGreaterThan(0);
      expect(t.label).toMatch(/^Akashi /);
      expect(t.label).toMatch(lang === "ja" ? /新しいタブ/ : /new tab/);
    }
  });
});
