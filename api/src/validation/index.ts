/** Domain-control (APP-9, ACME-4) and CAA (APP-11) checks: the network half, results with typed evidence. */
export * from "./evidence";
export * from "./names";
export * from "./host-overrides";
export * from "./destination";
export * from "./check-common";
export * from "./http-check";
export * from "./dns-check";
export * from "./caa-policy";
export * from "./caa";
