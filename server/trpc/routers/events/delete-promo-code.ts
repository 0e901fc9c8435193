import * as z from "zod";
import { deletePromoCode } from "../../../services/events/manage";
import { workspaceProcedure } from "../../init";
import { actorOf } from "./actor";
import { ZPromoCodeId } from "./schemas";

export const ZDeletePromoCodeInput = z.object({ promoCodeId: ZPromoCodeId });
export const ZDeletePromoCodeOutput = z.object({ id: z.uuid() });

export const deletePromoCodeProcedure = workspaceProcedure("events.manage")
  .input(ZDeletePromoCodeInput)
  .output(ZDeletePromoCodeOutput)
  .mutation(({ ctx, input }) => deletePromoCode({ ...actorOf(ctx), promoCodeId: input.promoCodeId }));
