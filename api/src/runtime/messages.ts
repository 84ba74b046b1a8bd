import type { TlsCredentials } from "../http/tls";

/** What the primary tells a worker, and what a worker tells the primary (node:cluster IPC). */
export type ToWorker = { type: "start"; tls: TlsCredentials | null } | { type: "stop" };
export type ToPrimary = { type: "listening" } | { type: "failed"; message: string };
