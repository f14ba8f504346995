import { useT } from "~/i18n/useT";

export interface ActionFieldValues {
  problem: string;
  cause: string;
  plan: string;
  responsibleUnit: string;
  responsiblePerson: string;
  responsibleUser: string;
  dueDate: string;
}

/** The fields of an action (new and edit): problem, cause, plan, who answers for it, by when; the field in error is marked and described. */
export function ActionFields({
  values,
  error,
  units,
  operators,
  minDate,
}: {
  values: ActionFieldValues;
  error: { field?: string; message: string } | null;
  units: ReadonlyArray<{ code: string; name: string }>;
  operators: ReadonlyArray<{ id: number; name: string }>;
  minDate: string;
}) {
  const t = useT();
  const err = (field: string) => (error && error.field === field ? error.message : null);
  const attrs = (field: string, help?: boolean) =>
    err(field) ? { "aria-invalid": true as const, "aria-describedby": `act-${field}-error` } : help ? { "aria-describedby": `act-${field}-help` } : {};
  const fieldError = (field: string) =>
    err(field) ? (
      <span className="field-error" id={`act-${field}-error`}>
        {err(field)}
      </span>
    ) : null;
  return (
    <>
      <div className="field">
        <label htmlFor="act-problem">{t("actions.field.problem")}</label>
        <textarea id="act-problem" name="problem" rows={2} maxLength={2000} required defaultValue={values.problem} {...attrs("problem")} />
        {fieldError("problem")}
      </div>
      <div className="field">
        <label htmlFor="act-cause">{t("actions.field.cause")}</label>
        <textarea id="act-cause" name="cause" rows={2} maxLength={2000} defaultValue={values.cause} {...attrs("cause")} />
        {fieldError("cause")}
      </div>
      <div className="field">
        <label htmlFor="act-plan">{t("actions.field.plan")}</label>
        <textarea id="act-plan" name="plan" rows={3} maxLength={2000} required defaultValue={values.plan} {...attrs("plan")} />
        {fieldError("plan")}
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor="act-responsibleUnit">{t("actions.field.responsibleUnit")}</label>
          <select id="act-responsibleUnit" name="responsibleUnit" defaultValue={values.responsibleUnit} {...attrs("responsibleUnit")}>
            {units.map((u) => (
              <option key={u.code} value={u.code}>
                {u.name}
              </option>
            ))}
          </select>
          {fieldError("responsibleUnit")}
        </div>
        <div className="field">
          <label htmlFor="act-responsiblePerson">{t("actions.field.responsiblePerson")}</label>
          <input
            id="act-responsiblePerson"
            name="responsiblePerson"
            type="text"
            maxLength={200}
            defaultValue={values.responsiblePerson}
            {...attrs("responsiblePerson")}
          />
          {fieldError("responsiblePerson")}
        </div>
        <div className="field">
          <label htmlFor="act-responsibleUser">{t("actions.field.responsibleUser")}</label>
          <select id="act-responsibleUser" name="responsibleUser" defaultValue={values.responsibleUser} {...attrs("responsibleUser")}>
            <option value="">{t("actions.field.noUser")}</option>
            {operators.map((o) => (
              <option key={o.id} value={String(o.id)}>
                {o.name}
              </option>
            ))}
          </select>
          {fieldError("responsibleUser")}
        </div>
        <div className="field">
          <label htmlFor="act-dueDate">{t("actions.field.dueDate")}</label>
          <input id="act-dueDate" name="dueDate" type="date" required defaultValue={values.dueDate} {...attrs("dueDate", true)} />
          <span className="help" id="act-dueDate-help">
            {t("actions.field.dueHelp", { today: minDate })}
          </span>
          {fieldError("dueDate")}
        </div>
      </div>
    </>
  );
}

/** The status of an action in words, with "overdue" and "awaiting confirmation"/"confirmed" spelled out (never colour alone). */
export function ActionStatusBadge({ status, overdue, verified }: { status: string; overdue: boolean; verified?: boolean }) {
  const t = useT();
  return (
    <span className="act-status-cell">
      <span className={`badge act-status act-${status}`}>{t(`actions.status.${status}` as Parameters<typeof t>[0])}</span>
      {status === "done" && verified !== undefined ? (
        <small className="muted"> ({t(verified ? "actions.confirmed" : "actions.awaitingConfirmation")})</small>
      ) : null}
      {overdue ? (
        <strong className="act-overdue-badge">
          <span aria-hidden="true">⚠ </span>
          {t("actions.overdue")}
        </strong>
      ) : null}
    </span>
  );
}
