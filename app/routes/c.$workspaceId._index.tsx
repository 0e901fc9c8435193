import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { PublicErrorPage } from "../components/error-page";
import { LatestPosts } from "../components/latest-posts";
import { UpcomingEvents } from "../components/upcoming-events";
import { ErrorSummary, Field, SubmitButton, useClearPasswordsOn } from "../components/form";
import { Notice } from "../components/notice";
import { AuthPage } from "../components/shell";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { formatMoney } from "../lib/money";
import { withNotice } from "../lib/notices";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.name} on Greenroom` : "Creator not found" },
  { name: "description", content: data ? `Join ${data.name}'s audience on Greenroom.` : "" },
];

/** The creator's name, open tiers and who is looking: one batch (1 wave anonymous, 2 with a session). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    const workspaceId = params.workspaceId ?? "";
    // Both reads leave together, so the page keeps its one wave (two with a session).
    const [home, posts, events] = await Promise.all([
      context.api.audience.getCreatorHome({ workspaceId }),
      context.api.posts.listPublic({ workspaceId }),
      context.api.events.listUpcoming({ workspaceId }),
    ]);
    return { ...home, posts, events };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const tierId = text(form, "tierId") || null;
  const values = { email: text(form, "email"), name: text(form, "name") };
  try {
    switch (intent) {
      case "join":
        await context.api.audience.join({ workspaceId, tierId });
        throw redirect(withNotice(`/c/${workspaceId}/account`, "audience-joined"));
      case "email-link":
        await context.api.audience.requestJoinLink({ workspaceId, tierId, ...values });
        return {
          intent,
          notice: `Check ${values.email}: we sent a link that signs you in and joins. It works once, for 15 minutes.`,
        };
      case "password":
        await context.api.audience.joinWithPassword({
          workspaceId,
          tierId,
          ...values,
          password: text(form, "password"),
        });
        throw redirect(withNotice(`/c/${workspaceId}/account`, "audience-joined"));
      case "subscribe": {
        // The grant follows from the payment provider's events (the sandbox offline), never from this redirect.
        const checkout = await context.api.payments.createTierCheckout({
          workspaceId,
          tierId: tierId ?? "",
          interval: text(form, "interval") === "year" ? "year" : "month",
        });
        throw redirect(checkout.url);
      }
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, { intent, values });
  }
}

const LABELS = { name: "Your name", email: "Email", password: "Password" };

function JoinForm({
  tierId,
  result,
}: {
  tierId: string | null;
  result: ReturnType<typeof useActionData<typeof action>>;
}) {
  const errors = errorsOf(result, ["email-link", "password"]);
  const formRef = useClearPasswordsOn(result);
  const values = result && "values" in result ? result.values : null;
  return (
    <Form ref={formRef} method="post" className="stack" noValidate>
      {tierId ? <input type="hidden" name="tierId" value={tierId} /> : null}
      <ErrorSummary errors={errors} labels={LABELS} />
      <Field
        name="name"
        label={LABELS.name}
        autoComplete="name"
        maxLength={100}
        defaultValue={values?.name}
        errors={errors?.fieldErrors.name}
      />
      <Field
        name="email"
        type="email"
        label={LABELS.email}
        autoComplete="email"
        spellCheck={false}
        required
        defaultValue={values?.email}
        errors={errors?.fieldErrors.email}
      />
      <div className="form-actions">
        <SubmitButton intent="email-link" pendingLabel="Sending…">
          Email me a sign-in link
        </SubmitButton>
      </div>
      <details open={Boolean(errors?.fieldErrors.password)}>
        <summary>Use a password instead</summary>
        <Field
          name="password"
          type="password"
          label={LABELS.password}
          autoComplete="new-password"
          hint="At least 10 characters."
          errors={errors?.fieldErrors.password}
        />
        <SubmitButton intent="password" className="button button-secondary" pendingLabel="Joining…">
          Join with a password
        </SubmitButton>
      </details>
    </Form>
  );
}

type Home = ReturnType<typeof useLoaderData<typeof loader>>;

/** Paying for a tier: signed-in people choose monthly or yearly and go to checkout; others sign in first. */
function SubscribeForm({
  tier,
  home,
  result,
}: {
  tier: Home["tiers"][number];
  home: Home;
  result: ReturnType<typeof useActionData<typeof action>>;
}) {
  if (home.viewer.kind === "anonymous") {
    return (
      <p>
        <Link to={`/login?redirectTo=/c/${home.workspaceId}`}>Log in</Link> or join free below, then choose {tier.name}.
      </p>
    );
  }
  if (home.viewer.kind === "team") return <p className="field-hint">Supporters subscribe here.</p>;
  if (home.viewer.kind === "supporter" && home.viewer.status === "blocked") return null;
  const errors = errorsOf(result, "subscribe");
  const intervals = [
    tier.monthlyPriceCents !== null ? { value: "month", label: "Monthly" } : null,
    tier.yearlyPriceCents !== null ? { value: "year", label: "Yearly" } : null,
  ].filter((option) => option !== null);
  return (
    <Form method="post" className="stack">
      <ErrorSummary errors={errors} />
      <input type="hidden" name="tierId" value={tier.id} />
      {intervals.length > 1 ? (
        <fieldset>
          <legend>Billing</legend>
          {intervals.map((option, index) => (
            <label key={option.value}>
              <input type="radio" name="interval" value={option.value} defaultChecked={index === 0} /> {option.label}
            </label>
          ))}
        </fieldset>
      ) : (
        <input type="hidden" name="interval" value={intervals[0]?.value ?? "month"} />
      )}
      <SubmitButton intent="subscribe" pendingLabel="Opening checkout…">
        Subscribe to {tier.name}
      </SubmitButton>
    </Form>
  );
}

