import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot, unchanged } from "../audit";
import { canSeeResellerData, requireAuthenticated, requireReseller } from "../auth";
import { inTransaction } from "../db/transaction";
import { Clock } from "../domain/clock";
import { isEmailAddress } from "../domain/email";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { ContactRole, SubscriberContact } from "./subscriber-contact.entity";
import { Language, Subscriber, SubscriberKind } from "./subscriber.entity";
import { REGISTERED_FIELDS, SubscriberChangeService, registeredChanges } from "./subscriber-change.service";

export interface ContactInput {
  role: ContactRole;
  name: string;
  email: string;
  phone?: string | null;
}

export interface SubscriberFields {
  kind: SubscriberKind;
  name: string;
  nameEn?: string | null;
  country: string;
  stateOrProvince?: string | null;
  locality?: string | null;
  address?: string | null;
  representativeName?: string | null;
  preferredLanguage?: Language | null;
  contacts: ContactInput[];
}

const MAX_CONTACTS = 10;

/** Checks a subscriber's data before anything is written; each problem names its input field. */
function validate(input: Partial<SubscriberFields>, field: (name: string) => string): void {
  const text = (name: keyof SubscriberFields, v: string | null | undefined, max: number, required = false) => {
    if (v === undefined || v === null) {
      if (required) throw refusal(RefusalCode.INVALID_INPUT, `${name} is required.`, field(name));
      return;
    }
    if (v.trim().length === 0 || v.length > max)
      throw refusal(RefusalCode.INVALID_INPUT, `${name} must be 1 to ${max} characters.`, field(name));
  };
  text("name", input.name, 200);
  text("nameEn", input.nameEn, 200);
  text("stateOrProvince", input.stateOrProvince, 100);
  text("locality", input.locality, 100);
  text("address", input.address, 500);
  text("representativeName", input.representativeName, 200);
  if (input.country !== undefined && !/^[A-Z]{2}$/.test(input.country)) {
    throw refusal(
      RefusalCode.INVALID_INPUT,
      "country must be an ISO 3166-1 alpha-2 code in upper case, e.g. JP.",
      field("country"),
    );
  }
  if (input.contacts !== undefined) {
    if (input.contacts.length > MAX_CONTACTS)
      throw refusal(RefusalCode.INVALID_INPUT, `At most ${MAX_CONTACTS} contacts.`, field("contacts"));
    input.contacts.forEach((c, i) => {
      if (c.name.trim().length === 0 || c.name.length > 200)
        throw refusal(
          RefusalCode.INVALID_INPUT,
          "Contact name must be 1 to 200 characters.",
          field(`contacts[${i}].name`),
        );
      if (!isEmailAddress(c.email))
        throw refusal(RefusalCode.INVALID_INPUT, "Contact e-mail address is not valid.", field(`contacts[${i}].email`));
      if (c.phone != null && !/^\+?[0-9 ()-]{6,20}$/.test(c.phone))
        throw refusal(RefusalCode.INVALID_INPUT, "Contact phone number is not valid.", field(`contacts[${i}].phone`));
    });
  }
}

