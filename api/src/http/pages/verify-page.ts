import express, { Request, Response, Router } from "express";
import { toJst } from "../../domain";
import { nameCovers } from "../../domain/hostnames";
import { RefusalError } from "../../refusal";
import { PublicSeal, SealStatus } from "../../seals/seal.types";
import { Services } from "../../services";
import { SafeHtml, html, sendLockedPage } from "./html";
import { Lang, TEXTS, pickLang } from "./verify-texts";
import { describeTextProblem, textProblem } from "../../domain/text";

const CSS = `body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:0;background:#f6f7f9;color:#1b1f24;line-height:1.6}
main{max-width:44rem;margin:0 auto;padding:1.5rem}header{display:flex;justify-content:space-between;align-items:baseline}
h1{font-size:1.4rem;margin:.5rem 0}.banner{padding:1rem 1.25rem;border-radius:.5rem;font-weight:700;font-size:1.15rem;margin:1rem 0}
.ok{background:#e3f4e8;color:#0b5a24;border:2px solid #1a7f3c}.bad{background:#fde8e8;color:#8a1010;border:2px solid #b42318}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:.5rem .75rem;border-bottom:1px solid #d5d9de;vertical-align:top}
th{width:11rem;font-weight:600}ul{margin:0;padding-left:1.1rem}.origin{background:#fff;border-left:4px solid #44505c;padding:.75rem 1rem;margin:1rem 0}
.origin.bad{border-left-color:#b42318}.origin.ok{border-left-color:#1a7f3c}a{color:#0b4f9c}code{word-break:break-all}
form{background:#fff;padding:1rem;border-radius:.5rem}label{display:block;margin:.5rem 0 .25rem}textarea,input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}
button{margin-top:.75rem;padding:.5rem 1rem;font:inherit;background:#0b4f9c;color:#fff;border:0;border-radius:.25rem}footer{margin-top:2rem;color:#4a545e;font-size:.85rem}`;

/** Dates people read are JST (RULES.md). */
export function jstText(d: Date): string {
  const p = toJst(d);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)} JST`;
}

/** The http(s) origin of a URL, or null for anything else (too long, not a URL, credentials). */
function originOf(text: string | null | undefined): string | null {
  if (!text || text.length > 300) return null;
  try {
    const u = new URL(text);
    if ((u.protocol === "https:" || u.protocol === "http:") && u.username === "" && u.password === "") return u.origin;
  } catch {
    // not a URL: ignored
  }
  return null;
}

/**
 * Where the visitor came from, SEAL-2. `referer` is what the browser reported (the widget's link asks
 * for `referrerpolicy="strict-origin"`), the only source the page states as fact; `claimed` is the
 * `?origin=` parameter, which whoever wrote the link chose (a phishing page can claim any origin), so it
 * is only ever shown as a claim. A Referer from the operator's own pages (e.g. the language switch)
 * says nothing about the embedding site and is ignored.
 */
export interface VisitorOrigin {
  referer: string | null;
  claimed: string | null;
}

export function visitorOrigin(req: Request, ownOrigin: string | null): VisitorOrigin {
  const referer = originOf(req.header("referer"));
  return {
    referer: referer !== null && referer !== ownOrigin ? referer : null,
    claimed: originOf(typeof req.query.origin === "string" ? req.query.origin : null),
  };
}

/** The language switch carries the claim on (never promoted: the next request has no Referer from the embedding site). */
function page(lang: Lang, sealId: string, origin: string | null, body: SafeHtml): SafeHtml {
  const t = TEXTS[lang];
  const other: Lang = lang === "ja" ? "en" : "ja";
  const switchHref = `/verify/${encodeURIComponent(sealId)}?lang=${other}${origin ? `&origin=${encodeURIComponent(origin)}` : ""}`;
  return html`<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${t.title} — ${t.operator}</title><style>${new SafeHtml(CSS)}</style></head>
<body><main><header><span>${t.operator}</span><a href="${switchHref}" lang="${other}">${t.other}</a></header>
<h1>${t.title}</h1>${body}
<footer>${t.operator}</footer></main></body></html>`;
}

function sealBody(lang: Lang, seal: PublicSeal, origin: VisitorOrigin, sealId: string): SafeHtml {
  const t = TEXTS[lang];
  const c = seal.certificate;
  const valid = seal.status === SealStatus.VALID;
  const rows: SafeHtml[] = [];
  if (c) {
    if (c.organizationName) rows.push(html`<tr><th>${t.organization}</th><td>${c.organizationName}</td></tr>`);
    rows.push(html`<tr><th>${t.domains}</th><td><ul>${c.domains.map((d) => html`<li>${d}</li>`)}</ul></td></tr>`);
    rows.push(html`<tr><th>${t.issuer}</th><td>${c.issuerName}</td></tr>`);
    rows.push(html`<tr><th>${t.serial}</th><td><code>${c.serialNumber}</code></td></tr>`);
    rows.push(html`<tr><th>${t.validity}</th><td>${jstText(c.notBefore)} 〜 ${jstText(c.notAfter)}</td></tr>`);
  }
  rows.push(html`<tr><th>${t.statusLabel}</th><td>${t.status[seal.status]}</td></tr>`);
  if (c?.revokedAt) {
    rows.push(html`<tr><th>${t.revokedAt}</th><td>${jstText(c.revokedAt)}</td></tr>`);
    rows.push(html`<tr><th>${t.reason}</th><td>${t.reasons[c.revocationReason ?? "unspecified"] ?? c.revocationReason}</td></tr>`);
  }
  if (c?.revocationScheduledAt) rows.push(html`<tr><th>${t.scheduled}</th><td>${jstText(c.revocationScheduledAt)}</td></tr>`);
  rows.push(html`<tr><th>${t.checkedAt}</th><td>${jstText(seal.checkedAt)}</td></tr>`);

  return html`<div class="banner ${valid ? "ok" : "bad"}" data-status="${seal.status}">${valid ? t.statusValid : t.statusNotValid}</div>
