/**
 * Whether a database error (or one it wraps, as drizzle and the transaction helpers do) is Postgres's
 * unique_violation. Services turn it into a CONFLICT in the user's words when a concurrent writer won a race that
 * a read-then-write check cannot close.
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
