import * as z from "zod";

export const ZOk = z.object({ ok: z.literal(true) });
export const ZRole = z.enum(["owner", "admin", "editor", "viewer", "steward"]);
