/**
 * Dependency rules of api/src (issue 15, point 2), run by `npm run deps` in .ci/run.
 * There are no known violations: any one fails the check.
 */
const FEATURES =
  "acme|applications|audit|auth|certificates|contracts|disputes|events|fees|notices|products|resellers|revocations|seals|status|subscribers|validation";
const FRONT_DOORS = `${FEATURES}|ids|paging`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "No file-level import cycles at run time: under CommonJS a cycle can leave a decorated class undefined. " +
        "A type-only import (`import type`) is erased by the compiler, so a cycle through one is harmless.",
      from: { path: "^api/src/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment: "domain/ holds the pure rules and imports nothing of the rest of the service.",
      from: { path: "^api/src/domain/" },
      to: { path: "^api/src/", pathNot: "^api/src/domain/" },
    },
    {
      name: "pki-is-pure",
      severity: "error",
      comment: "pki/ works over bytes and imports only domain/ (and node built-ins and npm packages).",
      from: { path: "^api/src/pki/" },
      to: { path: "^api/src/", pathNot: "^api/src/(pki|domain)/" },
    },
    {
      name: "auth-is-a-leaf",
      severity: "error",
      comment: "auth/ (authentication, authorisation, the caller, the ApiKey entity) imports no feature folder.",
      from: { path: "^api/src/auth/" },
      to: { path: `^api/src/(${FEATURES})/`, pathNot: "^api/src/auth/" },
    },
    {
      name: "config-imports-no-feature",
      severity: "error",
      comment: "config.ts reads settings; parsers it needs live in settings/ or domain/, not in feature folders.",
      from: { path: "^api/src/(config\\.ts|settings/)" },
      to: { path: `^api/src/(${FEATURES})/` },
    },
    {
      name: "graphql-stays-in-its-layer",
      severity: "error",
      comment:
        "Only the GraphQL layer imports graphql/: graphql/ itself, http/, cli/ (schema emission) and, in feature " +
        "folders, resolvers, GraphQL types and entities (which double as GraphQL types). Services take and return " +
        "database ids and page with paging/.",
      from: {
        path: "^api/src/",
        pathNot: "^api/src/(graphql|http|cli)/|\\.(resolver|types|entity)\\.ts$",
      },
      to: { path: "^api/src/graphql/" },
    },
    {
      name: "front-doors-only",
      severity: "error",
      comment:
        "A feature folder uses another feature folder (or ids/, paging/) only through its front door, index.ts: " +
        "what it exports (service, entities, input types) is public, everything else is private.",
      from: { path: `^api/src/(${FEATURES})/` },
      to: {
        path: `^api/src/(${FRONT_DOORS})/`,
        pathNot: [`^api/src/$1/`, `^api/src/(${FRONT_DOORS})/index\\.ts$`],
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
