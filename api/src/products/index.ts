/**
 * Front door of products/: what other feature folders may use. Everything not exported here is private to
 * products/ (npm run deps checks it).
 */
export { isDiscontinued, refuseDiscontinuedRenewal, unlimitedEndedByDiscontinuation } from "./discontinuation";
export { PriceKind } from "./product-price.entity";
export { IssuanceMode, Product, ValidationLevel } from "./product.entity";
export { TermsVersion } from "./terms-version.entity";
export { requireTermsInForce, termsDocumentPath } from "./terms";
