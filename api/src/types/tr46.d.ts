/** tr46 ships no types; only what Akashi uses (UTS #46 / IDNA processing). */
declare module "tr46" {
  export interface ToAsciiOptions {
    checkBidi?: boolean;
    checkHyphens?: boolean;
    checkJoiners?: boolean;
    useSTD3ASCIIRules?: boolean;
    transitionalProcessing?: boolean;
    verifyDNSLength?: boolean;
    ignoreInvalidPunycode?: boolean;
  }
  /** The A-label form, or null when the input is not a valid domain name under these options. */
  export function toASCII(domainName: string, options?: ToAsciiOptions): string | null;
}
