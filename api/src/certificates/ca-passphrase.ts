import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The passphrase that encrypts the CA private keys (PKCS#8). From configuration when set; otherwise
 * generated once into the data directory (0600) — right for the embedded database and demos. Several
 * replicas on one database must share it, so production sets AKASHI_CA_PASSPHRASE.
 */
export function resolveCaPassphrase(
  configured: string | undefined,
  dataDir: string,
): { passphrase: string; source: "config" | "file" } {
  if (configured) return { passphrase: configured, source: "config" };
  const file = path.join(dataDir, "ca-passphrase");
  if (fs.existsSync(file)) return { passphrase: fs.readFileSync(file, "utf8").trim(), source: "file" };
  fs.mkdirSync(dataDir, { recursive: true });
  const passphrase = randomBytes(32).toString("base64url");
  fs.writeFileSync(file, `${passphrase}\n`, { mode: 0o600, flag: "wx" });
  return { passphrase, source: "file" };
}
