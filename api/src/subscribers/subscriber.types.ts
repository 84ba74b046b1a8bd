import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Connection } from "../graphql/relay";
import { UserError } from "../graphql/user-error";
import { ContactRole } from "./subscriber-contact.entity";
import { Language, Subscriber, SubscriberKind } from "./subscriber.entity";

@ObjectType({ description: "A page of subscribers." })
export class SubscriberConnection extends Connection(Subscriber) {}

@InputType({ description: "A contact person." })
export class ContactInput {
  @Field(() => ContactRole)
  role!: ContactRole;
  @Field()
  name!: string;
  @Field()
  email!: string;
  @Field(() => String, { nullable: true })
  phone?: string | null;
}

@InputType({ description: "A new subscriber, managed by the calling reseller." })
export class CreateSubscriberInput {
  @Field(() => SubscriberKind)
  kind!: SubscriberKind;
  @Field()
  name!: string;
  @Field(() => String, { nullable: true })
  nameEn?: string | null;
  @Field({ description: "ISO 3166-1 alpha-2, e.g. JP." })
  country!: string;
  @Field(() => String, { nullable: true })
  stateOrProvince?: string | null;
  @Field(() => String, { nullable: true })
  locality?: string | null;
  @Field(() => String, { nullable: true })
  address?: string | null;
  @Field(() => String, { nullable: true })
  representativeName?: string | null;
  @Field(() => Language, { nullable: true, description: "Language of notices; default ja." })
  preferredLanguage?: Language | null;
  @Field(() => [ContactInput], { defaultValue: [] })
  contacts!: ContactInput[];
}

@InputType({ description: "Changes to a subscriber; omitted fields stay as they are. `contacts`, when given, replaces all contacts." })
export class UpdateSubscriberInput {
  @Field(() => ID)
  id!: string;
  @Field(() => String, { nullable: true })
  name?: string;
  @Field(() => String, { nullable: true })
  nameEn?: string | null;
  @Field(() => String, { nullable: true })
  country?: string;
  @Field(() => String, { nullable: true })
  stateOrProvince?: string | null;
  @Field(() => String, { nullable: true })
  locality?: string | null;
  @Field(() => String, { nullable: true })
  address?: string | null;
  @Field(() => String, { nullable: true })
  representativeName?: string | null;
  @Field(() => Language, { nullable: true })
  preferredLanguage?: Language;
  @Field(() => [ContactInput], { nullable: true })
  contacts?: ContactInput[];
}

@ObjectType()
export class SubscriberPayload {
  @Field(() => Subscriber, { nullable: true })
  subscriber!: Subscriber | null;
  @Field(() => [UserError])
  userErrors!: UserError[];
}
