import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { EPISODE_QUERY_MAX, EPISODE_SEARCH_FIELDS, EpisodePicker } from "../components/episode-picker";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, Field, SelectField, SubmitButton } from "../components/form";
import { requireUser } from "../lib/auth.server";
import {
  CAMPAIGN_STATUS_LABELS,
  FLIGHT_STATUS_LABELS,
  INVOICE_STATUS_LABELS,
  POSITION_LABELS,
  formatCount,
  formatMoney,
  priceWords,
  wholeFrom,
} from "../lib/campaigns";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { errorsOf, text } from "../lib/forms";
import { formatDate, formatDateTime } from "../lib/format";
import { describeAdEncoding } from "../lib/campaigns";
import { pageTitle } from "../lib/meta";
import { can } from "../lib/roles";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import campaignStyles from "../styles/campaigns.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: campaignStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(data?.campaign.name ?? "Campaign", workspaceNameFrom(matches)) },
];

/** The flight form's fields as "Find episodes" carries them in the address, to be put back in the form. */
function flightDraftFrom(search: URLSearchParams) {
  const value = (name: string) => search.get(name) ?? "";
  return {
    name: value("name"),
    startsOn: value("startsOn"),
    endsOn: value("endsOn"),
    position: value("position"),
    impressionsGoal: value("impressionsGoal"),
    priority: value("priority"),
    frequencyCap: value("frequencyCap"),
    status: value("status"),
    showIds: search.getAll("showIds"),
  };
}

