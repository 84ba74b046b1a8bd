import pino, { Logger } from "pino";

/** Structured JSON logs on stdout; every request's lines carry its request id. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "akashi" }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };
