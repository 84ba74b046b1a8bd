/**
 * ACME-3, RFC 8555 §7.3: newAccount with a required External Account Binding, account update and
 * deactivation, key roll-over (§7.3.5), and the account's order list.
 */
import { type JsonWebKey, type KeyObject, createPublicKey } from "node:crypto";
import { EntityManager } from "typeorm";
import { snapshot } from "../audit";
import { isEmailAddress } from "../domain/email";
import { toGlobalId } from "../ids";
import { EventType } from "../events";
import { AcmeAccount, AcmeAccountStatus } from "./acme-account.entity";
import type { AcmeCore, AcmeRequest } from "./acme-core";
import { AcmeOrder } from "./acme-order.entity";
import { accountView } from "./acme-views";
import { AcmeEabCredential } from "./eab-credential.entity";
import { importPublicJwk, jwkThumbprint, parseEab, parseJws, publicJwk, verifyEabMac, verifyJws } from "./jws";
import { AcmeProblem } from "./problems";
import type { AcmeResponse } from "./acme-response";

const MAX_CONTACTS = 10;

/** RFC 8555 §7.3: contacts are mailto: URLs with one valid address each (Pebble's rules). */
function checkContacts(contact: unknown): string[] {
  if (contact === undefined) return [];
  if (!Array.isArray(contact) || contact.length > MAX_CONTACTS)
    throw new AcmeProblem("malformed", `contact must be a list of at most ${MAX_CONTACTS} URLs`);
  return contact.map((c) => {
    if (typeof c !== "string") throw new AcmeProblem("malformed", "each contact must be a string");
    if (!c.startsWith("mailto:"))
      throw new AcmeProblem("unsupportedContact", `only mailto: contacts are supported (got "${c.split(":")[0]}:")`);
    const address = c.slice("mailto:".length);
    if (address.includes(",") || address.includes("?") || !isEmailAddress(address))
      throw new AcmeProblem("invalidContact", `"${c}" is not one valid e-mail address`);
    return c;
  });
}

export class AcmeAccounts {
  constructor(private readonly core: AcmeCore) {}

  /**
   * POST /acme/new-account (signed with jwk).
   * @rule ACME-3
   */
  async newAccount(r: AcmeRequest): Promise<AcmeResponse> {
    const body = this.core.payload(r);
    const thumbprint = jwkThumbprint(r.key);
    const existing = await this.core.ds.getRepository(AcmeAccount).findOneBy({ jwkThumbprint: thumbprint });
    if (existing) return this.existing(r, existing);
    if (body.onlyReturnExisting === true)
      throw new AcmeProblem("accountDoesNotExist", "no account exists with this key");
    if (body.termsOfServiceAgreed !== true) {
      throw new AcmeProblem("userActionRequired", "the terms of service must be agreed (termsOfServiceAgreed)", {
        headers: { Link: `<${this.core.urls.terms()}>;rel="terms-of-service"` },
      });
    }
    // ACME-3: newAccount without a valid, unused binding is refused.
    if (body.externalAccountBinding === undefined) {
      throw new AcmeProblem(
        "externalAccountRequired",
        "this server requires externalAccountBinding (ask your reseller for the EAB key id and HMAC key)",
      );
    }
    const eab = parseEab(body.externalAccountBinding, r.url);
    const contact = checkContacts(body.contact);
    let bound: KeyObject;
    try {
      bound = createPublicKey({ key: JSON.parse(eab.parsed.payload.toString("utf8")) as JsonWebKey, format: "jwk" });
    } catch {
      throw new AcmeProblem("malformed", "the externalAccountBinding payload is not a JWK");
    }
    if (jwkThumbprint(bound) !== thumbprint)
      throw new AcmeProblem("badPublicKey", "externalAccountBinding payload key does not match the account key");
    if (!verifyEabMac(eab, this.core.secrets.eabHmacKey(eab.keyId)))
      throw new AcmeProblem("unauthorized", "externalAccountBinding MAC verification failed");
    return this.core.transaction(r, (tx) => this.create(tx, r, eab.keyId, thumbprint, contact));
  }

