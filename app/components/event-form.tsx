import { CheckboxGroup, ErrorSummary, Field, SelectField } from "./form";
import { eventLocalValue } from "../lib/event-time";
import { errorsOf } from "../lib/forms";

/** The event's fields, shared by the create form (events list) and the editor. */

export const EVENT_LABELS = {
  title: "Title",
  kind: "Kind",
  timeZone: "Time zone",
  startsAt: "Starts",
  endsAt: "Ends",
  venue: "Venue",
  joinUrl: "Join link",
  coverMediaId: "Cover image",
  capacity: "Capacity",
  salesStartAt: "Sales start",
  salesEndAt: "Sales end",
  visibility: "Who can see it",
  visibilityTierIds: "Tiers",
  description: "Description",
};

export interface EventFormValues {
  title: string;
  kind: "in_person" | "online" | "hybrid";
  timeZone: string;
  startsAt: Date;
  endsAt: Date;
  venue: string;
  joinUrl: string | null;
  coverMediaId: string | null;
  capacity: number | null;
  salesStartAt: Date | null;
  salesEndAt: Date | null;
  visibility: string;
  visibilityTierIds: string[];
  description: string;
}

export function EventFields({
  event,
  errors,
  prefix,
  images,
  tiers,
}: {
  event?: EventFormValues;
  errors: ReturnType<typeof errorsOf>;
  prefix: string;
  images: { id: string; filename: string }[];
  tiers: { id: string; name: string }[];
}) {
  const zone = event?.timeZone ?? "UTC";
  const fe = errors?.fieldErrors;
  return (
    <>
      <ErrorSummary errors={errors} labels={EVENT_LABELS} idPrefix={prefix} />
      <Field
        id={`${prefix}title`}
        name="title"
        label={EVENT_LABELS.title}
        required
        maxLength={200}
        defaultValue={event?.title}
        errors={fe?.title}
      />
      <SelectField id={`${prefix}kind`} name="kind" label={EVENT_LABELS.kind} defaultValue={event?.kind ?? "in_person"}>
        <option value="in_person">In person</option>
        <option value="online">Online</option>
        <option value="hybrid">Hybrid</option>
      </SelectField>
      <Field
        id={`${prefix}timeZone`}
        name="timeZone"
        label={EVENT_LABELS.timeZone}
        hint="An IANA zone, for example Europe/Berlin or America/New_York."
        required
        defaultValue={zone}
        errors={fe?.timeZone}
      />
      <Field
        id={`${prefix}startsAt`}
        name="startsAt"
        type="datetime-local"
        label={EVENT_LABELS.startsAt}
        hint="On the event's wall clock."
        required
        defaultValue={event ? eventLocalValue(event.startsAt, zone) : ""}
        errors={fe?.startsAt}
      />
      <Field
        id={`${prefix}endsAt`}
        name="endsAt"
        type="datetime-local"
        label={EVENT_LABELS.endsAt}
        required
        defaultValue={event ? eventLocalValue(event.endsAt, zone) : ""}
        errors={fe?.endsAt}
      />
      <Field
        id={`${prefix}venue`}
        name="venue"
        label={EVENT_LABELS.venue}
        maxLength={500}
        defaultValue={event?.venue}
        errors={fe?.venue}
      />
      <Field
        id={`${prefix}joinUrl`}
        name="joinUrl"
        type="url"
        label={EVENT_LABELS.joinUrl}
        hint="Online and hybrid events. Shown only to ticket holders."
        defaultValue={event?.joinUrl ?? ""}
        errors={fe?.joinUrl}
      />
      <SelectField
        id={`${prefix}coverMediaId`}
        name="coverMediaId"
        label={EVENT_LABELS.coverMediaId}
        hint="From your media library."
        defaultValue={event?.coverMediaId ?? ""}
        errors={fe?.coverMediaId}
      >
        <option value="">No cover</option>
        {images.map((image) => (
          <option key={image.id} value={image.id}>
            {image.filename}
          </option>
        ))}
      </SelectField>
      <Field
        id={`${prefix}capacity`}
        name="capacity"
        type="number"
        min={1}
        label={EVENT_LABELS.capacity}
        hint="Seats across all ticket types. Leave empty for no limit."
        defaultValue={event?.capacity ?? ""}
        errors={fe?.capacity}
      />
      <Field
        id={`${prefix}salesStartAt`}
        name="salesStartAt"
        type="datetime-local"
        label={EVENT_LABELS.salesStartAt}
        hint="Leave empty to sell as soon as it is published."
        defaultValue={event ? eventLocalValue(event.salesStartAt, zone) : ""}
        errors={fe?.salesStartAt}
      />
      <Field
        id={`${prefix}salesEndAt`}
        name="salesEndAt"
        type="datetime-local"
        label={EVENT_LABELS.salesEndAt}
        hint="Leave empty to sell until it ends."
        defaultValue={event ? eventLocalValue(event.salesEndAt, zone) : ""}
        errors={fe?.salesEndAt}
      />
      <SelectField
        id={`${prefix}visibility`}
        name="visibility"
        label={EVENT_LABELS.visibility}
        defaultValue={event?.visibility ?? "public"}
      >
        <option value="public">Everyone</option>
        <option value="members">Members</option>
        <option value="paid">Paying members</option>
        <option value="tiers">Members of chosen tiers</option>
      </SelectField>
      {tiers.length > 0 ? (
        <CheckboxGroup
          legend={EVENT_LABELS.visibilityTierIds}
          name="visibilityTierIds"
          options={tiers}
          checked={event?.visibilityTierIds}
        />
      ) : null}
      <div className="field">
        <label htmlFor={`${prefix}description`}>{EVENT_LABELS.description}</label>
        <textarea
          id={`${prefix}description`}
          name="description"
          rows={4}
          maxLength={10000}
          defaultValue={event?.description}
        />
      </div>
    </>
  );
}

/** The form's values as the procedures take them. */
export function eventFieldsFrom(form: FormData) {
  const value = (name: string) => String(form.get(name) ?? "");
  const capacity = value("capacity").trim();
  const kind = value("kind");
  return {
    title: value("title"),
    kind: (kind === "online" || kind === "hybrid" ? kind : "in_person") as "in_person" | "online" | "hybrid",
    timeZone: value("timeZone"),
    startsAt: value("startsAt"),
    endsAt: value("endsAt"),
    venue: value("venue"),
    joinUrl: value("joinUrl") || null,
    coverMediaId: value("coverMediaId") || null,
    capacity: capacity ? Number(capacity) : null,
    salesStartAt: value("salesStartAt") || null,
    salesEndAt: value("salesEndAt") || null,
    visibility: value("visibility") as "public" | "members" | "paid" | "tiers",
    visibilityTierIds: form.getAll("visibilityTierIds").map(String),
    description: value("description"),
  };
}
