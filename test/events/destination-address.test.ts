import { LookupAddress } from "node:dns";
import { isPublicAddress } from "../../api/src/net/public-address";
import { failureCategory, guardedLookup } from "../../api/src/events/webhook-http";

/** NOT-1 (SSRF): which addresses a webhook may connect to. */
test.each([
  // IPv4: public
  ["93.184.216.34", true],
  ["8.8.8.8", true],
  ["1.1.1.1", true],
  ["172.15.255.255", true],
  ["172.32.0.1", true],
  ["100.63.255.255", true],
  ["100.128.0.1", true],
  ["169.253.255.255", true],
  ["223.255.255.255", true],
  ["11.0.0.1", true],
  // IPv4: private, loopback, link-local, CGNAT, unspecified, multicast, reserved
  ["10.0.0.8", false],
  ["10.255.255.255", false],
  ["172.16.0.1", false],
  ["172.31.255.255", false],
  ["192.168.1.2", false],
  ["127.0.0.1", false],
  ["127.255.255.254", false],
  ["169.254.169.254", false],
  ["100.64.0.1", false],
  ["100.127.255.255", false],
  ["0.0.0.0", false],
  ["0.1.2.3", false],
  ["224.0.0.1", false],
  ["239.255.255.250", false],
  ["240.0.0.1", false],
  ["255.255.255.255", false],
  ["192.0.0.8", false],
  ["198.18.0.1", false],
  ["192.0.2.1", false],
  ["198.51.100.7", false],
  ["203.0.113.9", false],
  ["203.0.114.1", true],
  // IPv6: public
  ["2606:4700:4700::1111", true],
  ["2001:4860:4860::8888", true],
  ["2a00:1450:4001:80b::200e", true],
  ["[2606:4700:4700::1111]", true],
  ["::ffff:93.184.216.34", true],
  ["::ffff:5db8:d822", true],
  ["64:ff9b::93.184.216.34", true],
  ["64:ff9b::5db8:d822", true],
  // IPv6: loopback, unspecified, unique local, link-local, multicast, documentation
  ["::1", false],
  ["[::1]", false],
  ["::", false],
  ["0:0:0:0:0:0:0:1", false],
  ["fc00::1", false],
  ["fd12:3456:789a::1", false],
  ["fe80::1", false],
  ["fe80::1%eth0", false],
  ["febf:ffff::1", false],
  ["fec0::1", false],
  ["ff02::1", false],
  ["ff0e::1", false],
  ["2001:db8::1", false],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", false],
  ["2002:5db8:d822::1", true],
  ["2002:7f00:1::1", false],
  ["2002:a9fe:a9fe::1", false],
  // IPv4-mapped and NAT64 forms of private IPv4 addresses
  ["::ffff:127.0.0.1", false],
  ["::ffff:7f00:1", false],
  ["::ffff:10.0.0.1", false],
  ["::ffff:169.254.169.254", false],
  ["::ffff:192.168.0.1", false],
  ["::ffff:100.64.0.1", false],
  ["::ffff:0.0.0.0", false],
  ["::ffff:0:127.0.0.1", false],
  ["::127.0.0.1", false],
  ["::8.8.8.8", false],
  ["64:ff9b::127.0.0.1", false],
  ["64:ff9b::a00:1", false],
  ["64:ff9b::169.254.169.254", false],
  ["64:ff9b:1::8.8.8.8", false],
  // Not an address at all
  ["localhost", false],
  ["example.com", false],
  ["", false],
])("NOT-1: a webhook may connect to %s: %s", (address, allowed) => {
  expect(isPublicAddress(address)).toBe(allowed);
});

function lookup(
  answers: LookupAddress[],
  options: { all?: boolean; family?: number } = {},
): Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
  return new Promise((resolve) =>
    guardedLookup(async () => answers)("hooks.akashi-demo.jp", options, (err, address, family) =>
      resolve({ err, address, family }),
    ),
  );
}

test("NOT-1: the connect-time lookup passes public answers on to the socket, in both calling styles", async () => {
  const answers = [
    { address: "93.184.216.34", family: 4 },
    { address: "2606:2800:220:1::1", family: 6 },
  ];
  expect(await lookup(answers, { all: true })).toEqual({ err: null, address: answers, family: undefined });
  expect(await lookup(answers)).toEqual({ err: null, address: "93.184.216.34", family: 4 });
  expect(await lookup(answers, { family: 6 })).toEqual({ err: null, address: "2606:2800:220:1::1", family: 6 });
});

test("NOT-1: the connect-time lookup refuses a name if any answer is not public (DNS rebinding, mixed answers)", async () => {
  for (const answers of [
    [{ address: "127.0.0.1", family: 4 }],
    [
      { address: "93.184.216.34", family: 4 },
      { address: "10.1.2.3", family: 4 },
    ],
    [
      { address: "93.184.216.34", family: 4 },
      { address: "::1", family: 6 },
    ],
    [{ address: "::ffff:169.254.169.254", family: 6 }],
  ]) {
    for (const options of [{ all: true }, {}]) {
      const r = await lookup(answers, options);
      expect([answers, r.err?.code]).toEqual([answers, "DESTINATION_NOT_ALLOWED"]);
    }
  }
  expect((await lookup([], { all: true })).err?.code).toBe("ENOTFOUND");
});

test.each([
  ["DESTINATION_NOT_ALLOWED", "DESTINATION_NOT_ALLOWED"],
  ["TIMEOUT", "TIMEOUT"],
  ["ETIMEDOUT", "TIMEOUT"],
  ["ECONNREFUSED", "CONNECTION_REFUSED"],
  ["ECONNRESET", "CONNECTION_RESET"],
  ["EPIPE", "CONNECTION_RESET"],
  ["EHOSTUNREACH", "HOST_UNREACHABLE"],
  ["ENETUNREACH", "HOST_UNREACHABLE"],
  ["ENOTFOUND", "DNS_ERROR"],
  ["EAI_AGAIN", "DNS_ERROR"],
  ["ERR_TLS_CERT_ALTNAME_INVALID", "TLS_ERROR"],
  ["ERR_SSL_WRONG_VERSION_NUMBER", "TLS_ERROR"],
  ["DEPTH_ZERO_SELF_SIGNED_CERT", "TLS_ERROR"],
  ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "TLS_ERROR"],
  ["CERT_HAS_EXPIRED", "TLS_ERROR"],
  ["EPROTO", "TLS_ERROR"],
  ["ESOMETHINGELSE", "NETWORK_ERROR"],
  [undefined, "NETWORK_ERROR"],
])("NOT-1: a request failing with code %s is recorded as %s, never the raw message", (code, category) => {
  expect(failureCategory(Object.assign(new Error("connect to 10.0.0.5:6379 failed"), { code }))).toBe(category);
});
