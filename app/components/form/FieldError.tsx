/** A field's problem under it, named by `id` so the field's aria-describedby can point at it; nothing without a message. */
export function FieldError({ id, message }: { id: string; message?: string | null }) {
  return message ? (
    <span className="field-error" id={id}>
      {message}
    </span>
  ) : null;
}
