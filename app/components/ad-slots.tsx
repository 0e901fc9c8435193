import { Form } from "@remix-run/react";
import type { FormErrors } from "../lib/forms";
import { ErrorSummary, Field, SelectField, SubmitButton } from "./form";

/** The episode page's ad slots (docs/decisions/024): where ads play, what is booked, and forms to add both. */

type SlotPosition = "pre" | "mid" | "post";

export interface AdSlotsData {
  slots: {
    id: string;
    position: SlotPosition;
    atMs: number | null;
    bookings: {
      id: string;
      flightName: string;
      campaignName: string;
      creativeName: string;
      creativeKind: "audio" | "host_read";
      liveFrom: string;
    }[];
  }[];
  flights: {
    id: string;
    name: string;
    campaignName: string;
    position: SlotPosition;
    creatives: { id: string; name: string; kind: "audio" | "host_read" }[];
  }[];
}

export const AD_SLOT_INTENTS = ["ad-slot-create", "ad-slot-delete", "ad-book", "ad-unbook"] as const;

const LABELS = { position: "Position", atMs: "Time", booking: "Flight and creative", liveFrom: "Live from" };

const clock = (ms: number) => {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
};

export const slotName = (slot: { position: SlotPosition; atMs: number | null }) =>
  slot.position === "pre"
    ? "Pre-roll"
    : slot.position === "post"
      ? "Post-roll"
      : `Mid-roll at ${clock(slot.atMs ?? 0)}`;

/** "m:ss" or seconds as typed in the form, in milliseconds; null when it is neither. */
export function parseSlotTime(value: string): number | null {
  const match = /^\s*(?:(\d+):)?(\d+(?:\.\d+)?)\s*$/.exec(value);
  if (!match) return null;
  return Math.round(((match[1] ? Number(match[1]) * 60 : 0) + Number(match[2])) * 1000);
}

export function AdSlots({ ads, editor, errors }: { ads: AdSlotsData; editor: boolean; errors: FormErrors | null }) {
  return (
    <section className="card page-narrow-card" aria-labelledby="ad-slots-heading">
      <h2 id="ad-slots-heading">Ad slots</h2>
      <ErrorSummary errors={errors} labels={LABELS} />
      {ads.slots.length === 0 ? (
        <p>No ad slots yet. Add one to book a campaign's flight into this episode.</p>
      ) : (
        <ul className="plain-list">
          {ads.slots.map((slot) => {
            const bookable = ads.flights.filter((flight) => flight.position === slot.position);
            return (
              <li key={slot.id}>
                <h3>{slotName(slot)}</h3>
                {slot.bookings.length === 0 ? (
                  <p>Nothing booked.</p>
                ) : (
                  <ul>
                    {slot.bookings.map((booking) => (
                      <li key={booking.id}>
                        {booking.campaignName}: {booking.flightName} — {booking.creativeName} (
                        {booking.creativeKind === "audio" ? "pre-recorded" : "host read"}), live from {booking.liveFrom}
                        {editor ? (
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="bookingId" value={booking.id} />
                            <SubmitButton
                              intent="ad-unbook"
                              className="button button-secondary"
                              pendingLabel="Removing…"
                            >
                              Unbook
                            </SubmitButton>
                          </Form>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                )}
                {editor && bookable.length > 0 ? (
                  <Form method="post" noValidate>
                    <input type="hidden" name="slotId" value={slot.id} />
                    <SelectField name="booking" id={`booking-${slot.id}`} label="Flight and creative">
                      {bookable.flatMap((flight) =>
                        flight.creatives.map((creative) => (
                          <option key={`${flight.id}:${creative.id}`} value={`${flight.id}:${creative.id}`}>
                            {flight.campaignName}: {flight.name} — {creative.name}
                          </option>
                        )),
                      )}
                    </SelectField>
                    <Field
                      name="liveFrom"
                      id={`live-from-${slot.id}`}
                      type="date"
                      label="Live from"
                      hint="Leave empty for today."
                    />
                    <SubmitButton intent="ad-book" pendingLabel="Booking…">
                      Book
                    </SubmitButton>
                  </Form>
                ) : null}
                {editor ? (
                  <Form method="post">
                    <input type="hidden" name="slotId" value={slot.id} />
                    <SubmitButton intent="ad-slot-delete" className="button button-secondary" pendingLabel="Removing…">
                      Remove slot
                    </SubmitButton>
                  </Form>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {editor ? (
        <Form method="post" noValidate>
          <h3>Add a slot</h3>
          <SelectField name="position" id="ad-slot-position" label="Position">
            <option value="pre">Pre-roll</option>
            <option value="mid">Mid-roll</option>
            <option value="post">Post-roll</option>
          </SelectField>
          <Field
            name="atMs"
            id="ad-slot-time"
            label="Time"
            hint="Mid-rolls only: minutes and seconds into the episode, like 12:30."
          />
          <SubmitButton intent="ad-slot-create" pendingLabel="Adding…">
            Add slot
          </SubmitButton>
        </Form>
      ) : null}
    </section>
  );
}
