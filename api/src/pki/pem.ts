/** PEM armour (RFC 7468). */

export function toPem(der: Buffer, label: string): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export interface PemBlock {
  label: string;
  der: Buffer;
}

/** Every PEM block in `text`, in order. Base64 is checked strictly. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2].replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0)
      throw new Error(`PEM block ${m[1]} is not valid base64`);
    out.push({ label: m[1], der: Buffer.from(body, "base64") });
  }
  return out;
}

export function looksLikePem(input: string | Buffer): boolean {
  const head = typeof input === "string" ? input : input.subarray(0, 2048).toString("latin1");
  return head.includes("-----BEGIN ");
}

/** DER from PEM (first block with one of `labels`) or from DER given as bytes. */
export function derFromPemOrDer(input: string | Buffer, labels: string[]): Buffer {
  if (looksLikePem(input)) {
    const text = typeof input === "string" ? input : input.toString("latin1");
    const block = pemBlocks(text).find((b) => labels.includes(b.label));
    if (!block) throw new Error(`no PEM block labelled ${labels.join(" or ")}`);
    return block.der;
  }
  if (typeof input === "string") throw new Error(`expected PEM (${labels.join(" or ")}) or DER bytes`);
  return input;
}

/** Why a PEM input was refused (one code for every armour problem; the message says which). */
export class PemInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PemInputError";
  }
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----/;

/**
 * Strict armour for inputs (RFC 7468): the text is PEM blocks labelled one of `labels` and nothing else
 * but whitespace — no text before, between or after them, no block of another label, strict base64.
 * `many: false` wants exactly one block. Input that is not PEM at all may be bare base64 DER (one block).
 */
export function strictPemInput(text: string, labels: readonly string[], many = false): Buffer[] {
  const expected = labels.join(" or ");
  if (!text.includes("-----BEGIN ")) {
    const body = text.replace(/\s+/g, "");
    if (body === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
      throw new PemInputError(`expected one PEM block (${expected}) or base64 DER`);
    }
    return [Buffer.from(body, "base64")];
  }
  const out: Buffer[] = [];
  let rest = text.trimStart();
  while (rest !== "") {
    const begin = BEGIN.exec(rest);
    if (!begin)
      throw new PemInputError(`unexpected text outside the PEM block${out.length ? "s" : ""}: "${rest.slice(0, 20)}…"`);
    const label = begin[1];
    if (!labels.includes(label)) throw new PemInputError(`a PEM block labelled ${label}; expected ${expected}`);
    const end = rest.indexOf(`-----END ${label}-----`);
    if (end < 0) throw new PemInputError(`the ${label} block has no END line`);
    const body = rest.slice(begin[0].length, end).replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0)
      throw new PemInputError(`the ${label} block is not valid base64`);
    out.push(Buffer.from(body, "base64"));
    rest = rest.slice(end + `-----END ${label}-----`.length).trimStart();
  }
  if (!many && out.length > 1) throw new PemInputError(`${out.length} PEM blocks; expected exactly one ${expected}`);
  return out;
}

export const CSR_PEM_LABELS = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"] as const;
