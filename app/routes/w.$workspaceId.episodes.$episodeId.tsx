import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { data, redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AD_SLOT_INTENTS, AdSlots, parseSlotTime } from "../components/ad-slots";
import { ErrorPanel } from "../components/error-page";
import { ErrorSummary, Field, SelectField, SubmitButton } from "../components/form";
import { Notice } from "../components/notice";
import { TextAreaField } from "../components/podcast-fields";
import { ScheduleFields } from "../components/schedule-fields";
import { requireUser } from "../lib/auth.server";
import { actionError, throwLoaderError } from "../lib/errors.server";
import { formatDateTime } from "../lib/format";
import { errorsOf, noticeOf, text } from "../lib/forms";
import { pageTitle } from "../lib/meta";
import { formatBytes, formatDuration, optionalId, optionalNumber, STATUS_BADGES, STATUS_LABELS } from "../lib/podcasts";
import { can } from "../lib/roles";
import { timeZoneNames, zonedLocalToUtc } from "../lib/timezones";
import { useWorkspaceLayout, workspaceNameFrom } from "../lib/workspace";
import podcastStyles from "../styles/podcasts.css?url";
import { TranscriptionStatus } from "../components/transcription-status";
import { ownValue } from "../../server/lib/records";
import type { EpisodeType } from "../../db/schema/podcasts";
import type { ContentVisibility } from "../../db/schema/audience";
import { CheckboxField } from "../components/podcast-fields";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: podcastStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(data?.episode.title, data?.episode.showTitle, workspaceNameFrom(matches)) },
];

const LABELS = {
  title: "Title",
  description: "Show notes",
  seasonNumber: "Season",
  episodeNumber: "Episode number",
  durationSeconds: "Duration",
  episodeType: "Episode type",
  audioMediaId: "Audio",
  publishAt: "Go live at",
  visibility: "Who may listen",
  visibilityTierIds: "Tiers",
  teaser: "Teaser",
};

