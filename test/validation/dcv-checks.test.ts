import { createHash } from "node:crypto";
import * as dgram from "node:dgram";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import {
  checkDnsTxt,
  checkHttpFile,
  dnsTxtName,
  httpFileUrl,
  MAX_HTTP_BODY_BYTES,
  newDcvToken,
  parseHostOverrides,
  publicOnlyLookup,
  reservedSuffixOf,
  type DcvLookup,
  type DcvNetworkOptions,
} from "../../api/src/validation";
import { startDnsServer, type TestDnsServer } from "../support/dns-server";

const CHECKED_AT = new Date("2026-04-01T03:00:00.000Z");
const NAME = "shop.akashi-demo.jp";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A loopback HTTP server whose handler each test sets; it counts connections and requests. */
class TestWebServer {
  handler: Handler = (_req, res) => res.writeHead(404).end("not found");
  connections = 0;
  requests: Array<{ url: string | undefined; host: string | undefined }> = [];
  readonly server = http.createServer((req, res) => {
    this.requests.push({ url: req.url, host: req.headers.host });
    this.handler(req, res);
  });
  address = "";

  async start(): Promise<void> {
    this.server.on("connection", () => this.connections++);
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  reset(): void {
    this.connections = 0;
    this.requests = [];
    this.handler = (_req, res) => res.writeHead(404).end("not found");
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const web = new TestWebServer();
let dns: TestDnsServer;

beforeAll(async () => {
  await web.start();
  dns = await startDnsServer(new Map());
});
afterAll(async () => {
  await web.stop();
  await dns.close();
});
beforeEach(() => web.reset());

function httpOptions(extra: Partial<DcvNetworkOptions> = {}): DcvNetworkOptions {
  return {
    hostOverrides: { [NAME]: web.address, "*.shop.akashi-demo.jp": web.address },
    dnsServers: [],
    timeoutMs: 3000,
    now: () => CHECKED_AT,
    ...extra,
  };
}

function dnsOptions(extra: Partial<DcvNetworkOptions> = {}): DcvNetworkOptions {
  return { hostOverrides: {}, dnsServers: [dns.address], timeoutMs: 3000, now: () => CHECKED_AT, ...extra };
}

function serveFile(token: string, body: string, status = 200): void {
  web.handler = (req, res) => {
    if (req.url === `/.well-known/pki-validation/${token}.txt`)
      res.writeHead(status, { "Content-Type": "text/plain" }).end(body);
    else res.writeHead(404).end("not found");
  };
}

describe("helpers", () => {
  test("httpFileUrl and dnsTxtName", () => {
    expect(httpFileUrl("shop.akashi-demo.jp", "abc")).toBe(
      "http://shop.akashi-demo.jp/.well-known/pki-validation/abc.txt",
    );
    expect(dnsTxtName("shop.akashi-demo.jp")).toBe("_pki-validation.shop.akashi-demo.jp");
    expect(dnsTxtName("*.akashi-demo.jp")).toBe("_pki-validation.akashi-demo.jp");
    expect(dnsTxtName("Shop.Akashi-Demo.JP.")).toBe("_pki-validation.shop.akashi-demo.jp");
  });

  test("APP-9: newDcvToken gives 32 random bytes as base64url", () => {
    const a = newDcvToken();
    const b = newDcvToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, "base64url")).toHaveLength(32);
    expect(a).not.toBe(b);
  });
});

describe("parseHostOverrides", () => {
  test("parses name=host:port entries, normalising names", () => {
    expect(parseHostOverrides("shop.akashi-demo.jp=127.0.0.1:45123,www.shop.akashi-demo.jp=127.0.0.1:45123")).toEqual({
      "shop.akashi-demo.jp": "127.0.0.1:45123",
      "www.shop.akashi-demo.jp": "127.0.0.1:45123",
    });
    expect(parseHostOverrides(" Shop.Akashi-Demo.JP = [::1]:8080 , b.akashi-demo.jp=localhost:80 ")).toEqual({
      "shop.akashi-demo.jp": "[::1]:8080",
      "b.akashi-demo.jp": "localhost:80",
    });
    expect(parseHostOverrides("")).toEqual({});
    expect(parseHostOverrides("   ")).toEqual({});
  });

  test.each([
    ["shop.akashi-demo.jp"], // no "="
    ["shop.akashi-demo.jp=127.0.0.1"], // no port
    ["shop.akashi-demo.jp=127.0.0.1:0"],
    ["shop.akashi-demo.jp=127.0.0.1:70000"],
    ["shop.akashi-demo.jp=127.0.0.1:80x"],
    ["=127.0.0.1:80"],
    ["shop..akashi-demo.jp=127.0.0.1:80"],
    ["shop.akashi-demo.jp=::1:80"], // IPv6 without brackets
    ["shop.akashi-demo.jp=[not-ip]:80"],
    ["a.akashi-demo.jp=127.0.0.1:80,"], // empty entry
    ["a.akashi-demo.jp=127.0.0.1:80,A.akashi-demo.jp=127.0.0.1:81"], // duplicate
    ["a.akashi-demo.jp=b=127.0.0.1:80"],
  ])("refuses %p with a clear error", (text) => {
    expect(() => parseHostOverrides(text)).toThrow(/host override/);
  });
});

describe("HTTP file method (BR 3.2.2.4.18)", () => {
  test("APP-9: HTTP file method succeeds when the token is served at /.well-known/pki-validation/<token>.txt", async () => {
    const token = newDcvToken();
    serveFile(token, `${token}\r\n`);
    const result = await checkHttpFile(NAME, token, httpOptions());
    expect(result.ok).toBe(true);
    expect(result.failure).toBeUndefined();
    expect(result.method).toBe("HTTP_FILE");
    expect(result.checkedAt).toEqual(CHECKED_AT);
    expect(result.evidence).toMatchObject({
      method: "HTTP_FILE",
      result: "VALID",
      name: NAME,
      token,
      url: `http://${NAME}/.well-known/pki-validation/${token}.txt`,
      connectTo: web.address,
      connectedAddress: web.address,
      status: 200,
      bodySha256: sha256(`${token}\r\n`),
      bodyPrefix: `${token}\r\n`,
    });
    expect(web.requests).toEqual([{ url: `/.well-known/pki-validation/${token}.txt`, host: NAME }]);
  });

  test("APP-9: HTTP file method fails when the body is not exactly the token", async () => {
    const token = newDcvToken();
    serveFile(token, `token=${token}`);
    const result = await checkHttpFile(NAME, token, httpOptions());
    expect(result.ok).toBe(false);
    expect(result.failure).toBe("BODY_MISMATCH");
    expect(result.evidence).toMatchObject({ status: 200, bodyPrefix: `token=${token}`, result: "FAILED" });
  });

  test("APP-9: HTTP file method fails on 404", async () => {
    const token = newDcvToken();
    serveFile(newDcvToken(), "other");
    const result = await checkHttpFile(NAME, token, httpOptions());
    expect(result).toMatchObject({ ok: false, failure: "HTTP_STATUS", checkedAt: CHECKED_AT });
    expect(result.evidence.status).toBe(404);
  });

  test("APP-9: HTTP file method fails on a non-200 status even when the body is the token", async () => {
    const token = newDcvToken();
    serveFile(token, token, 203);
    const result = await checkHttpFile(NAME, token, httpOptions());
    expect(result).toMatchObject({ ok: false, failure: "HTTP_STATUS" });
  });

  test("APP-9: HTTP file method does not follow a redirect and reports its Location", async () => {
    const token = newDcvToken();
    web.handler = (req, res) => {
      if (req.url?.startsWith("/.well-known/"))
        res.writeHead(301, { Location: `http://${NAME}/elsewhere/${token}.txt` }).end();
      else res.writeHead(200).end(token);
    };
    const result = await checkHttpFile(NAME, token, httpOptions());
    expect(result).toMatchObject({ ok: false, failure: "REDIRECT_NOT_FOLLOWED" });
    expect(result.evidence).toMatchObject({ status: 301, location: `http://${NAME}/elsewhere/${token}.txt` });
    expect(web.requests).toHaveLength(1);
  });

  test("APP-9: HTTP file method times out on a server that never answers", async () => {
    const token = newDcvToken();
    web.handler = () => {
      /* never answer */
    };
    const started = process.hrtime.bigint();
    const result = await checkHttpFile(NAME, token, httpOptions({ timeoutMs: 300 }));
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(result).toMatchObject({ ok: false, failure: "TIMEOUT" });
    expect(result.evidence.errorCode).toBe("TIMEOUT");
    expect(elapsedMs).toBeGreaterThanOrEqual(250);
    expect(elapsedMs).toBeLessThan(2000);
  });

  test("APP-9: HTTP file method times out on a server that sends the body too slowly", async () => {
    const token = newDcvToken();
    web.handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write(token.slice(0, 5));
      /* rest never comes */
    };
    const result = await checkHttpFile(NAME, token, httpOptions({ timeoutMs: 300 }));
    expect(result).toMatchObject({ ok: false, failure: "TIMEOUT" });
    expect(result.evidence.status).toBe(200);
  });

  test("APP-9: HTTP file method reads at most 64 KiB", async () => {
    const token = newDcvToken();
    serveFile(token, token + " ".repeat(MAX_HTTP_BODY_BYTES * 2));
    const result = await checkHttpFile(NAME, token, httpOptions());
    expect(result).toMatchObject({ ok: false, failure: "BODY_TOO_LARGE" });
    expect(result.evidence).toMatchObject({ bodyBytes: MAX_HTTP_BODY_BYTES, bodyTruncated: true });
  });

  test("APP-9: HTTP file method reports a refused connection with its error code", async () => {
    const spare = http.createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    const port = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const result = await checkHttpFile(
      NAME,
      newDcvToken(),
      httpOptions({ hostOverrides: { [NAME]: `127.0.0.1:${port}` } }),
    );
    expect(result).toMatchObject({ ok: false, failure: "NETWORK_ERROR" });
    expect(result.evidence.errorCode).toBe("ECONNREFUSED");
  });

  test("APP-9: HTTP file method refuses a wildcard name without any network I/O", async () => {
    const token = newDcvToken();
    serveFile(token, token);
    // Spy on the module object itself: `import * as http` gives a read-only namespace copy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const requestSpy = jest.spyOn(require("node:http") as typeof http, "request");
    try {
      const result = await checkHttpFile("*.shop.akashi-demo.jp", token, httpOptions());
      expect(result).toMatchObject({
        ok: false,
        method: "HTTP_FILE",
        failure: "WILDCARD_NOT_ALLOWED",
        checkedAt: CHECKED_AT,
      });
      expect(requestSpy).not.toHaveBeenCalled();
      expect(web.connections).toBe(0);
      // Control: the spy does see the request of a non-wildcard check.
      expect((await checkHttpFile(NAME, token, httpOptions())).ok).toBe(true);
      expect(requestSpy).toHaveBeenCalledTimes(1);
    } finally {
      requestSpy.mockRestore();
    }
  });

  test("APP-9: HTTP file method refuses a malformed token or name without any network I/O", async () => {
    const bad = await checkHttpFile(NAME, "../../etc/passwd", httpOptions());
    expect(bad).toMatchObject({ ok: false, failure: "INVALID_TOKEN" });
    const short = await checkHttpFile(NAME, "abc", httpOptions());
    expect(short).toMatchObject({ ok: false, failure: "INVALID_TOKEN" });
    const name = await checkHttpFile("shop.akashi-demo.jp/x", newDcvToken(), httpOptions());
    expect(name).toMatchObject({ ok: false, failure: "INVALID_NAME" });
    expect(web.connections).toBe(0);
  });
});

