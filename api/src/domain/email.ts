/**
 * The one syntax check for e-mail addresses given to Akashi (contacts, resellers, reporters): a local
 * part, one "@", a domain with a dot, no spaces, at most 254 characters. Deliverability is SMTP's business.
 */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value);
}
