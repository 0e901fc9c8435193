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

export function formatMoney(cents: number, currency: string) {
  return new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}
