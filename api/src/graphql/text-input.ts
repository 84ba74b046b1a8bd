import { GraphQLError, GraphQLInputType, getNullableType, isInputObjectType, isListType, isScalarType } from "graphql";
import { MiddlewareFn } from "type-graphql";
import { MULTILINE_FIELD_NAMES, describeTextProblem, textProblem } from "../domain/text";

function refuse(path: string, detail: string): GraphQLError {
  return new GraphQLError(`${path} ${detail}.`, { extensions: { code: "BAD_USER_INPUT", field: path } });
}

/** Walks one argument value by its GraphQL type and refuses the first text the rule of domain/text.ts does not allow. */
function check(value: unknown, type: GraphQLInputType, path: string, fieldName: string): void {
  if (value === null || value === undefined) return;
  const t = getNullableType(type);
  if (isListType(t)) {
    if (Array.isArray(value)) value.forEach((v, i) => check(v, t.ofType, `${path}[${i}]`, fieldName));
    return;
  }
  if (isInputObjectType(t)) {
    const fields = t.getFields();
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      if (fields[name]) check(v, fields[name].type, `${path}.${name}`, name);
    }
    return;
  }
  if (isScalarType(t) && typeof value === "string") {
    const problem = textProblem(value, MULTILINE_FIELD_NAMES.has(fieldName));
    if (problem) throw refuse(path, describeTextProblem(problem));
  }
}

/**
 * Input hygiene at the edge, once (issue "hold under load"): every text argument of every field, in
 * queries and mutations alike, is checked before any resolver runs, so nothing refused reaches SQL,
 * a certificate, an e-mail or a page. A refusal is a top-level BAD_USER_INPUT naming the field.
 */
export const textInputGuard: MiddlewareFn = ({ args, info }, next) => {
  if (args && Object.keys(args).length > 0) {
    const field = info.parentType.getFields()[info.fieldName];
    for (const arg of field?.args ?? []) check(args[arg.name], arg.type, arg.name, arg.name);
  }
  return next();
};
