import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { printSdl } from "../graphql/schema";

/** Writes schema/schema.graphql from the code. A test fails when the committed file is stale. */
async function main(): Promise<void> {
  const file = path.resolve(__dirname, "../../../../schema/schema.graphql");
  fs.writeFileSync(file, await printSdl());
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
