import { describe, expect, it } from "vitest";
import { insertEvent } from "../support/events";
import { send, signUpOverHttp } from "./http";
import { workerDb } from "./podcast-fixtures";

/**
 * The Worker loads ical-generator on the first calendar it writes, not at start-up (ADR 017): this downloads an
 * event's .ics through the deployed path, so the lazily imported library really runs in workerd.
 */
describe("event .ics download in the Worker", () => {
  it("writes the published event's calendar with its UID, times in UTC and METHOD:PUBLISH", async () => {
    const owner = await signUpOverHttp("Calendar Owner");
    const handle = workerDb();
    const { event } = await insertEvent(handle.db, owner.workspaceId).finally(() => handle.close());

    const response = await send(`/c/${owner.workspaceId}/events/${event.id}.ics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8; method=PUBLISH");
    const body = await response.text();
    expect(body).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(body).toContain("METHOD:PUBLISH\r\n");
    expect(body).toContain(`UID:event-${event.id}@localhost\r\n`);
    expect(body).toContain("DTSTART:20270301T180000Z\r\n");
    expect(body).toContain("DTEND:20270301T200000Z\r\n");
    expect(body).toContain("SUMMARY:Live taping\r\n");
    expect(body).toContain("X-WR-TIMEZONE:Europe/Berlin\r\n");
    expect(body).toMatch(/\r\nEND:VCALENDAR(\r\n)?$/);
  });
});
