import { systemActor } from "../auth/caller";
import { Loaders } from "../db/loaders";
import { PriceKind } from "../products/product-price.entity";
import { Product } from "../products/product.entity";
import { Services } from "../services";

/**
 * CON-8, shown on the demo statement: a price whose consumption tax has a yen fraction. OV for 12
 * months at ¥54,545 before tax: 10 % is ¥5,454.5, rounded down to ¥5,454, so the line totals ¥59,999.
 * Set through the catalogue like any operator price, effective at once (nothing has been charged yet).
 */
const DEMO_OV_12_PRICE_YEN = 54_545;

export async function setDemoPrice(services: Services): Promise<void> {
  const ov = await services.ds.getRepository(Product).findOneByOrFail({ code: "OV" });
  await services.pricing.setPrice(
    { ...systemActor("demo-data"), loaders: new Loaders(services.ds) },
    {
      productId: ov.id,
      termMonths: 12,
      kind: PriceKind.TERM,
      priceYen: DEMO_OV_12_PRICE_YEN,
      effectiveFrom: null,
    },
  );
}
