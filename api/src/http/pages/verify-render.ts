import { SafeHtml, esc, markup } from "./html";
import type { CertificateFacts, OriginLine, VerifyModel } from "./verify-model";
import { TEXTS, type Lang } from "./verify-texts";
import { VERIFY_CSS } from "./verify-style";

/**
 * Renders the verification and receipt pages: pure functions from a model to an HTML string, no I/O.
 * Everything that does not depend on the model (the head, the stylesheet, the mark) is built once.
 * Templates are tagged `markup` (html.ts's `html` under another name): prettier reformats templates tagged
 * `html`, which would change the page's whitespace.
 */

/** The operator mark of the seal (widget/src/mark.ts; the same paths, kept equal by a test). */
export const MARK_SHIELD = "M14 1.5 3 5.6v8C3 21 7.6 26.4 14 28.5c6.4-2.1 11-7.5 11-14.9v-8Z";
export const MARK_LETTER = "M9.5 20 14 8.5 18.5 20M11.2 15.8h5.6";
const MARK =
  `<svg viewBox="0 0 28 30" aria-hidden="true">` +
  `<path class="m" d="${MARK_SHIELD}"/><path class="l" d="${MARK_LETTER}"/></svg>`;

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** `lang="ja"` on Japanese text inside an English page (and the reverse), for screen readers. */
function inLang(page: Lang, text: string): SafeHtml {
  const lang: Lang = JAPANESE.test(text) ? "ja" : "en";
  return lang === page ? markup`${text}` : markup`<span lang="${lang}">${text}</span>`;
}

/** Head and the start of the body, per language: built once. */
const HEAD: Record<Lang, string> = {
  ja: head("ja"),
  en: head("en"),
};

function head(lang: Lang): string {
  const t = TEXTS[lang];
  return (
    `<html lang="${lang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${esc(t.title)} — ${esc(t.operator)}</title>` +
    `<style>${VERIFY_CSS}</style></head><body><main>`
  );
}

const FOOT: Record<Lang, string> = {
  ja: `<footer>${esc(TEXTS.ja.operator)}</footer></main></body></html>`,
  en: `<footer>${esc(TEXTS.en.operator)}</footer></main></body></html>`,
};

function header(lang: Lang, sealId: string, carriedOrigin: string | null): SafeHtml {
  const t = TEXTS[lang];
  const other: Lang = lang === "ja" ? "en" : "ja";
  const origin = carriedOrigin ? `&origin=${encodeURIComponent(carriedOrigin)}` : "";
  const href = `/verify/${encodeURIComponent(sealId)}?lang=${other}${origin}`;
  const brand = markup`<span class="brand">${new SafeHtml(MARK)}<span>${t.operator} — ${t.title}</span></span>`;
  return markup`<header>${brand}<a href="${href}" lang="${other}">${t.other}</a></header>`;
}

/** SEAL-2: the origin sentence; only the browser's Referer is stated as where the visitor came from. */
function originSentence(lang: Lang, o: OriginLine): SafeHtml {
  const t = TEXTS[lang];
  const attrs = `data-origin-verdict="${o.verdict}" data-origin-mismatch="${o.mismatch ? "true" : "false"}"`;
  let text: string;
  if (o.verdict === "covers" || o.verdict === "does-not-cover") {
    text = `${t.from(o.referer ?? "")} ${o.verdict === "covers" ? t.covers : t.notCovers}`;
    if (o.mismatch && o.claimed) text += ` ${t.mismatch(o.claimed)}`;
  } else if (o.verdict === "claimed-covers" || o.verdict === "claimed-does-not-cover") {
    text = `${t.claimedFrom(o.claimed ?? "")} ${o.verdict === "claimed-covers" ? t.claimedCovers : t.claimedNotCovers}`;
  } else {
    text = t.cannotTell;
  }
  return markup`<p class="origin" ${new SafeHtml(attrs)}>${text}</p>`;
}

function statusSentence(m: VerifyModel): SafeHtml | string {
  const t = TEXTS[m.lang];
  if (m.status === "UNKNOWN") return markup`<p>${t.unknownSeal}</p>`;
  if (m.headline !== "not-valid") return "";
  const c = m.certificate;
  let text = `${t.statusLabel}: ${t.status[m.status]}`;
  if (c?.revokedAt)
    text += ` (${c.revokedAt}, ${t.reasons[c.revocationReason ?? "unspecified"] ?? c.revocationReason})`;
  return markup`<p class="why">${text}</p>`;
}

/** The verdict box: the page leads with what the visitor needs to know (SEAL-2, SEAL-4). */
function verdict(m: VerifyModel): SafeHtml {
  const t = TEXTS[m.lang];
  const title = {
    valid: t.headValid,
    "wrong-site": t.headWrongSite,
    "not-valid": t.headNotValid,
    "unknown-seal": t.headUnknownSeal,
  }[m.headline];
  const tone = m.headline === "valid" ? "ok" : "bad";
  const tag = m.headlineClaimed ? markup` <span class="tag">${t.claimTag}</span>` : "";
  const origin = m.status === "UNKNOWN" ? "" : originSentence(m.lang, m.origin);
  const claimed = m.headlineClaimed ? "true" : "false";
  const data = markup`data-status="${m.status}" data-verdict="${m.headline}" data-claimed="${claimed}"`;
  const attrs = markup`class="verdict ${tone}" ${data}`;
  return markup`<section ${attrs}><h1>${title}${tag}</h1>${statusSentence(m)}${origin}</section>`;
}

