import { DataSource } from "typeorm";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { RequestScope } from "../request-scope";
import { ProductPrice } from "./product-price.entity";
import { Product } from "./product.entity";

/** The catalogue is public (VAL-1): anyone may read products and their prices. */
export class ProductService {
  constructor(private readonly ds: DataSource) {}

  async get(scope: RequestScope, id: string): Promise<Product | null> {
    return scope.loaders.byId(Product).load(id);
  }

  async list(args: PageRequest): Promise<ConnectionShape<Product>> {
    return paginate(this.ds.getRepository(Product).createQueryBuilder("p"), args, ["code", "id"]);
  }

  /** Prices in force at `at`: for each (term, kind) the latest row whose effective date has come. */
  async pricesAt(scope: RequestScope, product: Product, at: Date): Promise<ProductPrice[]> {
    const all = await scope.loaders.manyBy(ProductPrice, "productId", { effectiveFrom: "DESC" }).load(product.id);
    const seen = new Set<string>();
    const current: ProductPrice[] = [];
    for (const p of all) {
      const key = `${p.termMonths}:${p.kind}`;
      if (p.effectiveFrom > at || seen.has(key)) continue;
      seen.add(key);
      current.push(p);
    }
    return current.sort((a, b) => (a.termMonths ?? Infinity) - (b.termMonths ?? Infinity));
  }
}
