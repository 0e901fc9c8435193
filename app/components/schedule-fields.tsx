import { useEffect, useState } from "react";
import { utcToZonedLocal } from "../lib/timezones";

/**
 * Date-time and an explicit time zone for scheduling. The page is rendered in UTC (the server cannot know the
 * reader's zone); once JavaScript runs, the zone switches to the browser's and the time shown follows it, so
 * the instant stays the same. Without JavaScript the person picks the zone themselves.
 */
export function ScheduleFields({
  publishAt,
  timeZones,
  submitted,
  errors,
}: {
  publishAt: Date | null;
  timeZones: string[];
  /** What was posted last time, re-shown after a validation error. */
  submitted?: { local: string; timeZone: string } | null;
  errors?: string[];
}) {
  const [timeZone, setTimeZone] = useState(submitted?.timeZone ?? "UTC");
  const [local, setLocal] = useState(submitted?.local ?? (publishAt ? utcToZonedLocal(publishAt, "UTC") : ""));
  useEffect(() => {
    if (submitted) return;
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!browserZone || browserZone === "UTC" || !timeZones.includes(browserZone)) return;
    setTimeZone(browserZone);
    if (publishAt) setLocal(utcToZonedLocal(publishAt, browserZone));
    // Only on first render: later changes are the person's choice.
  }, []);
  const errorId = errors?.length ? "publishAt-error" : undefined;
  return (
    <div className="schedule-fields">
      <div className={errorId ? "field field-invalid" : "field"}>
        <label htmlFor="publishAt">Go live at</label>
        {errorId ? (
          <p id={errorId} className="field-error">
            {errors!.join(" ")}
          </p>
        ) : null}
        <input
          type="datetime-local"
          id="publishAt"
          name="publishAtLocal"
          value={local}
          onChange={(event) => setLocal(event.target.value)}
          aria-invalid={errorId ? true : undefined}
          aria-describedby={errorId}
        />
      </div>
      <div className="field">
        <label htmlFor="timeZone">Time zone</label>
        <select id="timeZone" name="timeZone" value={timeZone} onChange={(event) => setTimeZone(event.target.value)}>
          {timeZones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, " ")}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
