import type { EmailAttachment } from "../../../db/schema";

/**
 * iCalendar files of events (issue 13 item 1, ADR 032). Times are written in UTC (`DTSTART:…Z`), which every
 * calendar converts to the reader's zone without a VTIMEZONE block that could disagree with its own tz database;
 * the creator's zone travels as `X-WR-TIMEZONE` for display only. One UID per event, so a download, an emailed
 * invitation and a later change or cancellation all describe the same calendar entry; SEQUENCE is the event's
 * `ics_sequence`, raised on every change that invitations must carry.
 *
 * METHOD, as Outlook reads it: PUBLISH for files people download (no organizer/attendee, imported as is), REQUEST
 * for emailed invitations (ORGANIZER + ATTENDEE, so Outlook offers to add or update it), CANCEL with the same UID and
 * a higher SEQUENCE when the event is canceled.
 *
 * ical-generator is imported on first use: evaluating it at start-up cost every isolate CPU for the few requests
 * that write a calendar (ADR 017).
 */

export type IcsMethod = "PUBLISH" | "REQUEST" | "CANCEL";

export interface IcsEvent {
  id: string;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  venue: string;
  status: "draft" | "published" | "canceled";
  icsSequence: number;
  updatedAt: Date;
}

export interface IcsOptions {
  event: IcsEvent;
  method: IcsMethod;
  /** The event's public page. */
  url: string;
  /** Revealed only to ticket holders and the team; null otherwise. */
  joinUrl: string | null;
  /** REQUEST and CANCEL: who sends it and to whom. */
  organizer?: { name: string; email: string };
  attendee?: { name: string; email: string };
  /** The host part of the UID (the app's host name). */
  uidDomain: string;
}

export function eventUid(eventId: string, uidDomain: string) {
  return `event-${eventId}@${uidDomain}`;
}

export async function renderEventIcs(opts: IcsOptions): Promise<string> {
  const {
    default: ical,
    ICalAttendeeRole,
    ICalAttendeeStatus,
    ICalCalendarMethod,
    ICalEventStatus,
  } = await import("ical-generator");
  const { event } = opts;
  const calendar = ical({
    prodId: { company: "Greenroom", product: "Events", language: "EN" },
    method: ICalCalendarMethod[opts.method],
    name: event.title,
    timezone: null,
  });
  calendar.x([["X-WR-TIMEZONE", event.timeZone]]);
  const canceled = opts.method === "CANCEL" || event.status === "canceled";
  const location = [event.venue, opts.joinUrl].filter((part) => part && part.length > 0).join(" — ");
  const description = [event.description, opts.joinUrl ? `Join: ${opts.joinUrl}` : null, `Details: ${opts.url}`]
    .filter((part): part is string => Boolean(part))
    .join("\n\n");
  const entry = calendar.createEvent({
    id: eventUid(event.id, opts.uidDomain),
    sequence: event.icsSequence,
    start: event.startsAt,
    end: event.endsAt,
    stamp: event.updatedAt,
    lastModified: event.updatedAt,
    summary: event.title,
    description,
    location: location.length > 0 ? location : null,
    url: opts.url,
    status: canceled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  if (opts.method !== "PUBLISH" && opts.organizer) {
    entry.organizer({ name: opts.organizer.name, email: opts.organizer.email });
    if (opts.attendee)
      entry.createAttendee({
        name: opts.attendee.name || opts.attendee.email,
        email: opts.attendee.email,
        role: ICalAttendeeRole.REQ,
        status: canceled ? ICalAttendeeStatus.DECLINED : ICalAttendeeStatus.ACCEPTED,
        rsvp: false,
      });
  }
  return calendar.toString();
}

/** The file an email carries; `method` goes in the content type as RFC 6047 (iMIP) asks. */
export function icsAttachment(body: string, method: IcsMethod): EmailAttachment {
  return {
    filename: method === "CANCEL" ? "cancel.ics" : "invite.ics",
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content: body,
  };
}
