import type { IncomingMessage, ServerResponse } from "node:http";
import express, { Request, Response, Router } from "express";
import { describeTextProblem, textProblem } from "../../domain/text";
import { RefusalError } from "../../refusal";
import { Services } from "../../services";
import { KeptAnswers } from "../../status/kept-answers";
import { jstText, verifyModel, type VisitorOrigin } from "./verify-model";
import { renderReceiptPage, renderReportRefused, renderVerifyPage } from "./verify-render";
import { VERIFY_PAGE } from "./verify-style";
import { TEXTS, pickLang } from "./verify-texts";

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
 * SEAL-2: where the visitor came from. A Referer from the operator's own pages (e.g. the language switch)
 * says nothing about the embedding site and is ignored.
 */
function visitorOrigin(referer: string | undefined, claimed: string | null, ownOrigin: string | null): VisitorOrigin {
  const from = originOf(referer);
  return { referer: from !== null && from !== ownOrigin ? from : null, claimed: originOf(claimed) };
}

/** A `/verify/{sealId}` path's seal id, or null for any other path. */
export function verifyPathSealId(path: string): string | null {
  const m = /^\/verify\/([^/]+)\/?$/.exec(path);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}

/**
 * GET `/verify/{sealId}` (SEAL-2, SEAL-4, SEAL-5), a hot public path answered by the front on plain
 * node:http: the seal's facts from memory (seals/seal-facts.ts), a model of them and the visitor's
 * origin, a pure renderer. No script; nothing from the embedding site but the validated, text-only
 * origin and the language.
 */
export function createVerifyPage(
  services: Services,
): (req: IncomingMessage, res: ServerResponse, sealId: string, search: string) => Promise<void> {
  const ownOrigin = originOf(services.config.publicBaseUrl);
  // The page is a function of the seal's view, the clock, the language and the visitor's origin: kept a
  // moment under exactly those (status/kept-answers.ts says why that keeps SEAL-5 and STAT-3).
  const kept = new KeptAnswers<Buffer>(services.clock, services.viewChanges);
  return async (req, res, sealId, search) => {
    const query = new URLSearchParams(search);
    const lang = pickLang(query.get("lang"), req.headers["accept-language"]);
    const origin = visitorOrigin(req.headers.referer, query.get("origin"), ownOrigin);
    const key = `${lang} ${origin.referer ?? "-"} ${origin.claimed ?? "-"} ${sealId}`;
    const page = kept.get(key);
    if (page) return VERIFY_PAGE.sendBytes(res, 200, page);
    const since = kept.version;
    const computedAtMs = services.clock.now().getTime();
    const seal = await services.seals.view(sealId);
    const bytes = VERIFY_PAGE.bytes(renderVerifyPage(verifyModel(lang, sealId, seal, origin)));
    // An unknown seal is not kept: it may be created at any moment.
    if (seal) kept.keep(key, bytes, since, computedAtMs);
    VERIFY_PAGE.sendBytes(res, seal ? 200 : 404, bytes);
  };
}

/** The report form behind the verification page (the page itself is served by the front). */
export function verifyReportRoutes(services: Services): Router {
  const router = Router();
  // REV-5 without JavaScript: the report form posts here and gets a receipt with a number to read out.
  router.post(
    "/verify/:sealId/report",
    express.urlencoded({ extended: false, limit: "16kb" }),
    async (req: Request, res: Response) => {
      const lang = pickLang(req.query.lang, req.header("accept-language"));
      const sealId = String(req.params.sealId);
      const t = TEXTS[lang];
      const form = req.body as { email?: unknown; description?: unknown } | undefined;
      const email = typeof form?.email === "string" && form.email.trim() !== "" ? form.email.trim() : null;
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a form field (a string, or an array if repeated) as String() reads it, unchanged
      const description = String(form?.description ?? "");
      // The same text rule as every GraphQL input (domain/text.ts), before anything is looked up.
      const problem = textProblem(description, true) ?? (email === null ? null : textProblem(email, false));
      if (problem) {
        VERIFY_PAGE.send(res, 400, renderReportRefused(lang, sealId, describeTextProblem(problem)));
        return;
      }
      const seal = await services.seals.view(sealId);
      if (!seal?.certificate) {
        VERIFY_PAGE.send(res, 404, renderReportRefused(lang, sealId, t.unknownSeal));
        return;
      }
      try {
        const report = await services.problemReports.report(req.ip ?? "unknown", req.id, {
          sha256Fingerprint: seal.certificate.sha256Fingerprint,
          description,
          source: `seal ${sealId}`,
          reporterEmail: email,
        });
        const receipt = {
          lang,
          sealId,
          receiptNumber: report.receiptNumber,
          firstAnswerDueAt: jstText(report.firstAnswerDueAt),
        };
        VERIFY_PAGE.send(res, 200, renderReceiptPage(receipt));
      } catch (e) {
        if (!(e instanceof RefusalError)) throw e;
        VERIFY_PAGE.send(res, 400, renderReportRefused(lang, sealId, lang === "ja" ? e.messageJa : e.message));
      }
    },
  );
  return router;
}