/** A lookup that answers from a table (never the network) and records what it was asked. */
function tableLookup(table: Record<string, Array<{ address: string; family: number }>>) {
  const asked: Array<{ hostname: string; all: boolean }> = [];
  const lookup: DcvLookup = (hostname, options, callback) => {
    asked.push({ hostname, all: options.all === true });
    const found = table[hostname];
    if (!found) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), "");
      return;
    }
    if (options.all) callback(null, found);
    else callback(null, found[0].address, found[0].family);
  };
  return { lookup, asked };
}

describe("destinations (APP-9: the CA does not probe internal hosts)", () => {
  test.each([
    ["intranet.akashi-demo.jp", [{ address: "127.0.0.1", family: 4 }], "loopback"],
    ["nas.akashi-demo.jp", [{ address: "192.168.1.10", family: 4 }], "private"],
    ["meta.akashi-demo.jp", [{ address: "169.254.169.254", family: 4 }], "link-local"],
    ["cgnat.akashi-demo.jp", [{ address: "100.64.0.1", family: 4 }], "shared"],
    ["v6.akashi-demo.jp", [{ address: "::1", family: 6 }], "loopback"],
    ["ula.akashi-demo.jp", [{ address: "fd00::1", family: 6 }], "unique-local"],
    ["mapped.akashi-demo.jp", [{ address: "::ffff:10.0.0.1", family: 6 }], "private"],
    [
      "mixed.akashi-demo.jp",
      [
        { address: "8.8.8.8", family: 4 },
        { address: "10.0.0.1", family: 4 },
      ],
      "private",
    ],
  ])(
    "APP-9: HTTP file method refuses %s, which resolves to a non-public address, with DESTINATION_NOT_ALLOWED",
    async (name, addresses, category) => {
      const { lookup, asked } = tableLookup({ [name]: addresses });
      const result = await checkHttpFile(name, newDcvToken(), httpOptions({ hostOverrides: {}, lookup }));
      const refused = addresses.find((a) => a.address !== "8.8.8.8")!.address;
      expect(result).toMatchObject({
        ok: false,
        method: "HTTP_FILE",
        failure: "DESTINATION_NOT_ALLOWED",
        checkedAt: CHECKED_AT,
      });
      expect(result.evidence).toMatchObject({
        result: "FAILED",
        failure: "DESTINATION_NOT_ALLOWED",
        errorCode: "DESTINATION_NOT_ALLOWED",
        connectTo: `${name}:80`,
        refusedAddress: refused,
        addressCategory: category,
      });
      expect(result.evidence.connectedAddress).toBeUndefined();
      expect(result.evidence.hostOverride).toBeUndefined();
      // The address was judged inside the socket's own look-up of the name, not in a separate one.
      expect(asked.map((a) => a.hostname)).toEqual([name]);
    },
  );

  test("APP-9: a name the look-up cannot find is a NETWORK_ERROR, not a refusal", async () => {
    const { lookup } = tableLookup({});
    const result = await checkHttpFile(
      "absent.akashi-demo.jp",
      newDcvToken(),
      httpOptions({ hostOverrides: {}, lookup }),
    );
    expect(result).toMatchObject({ ok: false, failure: "NETWORK_ERROR" });
    expect(result.evidence.errorCode).toBe("ENOTFOUND");
  });

  test("APP-9: a name with a host override still connects to its (loopback) override address, without any look-up", async () => {
    const token = newDcvToken();
    serveFile(token, token);
    const { lookup, asked } = tableLookup({ [NAME]: [{ address: "10.0.0.1", family: 4 }] });
    const result = await checkHttpFile(NAME, token, httpOptions({ lookup }));
    expect(result.ok).toBe(true);
    expect(result.evidence).toMatchObject({ hostOverride: true, connectedAddress: web.address });
    expect(asked).toEqual([]);
  });

  test("APP-9: publicOnlyLookup passes public answers through unchanged, in both look-up shapes", () => {
    const { lookup } = tableLookup({
      "pub.akashi-demo.jp": [
        { address: "203.0.114.5", family: 4 },
        { address: "2606:4700::1", family: 6 },
      ],
    });
    const seen: string[][] = [];
    const wrapped = publicOnlyLookup(lookup, (a) => seen.push(a));
    const answers: unknown[] = [];
    wrapped("pub.akashi-demo.jp", { all: true }, (err, address) => answers.push([err, address]));
    wrapped("pub.akashi-demo.jp", {}, (err, address, family) => answers.push([err, address, family]));
    expect(answers).toEqual([
      [
        null,
        [
          { address: "203.0.114.5", family: 4 },
          { address: "2606:4700::1", family: 6 },
        ],
      ],
      [null, "203.0.114.5", 4],
    ]);
    expect(seen).toEqual([["203.0.114.5", "2606:4700::1"], ["203.0.114.5"]]);
  });

  test.each([
    "box.localdomain",
    "printer.local",
    "db.internal",
    "app.localhost",
    "shop.test",
    "www.example",
    "x.invalid",
    "router.lan",
    "nas.home.arpa",
    "mail.corp",
    "SHOP.TEST.",
    "*.cluster.local",
  ])(
    "APP-9: %s, under a reserved or internal suffix, is refused with RESERVED_NAME without any network I/O by both methods",
    async (name) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const requestSpy = jest.spyOn(require("node:http") as typeof http, "request");
      const { lookup, asked } = tableLookup({});
      try {
        const token = newDcvToken();
        const overrides = { hostOverrides: { [name.toLowerCase().replace(/\.$/, "")]: web.address }, lookup };
        if (!name.startsWith("*")) {
          expect(await checkHttpFile(name, token, httpOptions(overrides))).toMatchObject({
            ok: false,
            failure: "RESERVED_NAME",
          });
        }
        const viaDns = await checkDnsTxt(name, token, dnsOptions());
        expect(viaDns).toMatchObject({ ok: false, failure: "RESERVED_NAME" });
        expect(viaDns.evidence.queryName).toBeUndefined();
        expect(requestSpy).not.toHaveBeenCalled();
        expect(asked).toEqual([]);
        expect(web.connections).toBe(0);
      } finally {
        requestSpy.mockRestore();
      }
    },
  );

  test("APP-9: only whole reserved labels count: akashi-demo.jp, shop.akashi-demo.jp and look-alikes stay allowed", () => {
    expect(
      [
        "akashi-demo.jp",
        "shop.akashi-demo.jp",
        "*.akashi-demo.jp",
        "mytest.jp",
        "local.akashi-demo.jp",
        "example.com",
        "corporate.co.jp",
        "test.jp",
        "localhost.jp",
      ].map(reservedSuffixOf),
    ).toEqual(Array(9).fill(null));
    expect(
      ["shop.test", "a.b.home.arpa", "printer.local", "x.example", "Intranet.Corp."].map(reservedSuffixOf),
    ).toEqual(["test", "arpa", "local", "example", "corp"]);
  });
});

