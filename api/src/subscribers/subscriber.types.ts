import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Connection } from "../graphql/relay";
import { UserError } from "../graphql/user-error";
import { ContactRole } from "./subscriber-contact.entity";
import { Language, Subscriber, SubscriberKind } from "./subscriber.entity";

@ObjectType({ description: "A page of subscribers." })
export class SubscriberConnection extends Connection(Subscriber) {}

@InputType({ description: "A contact person." })
export class ContactInput {
  @Field(() => ContactRole, { description: "What the contact is for; a NOTICE contact receives notices (NOT-1)." })
  role!: ContactRole;
  @Field({ description: "Full name of the contact person." })
  name!: string;
  @Field({ description: "E-mail address of the contact person." })
  email!: string;
  @Field(() => String, { nullable: true, description: "Telephone number." })
  phone?: string | null;
}

@InputType({ description: "A new subscriber, managed by the calling reseller." })
export class CreateSubscriberInput {
  @Field(() => SubscriberKind, { description: "ORGANIZATION or INDIVIDUAL." })
  kind!: SubscriberKind;
  @Field({
    description: "Legal name (organisation) or full name (individual), as it will appear in OV/EV certificates.",
  })
  name!: string;
  @Field(() => String, { nullable: true, description: "Name in Latin letters, if different." })
  nameEn?: string | null;
  @Field({ description: "ISO 3166-1 alpha-2, e.g. JP." })
  country!: string;
  @Field(() => String, { nullable: true, description: "Prefecture or state." })
  stateOrProvince?: string | null;
  @Field(() => String, { nullable: true, description: "City, ward, town or village." })
  locality?: string | null;
  @Field(() => String, { nullable: true, description: "Street address below the locality." })
  address?: string | null;
  @Field(() => String, { nullable: true, description: "Name of the organisation's representative." })
  representativeName?: string | null;
  @Field(() => Language, { nullable: true, description: "Language of notices; default ja." })
  preferredLanguage?: Language | null;
  @Field(() => [ContactInput], {
    defaultValue: [],
    description: "Contact persons; a NOTICE contact receives notices sent directly to the subscriber (J 4.5).",
  })
  contacts!: ContactInput[];
}

@InputType({
  description:
    "Changes to a subscriber; omitted fields stay as they are. `contacts`, when given, replaces all contacts.",
})
export class UpdateSubscriberInput {
  @Field(() => ID, { description: "Global ID of the subscriber to change." })
  id!: string;
  @Field(() => String, { nullable: true, description: "New legal or full name (CON-6)." })
  name?: string;
  @Field(() => String, { nullable: true, description: "New name in Latin letters." })
  nameEn?: string | null;
  @Field(() => String, { nullable: true, description: "New ISO 3166-1 alpha-2 country code, e.g. JP." })
  country?: string;
  @Field(() => String, { nullable: true, description: "New prefecture or state." })
  stateOrProvince?: string | null;
  @Field(() => String, { nullable: true, description: "New city, ward, town or village." })
  locality?: string | null;
  @Field(() => String, { nullable: true, description: "New street address (CON-6)." })
  address?: string | null;
  @Field(() => String, { nullable: true, description: "New representative's name (CON-6)." })
  representativeName?: string | null;
  @Field(() => Language, { nullable: true, description: "New language for notices: `ja` or `en`." })
  preferredLanguage?: Language;
  @Field(() => [ContactInput], { nullable: true, description: "When given, replaces all contacts." })
  contacts?: ContactInput[];
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class SubscriberPayload {
  @Field(() => Subscriber, {
    nullable: true,
    description: "The subscriber as it now stands; null when the mutation was refused.",
  })
  subscriber!: Subscriber | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}
