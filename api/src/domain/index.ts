/**
 * Akashi's pure business rules. No I/O, no clock reads, nothing imported from the rest of the
 * project. Each rule is enforced in exactly one function, which cites its rule ID.
 */
export * from "./errors";
export * from "./jst";
export * from "./clock";
export * from "./effective-dated";
export * from "./terms";
export * from "./lifetime";
export * from "./auto-renew";
export * from "./bring-your-own";
export * from "./contract";
export * from "./calendar";
export * from "./money";
export * from "./revocation-policy";
export * from "./dcv-reuse";
export * from "./hostnames";
export * from "./email";
export * from "./payments";
export * from "./succession";
export * from "./name-dispute";
export * from "./acme-usage";
export * from "./receipt-number";
export * from "./application-lifecycle";
