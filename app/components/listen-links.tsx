import { Field } from "./form";
import {
  LISTEN_PLATFORM_NAMES,
  type ListenLink,
  type ListenPlatform,
} from "../../server/services/podcasts/listen-links";

const APPS = Object.entries(LISTEN_PLATFORM_NAMES) as [Exclude<ListenPlatform, "other">, string][];
/** Two free slots: a YouTube channel, the show's own site, a newsletter… */
const OTHER_SLOTS = [1, 2] as const;

/** The form's fields, read back into the list the procedure takes; empty fields are links the show does not have. */
export function listenLinksFrom(form: FormData): { platform: ListenPlatform; label: string; url: string }[] {
  const value = (name: string) => String(form.get(name) ?? "").trim();
  return [
    ...APPS.map(([platform]) => ({ platform, label: "", url: value(`listen-${platform}`) })),
    ...OTHER_SLOTS.map((slot) => ({
      platform: "other" as const,
      label: value(`listen-other-${slot}-label`),
      url: value(`listen-other-${slot}-url`),
    })),
  ].filter((link) => link.url || link.label);
}

/** Field values for the form: the saved links, or what was typed when saving failed. */
export function listenFieldValues(links: ListenLink[], failed: Record<string, string> | null): Record<string, string> {
  if (failed) return failed;
  const values: Record<string, string> = {};
  for (const link of links.filter((l) => l.platform !== "other")) values[`listen-${link.platform}`] = link.url;
  links
    .filter((link) => link.platform === "other")
    .slice(0, OTHER_SLOTS.length)
    .forEach((link, index) => {
      values[`listen-other-${index + 1}-label`] = link.label;
      values[`listen-other-${index + 1}-url`] = link.url;
    });
  return values;
}

/** "Listen on" links for the public pages, edited in the show's settings. */
export function ListenLinkFields({ values, errors }: { values: Record<string, string>; errors?: string[] }) {
  return (
    <fieldset className="plain-fieldset listen-fields" id="listenLinks" tabIndex={-1}>
      <legend>Listen on</legend>
      <p className="field-hint">
        Your show’s pages in podcast apps, shown as links on its public pages. Leave a field empty to hide it.
      </p>
      {errors?.length ? (
        <p className="field-error" role="alert">
          {errors.join(" ")}
        </p>
      ) : null}
      {APPS.map(([platform, name]) => (
        <Field
          key={platform}
          label={name}
          name={`listen-${platform}`}
          type="url"
          inputMode="url"
          maxLength={500}
          defaultValue={values[`listen-${platform}`] ?? ""}
        />
      ))}
      {OTHER_SLOTS.map((slot) => (
        <div className="field-row" key={slot}>
          <Field
            label={`Other link ${slot}: name`}
            name={`listen-other-${slot}-label`}
            maxLength={40}
            defaultValue={values[`listen-other-${slot}-label`] ?? ""}
            hint="e.g. YouTube"
          />
          <Field
            label={`Other link ${slot}: address`}
            name={`listen-other-${slot}-url`}
            type="url"
            inputMode="url"
            maxLength={500}
            defaultValue={values[`listen-other-${slot}-url`] ?? ""}
          />
        </div>
      ))}
    </fieldset>
  );
}
