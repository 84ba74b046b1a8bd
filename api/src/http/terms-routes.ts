import { Request, Response, Router } from "express";
import type { Services } from "../services";
import { formatJst } from "../domain";
import { html, styleHash } from "./pages/html";
import { pickLang } from "./pages/verify-texts";

const CSS =
  "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.7}" +
  "pre{white-space:pre-wrap;font:inherit}";

const TEXTS = {
  ja: { title: "利用条件", effective: "適用開始", published: "公表", other: "English" },
  en: { title: "Terms of service", effective: "In force from", published: "Published", other: "日本語" },
};

/**
 * NOT-5: `GET /terms/{version}` serves a published version of the terms exactly as the operator
 * published it (`?lang=ja|en`, else Accept-Language), as HTML; `GET /terms/{version}.txt` the same
 * text as plain UTF-8. A published version never changes, so both may be cached.
 */
export function termsRoutes(services: Services): Router {
  const router = Router();
  router.get("/terms/:version", async (req: Request, res: Response) => {
    const raw = String(req.params.version);
    const asText = raw.endsWith(".txt");
    const version = asText ? raw.slice(0, -4) : raw;
    const terms = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/.test(version) ? await services.terms.published(version) : null;
    if (!terms) {
      res.status(404).setHeader("Cache-Control", "no-store");
      res
        .type("text/plain; charset=utf-8")
        .send("No such version of the terms. / 該当する版の利用条件はありません。\n");
      return;
    }
    const lang = pickLang(req.query.lang, req.header("accept-language"));
    const body = lang === "ja" ? terms.textJa : terms.textEn;
    res.setHeader("Cache-Control", "public, max-age=3600");
    res.setHeader("Content-Language", lang);
    res.setHeader("Vary", "Accept-Language");
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (asText) {
      res.type("text/plain; charset=utf-8").send(body);
      return;
    }
    const t = TEXTS[lang];
    const other = lang === "ja" ? "en" : "ja";
    const page = html`<!doctype html>
      <html lang="${lang}">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width,initial-scale=1" />
          <title>${t.title} ${terms.version}</title>
          <style>
            ${CSS}
          </style>
        </head>
        <body>
          <main>
            <p><a href="?lang=${other}" lang="${other}">${t.other}</a></p>
            <h1>${t.title} ${terms.version}</h1>
            <p>${t.effective}: ${formatJst(terms.effectiveFrom)} / ${t.published}: ${formatJst(terms.publishedAt)}</p>
            <pre>${body}</pre>
          </main>
        </body>
      </html>`;
    res.setHeader(
      "Content-Security-Policy",
      `default-src 'none'; style-src ${styleHash(CSS)}; base-uri 'none'; frame-ancestors 'none'`,
    );
    res.type("text/html; charset=utf-8").send(page.html);
  });
  return router;
}