/** The select offers only these; anything else leaves the type as it was. (Type-only schema import: no Drizzle in the browser.) */
const EPISODE_TYPE_CHOICES: readonly EpisodeType[] = ["full", "trailer", "bonus"];
const episodeTypeOf = (value: string) => EPISODE_TYPE_CHOICES.find((type) => type === value);
const VISIBILITY_CHOICES: readonly ContentVisibility[] = ["public", "members", "paid", "tiers", "ticket_holders"];
const visibilityOf = (value: string) => VISIBILITY_CHOICES.find((choice) => choice === value);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  try {
    // The episode carries its audio's transcription state, so both reads go out together (ADR 016).
    const episodeId = params.episodeId ?? "";
    const [{ transcription, ...episode }, audioChoices, ads] = await Promise.all([
      context.api.podcasts.getEpisode({ workspaceId, episodeId }),
      context.api.podcasts.listMediaChoices({ workspaceId, kind: "audio" }),
      context.api.ads.listSlots({ workspaceId, episodeId }),
    ]);
    return { episode, audioChoices, transcription, ads, timeZones: timeZoneNames() };
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const workspaceId = params.workspaceId ?? "";
  const episodeId = params.episodeId ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  const values = Object.fromEntries([...form].map(([key, value]) => [key, String(value)]));
  const update = (
    changes: Omit<Parameters<typeof context.api.podcasts.updateEpisode>[0], "workspaceId" | "episodeId">,
  ) => context.api.podcasts.updateEpisode({ workspaceId, episodeId, ...changes });
  try {
    switch (intent) {
      case "save":
        await update({
          title: text(form, "title"),
          description: text(form, "description"),
          seasonNumber: optionalNumber(form, "seasonNumber"),
          episodeNumber: optionalNumber(form, "episodeNumber"),
          durationSeconds: optionalNumber(form, "durationSeconds"),
          episodeType: episodeTypeOf(text(form, "episodeType")),
          audioMediaId: optionalId(form, "audioMediaId"),
          visibility: visibilityOf(text(form, "visibility")),
          visibilityTierIds: form.getAll("visibilityTierIds").map(String),
          visibilityEventId: optionalId(form, "visibilityEventId"),
          teaser: text(form, "teaser"),
        });
        return { intent, notice: "Episode saved." };
      case "publish":
        await update({ status: "published" });
        return { intent, notice: "Published. The episode is in the feed and on its public page." };
      case "schedule": {
        const publishAt = zonedLocalToUtc(text(form, "publishAtLocal"), text(form, "timeZone"));
        if (!publishAt) {
          const message = "Enter a date and time, and choose a time zone.";
          return data(
            { intent, values, formError: "The episode cannot be scheduled.", fieldErrors: { publishAt: [message] } },
            { status: 400 },
          );
        }
        const scheduled = await update({ status: "scheduled", publishAt });
        return { intent, notice: `Scheduled. The episode goes live ${formatDateTime(scheduled.publishAt!)}.` };
      }
      case "unpublish":
        await update({ status: "draft" });
        return { intent, notice: "The episode is a draft again: it left the feed and its public page." };
      case "ad-slot-create": {
        const position = text(form, "position");
        const atMs = parseSlotTime(text(form, "atMs"));
        await context.api.ads.createSlot({
          workspaceId,
          episodeId,
          position: position === "mid" || position === "post" ? position : "pre",
          atMs,
        });
        return { intent, notice: "Ad slot added." };
      }
      case "ad-slot-delete":
        await context.api.ads.deleteSlot({ workspaceId, slotId: text(form, "slotId") });
        return { intent, notice: "Ad slot removed." };
      case "ad-book": {
        const [flightId = "", creativeId = ""] = text(form, "booking").split(":");
        const liveFrom = text(form, "liveFrom");
        await context.api.ads.bookSlot({
          workspaceId,
          slotId: text(form, "slotId"),
          flightId,
          creativeId,
          liveFrom: liveFrom || undefined,
        });
        return { intent, notice: "Flight booked. Listeners hear it from its live-from date while the flight is live." };
      }
      case "ad-unbook":
        await context.api.ads.unbookSlot({ workspaceId, bookingId: text(form, "bookingId") });
        return { intent, notice: "Flight unbooked." };
      case "delete": {
        const deleted = await context.api.podcasts.deleteEpisode({ workspaceId, episodeId });
        throw redirect(`/w/${workspaceId}/shows/${deleted.showId}`);
      }
      default:
        throw new Response("Unknown action.", { status: 400 });
    }
  } catch (error) {
    return actionError(error, { intent, values });
  }
}

