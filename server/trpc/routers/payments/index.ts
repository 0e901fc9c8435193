import { router } from "../../init";
import { createPortalProcedure } from "./create-portal";
import { createTierCheckoutProcedure } from "./create-tier-checkout";
import { getOverviewProcedure } from "./get-overview";
import { refundPaymentProcedure } from "./refund-payment";
import { sandboxConfirmCheckoutProcedure, sandboxDeclineCheckoutProcedure } from "./sandbox-confirm-checkout";
import {
  sandboxControlOwnSubscriptionProcedure,
  sandboxControlSubscriptionProcedure,
} from "./sandbox-control-subscription";
import { sandboxDisputePaymentProcedure } from "./sandbox-dispute-payment";
import { sandboxGetCheckoutProcedure } from "./sandbox-get-checkout";
import { sandboxListOwnSubscriptionsProcedure } from "./sandbox-list-own-subscriptions";

export const paymentsRouter = router({
  getOverview: getOverviewProcedure,
  createTierCheckout: createTierCheckoutProcedure,
  createPortal: createPortalProcedure,
  refundPayment: refundPaymentProcedure,
  sandboxGetCheckout: sandboxGetCheckoutProcedure,
  sandboxConfirmCheckout: sandboxConfirmCheckoutProcedure,
  sandboxDeclineCheckout: sandboxDeclineCheckoutProcedure,
  sandboxControlSubscription: sandboxControlSubscriptionProcedure,
  sandboxDisputePayment: sandboxDisputePaymentProcedure,
  sandboxListOwnSubscriptions: sandboxListOwnSubscriptionsProcedure,
  sandboxControlOwnSubscription: sandboxControlOwnSubscriptionProcedure,
});
