export interface FormErrors {
  formError: string | null;
  fieldErrors: Partial<Record<string, string[]>>;
}

/**
 * The errors in an action's result, if it failed. Pages with several forms tag each with an `intent`, so one
 * form's errors are not shown beside another.
 */
export function errorsOf(result: unknown, intents?: string | string[]): FormErrors | null {
  if (!result || typeof result !== "object" || !("formError" in result)) return null;
  if (intents !== undefined) {
    const intent = (result as { intent?: unknown }).intent;
    if (typeof intent !== "string" || !([] as string[]).concat(intents).includes(intent)) return null;
  }
  return result as FormErrors;
}

/** The success message in an action's result, if any. */
export function noticeOf(result: unknown): string | null {
  return result && typeof result === "object" && "notice" in result && typeof result.notice === "string"
    ? result.notice
    : null;
}

/** Reads a text field; a missing field is "" so the procedure's own validation reports it. */
export const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};
