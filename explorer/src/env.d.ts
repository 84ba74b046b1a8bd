// Side-effect imports of stylesheets and GraphiQL's worker set-up, resolved by Vite.
declare module "*.css";
declare module "graphiql/setup-workers/vite";
