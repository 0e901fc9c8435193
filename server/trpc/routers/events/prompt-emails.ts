import { sendRecordedEmailsAfter } from "../../../services/email/outbox";
import { middleware } from "../../init";

/**
 * Attendee emails (confirmations, changes, offers, cancellations) are recorded in the events services'
 * transactions; this queues them as soon as the procedure has returned instead of leaving them to the outbox
 * sweep (ADR 005, ADR 032 addendum). For every events mutation that may write one.
 */
export const sendEventEmailsPromptly = middleware(({ ctx, next }) =>
  sendRecordedEmailsAfter(
    ctx.env.EMAIL_QUEUE,
    () => next(),
    (result) => result.ok,
  ),
);
