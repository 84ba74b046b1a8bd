import { Request, Response, Router } from "express";
import { DEMO_NAMES } from "../../demo/demo-certificate";
import { Services } from "../../services";
import { SafeHtml, html, lockedPage } from "./html";

const CSS = `body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:0;color:#1b1f24;background:#fffdf8}
header{background:#7a2e0e;color:#fff;padding:1rem 1.5rem}main{max-width:52rem;margin:0 auto;padding:1.5rem}
.items{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem}.item{border:1px solid #e2d9c8;border-radius:.5rem;padding:1rem;background:#fff}
footer{border-top:1px solid #e2d9c8;margin-top:2rem;padding:1rem 1.5rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}.note{font-size:.85rem;color:#4a545e}code{background:#f1ece2;padding:0 .25rem}`;

const PAGE = lockedPage(CSS, { scriptSrc: "'self'", connectSrc: "'self'" });

/**
 * `/demo`: the demo shop's page embedding the seal of the demo certificate (shop.akashi-demo.jp), served
 * only while that demo data exists. Opened as http://localhost the seal rightly says "not valid for
 * this site" (SEAL-2); the note says how to see it as the shop.
 */
export function demoRoutes(services: Services): Router {
  const router = Router();
  router.get("/demo", async (req: Request, res: Response) => {
    const sealId = await demoSealId(services);
    if (!sealId) {
      res
        .status(404)
        .type("text/plain")
        .send(
          "No demo data: start with an empty embedded database, or `npm start -- --demo` on an empty DATABASE_URL.\n",
        );
      return;
    }
    const host = req.hostname;
    const port = req.socket.localPort;
    const body = html`<html lang="ja">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>デモショップ — Demo Shop</title>
        <style>
          ${new SafeHtml(CSS)}
        </style>
        <script type="module" src="/seal.js"></script>
      </head>
      <body>
        <header>
          <h1>株式会社デモショップ</h1>
          <p>Demo Shop Co., Ltd. — shop.akashi-demo.jp</p>
        </header>
        <main>
          <h2>おすすめ商品 / Featured</h2>
          <div class="items">
            <div class="item">
              <h3>有田焼の湯呑み</h3>
              <p>¥3,300</p>
            </div>
            <div class="item">
              <h3>南部鉄器の急須</h3>
              <p>¥12,100</p>
            </div>
            <div class="item">
              <h3>今治タオル</h3>
              <p>¥2,750</p>
            </div>
          </div>
        </main>
        <footer>
          <akashi-seal seal-id="${sealId}"></akashi-seal
          ><akashi-seal seal-id="${sealId}" lang="en" size="small" theme="dark"></akashi-seal>
          <p class="note">
            This page is served as <code>${host}</code>. The seal is valid only on ${DEMO_NAMES.join(" and ")} (SEAL-2);
            to see it as the shop, map the name to this machine (e.g. <code>127.0.0.1 shop.akashi-demo.jp</code> in your
            hosts file) and open <code>http://shop.akashi-demo.jp:${port}/demo</code>.
          </p>
        </footer>
      </body>
    </html>`;
    PAGE.send(res, 200, body);
  });
  return router;
}

/** The seal of the demo shop's contract, made with the demo data. */
async function demoSealId(services: Services): Promise<string | null> {
  const rows: { id: string }[] = await services.ds.query(
    `SELECT s.id FROM seal s JOIN contract k ON k.id = s.contract_id JOIN reseller r ON r.id = k.reseller_id
     JOIN certificate c ON c.contract_id = k.id WHERE r.code = 'demo-reseller' AND c.names[1] = $1 ORDER BY s.created_at LIMIT 1`,
    [DEMO_NAMES[0]],
  );
  return rows[0]?.id ?? null;
}
