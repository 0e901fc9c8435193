import { Form } from "@remix-run/react";
import { SubmitButton } from "./form";

/** One datalist of IANA zones per page, so each reschedule form can offer every zone without repeating them. */
export const TIME_ZONE_LIST_ID = "social-time-zones";

export function TimeZoneList({ timeZones }: { timeZones: string[] }) {
  return (
    <datalist id={TIME_ZONE_LIST_ID}>
      {timeZones.map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
}

/**
 * "Move to…" / "Retry at…": a new local date-time and zone for one post, posted to the page's action as
 * intent "reschedule". The keyboard alternative to dragging a chip in the calendar.
 */
export function RescheduleForm({
  postId,
  label,
  local,
  timezone,
  describedAs,
  redirectTo,
}: {
  postId: string;
  /** "Move to…", "Reschedule…", "Retry…" */
  label: string;
  local: string;
  timezone: string;
  /** Names the post for screen readers, e.g. its caption excerpt. */
  describedAs: string;
  redirectTo?: string;
}) {
  const id = `move-${postId}`;
  return (
    <details className="confirm post-move">
      <summary className="button button-secondary button-small">
        {label}
        <span className="visually-hidden"> {describedAs}</span>
      </summary>
      <div className="confirm-panel">
        <Form method="post" className="post-move-form">
          <input type="hidden" name="postId" value={postId} />
          {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
          <div className="field">
            <label htmlFor={`${id}-local`}>New date and time</label>
            <input type="datetime-local" id={`${id}-local`} name="scheduledLocal" defaultValue={local} required />
          </div>
          <div className="field">
            <label htmlFor={`${id}-zone`}>Time zone</label>
            <input
              id={`${id}-zone`}
              name="timezone"
              list={TIME_ZONE_LIST_ID}
              defaultValue={timezone}
              required
              autoComplete="off"
            />
          </div>
          <SubmitButton intent="reschedule" className="button button-small" pendingLabel="Saving…">
            {label.replace(/…$/, "")}
          </SubmitButton>
        </Form>
      </div>
    </details>
  );
}

/** Cancel with a confirmation step: the post stays in the list under Canceled and is not published. */
export function CancelPostForm({ postId, describedAs }: { postId: string; describedAs: string }) {
  return (
    <details className="confirm">
      <summary className="button button-danger-quiet button-small">
        Cancel post<span className="visually-hidden"> {describedAs}</span>
      </summary>
      <div className="confirm-panel">
        <p>Cancel this post? It will not be published. Its place in this month's scheduled posts is not given back.</p>
        <Form method="post">
          <input type="hidden" name="postId" value={postId} />
          <SubmitButton intent="cancel" className="button button-danger button-small" pendingLabel="Canceling…">
            Yes, cancel it
          </SubmitButton>
        </Form>
      </div>
    </details>
  );
}
