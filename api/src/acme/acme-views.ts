/** ACME-8: the JSON resources of RFC 8555 §7.1 as the server sends them. */
import type { AcmeAccount } from "./acme-account.entity";
import type { AcmeAuthorization, ChallengeType } from "./acme-authorization.entity";
import type { AcmeOrder } from "./acme-order.entity";
import type { AcmeUrls } from "./acme-urls";

export function accountView(urls: AcmeUrls, a: AcmeAccount, eabKeyId?: string): Record<string, unknown> {
  const view: Record<string, unknown> = {
    status: a.status,
    contact: a.contact,
    termsOfServiceAgreed: true,
    orders: urls.accountOrders(a.id),
    key: a.jwk,
  };
  if (eabKeyId) view.externalAccountBinding = { kid: eabKeyId };
  return view;
}

export function orderView(urls: AcmeUrls, o: AcmeOrder, authzs: AcmeAuthorization[]): Record<string, unknown> {
  const byName = new Map(authzs.map((a) => [a.orderedName, a]));
  const view: Record<string, unknown> = {
    status: o.status,
    expires: o.expiresAt.toISOString(),
    identifiers: o.names.map((value) => ({ type: "dns", value })),
    authorizations: o.names
      .map((n) => byName.get(n))
      .filter((a): a is AcmeAuthorization => a !== undefined)
      .map((a) => urls.authz(a.id)),
    finalize: urls.finalize(o.id),
  };
  if (o.certificateId) view.certificate = urls.certificate(o.certificateId);
  if (o.error) view.error = o.error;
  if (o.replacesCertificateId) view.replaces = o.replacesCertificateId;
  return view;
}

export function challengeTypes(a: AcmeAuthorization): ChallengeType[] {
  return a.wildcard ? ["dns-01"] : ["http-01", "dns-01"];
}

export function tokenOf(a: AcmeAuthorization, type: ChallengeType): string {
  return type === "http-01" ? (a.httpToken ?? "") : a.dnsToken;
}

export function challengeView(urls: AcmeUrls, a: AcmeAuthorization, type: ChallengeType): Record<string, unknown> {
  const chosen = a.challengeType === type;
  const view: Record<string, unknown> = {
    type,
    url: urls.challenge(a.id, type),
    status: chosen ? a.challengeStatus : "pending",
    token: tokenOf(a, type),
  };
  if (chosen && a.validatedAt) view.validated = a.validatedAt.toISOString();
  if (chosen && a.error) view.error = a.error;
  return view;
}

export function authzView(urls: AcmeUrls, a: AcmeAuthorization): Record<string, unknown> {
  const view: Record<string, unknown> = {
    identifier: { type: "dns", value: a.name },
    status: a.status,
    expires: a.expiresAt.toISOString(),
    challenges: challengeTypes(a).map((t) => challengeView(urls, a, t)),
  };
  if (a.wildcard) view.wildcard = true;
  return view;
}

/** RFC 8555 §8.1: token "." thumbprint; §8.4: its digest for dns-01. */
export function keyAuthorization(token: string, thumbprint: string): string {
  return `${token}.${thumbprint}`;
}
