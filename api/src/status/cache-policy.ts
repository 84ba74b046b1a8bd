/**
 * STAT-3: seconds a shared cache (CDN) may keep a public status or seal answer, the documented lifetime
 * within which channels may disagree. Fields declare it with `@Extensions({ cacheMaxAge })`; the GraphQL
 * layer (graphql/documents.ts) turns a document's fields into its Cache-Control.
 */
export const STATUS_CACHE_MAX_AGE_S = 30;
