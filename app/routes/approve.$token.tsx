import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field } from "../components/form";
import { AuthPage } from "../components/shell";
import { POSITION_LABELS, formatCount, formatMoney, priceWords } from "../lib/campaigns";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data?.campaign ? `Approve ${data.campaign.name}` : "Campaign approval") },
  { name: "robots", content: "noindex" },
];

/** Public: the advertiser opens the link without an account (one round trip, ADR 016). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    return await context.api.campaigns.openApprovalLink({ token: params.token ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const subject = text(form, "creativeId");
  const intent = `decide-${subject || "io"}`;
  try {
    const result = await context.api.campaigns.decideApproval({
      token: params.token ?? "",
      creativeId: subject || null,
      decision: text(form, "decision") as "approved",
      comment: text(form, "comment"),
      decidedByName: text(form, "decidedByName"),
      decidedByEmail: text(form, "decidedByEmail"),
    });
    return {
      intent,
      notice: result.alreadyAnswered
        ? "This was already answered through this link; the first answer stands."
        : result.decision === "approved"
          ? "Thank you: approved."
          : "Thank you: rejected. The network sees your comment.",
    };
  } catch (error) {
    return actionError(error, { intent });
  }
}

function DecisionForm({ subject, label }: { subject: string | null; label: string }) {
  const result = useActionData<typeof action>();
  const intent = `decide-${subject ?? "io"}`;
  const errors = errorsOf(result, intent);
  const id = subject ?? "io";
  return (
    <Form method="post" className="stack" noValidate aria-label={label}>
      {result && "notice" in result && result.intent === intent ? (
        <p className="callout" role="status">
          {result.notice}
        </p>
      ) : null}
      <ErrorSummary errors={errors} />
      <input type="hidden" name="creativeId" value={subject ?? ""} />
      <Field id={`name-${id}`} name="decidedByName" label="Your name" errors={errors?.fieldErrors.decidedByName} />
      <Field id={`email-${id}`} name="decidedByEmail" label="Your email (optional)" type="email" />
      <Field id={`comment-${id}`} name="comment" label="Comment (optional)" errors={errors?.fieldErrors.comment} />
      <p className="form-actions">
        <button type="submit" className="button" name="decision" value="approved">
          Approve {label}
        </button>
        <button type="submit" className="button button-secondary" name="decision" value="rejected">
          Reject {label}
        </button>
      </p>
    </Form>
  );
}

export default function Approve() {
  const page = useLoaderData<typeof loader>();
  if (!page.campaign)
    return (
      <AuthPage title="This link no longer opens">
        <p className="lead">
          {page.problem === "revoked"
            ? `${page.workspaceName} withdrew this approval link.`
            : `This approval link expired on ${page.expiresAt.toISOString().slice(0, 10)}.`}{" "}
          Ask {page.workspaceName} for a new one.
        </p>
      </AuthPage>
    );
  const campaign = page.campaign;
  return (
    <AuthPage title={`${campaign.name}: for your approval`} wide>
      <p className="lead">
        {page.workspaceName} asks {page.advertiserName} to approve this insertion order and its creatives.
      </p>
      <section aria-labelledby="io-summary">
        <h2 id="io-summary">Insertion order</h2>
        <dl className="summary-list">
          <div>
            <dt>Dates</dt>
            <dd>
              {campaign.startsOn} to {campaign.endsOn}
            </dd>
          </div>
          <div>
            <dt>Price</dt>
            <dd>{priceWords(campaign)}</dd>
          </div>
          <div>
            <dt>Budget</dt>
            <dd>{formatMoney(campaign.budgetCents, campaign.currency)}</dd>
          </div>
        </dl>
        <ul>
          {campaign.flights.map((f) => (
            <li key={f.id}>
              {f.name}: {POSITION_LABELS[f.position]}, {f.startsOn} to {f.endsOn}, {formatCount(f.impressionsGoal)}{" "}
              impressions
            </li>
          ))}
        </ul>
        {campaign.ioDecision ? (
          <p className="callout">
            {campaign.ioDecision.decision === "approved" ? "Approved" : "Rejected"} by{" "}
            {campaign.ioDecision.decidedByName}
            {campaign.ioDecision.comment ? `: “${campaign.ioDecision.comment}”` : "."}
          </p>
        ) : (
          <DecisionForm subject={null} label="the insertion order" />
        )}
      </section>
      {campaign.creatives.map((creative) => (
        <section key={creative.id} aria-labelledby={`creative-${creative.id}`}>
          <h2 id={`creative-${creative.id}`}>{creative.name}</h2>
          <p className="muted">{creative.kind === "host_read" ? "Read by the host" : "Recorded audio"}</p>
          {creative.script ? <p>{creative.script}</p> : null}
          {creative.talkingPoints.length ? (
            <ul>
              {creative.talkingPoints.map((point, i) => (
                <li key={i}>{point}</li>
              ))}
            </ul>
          ) : null}
          {creative.promoCode ? <p>Promo code: {creative.promoCode}</p> : null}
          {creative.url ? <p>URL: {creative.url}</p> : null}
          {creative.decision ? (
            <p className="callout">
              {creative.decision.decision === "approved" ? "Approved" : "Rejected"} by {creative.decision.decidedByName}
              {creative.decision.comment ? `: “${creative.decision.comment}”` : "."}
            </p>
          ) : (
            <DecisionForm subject={creative.id} label={creative.name} />
          )}
        </section>
      ))}
    </AuthPage>
  );
}
