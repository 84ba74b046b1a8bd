import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../graphql/context";
import { TermsVersionInfo } from "../notices";

@Resolver(() => TermsVersionInfo)
export class TermsResolver {
  @Query(() => TermsVersionInfo, {
    nullable: true,
    description:
      "NOT-5, APP-1: the version of the terms in force now — the one an application's `consents.termsVersion` must " +
      "name. Public.",
  })
  termsInForce(@Ctx() ctx: Context): Promise<TermsVersionInfo | null> {
    return ctx.services.terms.inForce();
  }

  @Query(() => TermsVersionInfo, {
    nullable: true,
    description:
      "NOT-5: a published version of the terms by name (also one that takes effect later); null when unknown. Public.",
  })
  termsVersion(
    @Arg("version", { description: "Version name, e.g. `2026-04`." }) version: string,
    @Ctx() ctx: Context,
  ): Promise<TermsVersionInfo | null> {
    return ctx.services.terms.published(version);
  }

  @FieldResolver(() => String, {
    description: "NOT-5: where this service serves the document as published (`?lang=en` for English).",
  })
  documentUrl(@Root() t: TermsVersionInfo, @Ctx() ctx: Context): string {
    return ctx.services.terms.documentUrl(t.version);
  }
}
