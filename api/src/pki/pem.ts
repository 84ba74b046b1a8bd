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
    const body = m[2]!.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) throw new Error(`PEM block ${m[1]} is not valid base64`);
    out.push({ label: m[1]!, der: Buffer.from(body, "base64") });
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
