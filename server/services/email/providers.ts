import type { EmailAttachment } from "../../../db/schema";
import type { Env } from "../../env";

export interface OutgoingEmail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. List-Unsubscribe on newsletters. */
  headers?: Record<string, string>;
  /** Small text files (an event's .ics), sent base64-encoded. */
  attachments?: EmailAttachment[];
}

export interface EmailProvider {
  readonly name: string;
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** Local default: nothing leaves the machine; the email row itself is the delivered copy, read by /dev/mailbox. */
export const outboxProvider: EmailProvider = {
  name: "outbox",
  async send(email) {
    return { messageId: `outbox-${email.id}` };
  },
};

/** Resend-compatible HTTP API. The email id is the idempotency key, so a retried delivery never mails twice. */
export function resendProvider(opts: { apiKey: string; baseUrl?: string; fetch?: typeof fetch }): EmailProvider {
  const doFetch = opts.fetch ?? fetch;
  const baseUrl = (opts.baseUrl ?? "https://api.resend.com").replace(/\/$/, "");
  return {
    name: "resend",
    async send(email) {
      const response = await doFetch(`${baseUrl}/emails`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${opts.apiKey}`,
          "content-type": "application/json",
          "idempotency-key": email.id,
        },
        body: JSON.stringify({
          from: email.from,
          to: [email.to],
          subject: email.subject,
          text: email.text,
          html: email.html,
          ...(email.headers ? { headers: email.headers } : {}),
          ...(email.attachments && email.attachments.length > 0
            ? {
                attachments: email.attachments.map((file) => ({
                  filename: file.filename,
                  content_type: file.contentType,
                  content: base64Utf8(file.content),
                })),
              }
            : {}),
        }),
      });
      const body = (await response.json().catch(() => ({}))) as { id?: string; message?: string };
      if (!response.ok || !body.id) {
        throw new Error(`Email provider answered ${response.status}: ${body.message ?? "no message"}`);
      }
      return { messageId: body.id };
    },
  };
}

function base64Utf8(text: string) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function emailProviderFromEnv(
  env: Pick<Env, "EMAIL_PROVIDER" | "RESEND_API_KEY" | "RESEND_API_URL">,
): EmailProvider {
  if (env.EMAIL_PROVIDER !== "resend") return outboxProvider;
  if (!env.RESEND_API_KEY) throw new Error("EMAIL_PROVIDER is resend but the RESEND_API_KEY secret is not set.");
  return resendProvider({ apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_API_URL });
}
