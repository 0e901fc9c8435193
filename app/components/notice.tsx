import { useSearchParams } from "@remix-run/react";
import { noticeMessage } from "../lib/notices";

/**
 * A polite live region that is always in the page, so a message appearing in it after a client-side
 * navigation or action is announced.
 */
export function Notice({ message }: { message: string | null }) {
  return (
    <div className="notice-region" role="status" aria-live="polite">
      {message ? <p className="notice notice-success">{message}</p> : null}
    </div>
  );
}

/** The message for a known `?notice=` code, shown after a redirect. */
export function QueryNotice() {
  const [searchParams] = useSearchParams();
  return <Notice message={noticeMessage(searchParams.get("notice"))} />;
}