${originLine(lang, c?.domains ?? null, origin)}<table>${rows}</table>${reportForm(lang, sealId)}`;
}

/**
 * SEAL-2: the origin verdict. Only the browser's Referer is stated as fact ("covers" /
 * "does-not-cover"); a bare `?origin=` gives the neutral "claimed-…" verdicts that tell the visitor to
 * check the address bar themselves.
 */
function originLine(lang: Lang, domains: string[] | null, origin: VisitorOrigin): SafeHtml {
  const t = TEXTS[lang];
  if (domains && origin.referer) {
    const covered = nameCovers(domains, new URL(origin.referer).hostname);
    const mismatch = origin.claimed !== null && origin.claimed !== origin.referer;
    return html`<p class="origin ${covered ? "ok" : "bad"}" data-origin-verdict="${covered ? "covers" : "does-not-cover"}" data-origin-mismatch="${mismatch ? "true" : "false"}">${t.from(origin.referer)} ${covered ? t.covers : t.notCovers}${mismatch ? html` ${t.mismatch(origin.claimed!)}` : ""}</p>`;
  }
  if (domains && origin.claimed) {
    const covered = nameCovers(domains, new URL(origin.claimed).hostname);
    return html`<p class="origin" data-origin-verdict="${covered ? "claimed-covers" : "claimed-does-not-cover"}">${t.claimedFrom(origin.claimed)} ${covered ? t.claimedCovers : t.claimedNotCovers}</p>`;
  }
  return html`<p class="origin" data-origin-verdict="unknown">${t.cannotTell}</p>`;
}

function reportForm(lang: Lang, sealId: string): SafeHtml {
  const t = TEXTS[lang];
  return html`<h2>${t.reportTitle}</h2><p>${t.reportIntro}</p>
<form method="post" action="/verify/${encodeURIComponent(sealId)}/report?lang=${lang}"><label for="d">${t.reportDescription}</label>
<textarea id="d" name="description" rows="4" required minlength="10" maxlength="5000"></textarea>
<label for="e">${t.reportEmail}</label><input id="e" name="email" type="email" maxlength="254">
<button type="submit">${t.reportSubmit}</button></form>`;
}

/**
 * `/verify/{sealId}` (SEAL-2, SEAL-5): rendered by the operator's server from live data, no script,
 * nothing from the embedding site but the (validated, text-only) origin line and the language.
 */
export function verifyRoutes(services: Services): Router {
  const router = Router();
  router.get("/verify/:sealId", async (req: Request, res: Response) => {
    const lang = pickLang(req.query.lang, req.header("accept-language"));
    const sealId = String(req.params.sealId);
    const origin = visitorOrigin(req, originOf(services.config.publicBaseUrl));
    const seal = await services.seals.view(sealId);
    if (!seal) {
      const t = TEXTS[lang];
      sendLockedPage(res, 404, page(lang, sealId, origin.claimed, html`<div class="banner bad" data-status="UNKNOWN">${t.statusNotValid}</div><p>${t.unknownSeal}</p>`), CSS);
      return;
    }
    sendLockedPage(res, 200, page(lang, sealId, origin.claimed, sealBody(lang, seal, origin, sealId)), CSS);
  });

  // REV-5 without JavaScript: the report form posts here and gets a receipt page.
  router.post("/verify/:sealId/report", express.urlencoded({ extended: false, limit: "16kb" }), async (req: Request, res: Response) => {
    const lang = pickLang(req.query.lang, req.header("accept-language"));
    const sealId = String(req.params.sealId);
    const t = TEXTS[lang];
    const back = html`<p><a href="/verify/${encodeURIComponent(sealId)}?lang=${lang}">${t.back}</a></p>`;
    const email = typeof req.body?.email === "string" && req.body.email.trim() !== "" ? req.body.email.trim() : null;
    const description = String(req.body?.description ?? "");
    // The same text rule as every GraphQL input (domain/text.ts).
    const problem = textProblem(description, true) ?? (email === null ? null : textProblem(email, false));
    if (problem) {
      sendLockedPage(res, 400, page(lang, sealId, null, html`<div class="banner bad">${t.reportRefused}: ${describeTextProblem(problem)}</div>${back}`), CSS);
      return;
    }
    const seal = await services.seals.view(sealId);
    if (!seal?.certificate) {
      sendLockedPage(res, 404, page(lang, sealId, null, html`<p>${t.unknownSeal}</p>${back}`), CSS);
      return;
    }
    try {
      const report = await services.problemReports.report(req.ip ?? "unknown", req.id, {
        sha256Fingerprint: seal.certificate.sha256Fingerprint,
        description: `[seal ${sealId}] ${description}`,
        reporterEmail: email,
      });
      sendLockedPage(res, 200, page(lang, sealId, null, html`<div class="banner ok">${t.reportThanks(report.nodeId, jstText(report.firstAnswerDueAt))}</div>${back}`), CSS);
    } catch (e) {
      if (!(e instanceof RefusalError)) throw e;
      sendLockedPage(res, 400, page(lang, sealId, null, html`<div class="banner bad">${t.reportRefused}: ${lang === "ja" && e.messageJa ? e.messageJa : e.message}</div>${back}`), CSS);
    }
  });
  return router;
}
