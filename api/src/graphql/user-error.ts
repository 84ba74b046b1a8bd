import { Field, ObjectType, registerEnumType } from "type-graphql";
import { RefusalCode, RefusalError } from "../refusal";

registerEnumType(RefusalCode, {
  name: "UserErrorCode",
  description: "Why a mutation was refused. Clients match on the code; messages are for people.",
});

@ObjectType({ description: "A business refusal of a mutation: nothing was changed." })
export class UserError {
  @Field(() => RefusalCode, {
    description: "Machine-readable reason for the refusal; match on this, not on the message.",
  })
  code!: RefusalCode;

  @Field(() => String, { nullable: true, description: "Path of the input field at fault, e.g. `input.names[1]`." })
  field!: string | null;

  @Field({ description: "What went wrong, in English." })
  message!: string;

  @Field({ description: "What went wrong, in Japanese (every code has one)." })
  messageJa!: string;
}

/**
 * Runs a mutation's service call. A RefusalError becomes `userErrors` (its transaction has already
 * rolled back); anything else stays a top-level error.
 */
export async function mutate<T, P extends { userErrors: UserError[] }>(
  work: () => Promise<T>,
  payload: (result: T | null) => Omit<P, "userErrors">,
): Promise<P> {
  try {
    const result = await work();
    return { ...payload(result), userErrors: [] } as unknown as P;
  } catch (e) {
    if (e instanceof RefusalError) {
      return {
        ...payload(null),
        userErrors: [{ code: e.code, field: e.field, message: e.message, messageJa: e.messageJa }],
      } as unknown as P;
    }
    throw e;
  }
}
