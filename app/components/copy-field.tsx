import { useEffect, useState } from "react";

/** A read-only value with a Copy button; without JavaScript the text can still be selected and copied. */
export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  // The button needs the Clipboard API, so it appears only once the page runs JavaScript.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} readOnly value={value} onFocus={(event) => event.currentTarget.select()} />
        {hydrated ? (
          <button
            type="button"
            className="button button-secondary"
            onClick={() =>
              navigator.clipboard.writeText(value).then(
                () => setCopied("copied"),
                () => setCopied("failed"),
              )
            }
          >
            Copy
          </button>
        ) : null}
      </div>
      <p className="field-hint" role="status" aria-live="polite">
        {copied === "copied"
          ? "Copied to the clipboard."
          : copied === "failed"
            ? "Copying failed: select the address and copy it."
            : null}
      </p>
    </div>
  );
}