  private async existing(r: AcmeRequest, a: AcmeAccount): Promise<AcmeResponse> {
    if (a.status !== AcmeAccountStatus.VALID)
      throw new AcmeProblem("unauthorized", `an account with this key exists but is ${a.status}`);
    await this.core.transaction(r, async () => undefined);
    return { status: 200, body: accountView(this.core.urls, a), headers: { Location: this.core.urls.account(a.id) } };
  }

  private async create(
    tx: EntityManager,
    r: AcmeRequest,
    keyId: string,
    thumbprint: string,
    contact: string[],
  ): Promise<AcmeResponse> {
    const now = this.core.clock.now();
    const cred = await tx.findOne(AcmeEabCredential, { where: { keyId }, lock: { mode: "pessimistic_write" } });
    if (!cred) throw new AcmeProblem("unauthorized", "externalAccountBinding names an unknown key id");
    if (cred.revokedAt) throw new AcmeProblem("unauthorized", "the EAB credential was revoked");
    if (cred.usedAt) throw new AcmeProblem("unauthorized", "the EAB credential was already used for another account");
    if (cred.expiresAt <= now) throw new AcmeProblem("unauthorized", "the EAB credential has expired");
    const account = await tx.save(
      tx.create(AcmeAccount, {
        resellerId: cred.resellerId,
        subscriberId: cred.subscriberId,
        eabCredentialId: cred.id,
        jwk: publicJwk(r.key),
        jwkThumbprint: thumbprint,
        contact,
        status: AcmeAccountStatus.VALID,
        termsAgreedAt: now,
        createdAt: now,
        deactivatedAt: null,
      }),
    );
    await tx.update(AcmeEabCredential, { id: cred.id }, { usedAt: now, accountId: account.id });
    const actor = this.core.actor({ ...r, account });
    await this.core.audit.record(tx, actor, {
      action: "acme.account.create",
      entityType: "AcmeAccount",
      entityId: account.nodeId,
      resellerId: account.resellerId,
      after: snapshot(account, ["jwk"]),
    });
    await this.core.events.emit(tx, {
      type: EventType.ACME_ACCOUNT_CREATED,
      resellerId: account.resellerId,
      subjectType: "AcmeAccount",
      subjectId: account.nodeId,
      data: { eabKeyId: keyId, subscriberId: toGlobalId("Subscriber", account.subscriberId) },
    });
    return {
      status: 201,
      body: accountView(this.core.urls, account, keyId),
      headers: { Location: this.core.urls.account(account.id) },
    };
  }

  /** POST /acme/acct/:id — read (POST-as-GET), update contact, or deactivate (RFC 8555 §7.3.2, §7.3.6). */
  async update(r: AcmeRequest, id: string): Promise<AcmeResponse> {
    const account = this.core.requireAccount(r);
    if (account.id !== id) throw new AcmeProblem("unauthorized", "the kid does not match the account URL");
    const body = r.postAsGet ? {} : this.core.payload(r);
    const contact = body.contact !== undefined ? checkContacts(body.contact) : null;
    if (body.status !== undefined && body.status !== "deactivated")
      throw new AcmeProblem("malformed", "status can only be changed to deactivated");
    return this.core.transaction(r, async (tx) => {
      const a = await tx.findOneOrFail(AcmeAccount, { where: { id }, lock: { mode: "pessimistic_write" } });
      if (a.status !== AcmeAccountStatus.VALID) throw new AcmeProblem("unauthorized", `the account is ${a.status}`);
      if (contact === null && body.status === undefined) return { status: 200, body: accountView(this.core.urls, a) };
      const before = snapshot(a, ["jwk"]);
      if (contact !== null) a.contact = contact;
      if (body.status === "deactivated") {
        a.status = AcmeAccountStatus.DEACTIVATED;
        a.deactivatedAt = this.core.clock.now();
      }
      await tx.save(a);
      const action = body.status === "deactivated" ? "acme.account.deactivate" : "acme.account.update";
      await this.core.audit.record(tx, this.core.actor(r), {
        action,
        entityType: "AcmeAccount",
        entityId: a.nodeId,
        resellerId: a.resellerId,
        before,
        after: snapshot(a, ["jwk"]),
      });
      return { status: 200, body: accountView(this.core.urls, a) };
    });
  }

