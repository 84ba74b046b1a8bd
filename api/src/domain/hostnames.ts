/**
 * DNS names in certificates: normalisation and checks (APP-9/APP-10/APP-12 inputs), and which names a
 * certificate covers (SEAL-2).
 *
 * Rules applied (APP-12; Baseline Requirements 3.2.2.4, 4.2.2, 7.1.2.7.12; RFC 5280, 5890, 6761):
 * - Names are compared and stored as lower-case A-labels. A U-label input ("例え.jp") is converted by
 *   IDNA (UTS #46 non-transitional processing with the STD3, hyphen, joiner and bidi checks of IDNA 2008,
 *   via `tr46`); an input that cannot be converted is refused. Surrounding whitespace and one trailing dot
 *   are dropped.
 * - Labels are LDH (a-z, 0-9, hyphen), 1..63 octets, no leading or trailing hyphen; the whole name at most
 *   253 octets. Underscores are refused (BR forbids them in dNSName). "xn--" labels must be valid A-labels.
 * - A wildcard is only the whole left-most label "*".
 * - The name must be fully qualified under a public suffix of the ICANN section of the Public Suffix List
 *   (`tldts`), with a registrable domain below it: no single labels, no IP literals, no bare public
 *   suffixes ("co.jp", "*.co.jp"), and none of the reserved and special-use names of RFC 2606/6761/6762/
 *   7686/8375/9476 and ICANN's name-collision list (`.localhost`, `.local`, `.test`, `.invalid`,
 *   `.example`, `example.<suffix>`, `.onion`, `.internal`, `.home.arpa`, `.alt`, ...).
 */
import { parse as parsePublicSuffix } from "tldts";
import { toASCII as idnaToAscii } from "tr46";
import { Result, ok, refuse } from "./errors";

/**
 * Names that are not, and cannot become, public DNS names (APP-12): special-use TLDs, mDNS `.local`,
 * `.home.arpa` (and all of `.arpa`), `.onion`, `.alt`, and the internal TLDs ICANN will not delegate.
 * Only whole labels match: `test.jp` and `local.akashi-demo.jp` are normal names.
 */
const SPECIAL_USE_SUFFIXES: readonly string[] = [
  "localhost",
  "local",
  "localdomain",
  "test",
  "example",
  "invalid",
  "internal",
  "intranet",
  "lan",
  "home",
  "corp",
  "private",
  "arpa",
  "onion",
  "alt",
];

/** The special-use suffix `name` ends in, or null. */
export function specialUseSuffixOf(name: string): string | null {
  const n = canonical(name);
  return SPECIAL_USE_SUFFIXES.find((suffix) => n === suffix || n.endsWith(`.${suffix}`)) ?? null;
}

/** IDNA 2008 (UTS #46, non-transitional) to A-labels; null when the name is not a valid IDN. Node's own
 * url.domainToASCII is not used: its answer for malformed xn-- labels changed between Node 20 and 24. */
export function toALabels(name: string): string | null {
  return idnaToAscii(name, {
    checkBidi: true,
    checkHyphens: true,
    checkJoiners: true,
    useSTD3ASCIIRules: true,
    transitionalProcessing: false,
    verifyDNSLength: false,
  });
}

type HostnameErrorCode =
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
  | "HOSTNAME_DUPLICATE"
  | "HOSTNAME_INVALID_IDN"
  | "HOSTNAME_SPECIAL_USE"
  | "HOSTNAME_NOT_PUBLIC"
  | "HOSTNAME_PUBLIC_SUFFIX";

const MAX_HOSTNAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

export interface HostnameOptions {
  /** Whether the product allows a wildcard (APP-10). Default false. */
  readonly allowWildcard?: boolean;
}

type HostnameExtra = { readonly input: string; readonly suggestion?: string };

export type HostnameResult = Result<
  { readonly name: string; readonly wildcard: boolean },
  HostnameErrorCode,
  HostnameExtra
>;

