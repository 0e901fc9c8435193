import * as z from "zod";
import { listOutbox } from "../../../services/email/outbox";
import { notFound } from "../../../lib/errors";
import { publicProcedure } from "../../init";

export const ZListMailboxOutput = z.array(
  z.object({
    id: z.uuid(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    status: z.enum(["queued", "sent", "failed"]),
    lastError: z.string().nullable(),
    createdAt: z.date(),
    sentAt: z.date().nullable(),
  }),
);

/**
 * The local stand-in for an inbox, in development and test only; every other environment answers NOT_FOUND, so
 * other people's email is never served by a deployment, whatever it is called.
 */
export const listMailboxProcedure = publicProcedure.output(ZListMailboxOutput).query(async ({ ctx }) => {
  if (!ctx.config.localTools) throw notFound("Page");
  return listOutbox({ db: ctx.db, limit: 50 });
});
