import { escapeHtml } from "../../lib/html";
import type { EmailContent } from "../email/templates";

function simpleEmail(opts: { subject: string; paragraphs: string[]; link?: { label: string; url: string } }) {
  const text = [...opts.paragraphs, ...(opts.link ? [`${opts.link.label}: ${opts.link.url}`] : [])].join("\n\n") + "\n";
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328">
${opts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
${opts.link ? `<p><a href="${escapeHtml(opts.link.url)}">${escapeHtml(opts.link.label)}</a></p>` : ""}
</body></html>`;
  return { subject: opts.subject, text, html } satisfies EmailContent;
}

export function waitlistOfferEmail(opts: { eventTitle: string; quantity: number; expiresAt: Date; url: string }) {
  return simpleEmail({
    subject: `A seat is free for ${opts.eventTitle}`,
    paragraphs: [
      `Good news: ${opts.quantity === 1 ? "a seat" : `${opts.quantity} seats`} for ${opts.eventTitle} opened up and ${
        opts.quantity === 1 ? "it is" : "they are"
      } held for you until ${opts.expiresAt.toUTCString()}.`,
      "If you do not claim it by then, it goes to the next person on the waitlist.",
    ],
    link: { label: "Claim your seat", url: opts.url },
  });
}

export function lateRefundEmail(opts: { eventTitle: string; amount: string; url: string }) {
  return simpleEmail({
    subject: `Your payment for ${opts.eventTitle} is being refunded`,
    paragraphs: [
      `Your payment arrived after the seats we held for you had been released, and ${opts.eventTitle} sold out in the meantime.`,
      `We are refunding the full ${opts.amount}; it reaches your account within a few days. You have not been charged for anything.`,
    ],
    link: { label: "See the event", url: opts.url },
  });
}

export function secondPaymentRefundEmail(opts: { eventTitle: string; amount: string; url: string }) {
  return simpleEmail({
    subject: `A second payment for ${opts.eventTitle} is being refunded`,
    paragraphs: [
      `We received two payments for the same order for ${opts.eventTitle}. Your tickets were issued for the first one.`,
      `We are refunding the second payment of ${opts.amount} in full; it reaches your account within a few days.`,
    ],
    link: { label: "See the event", url: opts.url },
  });
}

/** "Sat, 24 Oct 2026, 01:30 CEST": the start as the creator scheduled it, in the event's own zone. */
export function formatEventTime(at: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(at);
}

export function ticketConfirmationEmail(opts: { eventTitle: string; startsAt: Date; timeZone: string; url: string }) {
  return simpleEmail({
    subject: `Your ticket for ${opts.eventTitle}`,
    paragraphs: [
      `You're in: ${opts.eventTitle}, ${formatEventTime(opts.startsAt, opts.timeZone)}.`,
      "The attached invitation adds it to your calendar. Your ticket's QR code is on the event page.",
    ],
    link: { label: "See your ticket", url: opts.url },
  });
}

export function eventReminderEmail(opts: {
  eventTitle: string;
  when: string;
  startsAt: Date;
  timeZone: string;
  venue: string;
  url: string;
}) {
  return simpleEmail({
    subject: `Reminder: ${opts.eventTitle} starts ${opts.when}`,
    paragraphs: [
      `${opts.eventTitle} starts ${formatEventTime(opts.startsAt, opts.timeZone)}${opts.venue ? ` at ${opts.venue}` : ""}.`,
      "Have your ticket's QR code ready at the door.",
    ],
    link: { label: "See your ticket", url: opts.url },
  });
}

export function eventChangedEmail(opts: {
  eventTitle: string;
  startsAt: Date;
  timeZone: string;
  venue: string;
  url: string;
}) {
  return simpleEmail({
    subject: `Changed: ${opts.eventTitle}`,
    paragraphs: [
      `${opts.eventTitle} has changed. It now starts ${formatEventTime(opts.startsAt, opts.timeZone)}${
        opts.venue ? ` at ${opts.venue}` : ""
      }.`,
      "The attached invitation updates the entry in your calendar. Your ticket stays valid.",
    ],
    link: { label: "See the event", url: opts.url },
  });
}

export function eventCanceledEmail(opts: { eventTitle: string; reason: string; refund: string | null; url: string }) {
  return simpleEmail({
    subject: `Canceled: ${opts.eventTitle}`,
    paragraphs: [
      `${opts.eventTitle} has been canceled by the organiser.${opts.reason ? ` They said: "${opts.reason}"` : ""}`,
      opts.refund
        ? `We are refunding ${opts.refund} to your original payment method; it reaches your account within a few days.`
        : "Your ticket no longer admits. There is nothing to pay back.",
    ],
    link: { label: "See the event", url: opts.url },
  });
}

export function ticketTransferredEmail(opts: { eventTitle: string; fromName: string; url: string }) {
  return simpleEmail({
    subject: `${opts.fromName} sent you a ticket for ${opts.eventTitle}`,
    paragraphs: [
      `${opts.fromName} transferred their ticket for ${opts.eventTitle} to you.`,
      "Sign in with this email address to see it and its QR code.",
    ],
    link: { label: "See your ticket", url: opts.url },
  });
}

export function orderCanceledEmail(opts: { eventTitle: string; refund: string | null; url: string }) {
  return simpleEmail({
    subject: `Your tickets for ${opts.eventTitle} are canceled`,
    paragraphs: [
      `Your tickets for ${opts.eventTitle} are canceled and no longer admit.`,
      opts.refund
        ? `We are refunding ${opts.refund}; it reaches your account within a few days.`
        : "There is nothing to pay back.",
    ],
    link: { label: "See the event", url: opts.url },
  });
}
