import { createPromoCode } from "../../../services/events/manage";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";
import { ZEventId, ZPromoCode, ZPromoCodeFields } from "./schemas";

export const ZCreatePromoCodeInput = ZPromoCodeFields.extend({ eventId: ZEventId });
export const ZCreatePromoCodeOutput = ZPromoCode;

export const createPromoCodeProcedure = workspaceProcedure("events.manage")
  .input(ZCreatePromoCodeInput)
  .output(ZCreatePromoCodeOutput)
  .mutation(({ ctx, input: { workspaceId: _workspaceId, eventId, ...fields } }) =>
    createPromoCode({ ...actorOf(ctx), eventId, fields }),
  );