/** A time never breaks inside itself ("2027-06-/08" on a phone). */
function when(text: string): SafeHtml {
  return markup`<span class="nw">${text}</span>`;
}

function row(label: string, value: SafeHtml | string): SafeHtml {
  return markup`<div><dt>${label}</dt><dd>${value}</dd></div>`;
}

function organizationRow(lang: Lang, org: NonNullable<CertificateFacts["organization"]>): SafeHtml {
  const t = TEXTS[lang];
  const inCert = org.inCertificate
    ? markup`<span class="sub">${inLang(lang, org.inCertificate)} (${t.organizationAsInCertificate})</span>`
    : "";
  return row(t.organization, markup`${inLang(lang, org.shown)}${inCert}`);
}

/** SEAL-5: the certificate's content and current status, with the time it was read. */
function facts(m: VerifyModel): SafeHtml {
  const t = TEXTS[m.lang];
  const c = m.certificate;
  const rows: SafeHtml[] = [];
  if (c) {
    if (c.organization) rows.push(organizationRow(m.lang, c.organization));
    rows.push(row(t.domains, markup`<ul>${c.domains.map((d) => markup`<li>${d}</li>`)}</ul>`));
    if (c.level) rows.push(row(t.validationLevel, t.levels[c.level]));
    rows.push(row(t.issuer, inLang(m.lang, c.issuer)));
    rows.push(row(t.serial, markup`<code>${c.serial}</code>`));
    rows.push(row(t.fingerprint, markup`<code>${c.fingerprint}</code>`));
    rows.push(row(t.validity, markup`${when(c.notBefore)} 〜 ${when(c.notAfter)}`));
  }
  if (m.status !== "UNKNOWN") rows.push(row(t.statusLabel, t.status[m.status]));
  if (c?.revokedAt) {
    rows.push(row(t.revokedAt, when(c.revokedAt)));
    rows.push(row(t.reason, t.reasons[c.revocationReason ?? "unspecified"] ?? c.revocationReason ?? ""));
  }
  if (c?.revocationScheduledAt) rows.push(row(t.scheduled, when(c.revocationScheduledAt)));
  if (m.checkedAt) rows.push(row(t.checkedAt, when(m.checkedAt)));
  return markup`<dl>${rows}</dl>`;
}

function reportForm(lang: Lang, sealId: string): SafeHtml {
  const t = TEXTS[lang];
  return markup`<h2>${t.reportTitle}</h2><p>${t.reportIntro}</p>
<form method="post" action="/verify/${encodeURIComponent(sealId)}/report?lang=${lang}">
<label for="d">${t.reportDescription}</label>
<textarea id="d" name="description" rows="4" required minlength="10" maxlength="5000"></textarea>
<label for="e">${t.reportEmail}</label><input id="e" name="email" type="email" maxlength="254" autocomplete="email">
<button type="submit">${t.reportSubmit}</button></form>`;
}

/** `/verify/{sealId}` as HTML (SEAL-2, SEAL-4, SEAL-5). */
export function renderVerifyPage(m: VerifyModel): string {
  const body = m.status === "UNKNOWN" ? "" : markup`${facts(m)}${reportForm(m.lang, m.sealId)}`;
  return HEAD[m.lang] + header(m.lang, m.sealId, m.carriedOrigin).html + verdict(m).html + String(body) + FOOT[m.lang];
}

export interface ReceiptModel {
  lang: Lang;
  sealId: string;
  receiptNumber: string;
  firstAnswerDueAt: string;
}

function backLink(lang: Lang, sealId: string): SafeHtml {
  return markup`<p><a href="/verify/${encodeURIComponent(sealId)}?lang=${lang}">${TEXTS[lang].back}</a></p>`;
}

/** REV-5: the receipt of a report made through the page's form: a number to read out on the telephone. */
export function renderReceiptPage(m: ReceiptModel): string {
  const t = TEXTS[m.lang];
  const body = markup`<section class="verdict ok" data-receipt="${m.receiptNumber}"><h1>${t.receiptTitle}</h1>
<p class="receipt">${t.receiptNumber} <strong>${m.receiptNumber}</strong></p><p>${t.receiptPhone}</p>
<p>${t.receiptDue}: ${when(m.firstAnswerDueAt)}</p></section>${backLink(m.lang, m.sealId)}`;
  return HEAD[m.lang] + header(m.lang, m.sealId, null).html + body.html + FOOT[m.lang];
}

/** A refused report (or one for an unknown seal): the reason, in the page's language. */
export function renderReportRefused(lang: Lang, sealId: string, reason: string): string {
  const t = TEXTS[lang];
  const head = markup`<h1>${t.reportRefused}</h1>`;
  const refused = markup`<section class="verdict bad" data-status="REFUSED">${head}<p>${reason}</p></section>`;
  const body = markup`${refused}${backLink(lang, sealId)}`;
  return HEAD[lang] + header(lang, sealId, null).html + body.html + FOOT[lang];
}
