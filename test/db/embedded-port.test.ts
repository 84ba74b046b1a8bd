import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * The embedded PostgreSQL (no DATABASE_URL) starts even when the port it picked is taken before it
 * binds. Run in a child process on the built code, as the service runs (the embedded binaries are an
 * ES module, which jest's module system does not load).
 */
jest.setTimeout(180_000);

const EMBEDDED = path.resolve(__dirname, "../../dist/api/src/db/embedded.js");

const SCRIPT = `
const { embeddedPorts, freePort, startEmbeddedPostgres } = require(process.env.EMBEDDED);
const { Client } = require("pg");
(async () => {
  const taken = Number(process.env.TAKEN);
  const handedOut = [];
  embeddedPorts.next = async () => {
    const port = handedOut.length === 0 ? taken : await freePort();
    handedOut.push(port);
    return port;
  };
  const db = await startEmbeddedPostgres(process.env.DIR);
  try {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const one = (await c.query("SELECT 1 AS one")).rows[0].one;
    await c.end();
    console.log(JSON.stringify({ handedOut, port: Number(new URL(db.url).port), one }));
  } finally {
    await db.stop();
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
`;

test("first run: when another process takes the chosen port before PostgreSQL binds it, the embedded database starts on another", async () => {
  expect(fs.existsSync(EMBEDDED)).toBe(true); // npm test builds first
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
  const taken = (squatter.address() as net.AddressInfo).port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-port-"));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach the data directory
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ["-e", SCRIPT],
        {
          cwd: path.resolve(__dirname, "../.."),
          env: { ...process.env, EMBEDDED, TAKEN: String(taken), DIR: path.join(dir, "data") },
        },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    const result = JSON.parse(out.trim().split("\n").at(-1) ?? "null") as {
      handedOut: number[];
      port: number;
      one: number;
    };
    expect(result.handedOut[0]).toBe(taken);
    expect(result.handedOut.length).toBeGreaterThan(1);
    expect(result.port).not.toBe(taken);
    expect(result.one).toBe(1);
  } finally {
    squatter.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
