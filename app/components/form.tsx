import { useNavigation } from "@remix-run/react";
import {
  useEffect,
  useRef,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
} from "react";
import type { FormErrors } from "../lib/forms";
import { ownValue } from "../../server/lib/records";

interface FrameProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  children: (a11y: { id: string; "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode;
}

/** Label, hint and error wired to the control, so assistive technology reads them together. */
export function FieldFrame({ id, label, hint, errors, children }: FrameProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={errorId ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {errorId ? (
        <p id={errorId} className="field-error">
          {errors!.join(" ")}
        </p>
      ) : null}
      {children({ id, "aria-invalid": errorId ? true : undefined, "aria-describedby": describedBy })}
    </div>
  );
}

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  name: string;
  label: ReactNode;
  /** Defaults to `name`; pages with several forms prefix it. */
  id?: string;
  hint?: ReactNode;
  errors?: string[];
};

export function Field({ label, hint, errors, id, ...input }: FieldProps) {
  return (
    <FieldFrame id={id ?? input.name} label={label} hint={hint} errors={errors}>
      {(a11y) => <input {...input} {...a11y} />}
    </FieldFrame>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & {
  name: string;
  label: ReactNode;
  id?: string;
  hint?: ReactNode;
  errors?: string[];
};

export function SelectField({ label, hint, errors, id, children, ...select }: SelectFieldProps) {
  return (
    <FieldFrame id={id ?? select.name} label={label} hint={hint} errors={errors}>
      {(a11y) => (
        <select {...select} {...a11y}>
          {children}
        </select>
      )}
    </FieldFrame>
  );
}

/**
 * A fieldset of checkboxes posted under one name, one value per ticked box: the tiers a price or an early access is
 * for, the ticket types a promo code is limited to. The legend names the group for screen readers.
 */
export function CheckboxGroup({
  legend,
  name,
  options,
  checked = [],
}: {
  legend: ReactNode;
  name: string;
  options: readonly { id: string; name: string }[];
  checked?: readonly string[];
}) {
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option.id} className="checkbox">
          <input type="checkbox" name={name} value={option.id} defaultChecked={checked.includes(option.id)} />{" "}
          {option.name}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The summary above a form that failed: announced (role="alert"), focused so keyboard users land on it, and
 * linking each field message to its input. `labels` names every field the form can reject, in the order the fields
 * appear on the page, and `idPrefix` + name is the id of that field's control.
 */
export function ErrorSummary({
  errors,
  labels = {},
  idPrefix = "",
}: {
  errors: FormErrors | null;
  labels?: Record<string, string>;
  idPrefix?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors) ref.current?.focus();
  }, [errors]);
  if (!errors) return null;
  const failed = (name: string) => Boolean(ownValue(errors.fieldErrors, name)?.length);
  // `labels` lists the fields in page order, so the summary reads top to bottom as the form does; a field the page
  // does not label still gets its message, after the others.
  const names = [
    ...Object.keys(labels).filter(failed),
    ...Object.keys(errors.fieldErrors).filter((name) => failed(name) && !ownValue(labels, name)),
  ];
  const fields = names.map((name): [string, string[]] => [name, ownValue(errors.fieldErrors, name)!]);
  return (
    <div ref={ref} className="error-summary" role="alert" tabIndex={-1}>
      <p className="error-summary-title">{errors.formError}</p>
      {fields.length > 0 ? (
        <ul>
          {fields.map(([name, messages]) => (
            <li key={name}>
              {ownValue(labels, name) ? (
                <a href={`#${idPrefix}${name}`}>{`${ownValue(labels, name)}: ${messages[0]}`}</a>
              ) : (
                messages[0]
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

type SubmitButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  /** Sent as `intent`, for routes whose action serves several forms. */
  intent?: string;
  pendingLabel?: string;
};

/** A submit button that says what is happening while its own form is being submitted. */
export function SubmitButton({ intent, pendingLabel, className = "button", children, ...props }: SubmitButtonProps) {
  const navigation = useNavigation();
  const pending =
    navigation.state === "submitting" &&
    (intent === undefined || navigation.formData?.get("intent") === intent) &&
    pendingLabel !== undefined;
  return (
    <button
      type="submit"
      className={className}
      name={intent ? "intent" : undefined}
      value={intent}
      aria-disabled={pending || undefined}
      {...props}
    >
      {pending ? pendingLabel : children}
    </button>
  );
}

/**
 * After a failed submission, empties the form's password inputs, as a page rendered without JavaScript would:
 * a rejected password is not kept around in the page.
 */
export function useClearPasswordsOn(result: unknown) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!result) return;
    formRef.current
      ?.querySelectorAll<HTMLInputElement>('input[type="password"]')
      .forEach((input) => (input.value = ""));
  }, [result]);
  return formRef;
}
