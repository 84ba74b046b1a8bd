import { Field, ObjectType } from "type-graphql";
import { Certificate } from "../certificates";
import { UserError } from "../graphql/user-error";
import { Revocation } from "./revocation.entity";

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class RevocationPayload {
  @Field(() => Certificate, {
    nullable: true,
    description: "The certificate as it now stands; null when the mutation was refused.",
  })
  certificate!: Certificate | null;
  @Field(() => Revocation, {
    nullable: true,
    description: "The revocation executed or scheduled; null when refused or already revoked.",
  })
  revocation!: Revocation | null;
  @Field({ description: "The certificate was already revoked; nothing changed (REV-7)." })
  alreadyRevoked!: boolean;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}
