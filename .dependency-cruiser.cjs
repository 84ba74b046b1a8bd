/**
 * The layering rules of issue 15, checked by `npx depcruise api/src` in .ci/run.
 * - domain/ and pki/ are the pure core: nothing of the rest of the service;
 * - no import cycles between files;
 * - feature folders reach each other only through a front door (the folder's index.ts), and auth/ is a
 *   leaf. Those two do not hold yet: today's imports that break them are listed in
 *   .dependency-cruiser-known-violations.json (made with `npx depcruise-baseline api/src`), so a new one
 *   fails CI and the list can only shrink.
 */
const FEATURES =
  "(acme|applications|audit|auth|catalogue|certificates|contracts|demo|disputes|events|fees|jobs|notices|ops|products|resellers|revocations|seals|status|subscribers|validation)";

module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      severity: "error",
      comment: "api/src/domain holds the business rules as pure functions: it imports nothing of the service.",
      from: { path: "^api/src/domain/" },
      to: { path: "^api/src/", pathNot: "^api/src/domain/" },
    },
    {
      name: "pki-is-pure",
      severity: "error",
      comment: "api/src/pki works on bytes and keys; it may use the domain's vocabulary and nothing else of the service.",
      from: { path: "^api/src/pki/" },
      to: { path: "^api/src/", pathNot: "^api/src/(pki|domain)/" },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle makes load order matter and hides which module owns what.",
      from: {},
      to: { circular: true },
    },
    {
      name: "auth-is-a-leaf",
      severity: "error",
      comment: "Authentication and authorisation decide who the caller is and what it may do; they use no feature.",
      from: { path: "^api/src/auth/" },
      to: { path: `^api/src/${FEATURES}/`, pathNot: "^api/src/auth/" },
    },
    {
      name: "features-through-front-doors",
      severity: "error",
      comment: "A feature folder uses another only through that folder's index.ts.",
      from: { path: `^api/src/${FEATURES}/` },
      to: { path: `^api/src/${FEATURES}/(?!index\\.ts$)`, pathNot: "^api/src/$1/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    includeOnly: "^api/src/",
  },
};