  /** POST /acme/key-change (RFC 8555 §7.3.5): inner JWS by the new key, outer by the account. */
  async keyChange(r: AcmeRequest): Promise<AcmeResponse> {
    const account = this.core.requireAccount(r);
    const inner = parseJws(this.core.payload(r));
    if (!("jwk" in inner.header) || "kid" in inner.header)
      throw new AcmeProblem("malformed", "the inner JWS must carry the new key as jwk");
    if ("nonce" in inner.header) throw new AcmeProblem("malformed", "the inner JWS must not carry a nonce");
    if (inner.header.url !== r.url) throw new AcmeProblem("malformed", "the inner JWS url differs from the outer one");
    const newKey = importPublicJwk(inner.header.jwk);
    verifyJws(inner, newKey);
    let change: { account?: unknown; oldKey?: unknown };
    try {
      change = JSON.parse(inner.payload.toString("utf8")) as typeof change;
    } catch {
      throw new AcmeProblem("malformed", "the inner JWS payload is not JSON");
    }
    if (change.account !== this.core.urls.account(account.id))
      throw new AcmeProblem("malformed", "the inner payload names another account");
    if (jwkThumbprint(importPublicJwk(change.oldKey)) !== account.jwkThumbprint)
      throw new AcmeProblem("malformed", "oldKey is not the account's current key");
    const thumbprint = jwkThumbprint(newKey);
    return this.core.transaction(r, async (tx) => {
      const other = await tx.findOneBy(AcmeAccount, { jwkThumbprint: thumbprint });
      if (other)
        return {
          status: 409,
          body: {
            type: "urn:ietf:params:acme:error:malformed",
            detail: "the new key is already in use by an account",
            status: 409,
          },
          problem: true,
          headers: { Location: this.core.urls.account(other.id) },
        };
      const a = await tx.findOneOrFail(AcmeAccount, { where: { id: account.id }, lock: { mode: "pessimistic_write" } });
      const before = { jwkThumbprint: a.jwkThumbprint };
      a.jwk = publicJwk(newKey);
      a.jwkThumbprint = thumbprint;
      await tx.save(a);
      await this.core.audit.record(tx, this.core.actor(r), {
        action: "acme.account.keyChange",
        entityType: "AcmeAccount",
        entityId: a.nodeId,
        resellerId: a.resellerId,
        before,
        after: { jwkThumbprint: thumbprint },
      });
      return { status: 200, body: accountView(this.core.urls, a) };
    });
  }

  /** POST-as-GET /acme/acct/:id/orders (RFC 8555 §7.1.2.1): the account's orders, newest first. */
  async orders(r: AcmeRequest, id: string): Promise<AcmeResponse> {
    const account = this.core.requireAccount(r);
    if (account.id !== id) throw new AcmeProblem("unauthorized", "these are another account's orders");
    if (!r.postAsGet) throw new AcmeProblem("malformed", "the orders list is read with POST-as-GET");
    return this.core.transaction(r, async (tx) => {
      const rows = await tx.find(AcmeOrder, {
        where: { accountId: id },
        order: { createdAt: "DESC" },
        take: 1000,
        select: { id: true },
      });
      return { status: 200, body: { orders: rows.map((o) => this.core.urls.order(o.id)) } };
    });
  }
}
