/** The built-in CA: pure functions over bytes (DESIGN.md "pki/"). */
export * from "./signer";
export * from "./keys";
export * from "./ca";
export * from "./csr";
export * from "./issue";
export * from "./crl";
export * from "./ocsp";
export * from "./parse";
export { canonicalSerialHex } from "./serial";
export { createKeyAndCsr } from "./csr-builder";
export { CSR_PEM_LABELS, PemInputError, strictPemInput } from "./pem";
export { LintError, type LintFailure } from "./lint";
