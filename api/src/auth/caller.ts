/** Who is calling: decided once per request from the `Authorization` header. */
export type Caller =
  | { kind: "PUBLIC" }
  | { kind: "OPERATOR"; keyId: string; keyPublicId: string }
  | { kind: "RESELLER"; keyId: string; keyPublicId: string; resellerId: string }
  | { kind: "SYSTEM"; label: string };

export const PUBLIC: Caller = { kind: "PUBLIC" };

/** Who a change is attributed to in the audit log, and the request it came from. */
export interface Actor {
  caller: Caller;
  requestId: string | null;
}

export function systemActor(label: string): Actor {
  return { caller: { kind: "SYSTEM", label }, requestId: null };
}

export function isOperator(caller: Caller): boolean {
  return caller.kind === "OPERATOR" || caller.kind === "SYSTEM";
}
