import fs from "node:fs";
import path from "node:path";
import { printSdl } from "../../api/src/graphql/schema";

test("the committed schema/schema.graphql equals the schema the code emits (run `npm run schema`)", async () => {
  const committed = fs.readFileSync(path.resolve(__dirname, "../../schema/schema.graphql"), "utf8");
  expect(committed).toBe(await printSdl());
});
