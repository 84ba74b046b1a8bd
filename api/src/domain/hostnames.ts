/**
 * DNS names in certificates: normalisation and checks (APP-9/APP-10 inputs), and which names a
 * certificate covers (SEAL-2).
 *
 * Rules applied (Baseline Requirements 7.1.2.7.12 / RFC 5280 / RFC 5890):
 * - ASCII only: names are stored in A-label form (xn--…). A U-label ("例え.jp") is refused with the
 *   A-label as a suggestion, so what the applicant sees is exactly what goes into the certificate.
 * - Lower-cased; surrounding whitespace and one trailing dot (absolute form) are dropped.
 * - Labels are LDH (a-z, 0-9, hyphen), 1..63 characters, no leading or trailing hyphen; the whole
 *   name at most 253 characters. Underscores are refused (BR forbids them in dNSName).
 * - A label with "--" in positions 3-4 must be a valid "xn--" A-label (node's url.domainToASCII
 *   must leave the name unchanged); other such reserved labels are refused.
 * - At least two labels, and the last label not all digits (no IP addresses or numeric TLDs).
 * - A wildcard is only the whole left-most label "*", followed by at least two labels. Decision:
 *   without a public-suffix list that is as far as the check goes ("*.co.jp" passes here).
 */
import { domainToASCII } from "node:url";
import { Result, ok, refuse } from "./errors";

export type HostnameErrorCode =
  | "HOSTNAME_EMPTY"
  | "HOSTNAME_TOO_LONG"
  | "HOSTNAME_NOT_A_LABEL"
  | "HOSTNAME_INVALID_CHARACTER"
  | "HOSTNAME_LABEL_EMPTY"
  | "HOSTNAME_LABEL_TOO_LONG"
  | "HOSTNAME_LABEL_HYPHEN"
  | "HOSTNAME_RESERVED_LABEL"
  | "HOSTNAME_INVALID_PUNYCODE"
  | "HOSTNAME_SINGLE_LABEL"
  | "HOSTNAME_IP_ADDRESS"
  | "HOSTNAME_WILDCARD_POSITION"
  | "HOSTNAME_WILDCARD_NOT_ALLOWED"
  | "HOSTNAME_WILDCARD_TOO_BROAD"
  | "HOSTNAME_DUPLICATE";

export const MAX_HOSTNAME_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;

export interface HostnameOptions {
  /** Whether the product allows a wildcard (APP-10). Default false. */
  readonly allowWildcard?: boolean;
}

type HostnameExtra = { readonly input: string; readonly suggestion?: string };

export type HostnameResult = Result<{ readonly name: string; readonly wildcard: boolean }, HostnameErrorCode, HostnameExtra>;