export default function EpisodePage() {
  const { episode, audioChoices, transcription, ads, timeZones } = useLoaderData<typeof loader>();
  const { workspace } = useWorkspaceLayout();
  const result = useActionData<typeof action>();
  const editor = can(workspace.role, "content.write");
  const saveErrors = errorsOf(result, "save");
  const statusErrors = errorsOf(result, ["publish", "schedule", "unpublish"]);
  const failed = result && "values" in result ? (result.values as Record<string, string>) : null;
  const value = (name: string, current: string | number | null) =>
    saveErrors && failed ? (ownValue(failed, name) ?? "") : (current ?? "");
  const currentAudioListed = !episode.audio || audioChoices.some((choice) => choice.id === episode.audio?.id);
  const showUrl = `/w/${workspace.id}/shows/${episode.showId}`;

  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to={showUrl}>{episode.showTitle}</Link>
          </p>
          <h1>
            {episode.title} <span className={STATUS_BADGES[episode.status]}>{STATUS_LABELS[episode.status]}</span>
          </h1>
          <p className="lead">
            {episode.status === "published" && episode.publishedAt
              ? `Published ${formatDateTime(episode.publishedAt)}.`
              : episode.status === "scheduled" && episode.publishAt
                ? `Goes live ${formatDateTime(episode.publishAt)}.`
                : "A draft: only members of this workspace can see it."}
            {episode.publicUrl ? (
              <>
                {" "}
                <a href={episode.publicUrl}>Open the public page</a>
              </>
            ) : null}
          </p>
        </div>
        {editor ? (
          <Link
            className="button button-secondary"
            to={`/w/${workspace.id}/social/compose?sourceType=episode&sourceId=${episode.id}`}
          >
            Share to social
          </Link>
        ) : null}
      </div>
      <Notice message={noticeOf(result)} />

      <section className="card" aria-labelledby="status-heading">
        <h2 id="status-heading">Publishing</h2>
        <ErrorSummary errors={statusErrors} labels={{ audioMediaId: "Audio", publishAt: "Go live at" }} />
        {!editor ? (
          <p className="muted">Editors, admins and owners can publish and schedule episodes.</p>
        ) : episode.status === "draft" ? (
          <div className="publish-options">
            <Form method="post" className="publish-option">
              <h3>Publish now</h3>
              <p className="muted">It appears in the feed and on its public page right away.</p>
              <SubmitButton intent="publish" pendingLabel="Publishing…">
                Publish now
              </SubmitButton>
            </Form>
            <Form method="post" className="publish-option" noValidate>
              <h3>Schedule</h3>
              <ScheduleFields
                publishAt={episode.publishAt}
                timeZones={timeZones}
                submitted={
                  statusErrors && failed?.intent === "schedule"
                    ? { local: failed.publishAtLocal ?? "", timeZone: failed.timeZone ?? "UTC" }
                    : null
                }
                errors={statusErrors?.fieldErrors.publishAt}
              />
              <SubmitButton intent="schedule" className="button button-secondary" pendingLabel="Scheduling…">
                Schedule
              </SubmitButton>
            </Form>
          </div>
        ) : (
          <Form method="post" className="actions">
            {episode.status === "scheduled" ? (
              <SubmitButton intent="publish" pendingLabel="Publishing…">
                Publish now instead
              </SubmitButton>
            ) : null}
            <SubmitButton intent="unpublish" className="button button-secondary" pendingLabel="Working…">
              {episode.status === "published" ? "Unpublish (back to draft)" : "Cancel the schedule"}
            </SubmitButton>
          </Form>
        )}
      </section>

      {episode.audioMediaId && transcription ? (
        <section className="card page-narrow-card" aria-labelledby="transcript-heading">
          <h2 id="transcript-heading">Transcript</h2>
          <TranscriptionStatus workspaceId={workspace.id} mediaId={episode.audioMediaId} initial={transcription} />
        </section>
      ) : null}

      <AdSlots
        ads={ads}
        editor={can(workspace.role, "campaigns.manage")}
        errors={errorsOf(result, [...AD_SLOT_INTENTS])}
      />

      <section className="card page-narrow-card" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <ErrorSummary errors={saveErrors} labels={LABELS} />
        <Form method="post" noValidate>
          <fieldset className="plain-fieldset" disabled={!editor}>
            <div className="stack">
              <Field
                label="Title"
                name="title"
                required
                maxLength={200}
                defaultValue={value("title", episode.title)}
                errors={saveErrors?.fieldErrors.title}
              />
              <TextAreaField
                label="Show notes"
                name="description"
                rows={8}
                maxLength={10000}
                hint="Plain text; links are fine. Shown in podcast apps and on the public page."
                defaultValue={value("description", episode.description)}
                errors={saveErrors?.fieldErrors.description}
              />
              <div className="field-row field-row-3">
                <Field
                  label="Season"
                  name="seasonNumber"
                  inputMode="numeric"
                  defaultValue={value("seasonNumber", episode.seasonNumber)}
                  errors={saveErrors?.fieldErrors.seasonNumber}
                />
                <Field
                  label="Episode number"
                  name="episodeNumber"
                  inputMode="numeric"
                  defaultValue={value("episodeNumber", episode.episodeNumber)}
                  errors={saveErrors?.fieldErrors.episodeNumber}
                />
                <Field
                  label="Duration (seconds)"
                  name="durationSeconds"
                  inputMode="numeric"
                  hint={
                    episode.audio?.durationSeconds
                      ? `Empty: the audio's ${formatDuration(episode.audio.durationSeconds)}.`
                      : undefined
                  }
                  defaultValue={value("durationSeconds", episode.durationSeconds)}
                  errors={saveErrors?.fieldErrors.durationSeconds}
                />
              </div>
              <SelectField
                label="Episode type"
                name="episodeType"
                defaultValue={value("episodeType", episode.episodeType)}
                errors={saveErrors?.fieldErrors.episodeType}
                hint="Podcast apps show trailers first and mark bonus episodes."
              >
                <option value="full">Full episode</option>
                <option value="trailer">Trailer</option>
                <option value="bonus">Bonus</option>
              </SelectField>
              <SelectField
                label="Who may listen"
                name="visibility"
                defaultValue={value("visibility", episode.visibility)}
                errors={saveErrors?.fieldErrors.visibility}
                hint="Anything but public leaves the public feed: members hear it in their own private feed, and its public page shows only the title and the teaser."
              >
                <option value="public">Everyone (public feed)</option>
                <option value="members">Members, free or paid</option>
                <option value="paid">Paying members</option>
                <option value="tiers">Members of chosen tiers</option>
                {episode.visibilityEventId ? <option value="ticket_holders">Ticket holders of the event</option> : null}
              </SelectField>
              {episode.visibilityEventId ? (
                // An event's recording (ADR 034): kept for that event's ticket holders unless another audience is chosen.
                <p className="hint">
                  <input type="hidden" name="visibilityEventId" value={episode.visibilityEventId} />
                  This episode is an event&apos;s recording:{" "}
                  <Link to={`/w/${workspace.id}/events/${episode.visibilityEventId}`}>open the event</Link>.
                </p>
              ) : null}
              {episode.tiers.length > 0 ? (
                <fieldset className="field">
                  <legend>Tiers (for “Members of chosen tiers”)</legend>
                  {episode.tiers.map((tier) => (
                    <CheckboxField
                      key={tier.id}
                      id={`tier-${tier.id}`}
                      name="visibilityTierIds"
                      value={tier.id}
                      label={`${tier.name}${tier.kind === "paid" ? " (paid)" : ""}`}
                      defaultChecked={episode.visibilityTierIds.includes(tier.id)}
                    />
                  ))}
                  {saveErrors?.fieldErrors.visibilityTierIds ? (
                    <p className="field-error">{saveErrors.fieldErrors.visibilityTierIds.join(" ")}</p>
                  ) : null}
                </fieldset>
              ) : null}
              <TextAreaField
                label="Teaser"
                name="teaser"
                rows={2}
                defaultValue={value("teaser", episode.teaser)}
                errors={saveErrors?.fieldErrors.teaser}
                hint="Shown on the public page of a members' episode instead of its show notes."
              />
              <SelectField
                label="Audio"
                name="audioMediaId"
                defaultValue={value("audioMediaId", episode.audioMediaId)}
                errors={saveErrors?.fieldErrors.audioMediaId}
                hint={
                  audioChoices.length === 0
                    ? "No ready audio in this workspace yet: upload a file to the media library first."
                    : "MP3 or M4A only: podcast apps do not play WAV, FLAC, Ogg or WebM, so convert those first. Newest first."
                }
              >
                <option value="">No audio yet</option>
                {!currentAudioListed && episode.audio ? (
                  <option value={episode.audio.id}>{`${episode.audio.filename} (${episode.audio.status})`}</option>
                ) : null}
                {audioChoices.map((choice) => (
                  <option key={choice.id} value={choice.id}>
                    {[choice.filename, formatDuration(choice.durationSeconds), formatBytes(choice.size)]
                      .filter(Boolean)
                      .join(" · ")}
                  </option>
                ))}
              </SelectField>
              {editor ? (
                <SubmitButton intent="save" pendingLabel="Saving…">
                  Save details
                </SubmitButton>
              ) : null}
            </div>
          </fieldset>
        </Form>
      </section>

      {editor ? (
        <section className="card card-danger" aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete episode</h2>
          <ErrorSummary errors={errorsOf(result, "delete")} />
          <details className="confirm">
            <summary className="button button-danger-quiet">Delete episode</summary>
            <div className="confirm-panel">
              <p>Delete “{episode.title}”? It leaves the feed at once. The audio file stays in the media library.</p>
              <Form method="post">
                <SubmitButton intent="delete" className="button button-danger" pendingLabel="Deleting…">
                  Yes, delete the episode
                </SubmitButton>
              </Form>
            </div>
          </details>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPanel />;
}
