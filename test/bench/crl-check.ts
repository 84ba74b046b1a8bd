import { X509Certificate, verify as cryptoVerify } from "node:crypto";
import { TAG, childrenOf, readWhole } from "../../api/src/pki/der";

/** The serials (content octets, hex) a CRL lists, after checking its signature with the CA's key. */
export function crlSerials(der: Buffer, issuerDer: Buffer): Set<string> {
  const [tbs, , sig] = childrenOf(readWhole(der, TAG.SEQUENCE));
  const sigBits = sig.value;
  if (
    !cryptoVerify(
      "sha256",
      tbs.raw,
      { key: new X509Certificate(issuerDer).publicKey, dsaEncoding: "der" },
      sigBits.subarray(1),
    )
  )
    throw new Error("CRL signature does not verify with the issuing CA's key");
  const parts = childrenOf(tbs);
  let i = parts[0]?.tag === TAG.INTEGER ? 1 : 0;
  i += 2; // signature, issuer
  i++; // thisUpdate
  if (parts[i] && (parts[i].tag === 0x17 || parts[i].tag === 0x18)) i++; // nextUpdate
  const out = new Set<string>();
  if (parts[i]?.tag !== 0x30) return out;
  for (const entry of childrenOf(parts[i])) out.add(childrenOf(entry)[0].value.toString("hex"));
  return out;
}
