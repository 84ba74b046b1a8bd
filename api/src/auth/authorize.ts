import { forbidden } from "../errors";
import { Caller } from "./caller";

/**
 * RES-3: operators see everything; a reseller only what it manages; the public only public data.
 * @rule RES-3
 */
export function canSeeResellerData(caller: Caller, resellerId: string | null): boolean {
  if (caller.kind === "OPERATOR" || caller.kind === "SYSTEM") return true;
  return caller.kind === "RESELLER" && resellerId !== null && caller.resellerId === resellerId;
}

export function requireOperator(caller: Caller): void {
  if (caller.kind !== "OPERATOR" && caller.kind !== "SYSTEM")
    throw forbidden("This operation needs an operator API key.");
}

/** The calling reseller's id; operators and the public are refused. */
export function requireReseller(caller: Caller): string {
  if (caller.kind !== "RESELLER") throw forbidden("This operation needs a reseller API key.");
  return caller.resellerId;
}

export function requireAuthenticated(caller: Caller): void {
  if (caller.kind === "PUBLIC") throw forbidden();
}
