import { router } from "../../init";
import { createPortalProcedure } from "./create-portal";
import { createTierCheckoutProcedure } from "./create-tier-checkout";
import { getOverviewProcedure } from "./get-overview";
import { refreshConnectAccountProcedure } from "./refresh-connect-account";
import { refundPaymentProcedure } from "./refund-payment";
import { sandboxConfirmCheckoutProcedure, sandboxDeclineCheckoutProcedure } from "./sandbox-confirm-checkout";
import {
  sandboxControlOwnSubscriptionProcedure,
  sandboxControlSubscriptionProcedure,
} from "./sandbox-control-subscription";
import { sandboxDisputePaymentProcedure } from "./sandbox-dispute-payment";
import { sandboxGetCheckoutProcedure } from "./sandbox-get-checkout";
import { sandboxListOwnSubscriptionsProcedure } from "./sandbox-list-own-subscriptions";
import { startConnectOnboardingProcedure } from "./start-connect-onboarding";

export const paymentsRouter = router({
  getOverview: getOverviewProcedure,
  createTierCheckout: createTierCheckoutProcedure,
  createPortal: createPortalProcedure,
  refundPayment: refundPaymentProcedure,
  startConnectOnboarding: startConnectOnboardingProcedure,
  refreshConnectAccount: refreshConnectAccountProcedure,
  sandboxGetCheckout: sandboxGetCheckoutProcedure,
  sandboxConfirmCheckout: sandboxConfirmCheckoutProcedure,
  sandboxDeclineCheckout: sandboxDeclineCheckoutProcedure,
  sandboxControlSubscription: sandboxControlSubscriptionProcedure,
  sandboxDisputePayment: sandboxDisputePaymentProcedure,
  sandboxListOwnSubscriptions: sandboxListOwnSubscriptionsProcedure,
  sandboxControlOwnSubscription: sandboxControlOwnSubscriptionProcedure,
});
