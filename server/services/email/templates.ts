import { escapeHtml } from "../../lib/html";

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
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