function fail(code: HostnameErrorCode, input: string, message: string, messageJa: string, suggestion?: string) {
  return refuse<HostnameErrorCode, HostnameExtra>(
    code,
    message,
    messageJa,
    suggestion ? { input, suggestion } : { input },
  );
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
const LDH = /^[a-z0-9-]+$/;

/** Lower-case and drop surrounding whitespace and one trailing dot, nothing more. */
function canonical(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** A U-label input becomes its A-label form; ASCII input passes unchanged (lower-cased later). */
function asciiForm(input: string): { ascii: string } | { refused: HostnameResult } {
  if (!NON_ASCII.test(input)) return { ascii: input };
  const name = canonical(input);
  const wildcard = name.startsWith("*.");
  const converted = toALabels(wildcard ? name.slice(2) : name);
  if (converted === null || converted === "") {
    return {
      refused: fail(
        "HOSTNAME_INVALID_IDN",
        input,
        `"${input}" is not a valid internationalised domain name (IDNA 2008).`,
        `「${input}」は正しい国際化ドメイン名（IDNA 2008）ではありません。`,
      ),
    };
  }
  return { ascii: wildcard ? `*.${converted}` : converted };
}

/**
 * Normalise and check one DNS name for a certificate (APP-10, APP-12).
 * @rule APP-12
 */
export function normalizeHostname(input: string, options: HostnameOptions = {}): HostnameResult {
  const form = asciiForm(input);
  if ("refused" in form) return form.refused;
  const name = canonical(form.ascii);
  if (name === "") return fail("HOSTNAME_EMPTY", input, "The name is empty.", "ドメイン名が空です。");
  if (name.length > MAX_HOSTNAME_LENGTH) {
    return fail(
      "HOSTNAME_TOO_LONG",
      input,
      `The name is longer than ${MAX_HOSTNAME_LENGTH} characters.`,
      `ドメイン名が${MAX_HOSTNAME_LENGTH}文字を超えています。`,
    );
  }
  const labels = name.split(".");
  const wildcard = labels[0] === "*";
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === "") {
      return fail(
        "HOSTNAME_LABEL_EMPTY",
        input,
        `"${input}" has an empty label.`,
        `「${input}」に空のラベルがあります。`,
      );
    }
    if (label.includes("*")) {
      if (i === 0 && label === "*") continue;
      return fail(
        "HOSTNAME_WILDCARD_POSITION",
        input,
        `A wildcard may only be the whole left-most label ("*.akashi-demo.jp").`,
        `ワイルドカードは左端のラベル全体（「*.akashi-demo.jp」）にのみ使用できます。`,
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
      return fail(
        "HOSTNAME_LABEL_TOO_LONG",
        input,
        `"${label}" is longer than ${MAX_LABEL_LENGTH} characters.`,
        `「${label}」が${MAX_LABEL_LENGTH}文字を超えています。`,
      );
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return fail(
        "HOSTNAME_LABEL_HYPHEN",
        input,
        `"${label}" starts or ends with a hyphen.`,
        `「${label}」がハイフンで始まるか終わっています。`,
      );
    }
    if (label.slice(2, 4) === "--") {
      if (!label.startsWith("xn--")) {
        return fail(
          "HOSTNAME_RESERVED_LABEL",
          input,
          `"${label}" is a reserved label (hyphens in positions 3 and 4).`,
          `「${label}」は予約されたラベル形式（3・4文字目がハイフン）です。`,
        );
      }
      if (toALabels(label) !== label) {
        return fail(
          "HOSTNAME_INVALID_PUNYCODE",
          input,
          `"${label}" is not a valid A-label.`,
          `「${label}」は正しいA-labelではありません。`,
        );
      }
    }
  }
  const base = wildcard ? labels.slice(1) : labels;
  if (wildcard && !options.allowWildcard) {
    return fail(
      "HOSTNAME_WILDCARD_NOT_ALLOWED",
      input,
      "This product does not allow wildcard names.",
      "この商品ではワイルドカードを使用できません。",
    );
  }
  if (base.length < 2) {
    return wildcard
      ? fail(
          "HOSTNAME_WILDCARD_TOO_BROAD",
          input,
          "A wildcard must be followed by at least two labels.",
          "ワイルドカードの後には2つ以上のラベルが必要です。",
        )
      : fail(
          "HOSTNAME_SINGLE_LABEL",
          input,
          "A name needs at least two labels.",
          "ドメイン名には2つ以上のラベルが必要です。",
        );
  }
  if (/^[0-9]+$/.test(base[base.length - 1])) {
    return fail(
      "HOSTNAME_IP_ADDRESS",
      input,
      "IP addresses and numeric top-level labels are not accepted.",
      "IPアドレスや数字のみのトップレベルラベルは使用できません。",
    );
  }
  // The final say on A-label form: IDNA processing must leave the name as it is.
  const baseName = base.join(".");
  if (toALabels(baseName) !== baseName) {
    return fail(
      "HOSTNAME_INVALID_PUNYCODE",
      input,
      `"${input}" is not in valid A-label form.`,
      `「${input}」は正しいA-label形式ではありません。`,
    );
  }
  const publicProblem = notPublic(input, baseName, wildcard);
  return publicProblem ?? ok({ name, wildcard });
}

/** APP-12: under an ICANN public suffix, with a registrable domain, and not reserved or special-use. */
function notPublic(input: string, baseName: string, wildcard: boolean): HostnameResult | null {
  const special = specialUseSuffixOf(baseName);
  const psl = parsePublicSuffix(baseName, { allowPrivateDomains: false });
  if (special !== null || psl.domainWithoutSuffix === "example") {
    const what = special ?? `example.${psl.publicSuffix}`;
    return fail(
      "HOSTNAME_SPECIAL_USE",
      input,
      `"${input}" is under "${what}", a reserved or special-use name that cannot be certified.`,
      `「${input}」は予約済み・特殊用途の名前（${what}）のため、証明書に記載できません。`,
    );
  }
  if (!psl.isIcann || !psl.publicSuffix) {
    return fail(
      "HOSTNAME_NOT_PUBLIC",
      input,
      `"${input}" is not under a public suffix of the ICANN section of the Public Suffix List.`,
      `「${input}」はパブリックサフィックスリスト（ICANN部）のトップレベルドメイン配下の名前ではありません。`,
    );
  }
  if (psl.domain === null) {
    return wildcard
      ? fail(
          "HOSTNAME_WILDCARD_TOO_BROAD",
          input,
          `A wildcard directly under the public suffix "${psl.publicSuffix}" is not allowed.`,
          `パブリックサフィックス「${psl.publicSuffix}」の直下にワイルドカードは使用できません。`,
        )
      : fail(
          "HOSTNAME_PUBLIC_SUFFIX",
          input,
          `"${input}" is a public suffix, not a registrable domain name.`,
          `「${input}」はパブリックサフィックスであり、登録可能なドメイン名ではありません。`,
        );
  }
  return null;
}

export type HostnamesResult = Result<
  { readonly names: readonly string[] },
  HostnameErrorCode,
  HostnameExtra & { readonly index: number }
>;

/** Normalise a list of names; stops at the first bad one (with its index). Duplicates are refused. */
export function normalizeHostnames(inputs: readonly string[], options: HostnameOptions = {}): HostnamesResult {
  const names: string[] = [];
  for (let index = 0; index < inputs.length; index++) {
    const r = normalizeHostname(inputs[index], options);
    if (!r.ok) return { ...r, index };
    if (names.includes(r.name)) {
      return {
        ...fail("HOSTNAME_DUPLICATE", inputs[index], `"${r.name}" is listed twice.`, `「${r.name}」が重複しています。`),
        index,
      };
    }
    names.push(r.name);
  }
  if (names.length === 0) {
    return {
      ...fail("HOSTNAME_EMPTY", "", "At least one name is needed.", "ドメイン名を1つ以上指定してください。"),
      index: 0,
    };
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
 * in the certificate? Exact match, or a wildcard "*.akashi-demo.jp" matching exactly one extra label
 * ("www.akashi-demo.jp", not "akashi-demo.jp" nor "a.b.akashi-demo.jp"). Case and a trailing dot are ignored;
 * a non-ASCII host is compared in its A-label form. A host that is itself a wildcard matches nothing.
 */
export function nameCovers(certNames: readonly string[], host: string): boolean {
  let h = canonical(host);
  if (NON_ASCII.test(h)) h = canonical(toALabels(h) ?? "");
  if (h === "" || h.includes("*")) return false;
  for (const raw of certNames) {
    const name = canonical(raw);
    if (name === h) return true;
    if (name.startsWith("*.")) {
      const suffix = name.slice(1); // ".akashi-demo.jp"
      if (h.endsWith(suffix)) {
        const first = h.slice(0, h.length - suffix.length);
        if (first.length > 0 && !first.includes(".")) return true;
      }
    }
  }
  return false;
}