/**
 * The campaign, the shows a flight can target, the flight form's episode search and the audio a creative can use:
 * one wave after the session.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const search = new URL(request.url).searchParams;
  try {
    const [campaign, shows, audio, episodeChoices] = await Promise.all([
      context.api.campaigns.getCampaign({ workspaceId, campaignId: params.campaignId ?? "" }),
      context.api.podcasts.listShows({ workspaceId, limit: 100 }),
      context.api.podcasts.listMediaChoices({ workspaceId, kind: "audio" }),
      context.api.campaigns.listEpisodeChoices({
        workspaceId,
        showId: search.get(EPISODE_SEARCH_FIELDS.show) || null,
        query: (search.get(EPISODE_SEARCH_FIELDS.query) ?? "").slice(0, EPISODE_QUERY_MAX),
        selectedIds: search.getAll("episodeIds").slice(0, 500),
      }),
    ]);
    return {
      campaign,
      shows: shows.items.map((s) => ({ id: s.id, title: s.title })),
      audio,
      episodeChoices,
      flightDraft: search.get("intent") === EPISODE_SEARCH_FIELDS.intent ? flightDraftFrom(search) : null,
    };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

const MENTION_KIND = { promo_code: "Promo code", url: "URL", talking_point: "Talking point" } as const;

const STATUSES = ["draft", "approved", "live", "completed", "canceled"] as const;

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const campaignId = params.campaignId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const api = context.api.campaigns;
  try {
    switch (intent) {
      case "set-status": {
        const rest = await api.getCampaign({ workspaceId, campaignId });
        await api.updateCampaign({
          workspaceId,
          campaignId,
          advertiserId: rest.advertiser.id,
          name: rest.name,
          budgetCents: rest.budgetCents,
          currency: rest.currency,
          pricing: rest.pricing,
          rateCents: rest.rateCents,
          startsOn: rest.startsOn,
          endsOn: rest.endsOn,
          ioContactName: rest.ioContactName,
          ioContactEmail: rest.ioContactEmail,
          notes: rest.notes,
          status: text(form, "status") as (typeof STATUSES)[number],
        });
        return { intent, notice: "Status saved." };
      }
      case "create-flight": {
        const cap = text(form, "frequencyCap");
        const flight = await api.createFlight({
          workspaceId,
          campaignId,
          name: text(form, "name"),
          startsOn: text(form, "startsOn"),
          endsOn: text(form, "endsOn"),
          position: text(form, "position") as "pre",
          impressionsGoal: wholeFrom(text(form, "impressionsGoal")),
          priority: wholeFrom(text(form, "priority") || "5"),
          frequency: cap ? { cap: wholeFrom(cap), days: 1 } : null,
          status: text(form, "status") as "booked",
          showIds: form.getAll("showIds").map(String),
          episodeIds: form.getAll("episodeIds").map(String),
        });
        return { intent, flightId: flight.id, notice: "Flight added." };
      }
      case "delete-flight":
        await api.deleteFlight({ workspaceId, flightId: text(form, "flightId") });
        return { intent, notice: "Flight deleted." };
      case "recheck-host-reads": {
        const run = await api.recheckHostReads({ workspaceId, flightId: text(form, "flightId") });
        return { intent, flightId: run.flightId, notice: recheckWords(run) };
      }
      case "create-creative": {
        const kind = text(form, "kind") as "host_read" | "audio";
        await api.createCreative({
          workspaceId,
          campaignId,
          name: text(form, "name"),
          kind,
          flightId: text(form, "flightId") || null,
          script: text(form, "script"),
          talkingPoints: text(form, "talkingPoints")
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean),
          promoCode: text(form, "promoCode"),
          url: text(form, "url"),
          mediaId: kind === "audio" ? text(form, "mediaId") || null : null,
        });
        return { intent, notice: "Creative added." };
      }
      case "delete-creative":
        await api.deleteCreative({ workspaceId, creativeId: text(form, "creativeId") });
        return { intent, notice: "Creative deleted." };
      case "create-link": {
        const link = await api.createShareLink({
          workspaceId,
          campaignId,
          purpose: text(form, "purpose") as "approval",
          shareDespiteMissingMentions: text(form, "shareDespiteMissingMentions") === "yes",
        });
        return { intent, notice: "Link created. Copy it now: it is shown only once.", url: link.url };
      }
      case "revoke-link":
        await api.revokeShareLink({ workspaceId, shareLinkId: text(form, "shareLinkId") });
        return { intent, notice: "Link revoked: it no longer opens." };
      case "create-invoice":
        await api.createInvoice({ workspaceId, campaignId });
        return { intent, notice: "Invoice created as a draft." };
      case "set-invoice-status":
        await api.setInvoiceStatus({
          workspaceId,
          invoiceId: text(form, "invoiceId"),
          status: text(form, "status") as "sent",
          throughStripe: text(form, "throughStripe") === "yes",
        });
        return { intent, notice: "Invoice status saved." };
      case "delete-campaign":
        if (text(form, "confirm") !== "yes")
          return {
            intent,
            formError: "Tick the box to confirm the campaign and everything in it should go.",
            fieldErrors: {},
          };
        await api.deleteCampaign({ workspaceId, campaignId });
        throw redirect(`/w/${workspaceId}/campaigns`);
      default:
        return { intent, formError: "That action is not available here.", fieldErrors: {} };
    }
  } catch (error) {
    return actionError(error, { intent });
  }
}

/** What the host-read search found, in the words the flight's status line shows. */
function recheckWords(run: { episodes: number; transcripts: number; checked: number; missing: number }) {
  if (run.episodes === 0) return "Checked: no episode this flight covers has audio yet.";
  if (run.transcripts === 0)
    return `Checked: none of the ${run.episodes === 1 ? "episode" : `${run.episodes} episodes`} this flight covers has a transcript with a host read to look for yet.`;
  const heard = run.checked - run.missing;
  return `Checked ${run.transcripts === 1 ? "1 transcript" : `${run.transcripts} transcripts`}: ${heard} of ${run.checked} mentions heard${run.missing ? `, ${run.missing} not mentioned (listed under Share with the advertiser)` : ""}.`;
}

const PACING_WORDS = {
  not_started: "not started",
  on_track: "on track",
  behind: "behind",
  delivered: "goal delivered",
  under_delivered: "ended under goal",
} as const;

function Decision({ approval }: { approval: { decision: string; comment: string; decidedByName: string } | null }) {
  if (!approval) return <span className="muted">Waiting for the advertiser</span>;
  return (
    <span>
      {approval.decision === "approved" ? "Approved" : "Rejected"} by {approval.decidedByName}
      {approval.comment ? `: “${approval.comment}”` : ""}
    </span>
  );
}

