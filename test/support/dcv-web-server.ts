import http from "node:http";
import { AddressInfo } from "node:net";

/** A web server on loopback that answers HTTP-file domain-control checks for the tokens published to it. */
export class DcvWebServer {
  private files = new Map<string, string>();
  private server = http.createServer((req, res) => {
    const m = /^\/\.well-known\/pki-validation\/([A-Za-z0-9_-]+)\.txt$/.exec(req.url ?? "");
    const body = m ? this.files.get(`${req.headers.host}|${m[1]}`) : undefined;
    if (body === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": "text/plain" }).end(body);
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** `AKASHI_DCV_HOST_OVERRIDES` value that sends these names to this server. */
  overrides(names: string[]): string {
    return names.map((n) => `${n}=127.0.0.1:${this.port}`).join(",");
  }

  publish(validations: { name: string; token: string; method: string }[]): void {
    for (const v of validations) if (v.method === "HTTP_FILE") this.files.set(`${v.name}|${v.token}`, v.token);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
