import { GraphQLNamedType, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType } from "graphql";
import { getSchema } from "../../api/src/graphql/schema";

/**
 * Design rule: every GraphQL type, field and argument carries a description, so that the schema
 * documents itself to resellers integrating with the API.
 */
test("every type, field and argument in the schema has a description", async () => {
  const schema = await getSchema();
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((t) => t!.name),
  );
  const missing: string[] = [];
  const hasText = (d: string | null | undefined) => typeof d === "string" && d.trim() !== "";

  for (const type of Object.values<GraphQLNamedType>(schema.getTypeMap())) {
    if (type.name.startsWith("__") || isSpecifiedScalarType(type)) continue;
    // Query and Mutation themselves need no description; their fields and arguments do.
    const isRoot = roots.has(type.name);
    if (!isRoot && !hasText(type.description)) missing.push(type.name);

    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!hasText(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) {
          if (!hasText(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!hasText(field.description)) missing.push(`${type.name}.${field.name}`);
      }
    }
    // Enum, union and custom scalar types need only their own description, checked above.
  }

  expect(missing.sort()).toEqual([]);
});
