import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field, SelectField, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { formatMoney, parseCents } from "../lib/money";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle("Tiers", workspaceNameFrom(matches)) }];

/** One batch after the session (tests/worker/round-trip-budgets.test.ts). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  try {
    return { tiers: await context.api.tiers.list({ workspaceId: params.workspaceId ?? "" }) };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

const CURRENCIES = ["usd", "eur", "gbp", "cad", "aud"] as const;

function tierFields(form: FormData) {
  const benefits = text(form, "benefits")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return {
    name: text(form, "name"),
    description: text(form, "description"),
    benefits,
    monthlyPriceCents: parseCents(text(form, "monthlyPrice")),
    yearlyPriceCents: parseCents(text(form, "yearlyPrice")),
    currency: (text(form, "currency") || "usd") as (typeof CURRENCIES)[number],
    trialDays: Number(text(form, "trialDays") || "0"),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const api = context.api.tiers;
  try {
    switch (intent) {
      case "create": {
        const tier = await api.create({
          workspaceId,
          kind: text(form, "kind") === "free" ? "free" : "paid",
          ...tierFields(form),
        });
        return { intent, notice: `Tier “${tier.name}” created.` };
      }
      case "update": {
        const tier = await api.update({ workspaceId, tierId: text(form, "tierId"), ...tierFields(form) });
        return { intent, notice: `Tier “${tier.name}” saved.` };
      }
      case "archive":
      case "restore": {
        const tier = await api.setArchived({
          workspaceId,
          tierId: text(form, "tierId"),
          archived: intent === "archive",
        });
        return {
          intent,
          notice:
            intent === "archive"
              ? `“${tier.name}” is archived: nobody new can join it; current members keep it.`
              : `“${tier.name}” is open to new members again.`,
        };
      }
      case "up":
      case "down":
        await api.move({ workspaceId, tierId: text(form, "tierId"), direction: intent });
        return { intent, notice: "Order saved." };
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, { intent, tierId: text(form, "tierId") });
  }
}

const LABELS = {
  name: "Name",
  kind: "Kind",
  monthlyPriceCents: "Monthly price",
  yearlyPriceCents: "Yearly price",
  currency: "Currency",
  trialDays: "Trial days",
  benefits: "Benefits",
  description: "Description",
};

type TierRow = ReturnType<typeof useLoaderData<typeof loader>>["tiers"][number];

function TierForm({ tier, errors, prefix }: { tier?: TierRow; errors: ReturnType<typeof errorsOf>; prefix: string }) {
  const paid = tier ? tier.kind === "paid" : true;
  const price = (cents: number | null | undefined) => (cents == null ? "" : (cents / 100).toFixed(2));
  return (
    <>
      <ErrorSummary errors={errors} labels={LABELS} idPrefix={prefix} />
      <Field
        id={`${prefix}name`}
        name="name"
        label={LABELS.name}
        required
        maxLength={80}
        defaultValue={tier?.name}
        errors={errors?.fieldErrors.name}
      />
      {tier ? null : (
        <SelectField
          id={`${prefix}kind`}
          name="kind"
          label={LABELS.kind}
          defaultValue="paid"
          hint="Fixed once created."
        >
          <option value="paid">Paid</option>
          <option value="free">Free</option>
        </SelectField>
      )}
      {paid ? (
        <>
          <Field
            id={`${prefix}monthlyPriceCents`}
            name="monthlyPrice"
            label={LABELS.monthlyPriceCents}
            inputMode="decimal"
            hint="For example 5.00. Leave empty for no monthly price."
            defaultValue={price(tier?.monthlyPriceCents)}
            errors={errors?.fieldErrors.monthlyPriceCents}
          />
          <Field
            id={`${prefix}yearlyPriceCents`}
            name="yearlyPrice"
            label={LABELS.yearlyPriceCents}
            inputMode="decimal"
            hint="Leave empty for no yearly price."
            defaultValue={price(tier?.yearlyPriceCents)}
            errors={errors?.fieldErrors.yearlyPriceCents}
          />
          <SelectField
            id={`${prefix}currency`}
            name="currency"
            label={LABELS.currency}
            defaultValue={tier?.currency ?? "usd"}
          >
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c.toUpperCase()}
              </option>
            ))}
          </SelectField>
          <Field
            id={`${prefix}trialDays`}
            name="trialDays"
            label={LABELS.trialDays}
            type="number"
            min={0}
            max={90}
            defaultValue={tier?.trialDays ?? 0}
            errors={errors?.fieldErrors.trialDays}
          />
        </>
      ) : null}
      <div className="field">
        <label htmlFor={`${prefix}benefits`}>{LABELS.benefits}</label>
        <p className="field-hint" id={`${prefix}benefits-hint`}>
          One per line.
        </p>
        <textarea
          id={`${prefix}benefits`}
          name="benefits"
          rows={3}
          aria-describedby={`${prefix}benefits-hint`}
          defaultValue={tier?.benefits.join("\n")}
        />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}description`}>{LABELS.description}</label>
        <textarea
          id={`${prefix}description`}
          name="description"
          rows={2}
          maxLength={2000}
          defaultValue={tier?.description}
        />
      </div>
    </>
  );
}

export default function Tiers() {
  const { tiers } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const manager = can(workspace.role, "audience.manage");
  const failedTier = result && "tierId" in result ? result.tierId : "";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Tiers</h1>
          <p className="lead">
            What your audience can join. Free tiers open members-only posts and episodes; paid tiers open paid ones. See
            who joined on the <Link to={`/w/${workspace.id}/audience`}>Audience</Link> page; your public page is{" "}
            <Link to={`/c/${workspace.id}`}>/c/{workspace.id}</Link>.
          </p>
        </div>
      </div>
      <Notice message={noticeOf(result)} />
      <section className="card" aria-labelledby="tiers-heading">
        <h2 id="tiers-heading">
          {tiers.length === 0 ? "No tiers yet" : `${tiers.length} ${tiers.length === 1 ? "tier" : "tiers"}`}
        </h2>
        {tiers.length === 0 ? (
          <p>Create a free tier so people can join, and a paid one when you are ready to be supported.</p>
        ) : (
          <ol className="stack tier-list">
            {tiers.map((tier, index) => (
              <li key={tier.id} className="tier-item">
                <h3>
                  {tier.name} <span className="badge">{tier.kind === "free" ? "Free" : "Paid"}</span>
                  {tier.archivedAt ? <span className="badge">Archived</span> : null}
                </h3>
                <p>
                  {tier.kind === "paid"
                    ? [
                        tier.monthlyPriceCents !== null
                          ? `${formatMoney(tier.monthlyPriceCents, tier.currency)} a month`
                          : null,
                        tier.yearlyPriceCents !== null
                          ? `${formatMoney(tier.yearlyPriceCents, tier.currency)} a year`
                          : null,
                        tier.trialDays ? `${tier.trialDays}-day trial` : null,
                      ]
                        .filter(Boolean)
                        .join(" · ")
                    : "Free"}{" "}
                  · {tier.activeMembers} {tier.activeMembers === 1 ? "member" : "members"}
                </p>
                {tier.benefits.length ? (
                  <ul>
                    {tier.benefits.map((benefit) => (
                      <li key={benefit}>{benefit}</li>
                    ))}
                  </ul>
                ) : null}
                {manager ? (
                  <>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="tierId" value={tier.id} />
                      <SubmitButton
                        intent="up"
                        className="button button-secondary"
                        disabled={index === 0}
                        aria-label={`Move ${tier.name} up`}
                      >
                        Move up
                      </SubmitButton>
                      <SubmitButton
                        intent="down"
                        className="button button-secondary"
                        disabled={index === tiers.length - 1}
                        aria-label={`Move ${tier.name} down`}
                      >
                        Move down
                      </SubmitButton>
                      <SubmitButton
                        intent={tier.archivedAt ? "restore" : "archive"}
                        className="button button-secondary"
                      >
                        {tier.archivedAt ? "Reopen" : "Archive"}
                      </SubmitButton>
                    </Form>
                    <details open={failedTier === tier.id}>
                      <summary>Edit {tier.name}</summary>
                      <Form method="post" className="stack" noValidate>
                        <input type="hidden" name="tierId" value={tier.id} />
                        <TierForm
                          tier={tier}
                          prefix={`tier-${tier.id}-`}
                          errors={failedTier === tier.id ? errorsOf(result, "update") : null}
                        />
                        <div className="form-actions">
                          <SubmitButton intent="update" pendingLabel="Saving…">
                            Save {tier.name}
                          </SubmitButton>
                        </div>
                      </Form>
                    </details>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>
      {manager ? (
        <section className="card" aria-labelledby="new-tier-heading">
          <h2 id="new-tier-heading">New tier</h2>
          <Form method="post" className="stack" noValidate>
            <TierForm prefix="new-" errors={errorsOf(result, "create")} />
            <div className="form-actions">
              <SubmitButton intent="create" pendingLabel="Creating…">
                Create tier
              </SubmitButton>
            </div>
          </Form>
        </section>
      ) : (
        <p>Owners and admins create and change tiers.</p>
      )}
    </>
  );
}
