import { Router } from "express";
import { WidgetAssets } from "../../seals/widget-assets";

/**
 * The seal script: `/seal.<hash>.js` never changes (cached for a year, immutable, SRI-pinnable);
 * `/seal.js` is the stable alias embed codes use, with a short max-age so updates reach every site.
 * Any site may load it as a module, so CORS is open; it sets no cookies and reads none.
 */
const SEAL_ALIAS_MAX_AGE_S = 300;

export function widgetRoutes(assets: () => WidgetAssets | null): Router {
  const router = Router();
  router.get(/^\/seal(\.[A-Za-z0-9_-]+)?\.js$/, (req, res) => {
    const a = assets();
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (!a) {
      res.status(503).type("text/plain").send("The seal widget has not been built: run `npm run build:widget`.\n");
      return;
    }
    const hashed = req.path !== "/seal.js";
    if (hashed && req.path !== `/${a.file}`) {
      res.status(404).type("text/plain").send("Unknown seal script version; use /seal.js.\n");
      return;
    }
    res.setHeader(
      "Cache-Control",
      hashed ? "public, max-age=31536000, immutable" : `public, max-age=${SEAL_ALIAS_MAX_AGE_S}`,
    );
    res.setHeader("ETag", `"${a.sri}"`);
    if (req.header("if-none-match") === `"${a.sri}"`) {
      res.status(304).end();
      return;
    }
    res.type("text/javascript; charset=utf-8").send(a.body);
  });
  return router;
}