describe("DNS TXT method (BR 3.2.2.4.7)", () => {
  test("APP-9: DNS TXT method succeeds when a TXT record at _pki-validation.<name> is the token", async () => {
    const token = newDcvToken();
    dns.set(`_pki-validation.${NAME}`, ["v=spf1 -all", token]);
    const result = await checkDnsTxt(NAME, token, dnsOptions());
    expect(result.ok).toBe(true);
    expect(result.method).toBe("DNS_TXT");
    expect(result.checkedAt).toEqual(CHECKED_AT);
    expect(result.evidence).toMatchObject({
      method: "DNS_TXT",
      result: "VALID",
      name: NAME,
      token,
      queryName: `_pki-validation.${NAME}`,
      dnsServers: [dns.address],
      txtValues: ["v=spf1 -all", token],
    });
  });

  test("APP-9: DNS TXT method fails when no TXT record is the token", async () => {
    const token = newDcvToken();
    dns.set("_pki-validation.wrong.akashi-demo.jp", [`${token}x`, "something else"]);
    const result = await checkDnsTxt("wrong.akashi-demo.jp", token, dnsOptions());
    expect(result).toMatchObject({ ok: false, failure: "TXT_MISMATCH" });
    expect(result.evidence.txtValues).toEqual([`${token}x`, "something else"]);
  });

  test("APP-9: DNS TXT method fails on NXDOMAIN", async () => {
    const result = await checkDnsTxt("absent.akashi-demo.jp", newDcvToken(), dnsOptions());
    expect(result).toMatchObject({ ok: false, failure: "DNS_NXDOMAIN" });
    expect(result.evidence).toMatchObject({
      queryName: "_pki-validation.absent.akashi-demo.jp",
      errorCode: "ENOTFOUND",
    });
  });

  test("APP-9: DNS TXT method fails when the name has no TXT records", async () => {
    dns.set("_pki-validation.empty.akashi-demo.jp", []);
    const result = await checkDnsTxt("empty.akashi-demo.jp", newDcvToken(), dnsOptions());
    expect(result).toMatchObject({ ok: false, failure: "DNS_NO_TXT" });
  });

  test("APP-9: DNS TXT method validates a wildcard *.akashi-demo.jp at _pki-validation.akashi-demo.jp", async () => {
    const token = newDcvToken();
    dns.set("_pki-validation.akashi-demo.jp", [token]);
    const before = dns.queries.length;
    const result = await checkDnsTxt("*.akashi-demo.jp", token, dnsOptions());
    expect(result.ok).toBe(true);
    expect(result.evidence).toMatchObject({
      name: "*.akashi-demo.jp",
      validatedName: "akashi-demo.jp",
      wildcard: true,
      queryName: "_pki-validation.akashi-demo.jp",
    });
    expect(dns.queries.slice(before).map((q) => q.name)).toEqual(["_pki-validation.akashi-demo.jp"]);
  });

  test("APP-9: DNS TXT method joins the character-strings of a TXT value longer than 255 bytes", async () => {
    const token = (newDcvToken() + newDcvToken()).repeat(4); // 344 characters
    dns.set("_pki-validation.long.akashi-demo.jp", [token]);
    const result = await checkDnsTxt("long.akashi-demo.jp", token, dnsOptions());
    expect(result.ok).toBe(true);
  });

  test("APP-9: DNS TXT method sees a record changed after the first look-up", async () => {
    const token = newDcvToken();
    dns.set("_pki-validation.later.akashi-demo.jp", ["not yet"]);
    expect((await checkDnsTxt("later.akashi-demo.jp", token, dnsOptions())).ok).toBe(false);
    dns.set("_pki-validation.later.akashi-demo.jp", [token]);
    expect((await checkDnsTxt("later.akashi-demo.jp", token, dnsOptions())).ok).toBe(true);
  });

  test("APP-9: DNS TXT method times out when the DNS server never answers", async () => {
    const silent = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const started = process.hrtime.bigint();
      const result = await checkDnsTxt(
        NAME,
        newDcvToken(),
        dnsOptions({ dnsServers: [`127.0.0.1:${silent.address().port}`], timeoutMs: 300 }),
      );
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect(result).toMatchObject({ ok: false, failure: "TIMEOUT" });
      expect(elapsedMs).toBeLessThan(2000);
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