/** A flight's targets per show: a whole show, or the episodes chosen on it (the first ten named, then a count). */
function FlightTargets({ targets }: { targets: { showId: string; showTitle: string; episodeTitle: string | null }[] }) {
  const byShow = new Map<string, { title: string; whole: boolean; episodes: string[] }>();
  for (const target of targets) {
    const show = byShow.get(target.showId) ?? { title: target.showTitle, whole: false, episodes: [] };
    if (target.episodeTitle) show.episodes.push(target.episodeTitle);
    else show.whole = true;
    byShow.set(target.showId, show);
  }
  return (
    <ul className="flight-targets">
      {[...byShow.entries()].map(([showId, show]) => {
        const count = show.episodes.length;
        const names = `${show.episodes.slice(0, 10).join(", ")}${count > 10 ? ` and ${count - 10} more` : ""}`;
        const words = show.whole
          ? `every episode${count ? ` (${names} also chosen singly)` : ""}`
          : `${count === 1 ? "1 episode" : `${count} episodes`}: ${names}`;
        return (
          <li key={showId}>
            {show.title}: {words}
          </li>
        );
      })}
    </ul>
  );
}

export default function Campaign() {
  const { campaign, shows, audio, episodeChoices, flightDraft } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const manager = can(workspace.role, "campaigns.manage");
  const invoicer = can(workspace.role, "campaigns.invoice");
  const base = `/w/${workspace.id}/campaigns/${campaign.id}`;
  const errorsFor = (intent: string | string[]) => errorsOf(result, intent);
  // After a flight is added the form starts empty again, whatever search the address still carries.
  const added = result && "flightId" in result && result.intent === "create-flight" ? result.flightId : null;
  const draft = added ? null : flightDraft;
  const noticeFor = (intent: string) =>
    result && "notice" in result && result.intent === intent ? (
      <p className="callout" role="status">
        {result.notice}
        {"url" in result && result.url ? (
          <>
            {" "}
            <span className="share-url">{result.url}</span>
          </>
        ) : null}
      </p>
    ) : null;
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to={`/w/${workspace.id}/campaigns`}>Campaigns</Link> ·{" "}
            <Link to={`/w/${workspace.id}/advertisers/${campaign.advertiser.id}`}>{campaign.advertiser.name}</Link>
          </p>
          <h1>{campaign.name}</h1>
          <p className="lead">
            {CAMPAIGN_STATUS_LABELS[campaign.status]} · {campaign.startsOn} to {campaign.endsOn}
          </p>
        </div>
        <Link className="button button-secondary" to={`${base}/report`}>
          Report
        </Link>
      </div>

      <section className="card" aria-labelledby="io-heading">
        <h2 id="io-heading">Insertion order</h2>
        <dl className="summary-list campaign-meta">
          <div>
            <dt>Budget</dt>
            <dd>{formatMoney(campaign.budgetCents, campaign.currency)}</dd>
          </div>
          <div>
            <dt>Pricing</dt>
            <dd>{priceWords(campaign)}</dd>
          </div>
          <div>
            <dt>IO contact</dt>
            <dd>
              {campaign.ioContactName || "—"} {campaign.ioContactEmail ? `(${campaign.ioContactEmail})` : ""}
            </dd>
          </div>
          <div>
            <dt>Advertiser approval</dt>
            <dd>
              <Decision approval={campaign.ioApproval} />
            </dd>
          </div>
        </dl>
        {manager ? (
          <>
            {noticeFor("set-status")}
            <ErrorSummary errors={errorsFor("set-status")} />
            <Form method="post" className="form-actions">
              <SelectField id="campaign-status" name="status" label="Status" defaultValue={campaign.status}>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {CAMPAIGN_STATUS_LABELS[s]}
                  </option>
                ))}
              </SelectField>
              <SubmitButton intent="set-status" className="button button-secondary" pendingLabel="Saving…">
                Save status
              </SubmitButton>
            </Form>
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="flights-heading">
        <h2 id="flights-heading">Flights</h2>
        {noticeFor("delete-flight")}
        <ErrorSummary errors={errorsFor("recheck-host-reads")} />
        {campaign.flights.length === 0 ? (
          <p className="muted">No flights yet. A flight books dates and a position on shows or single episodes.</p>
        ) : (
          <ul className="stack">
            {campaign.flights.map((flight) => (
              <li key={flight.id}>
                <strong>{flight.name}</strong> · {POSITION_LABELS[flight.position]} · {flight.startsOn} to{" "}
                {flight.endsOn} · {FLIGHT_STATUS_LABELS[flight.status]} · goal {formatCount(flight.impressionsGoal)} ·
                priority {flight.priority}
                {flight.frequency ? ` · at most ${flight.frequency.cap} per listener per day, across episodes` : ""}
                <br />
                <span className={flight.pacing.makeGood ? "callout" : undefined}>
                  Pacing: {formatCount(flight.pacing.delivered)} delivered, {formatCount(flight.pacing.expected)}{" "}
                  expected by yesterday · {PACING_WORDS[flight.pacing.status]}
                  {flight.pacing.makeGood
                    ? ` · suggested make-good: ${formatCount(flight.pacing.makeGood.impressions)} impressions over ${flight.pacing.makeGood.extraDays} extra ${flight.pacing.makeGood.extraDays === 1 ? "day" : "days"}`
                    : ""}
                </span>
                <br />
                <FlightTargets targets={flight.targets} />
                <span className="muted">
                  Host reads{" "}
                  {flight.hostReadsCheckedAt
                    ? `last searched for in transcripts ${formatDateTime(flight.hostReadsCheckedAt)}`
                    : "not searched for yet"}
                </span>
                {result &&
                "notice" in result &&
                result.intent === "recheck-host-reads" &&
                result.flightId === flight.id ? (
                  <p className="callout" role="status">
                    {result.notice}
                  </p>
                ) : null}
                {manager ? (
                  <Form method="post" className="form-actions">
                    <input type="hidden" name="flightId" value={flight.id} />
                    {flight.status !== "draft" && flight.status !== "canceled" ? (
                      <SubmitButton
                        intent="recheck-host-reads"
                        className="button button-small button-secondary"
                        pendingLabel="Checking…"
                      >
                        Check host reads again in {flight.name}
                      </SubmitButton>
                    ) : null}
                    <SubmitButton intent="delete-flight" className="button button-small button-secondary">
                      Delete {flight.name}
                    </SubmitButton>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {manager ? (
          shows.length === 0 ? (
            <p className="muted">
              Create a show first: flights target shows. <Link to={`/w/${workspace.id}/shows`}>Shows</Link>
            </p>
          ) : (
            <details open={Boolean(draft) || result?.intent === "create-flight"}>
              <summary>Add a flight</summary>
              {noticeFor("create-flight")}
              <ErrorSummary errors={errorsFor("create-flight")} />
              <Form
                key={added ?? "new"}
                method="post"
                className="stack"
                noValidate
                onKeyDown={(event) => {
                  // Enter submits with the form's first button, which is "Find episodes". Outside the episode
                  // search, Enter keeps adding the flight, as it did before the picker; without JavaScript it
                  // searches, which keeps everything typed.
                  const field = event.target;
                  if (event.key !== "Enter" || !(field instanceof HTMLInputElement)) return;
                  if (field.name === EPISODE_SEARCH_FIELDS.query || field.type === "checkbox") return;
                  const add = event.currentTarget.querySelector<HTMLButtonElement>('button[value="create-flight"]');
                  if (!add) return;
                  event.preventDefault();
                  event.currentTarget.requestSubmit(add);
                }}
              >
                <Field
                  id="flight-name"
                  name="name"
                  label="Flight name"
                  defaultValue={draft?.name}
                  errors={errorsFor("create-flight")?.fieldErrors.name}
                />
                <Field
                  id="flight-starts"
                  name="startsOn"
                  type="date"
                  label="Start date"
                  defaultValue={draft ? draft.startsOn : campaign.startsOn}
                  errors={errorsFor("create-flight")?.fieldErrors.startsOn}
                />
                <Field
                  id="flight-ends"
                  name="endsOn"
                  type="date"
                  label="End date"
                  defaultValue={draft ? draft.endsOn : campaign.endsOn}
                  errors={errorsFor("create-flight")?.fieldErrors.endsOn}
                />
                <SelectField id="flight-position" name="position" label="Position" defaultValue={draft?.position}>
                  <option value="pre">Pre-roll</option>
                  <option value="mid">Mid-roll</option>
                  <option value="post">Post-roll</option>
                </SelectField>
                <Field
                  id="flight-goal"
                  name="impressionsGoal"
                  label="Impressions goal"
                  inputMode="numeric"
                  defaultValue={draft?.impressionsGoal}
                  errors={errorsFor("create-flight")?.fieldErrors.impressionsGoal}
                />
                <Field
                  id="flight-priority"
                  name="priority"
                  label="Priority (1-10)"
                  inputMode="numeric"
                  defaultValue={draft?.priority || "5"}
                />
                <Field
                  id="flight-cap"
                  name="frequencyCap"
                  label="At most this many plays per listener per day (optional)"
                  inputMode="numeric"
                  defaultValue={draft?.frequencyCap}
                  hint={
                    <>
                      Counted across all episodes, one play per episode, per UTC day: listener keys change daily, so
                      Greenroom cannot tell a listener apart across days (
                      <Link to={`/methodology/${workspace.id}`}>methodology</Link>).
                    </>
                  }
                  errors={errorsFor("create-flight")?.fieldErrors.frequency}
                />
                <SelectField id="flight-status" name="status" label="Status" defaultValue={draft?.status || "booked"}>
                  <option value="draft">Draft (holds nothing)</option>
                  <option value="booked">Booked</option>
                  <option value="live">Live</option>
                </SelectField>
                <fieldset>
                  <legend>Shows</legend>
                  <p className="field-hint">Every episode of a ticked show.</p>
                  {errorsFor("create-flight")?.fieldErrors.showIds ? (
                    <p className="field-error">{errorsFor("create-flight")?.fieldErrors.showIds?.join(" ")}</p>
                  ) : null}
                  {shows.map((show) => (
                    <label key={show.id} className="checkbox">
                      <input
                        type="checkbox"
                        name="showIds"
                        value={show.id}
                        defaultChecked={draft?.showIds.includes(show.id)}
                      />{" "}
                      {show.title}
                    </label>
                  ))}
                </fieldset>
                <EpisodePicker
                  choices={added ? { ...episodeChoices, selected: [] } : episodeChoices}
                  shows={shows}
                  errors={errorsFor("create-flight")?.fieldErrors.episodeIds}
                />
                <SubmitButton intent="create-flight" pendingLabel="Adding…">
                  Add flight
                </SubmitButton>
              </Form>
            </details>
          )
        ) : null}
      </section>

      <section className="card" aria-labelledby="creatives-heading">
        <h2 id="creatives-heading">Creatives</h2>
        {noticeFor("delete-creative")}
        {campaign.creatives.length === 0 ? (
          <p className="muted">No creatives yet: add a host-read script or recorded audio.</p>
        ) : (
          <ul className="stack">
            {campaign.creatives.map((creative) => (
              <li key={creative.id}>
                <strong>{creative.name}</strong> · {creative.kind === "host_read" ? "Host read" : "Recorded audio"}
                {creative.kind === "audio"
                  ? ` · ${creative.mediaFilename ?? "audio file deleted"}${creative.durationSeconds ? ` (${creative.durationSeconds} s)` : ""}`
                  : ""}
                {creative.audioEncoding ? ` · ${describeAdEncoding(creative.audioEncoding)}` : ""}
                {creative.promoCode ? ` · code ${creative.promoCode}` : ""} · revision {creative.revision}
                <br />
                <Decision approval={creative.approval} />
                {creative.script ? <p>{creative.script}</p> : null}
                {creative.talkingPoints.length ? (
                  <ul>
                    {creative.talkingPoints.map((point, i) => (
                      <li key={i}>{point}</li>
                    ))}
                  </ul>
                ) : null}
                {manager ? (
                  <Form method="post" className="form-actions">
                    <input type="hidden" name="creativeId" value={creative.id} />
                    <SubmitButton intent="delete-creative" className="button button-small button-secondary">
                      Delete {creative.name}
                    </SubmitButton>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {manager ? (
          <details>
            <summary>Add a creative</summary>
            {noticeFor("create-creative")}
            <ErrorSummary errors={errorsFor("create-creative")} />
            <Form method="post" className="stack" noValidate>
              <Field
                id="creative-name"
                name="name"
                label="Name"
                errors={errorsFor("create-creative")?.fieldErrors.name}
              />
              <SelectField id="creative-kind" name="kind" label="Kind">
                <option value="host_read">Host read</option>
                <option value="audio">Recorded audio from the media library</option>
              </SelectField>
              <SelectField id="creative-flight" name="flightId" label="Flight">
                <option value="">Every flight of the campaign</option>
                {campaign.flights.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
              </SelectField>
              <FieldText
                id="creative-script"
                name="script"
                label="Script (host read)"
                errors={errorsFor("create-creative")?.fieldErrors.script}
              />
              <FieldText id="creative-points" name="talkingPoints" label="Talking points, one per line" />
              <Field id="creative-code" name="promoCode" label="Promo code" />
              <Field
                id="creative-url"
                name="url"
                label="URL"
                type="url"
                errors={errorsFor("create-creative")?.fieldErrors.url}
              />
              <SelectField
                id="creative-media"
                name="mediaId"
                label="Audio file (recorded audio)"
                errors={errorsFor("create-creative")?.fieldErrors.mediaId}
              >
                <option value="">None</option>
                {audio.map((file) => (
                  <option key={file.id} value={file.id}>
                    {file.filename}
                  </option>
                ))}
              </SelectField>
              <SubmitButton intent="create-creative" pendingLabel="Adding…">
                Add creative
              </SubmitButton>
            </Form>
          </details>
        ) : null}
      </section>

      <section className="card" aria-labelledby="links-heading">
        <h2 id="links-heading">Share with the advertiser</h2>
        <p className="muted">
          An approval link lets {campaign.advertiser.name} approve or reject the insertion order and each creative
          without an account. A report link shows them the campaign report.
        </p>
        {noticeFor("create-link")}
        {noticeFor("revoke-link")}
        <ErrorSummary errors={errorsFor(["create-link", "revoke-link"])} />
        {campaign.missingMentions.length ? (
          <div className="callout" role="status">
            <p>
              <strong>
                {campaign.missingMentions.length} host-read{" "}
                {campaign.missingMentions.length === 1 ? "mention was" : "mentions were"} not found in the transcripts.
              </strong>{" "}
              The report shows each as not mentioned. Offer a make-good, or share the report anyway.
            </p>
            <ul>
              {campaign.missingMentions.map((miss) => (
                <li key={`${miss.flightId}-${miss.creativeId}-${miss.episodeId}-${miss.kind}-${miss.target}`}>
                  {MENTION_KIND[miss.kind]} “{miss.target}” in {miss.episodeTitle}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {campaign.shareLinks.length ? (
          <ul className="stack">
            {campaign.shareLinks.map((link) => (
              <li key={link.id}>
                {link.purpose === "approval" ? "Approval link" : "Report link"} · created {formatDate(link.createdAt)} ·{" "}
                {link.revokedAt ? `revoked ${formatDate(link.revokedAt)}` : `expires ${formatDate(link.expiresAt)}`}
                {manager && !link.revokedAt ? (
                  <Form method="post" className="form-actions">
                    <input type="hidden" name="shareLinkId" value={link.id} />
                    <SubmitButton intent="revoke-link" className="button button-small button-secondary">
                      Revoke
                    </SubmitButton>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
        {manager ? (
          <Form method="post" className="form-actions">
            <SelectField id="link-purpose" name="purpose" label="Link for">
              <option value="approval">Approval</option>
              <option value="report">Report</option>
            </SelectField>
            {campaign.missingMentions.length ? (
              <label className="checkbox">
                <input type="checkbox" name="shareDespiteMissingMentions" value="yes" /> Share a report link even though
                host-read mentions are missing
              </label>
            ) : null}
            <SubmitButton intent="create-link" pendingLabel="Creating…">
              Create link
            </SubmitButton>
          </Form>
        ) : null}
      </section>

      {invoicer ? (
        <section className="card" aria-labelledby="invoices-heading">
          <h2 id="invoices-heading">Invoices</h2>
          {noticeFor("create-invoice")}
          {noticeFor("set-invoice-status")}
          <ErrorSummary errors={errorsFor(["create-invoice", "set-invoice-status"])} />
          {campaign.invoices.length === 0 ? (
            <p className="muted">No invoices yet. An invoice is built from the insertion order.</p>
          ) : (
            <ul className="stack">
              {campaign.invoices.map((invoice) => (
                <li key={invoice.id}>
                  <a href={`/w/${workspace.id}/invoices/${invoice.id}.pdf`}>
                    INV-{String(invoice.number).padStart(4, "0")} (PDF)
                  </a>{" "}
                  · {formatMoney(invoice.totalCents, invoice.currency)} · {INVOICE_STATUS_LABELS[invoice.status]} · due{" "}
                  {invoice.dueOn}
                  {invoice.status === "draft" || invoice.status === "sent" ? (
                    <Form method="post" className="form-actions">
                      <input type="hidden" name="invoiceId" value={invoice.id} />
                      <input type="hidden" name="status" value={invoice.status === "draft" ? "sent" : "paid"} />
                      <SubmitButton intent="set-invoice-status" className="button button-small button-secondary">
                        Mark {invoice.status === "draft" ? "sent" : "paid"}
                      </SubmitButton>
                    </Form>
                  ) : null}
                  {invoice.status === "draft" && campaign.stripeInvoicing.available ? (
                    // Stripe Invoicing on the workspace's connected account emails it with a payment page (ADR 025).
                    <Form method="post" className="form-actions">
                      <input type="hidden" name="invoiceId" value={invoice.id} />
                      <input type="hidden" name="status" value="sent" />
                      <input type="hidden" name="throughStripe" value="yes" />
                      <SubmitButton intent="set-invoice-status" className="button button-small button-secondary">
                        Send through Stripe
                      </SubmitButton>
                    </Form>
                  ) : null}
                  {invoice.status === "draft" && !campaign.stripeInvoicing.available ? (
                    // No button that can only fail: say what would make Stripe Invoicing possible.
                    <span className="cell-sub" data-testid="stripe-invoicing-unavailable">
                      {campaign.stripeInvoicing.reason} <Link to={`/w/${workspace.id}/payments`}>Payments</Link>
                    </span>
                  ) : null}
                  {invoice.stripeInvoiceId ? <span className="cell-sub">Issued through Stripe</span> : null}
                </li>
              ))}
            </ul>
          )}
          <Form method="post" className="form-actions">
            <SubmitButton intent="create-invoice" pendingLabel="Creating…">
              Create invoice
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      {manager ? (
        <section className="card card-danger" aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete this campaign</h2>
          <ErrorSummary errors={errorsFor("delete-campaign")} />
          <Form method="post" className="stack">
            <label className="checkbox">
              <input type="checkbox" name="confirm" value="yes" /> Delete {campaign.name} with its flights, creatives
              and links
            </label>
            <SubmitButton intent="delete-campaign" className="button button-danger" pendingLabel="Deleting…">
              Delete campaign
            </SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}

function FieldText({ id, name, label, errors }: { id: string; name: string; label: string; errors?: string[] }) {
  return (
    <div className={errors?.length ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {errors?.length ? (
        <p id={`${id}-error`} className="field-error">
          {errors.join(" ")}
        </p>
      ) : null}
      <textarea id={id} name={name} rows={4} aria-describedby={errors?.length ? `${id}-error` : undefined} />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
