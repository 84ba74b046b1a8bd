import { isIP } from "node:net";
import { RefusalCode, refusal } from "../refusal";
import { isPublicAddress } from "../net/public-address";

const LOOPBACK_NAMES = new Set(["localhost", "localhost.localdomain"]);

/** A first filter at registration; the deliverer checks the address it actually connects to. */
function isLoopbackOrPrivate(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (LOOPBACK_NAMES.has(h) || h.endsWith(".localhost")) return true;
  return isIP(h) !== 0 && !isPublicAddress(h);
}

/**
 * NOT-1: where a reseller may have its events sent. HTTPS to a public host in production; with
 * `allowInsecure` (tests, local runs) also http and loopback. Credentials never go in a URL: they
 * would be logged and shown back; the signature authenticates the sender instead.
 */
export function checkWebhookUrl(value: string, allowInsecure: boolean, field = "input.url"): string {
  const bad = (message: string, messageJa: string) =>
    refusal(RefusalCode.WEBHOOK_URL_NOT_ALLOWED, message, field, messageJa);
  if (value.length > 2000) throw bad("The URL is longer than 2000 characters.", "URL が 2000 文字を超えています。");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad("Not a URL.", "URL ではありません。");
  }
  const allowed = allowInsecure ? ["https:", "http:"] : ["https:"];
  if (!allowed.includes(url.protocol))
    throw bad("Webhook URLs must use https.", "Webhook の URL は https で指定してください。");
  if (url.username || url.password)
    throw bad(
      "A webhook URL must not contain credentials; verify the Akashi-Signature header instead.",
      "Webhook の URL に認証情報を含めることはできません。",
    );
  if (url.hash) throw bad("A webhook URL must not have a fragment.", "Webhook の URL にフラグメントは指定できません。");
  if (!allowInsecure && isLoopbackOrPrivate(url.hostname))
    throw bad("Webhook URLs must name a public host.", "Webhook の URL には公開されたホストを指定してください。");
  return url.toString();
}
