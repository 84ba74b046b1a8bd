import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Helpers for checking real bytes with the `openssl` command (1.1.1 or 3.x), found on PATH. */

export const OPENSSL = process.env.OPENSSL ?? "openssl";

function requireOpenssl(): void {
  const r = spawnSync(OPENSSL, ["version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      `These tests check real certificate bytes with the openssl command, which was not found (${OPENSSL}). Install OpenSSL (e.g. \`apt-get install openssl\`) or set OPENSSL to its path.`,
    );
  }
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout + stderr */
  out: string;
}

let checked = false;

export function openssl(args: string[], input?: Buffer | string): RunResult {
  if (!checked) {
    requireOpenssl();
    checked = true;
  }
  const r = spawnSync(OPENSSL, args, { input, encoding: "utf8" });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
}

export function opensslOk(args: string[], input?: Buffer | string): string {
  const r = openssl(args, input);
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed (${r.status}):\n${r.out}`);
  return r.out;
}

/**
 * A serial as `openssl … -text` prints it: upper case, without the 00 octet our canonical form keeps
 * when the first content octet has its top bit set (about one serial in 256).
 */
export function opensslSerial(serialHex: string): string {
  return serialHex.toUpperCase().replace(/^00(?=[89A-F])/, "");
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), "akashi-x509-"));
  file(name: string, content?: string | Buffer): string {
    const p = join(this.path, name);
    if (content !== undefined) writeFileSync(p, content);
    return p;
  }
  read(name: string): Buffer {
    return readFileSync(join(this.path, name));
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** A CSR made by `openssl req` with a fresh key: `newkey` such as "rsa:2048" or "ec" (P-256 via -pkeyopt). */
export function makeCsr(
  dir: TempDir,
  name: string,
  opts: {
    key: "ec-p256" | "ec-p384" | "ec-p521" | `rsa:${number}` | "ed25519";
    subj: string;
    san?: string[];
    utf8?: boolean;
  },
): { csrPem: string; keyPath: string } {
  const keyPath = dir.file(`${name}.key`);
  const csrPath = dir.file(`${name}.csr`);
  const keyArgs =
    opts.key === "ec-p256"
      ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
      : opts.key === "ec-p384"
        ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]
        : opts.key === "ec-p521"
          ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"]
          : opts.key === "ed25519"
            ? ["-newkey", "ed25519"]
            : ["-newkey", opts.key];
  const args = ["req", "-new", ...keyArgs, "-nodes", "-keyout", keyPath, "-out", csrPath, "-subj", opts.subj];
  if (opts.utf8) args.push("-utf8");
  if (opts.san?.length) args.push("-addext", `subjectAltName=${opts.san.map((n) => `DNS:${n}`).join(",")}`);
  opensslOk(args);
  return { csrPem: readFileSync(csrPath, "utf8"), keyPath };
}
