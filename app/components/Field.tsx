import { getInputProps, type FieldMetadata } from "@conform-to/react";

/** A labelled input with its error message right under it. */
export function Field({
  label,
  meta,
  type,
  autoComplete,
  hint,
}: {
  label: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any string-valued field
  meta: FieldMetadata<any, any, string[]>;
  type: "text" | "email" | "password";
  autoComplete?: string;
  hint?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      <input {...getInputProps(meta, { type })} autoComplete={autoComplete} />
      {hint ? <p className="hint">{hint}</p> : null}
      {meta.errors?.length ? (
        <p className="field-error" id={meta.errorId} role="alert">
          {meta.errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** The form-level message (errors not tied to one field). */
export function FormError({ id, errors }: { id: string; errors: string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <p className="form-error" id={id} role="alert">
      {errors.join(" ")}
    </p>
  );
}
