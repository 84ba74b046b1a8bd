/** Relay global IDs: opaque to clients, `base64url("<Type>:<uuid>")` inside. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, "utf8").toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `id` is a uuid as PostgreSQL writes it (lower-case hex): every id of the service's rows. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** Returns null for anything that is not a well-formed global ID, so a guessed ID is simply "not found". */
export function fromGlobalId(globalId: string): { type: string; id: string } | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(globalId)) return null;
  const text = Buffer.from(globalId, "base64url").toString("utf8");
  const sep = text.indexOf(":");
  if (sep <= 0) return null;
  const type = text.slice(0, sep);
  const id = text.slice(sep + 1);
  if (!/^[A-Za-z]+$/.test(type) || !isUuid(id)) return null;
  return { type, id };
}

/** The uuid behind a global ID of the expected type, or null. */
export function idOfType(globalId: string, type: string): string | null {
  const parsed = fromGlobalId(globalId);
  return parsed && parsed.type === type ? parsed.id : null;
}
