/**
 * APP-9: the names and tokens a domain-control check works with. Everything here is pure and is
 * applied before any network I/O, so nothing odd ever reaches a URL, a Host header or a DNS query.
 */
import { randomBytes } from "node:crypto";
import { specialUseSuffixOf } from "../domain/hostnames";

/** Shortest token accepted: 22 base64url characters = 132 bits (BR Random Value: ≥ 112 bits). */
const MIN_TOKEN_LENGTH = 22;
const DNS_TXT_LABEL = "_pki-validation";
/** RFC 8555 §8.4: the dns-01 record lives at `_acme-challenge.<name>`. */
const ACME_DNS_LABEL = "_acme-challenge";
const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A fresh validation token: 32 random bytes, base64url (43 characters). */
export function newDcvToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Lower case, trailing dot dropped. */
export function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

export function stripWildcard(name: string): string {
  return name.startsWith("*.") ? name.slice(2) : name;
}

/** The reserved suffix `name` (normalised) ends in, or null. */
export const reservedSuffixOf = specialUseSuffixOf;

/** `http://<name>/.well-known/pki-validation/<token>.txt` (name lower-cased, trailing dot dropped). */
export function httpFileUrl(name: string, token: string): string {
  return `http://${canonicalName(name)}/.well-known/pki-validation/${token}.txt`;
}

/** RFC 8555 §8.3: `http://<name>/.well-known/acme-challenge/<token>`. */
export function acmeHttpUrl(name: string, token: string): string {
  return `http://${canonicalName(name)}/.well-known/acme-challenge/${token}`;
}

/** `_pki-validation.<name>` with a leading "*." dropped (name lower-cased, trailing dot dropped). */
export function dnsTxtName(name: string): string {
  return `${DNS_TXT_LABEL}.${stripWildcard(canonicalName(name))}`;
}

/** RFC 8555 §8.4: `_acme-challenge.<name>`; a wildcard is validated at its base name. */
export function acmeDnsName(name: string): string {
  return `${ACME_DNS_LABEL}.${stripWildcard(canonicalName(name))}`;
}

/** Why a token is not acceptable, or null. */
export function tokenProblem(token: string): string | null {
  if (!TOKEN_PATTERN.test(token)) return "the token must be base64url (A-Z a-z 0-9 - _)";
  if (token.length < MIN_TOKEN_LENGTH)
    return `the token must be at least ${MIN_TOKEN_LENGTH} characters (112 bits of entropy)`;
  return null;
}
