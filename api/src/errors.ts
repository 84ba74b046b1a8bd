import { GraphQLError } from "graphql";

/**
 * Top-level GraphQL errors are for faults, authentication and limits only; business refusals are
 * `userErrors` in mutation payloads (see user-error.ts). Each carries `extensions.code`.
 */
export function unauthenticated(
  message = "The API key is missing, malformed, unknown, expired or revoked.",
): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

export function forbidden(message = "This operation needs an operator or reseller API key."): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "FORBIDDEN" } });
}

export function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

export function limitExceeded(
  code: "DEPTH_LIMIT_EXCEEDED" | "ALIAS_LIMIT_EXCEEDED" | "COST_LIMIT_EXCEEDED" | "INTROSPECTION_DISABLED",
  message: string,
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}