export default function CreatorHome() {
  const home = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const free = home.tiers.filter((tier) => tier.kind === "free");
  const paid = home.tiers.filter((tier) => tier.kind === "paid");
  const freeTierId = free[0]?.id ?? null;
  return (
    <AuthPage title={home.name} wide>
      <Notice message={noticeOf(result)} />
      {home.viewer.kind === "supporter" ? (
        <p>
          {home.viewer.status === "blocked"
            ? `${home.name} has removed you from their audience.`
            : "You are a member. "}
          {home.viewer.status === "blocked" ? null : <Link to={`/c/${home.workspaceId}/account`}>Your membership</Link>}
        </p>
      ) : home.viewer.kind === "team" ? (
        <p>
          This is your public page. Visitors join here. Change what they can join on your{" "}
          <Link to={`/w/${home.workspaceId}/tiers`}>Tiers</Link> page.
        </p>
      ) : (
        <p>Join {home.name}&apos;s audience on Greenroom to read and hear what is for members.</p>
      )}

      <LatestPosts posts={home.posts} />
      <UpcomingEvents workspaceId={home.workspaceId} events={home.events} />

      <section aria-labelledby="tiers-heading">
        <h2 id="tiers-heading">Memberships</h2>
        {home.tiers.length === 0 ? <p>Join for free: members see members-only posts and episodes.</p> : null}
        <ul className="stack">
          {[...free, ...paid].map((tier) => (
            <li key={tier.id} className="card">
              <h3>{tier.name}</h3>
              <p>
                {tier.kind === "free"
                  ? "Free"
                  : [
                      tier.monthlyPriceCents !== null
                        ? `${formatMoney(tier.monthlyPriceCents, tier.currency)} a month`
                        : null,
                      tier.yearlyPriceCents !== null
                        ? `${formatMoney(tier.yearlyPriceCents, tier.currency)} a year`
                        : null,
                      tier.trialDays ? `${tier.trialDays} days free first` : null,
                    ]
                      .filter(Boolean)
                      .join(" · ")}
              </p>
              {tier.description ? <p>{tier.description}</p> : null}
              {tier.benefits.length ? (
                <ul>
                  {tier.benefits.map((benefit) => (
                    <li key={benefit}>{benefit}</li>
                  ))}
                </ul>
              ) : null}
              {tier.kind === "paid" ? <SubscribeForm tier={tier} home={home} result={result} /> : null}
            </li>
          ))}
        </ul>
      </section>

      {home.viewer.kind === "anonymous" ? (
        <section aria-labelledby="join-heading">
          <h2 id="join-heading">Join free</h2>
          <p>
            Already have a Greenroom account? <Link to={`/login?redirectTo=/c/${home.workspaceId}`}>Log in</Link> and
            join with one click, or get a link by email.
          </p>
          <JoinForm tierId={freeTierId} result={result} />
        </section>
      ) : home.viewer.kind === "signed_in" ? (
        <section aria-labelledby="join-heading">
          <h2 id="join-heading">Join free</h2>
          <ErrorSummary errors={errorsOf(result, "join")} />
          <Form method="post">
            {freeTierId ? <input type="hidden" name="tierId" value={freeTierId} /> : null}
            <SubmitButton intent="join" pendingLabel="Joining…">
              Join {home.name}
            </SubmitButton>
          </Form>
        </section>
      ) : null}
    </AuthPage>
  );
}

export function ErrorBoundary() {
  return <PublicErrorPage />;
}
