import type { ReactNode, TextareaHTMLAttributes } from "react";
import { FieldFrame } from "./form";

type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> & {
  name: string;
  label: ReactNode;
  id?: string;
  hint?: ReactNode;
  errors?: string[];
};

/** A multi-line field, wired like the single-line Field. */
export function TextAreaField({ label, hint, errors, id, ...textarea }: TextAreaFieldProps) {
  return (
    <FieldFrame id={id ?? textarea.name} label={label} hint={hint} errors={errors}>
      {(a11y) => <textarea {...textarea} {...a11y} />}
    </FieldFrame>
  );
}

/** A checkbox with its label beside it. */
export function CheckboxField({
  name,
  label,
  hint,
  defaultChecked,
  id,
  value,
}: {
  name: string;
  /** Sent when checked; several boxes with one name and their own values make a list. */
  value?: string;
  label: ReactNode;
  hint?: ReactNode;
  defaultChecked?: boolean;
  id?: string;
}) {
  const fieldId = id ?? name;
  return (
    <div className="field checkbox-field">
      <div className="checkbox-row">
        <input
          type="checkbox"
          id={fieldId}
          name={name}
          value={value}
          defaultChecked={defaultChecked}
          aria-describedby={hint ? `${fieldId}-hint` : undefined}
        />
        <label htmlFor={fieldId}>{label}</label>
      </div>
      {hint ? (
        <p id={`${fieldId}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