/** Subscribers belong to one managing reseller; RES-3 keeps every other reseller out. */
export class SubscriberService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly changes: SubscriberChangeService,
  ) {}

  /** The subscriber if the caller may see it, else null (never "exists but forbidden"). */
  async get(scope: RequestScope, id: string): Promise<Subscriber | null> {
    const s = await scope.loaders.byId(Subscriber).load(id);
    return s && canSeeResellerData(scope.caller, s.resellerId) ? s : null;
  }

  async list(scope: RequestScope, args: PageRequest, resellerId?: string): Promise<ConnectionShape<Subscriber>> {
    requireAuthenticated(scope.caller);
    const qb = this.ds.getRepository(Subscriber).createQueryBuilder("s");
    if (scope.caller.kind === "RESELLER") qb.where("s.reseller_id = :own", { own: scope.caller.resellerId });
    if (resellerId !== undefined) qb.andWhere("s.reseller_id = :rid", { rid: resellerId });
    return paginate(qb, args);
  }

  async contacts(scope: RequestScope, subscriber: Subscriber): Promise<SubscriberContact[]> {
    return scope.loaders.manyBy(SubscriberContact, "subscriberId", { position: "ASC" }).load(subscriber.id);
  }

  async create(scope: RequestScope, input: SubscriberFields): Promise<Subscriber> {
    const resellerId = requireReseller(scope.caller);
    validate(input, (f) => `input.${f}`);
    return inTransaction(this.ds, async (tx) => {
      const now = this.clock.now();
      const subscriber = await tx.save(
        tx.create(Subscriber, {
          resellerId,
          kind: input.kind,
          name: input.name.trim(),
          nameEn: input.nameEn ?? null,
          country: input.country,
          stateOrProvince: input.stateOrProvince ?? null,
          locality: input.locality ?? null,
          address: input.address ?? null,
          representativeName: input.representativeName ?? null,
          preferredLanguage: input.preferredLanguage ?? Language.JA,
          verifiedAt: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      const contacts = await this.replaceContacts(tx, subscriber.id, input.contacts);
      await this.audit.record(tx, scope, {
        action: "subscriber.create",
        entityType: "Subscriber",
        entityId: toGlobalId("Subscriber", subscriber.id),
        resellerId,
        after: { ...snapshot(subscriber), contacts: contacts.map((c) => snapshot(c)) },
      });
      return subscriber;
    });
  }

  async update(
    scope: RequestScope,
    id: string | null,
    changes: { [K in keyof SubscriberFields]?: SubscriberFields[K] | null },
  ): Promise<Subscriber> {
    requireReseller(scope.caller);
    for (const f of ["kind", "name", "country", "preferredLanguage", "contacts"] as const) {
      if (changes[f] === null) throw refusal(RefusalCode.INVALID_INPUT, `${f} cannot be removed.`, `input.${f}`);
    }
    validate(changes as Partial<SubscriberFields>, (f) => `input.${f}`);
    const result = await inTransaction(this.ds, async (tx) => {
      const current =
        id === null ? null : await tx.findOne(Subscriber, { where: { id }, lock: { mode: "pessimistic_write" } });
      if (!current || !canSeeResellerData(scope.caller, current.resellerId)) {
        throw refusal(RefusalCode.NOT_FOUND, "No such subscriber.", "input.id");
      }
      const existingContacts = await tx.find(SubscriberContact, {
        where: { subscriberId: current.id },
        order: { position: "ASC" },
      });
      const before = { ...snapshot(current), contacts: existingContacts.map((c) => snapshot(c)) };
      const { contacts, ...asked } = changes;
      // CON-6: once verified, name, address and representative change only when the operator confirms.
      const pending = registeredChanges(current, asked);
      const registered = REGISTERED_FIELDS as readonly string[];
      const fields = pending
        ? Object.fromEntries(Object.entries(asked).filter(([k]) => !registered.includes(k)))
        : asked;
      if (pending && Object.keys(pending).length > 0) await this.changes.request(tx, scope, current, pending);
      for (const [k, v] of Object.entries(fields))
        if (v !== undefined) (current as unknown as Record<string, unknown>)[k] = typeof v === "string" ? v.trim() : v;
      // Nothing to change (a retry, or the values it already has): nothing is written or recorded.
      const contactsSame = contacts == null || sameContacts(existingContacts, contacts);
      if (contactsSame && unchanged({ ...before, contacts: [] }, { ...snapshot(current), contacts: [] }))
        return current;
      current.updatedAt = this.clock.now();
      const saved = await tx.save(current);
      const afterContacts =
        contacts != null && !contactsSame ? await this.replaceContacts(tx, current.id, contacts) : existingContacts;
      await this.audit.record(tx, scope, {
        action: "subscriber.update",
        entityType: "Subscriber",
        entityId: toGlobalId("Subscriber", current.id),
        resellerId: current.resellerId,
        before,
        after: { ...snapshot(saved), contacts: afterContacts.map((c) => snapshot(c)) },
      });
      return saved;
    });
    scope.loaders.clearAll();
    return result;
  }

  private async replaceContacts(
    tx: EntityManager,
    subscriberId: string,
    contacts: ContactInput[],
  ): Promise<SubscriberContact[]> {
    await tx.delete(SubscriberContact, { subscriberId });
    if (contacts.length === 0) return [];
    return tx.save(
      contacts.map((c, position) =>
        tx.create(SubscriberContact, {
          subscriberId,
          role: c.role,
          name: c.name.trim(),
          email: c.email,
          phone: c.phone ?? null,
          position,
        }),
      ),
    );
  }
}

function sameContacts(existing: SubscriberContact[], wanted: ContactInput[]): boolean {
  const norm = (c: { role: string; name: string; email: string; phone?: string | null }) => [
    c.role,
    c.name.trim(),
    c.email,
    c.phone ?? null,
  ];
  return JSON.stringify(existing.map(norm)) === JSON.stringify(wanted.map(norm));
}