function fail(code: HostnameErrorCode, input: string, message: string, messageJa: string, suggestion?: string) {
  return refuse<HostnameErrorCode, HostnameExtra>(code, message, messageJa, suggestion ? { input, suggestion } : { input });
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
const LDH = /^[a-z0-9-]+$/;

/** Lower-case and drop surrounding whitespace and one trailing dot, nothing more. */
function canonical(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** Normalise and check one DNS name for a certificate. */
export function normalizeHostname(input: string, options: HostnameOptions = {}): HostnameResult {
  if (NON_ASCII.test(input)) {
    const ascii = domainToASCII(input.trim());
    return fail(
      "HOSTNAME_NOT_A_LABEL",
      input,
      `"${input}" contains non-ASCII characters; give internationalised names in A-label form${ascii ? ` (${canonical(ascii)})` : ""}.`,
      `「${input}」にはASCII以外の文字が含まれています。国際化ドメイン名はA-label形式${ascii ? `（${canonical(ascii)}）` : ""}で指定してください。`,
      ascii ? canonical(ascii) : undefined,
    );
  }
  const name = canonical(input);
  if (name === "") return fail("HOSTNAME_EMPTY", input, "The name is empty.", "ドメイン名が空です。");
  if (name.length > MAX_HOSTNAME_LENGTH) {
    return fail("HOSTNAME_TOO_LONG", input, `The name is longer than ${MAX_HOSTNAME_LENGTH} characters.`, `ドメイン名が${MAX_HOSTNAME_LENGTH}文字を超えています。`);
  }
  const labels = name.split(".");
  const wildcard = labels[0] === "*";
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === "") {
      return fail("HOSTNAME_LABEL_EMPTY", input, `"${input}" has an empty label.`, `「${input}」に空のラベルがあります。`);
    }
    if (label.includes("*")) {
      if (i === 0 && label === "*") continue;
      return fail(
        "HOSTNAME_WILDCARD_POSITION",
        input,
        `A wildcard may only be the whole left-most label ("*.example.jp").`,
        `ワイルドカードは左端のラベル全体（「*.example.jp」）にのみ使用できます。`,
      );
    }
    if (!LDH.test(label)) {
      return fail(
        "HOSTNAME_INVALID_CHARACTER",
        input,
        `"${label}" contains characters other than a-z, 0-9 and hyphen.`,
        `「${label}」に英小文字・数字・ハイフン以外の文字が含まれています。`,
      );
    }
    if (label.length > MAX_LABEL_LENGTH) {
      return fail("HOSTNAME_LABEL_TOO_LONG", input, `"${label}" is longer than ${MAX_LABEL_LENGTH} characters.`, `「${label}」が${MAX_LABEL_LENGTH}文字を超えています。`);
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return fail("HOSTNAME_LABEL_HYPHEN", input, `"${label}" starts or ends with a hyphen.`, `「${label}」がハイフンで始まるか終わっています。`);
    }
    if (label.slice(2, 4) === "--") {
      if (!label.startsWith("xn--")) {
        return fail("HOSTNAME_RESERVED_LABEL", input, `"${label}" is a reserved label (hyphens in positions 3 and 4).`, `「${label}」は予約されたラベル形式（3・4文字目がハイフン）です。`);
      }
      if (domainToASCII(label) !== label) {
        return fail("HOSTNAME_INVALID_PUNYCODE", input, `"${label}" is not a valid A-label.`, `「${label}」は正しいA-labelではありません。`);
      }
    }
  }
  const base = wildcard ? labels.slice(1) : labels;
  if (wildcard && !options.allowWildcard) {
    return fail("HOSTNAME_WILDCARD_NOT_ALLOWED", input, "This product does not allow wildcard names.", "この商品ではワイルドカードを使用できません。");
  }
  if (base.length < 2) {
    return wildcard
      ? fail("HOSTNAME_WILDCARD_TOO_BROAD", input, "A wildcard must be followed by at least two labels.", "ワイルドカードの後には2つ以上のラベルが必要です。")
      : fail("HOSTNAME_SINGLE_LABEL", input, "A name needs at least two labels.", "ドメイン名には2つ以上のラベルが必要です。");
  }
  if (/^[0-9]+$/.test(base[base.length - 1])) {
    return fail("HOSTNAME_IP_ADDRESS", input, "IP addresses and numeric top-level labels are not accepted.", "IPアドレスや数字のみのトップレベルラベルは使用できません。");
  }
  // The final say on A-label form: node's IDNA processing must leave the name as it is.
  const baseName = base.join(".");
  if (domainToASCII(baseName) !== baseName) {
    return fail("HOSTNAME_INVALID_PUNYCODE", input, `"${input}" is not in valid A-label form.`, `「${input}」は正しいA-label形式ではありません。`);
  }
  return ok({ name, wildcard });
}

export type HostnamesResult = Result<{ readonly names: readonly string[] }, HostnameErrorCode, HostnameExtra & { readonly index: number }>;

/** Normalise a list of names; stops at the first bad one (with its index). Duplicates are refused. */
export function normalizeHostnames(inputs: readonly string[], options: HostnameOptions = {}): HostnamesResult {
  const names: string[] = [];
  for (let index = 0; index < inputs.length; index++) {
    const r = normalizeHostname(inputs[index], options);
    if (!r.ok) return { ...r, index };
    if (names.includes(r.name)) {
      return { ...fail("HOSTNAME_DUPLICATE", inputs[index], `"${r.name}" is listed twice.`, `「${r.name}」が重複しています。`), index };
    }
    names.push(r.name);
  }
  if (names.length === 0) {
    return { ...fail("HOSTNAME_EMPTY", "", "At least one name is needed.", "ドメイン名を1つ以上指定してください。"), index: 0 };
  }
  return ok({ names });
}

/** APP-10 helper: the same set of names, ignoring order, case and a trailing dot. */
export function sameNameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a.map(canonical));
  const sb = new Set(b.map(canonical));
  return sa.size === sb.size && [...sa].every((n) => sb.has(n));
}

/**
 * SEAL-2: is `host` (a web server's name, e.g. from the embedding page's origin) one of the names
 * in the certificate? Exact match, or a wildcard "*.example.jp" matching exactly one extra label
 * ("www.example.jp", not "example.jp" nor "a.b.example.jp"). Case and a trailing dot are ignored;
 * a non-ASCII host is compared in its A-label form. A host that is itself a wildcard matches nothing.
 */
export function nameCovers(certNames: readonly string[], host: string): boolean {
  let h = canonical(host);
  if (NON_ASCII.test(h)) h = canonical(domainToASCII(h));
  if (h === "" || h.includes("*")) return false;
  for (const raw of certNames) {
    const name = canonical(raw);
    if (name === h) return true;
    if (name.startsWith("*.")) {
      const suffix = name.slice(1); // ".example.jp"
      if (h.endsWith(suffix)) {
        const first = h.slice(0, h.length - suffix.length);
        if (first.length > 0 && !first.includes(".")) return true;
      }
    }
  }
  return false;
}
