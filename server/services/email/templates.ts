import type { EmailAttachment } from "../../../db/schema";
import { escapeHtml } from "../../lib/html";

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  attachments?: EmailAttachment[];
}

/** One layout for every transactional email: a greeting, a paragraph, one call-to-action link. */
function actionEmail(opts: {
  subject: string;
  greeting: string;
  body: string;
  actionLabel: string;
  url: string;
  footer: string;
}): EmailContent {
  const text = `${opts.greeting}\n\n${opts.body}\n\n${opts.actionLabel}: ${opts.url}\n\n${opts.footer}\n`;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328">
<p>${escapeHtml(opts.greeting)}</p><p>${escapeHtml(opts.body)}</p>
<p><a href="${escapeHtml(opts.url)}" style="display:inline-block;padding:10px 16px;background:#14532d;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(opts.actionLabel)}</a></p>
<p style="color:#57606a;font-size:14px">${escapeHtml(opts.footer)}</p></body></html>`;
  return { subject: opts.subject, text, html };
}

export function verifyEmailTemplate(opts: { name: string; url: string }) {
  return actionEmail({
    subject: "Confirm your email for Greenroom",
    greeting: `Hi ${opts.name},`,
    body: "Confirm your email address to finish setting up your Greenroom account.",
    actionLabel: "Confirm email",
    url: opts.url,
    footer: "This link expires in 48 hours. If you did not sign up, ignore this email.",
  });
}

export function confirmEmailChangeTemplate(opts: { name: string; url: string }) {
  return actionEmail({
    subject: "Confirm your new email for Greenroom",
    greeting: `Hi ${opts.name},`,
    body: "You asked to use this address for your Greenroom account. Your account keeps its old address until you confirm.",
    actionLabel: "Confirm new email",
    url: opts.url,
    footer: "This link expires in 24 hours and works once. If it was not you, ignore this email: nothing changes.",
  });
}

/** To the address being replaced, after the change: the person who lost access learns of it and where to turn. */
export function emailChangedTemplate(opts: { name: string; newEmail: string; url: string }) {
  return actionEmail({
    subject: "Your Greenroom email address was changed",
    greeting: `Hi ${opts.name},`,
    body: `The email address of your Greenroom account is now ${opts.newEmail}. Emails about your account go there from now on.`,
    actionLabel: "Open Greenroom",
    url: opts.url,
    footer:
      "If you did not make this change, someone else may have access to your account: reply to this email and we will help you recover it.",
  });
}

export function resetPasswordTemplate(opts: { name: string; url: string }) {
  return actionEmail({
    subject: "Reset your Greenroom password",
    greeting: `Hi ${opts.name},`,
    body: "Someone asked to reset the password for your Greenroom account.",
    actionLabel: "Choose a new password",
    url: opts.url,
    footer:
      "This link expires in 1 hour and works once. If it was not you, ignore this email: your password is unchanged.",
  });
}

const INVITED_AS = new Map([
  ["admin", "an admin"],
  ["editor", "an editor"],
  ["viewer", "a viewer"],
  ["steward", "a steward (checks tickets in at events)"],
]);

export function invitationTemplate(opts: { inviterName: string; workspaceName: string; role: string; url: string }) {
  return actionEmail({
    subject: `${opts.inviterName} invited you to ${opts.workspaceName} on Greenroom`,
    greeting: "Hello,",
    body: `${opts.inviterName} invited you to join the workspace "${opts.workspaceName}" as ${INVITED_AS.get(opts.role) ?? opts.role}.`,
    actionLabel: "Accept invitation",
    url: opts.url,
    footer: "This invitation expires in 7 days and can be used once.",
  });
}

/** In-app notifications mailed to members (social post outcomes, accounts needing attention, billing). */
export function notificationTemplate(opts: { name: string; title: string; body: string; url: string }) {
  return actionEmail({
    subject: opts.title,
    greeting: `Hi ${opts.name},`,
    body: opts.body,
    actionLabel: "Open Greenroom",
    url: opts.url,
    footer: "You receive this because you manage this workspace on Greenroom.",
  });
}

export function signInLinkTemplate(opts: { name: string; creatorName: string; url: string }) {
  return actionEmail({
    subject: `Your sign-in link for ${opts.creatorName}`,
    greeting: `Hi ${opts.name},`,
    body: `Open this link to join ${opts.creatorName} on Greenroom and sign in. No password needed.`,
    actionLabel: "Sign in and join",
    url: opts.url,
    footer: "This link works once and expires in 15 minutes. If you did not ask for it, ignore this email.",
  });
}

/** A reply to a supporter's comment; `title`/`body` already obey the paywall-preview rule (ADR 027). */
export function commentReplyTemplate(opts: { name: string; title: string; body: string; url: string }) {
  return actionEmail({
    subject: opts.title,
    greeting: `Hi ${opts.name},`,
    body: opts.body,
    actionLabel: "Read the reply",
    url: opts.url,
    footer: "You receive this because you commented. Turn reply emails off in your account on this creator's page.",
  });
}
