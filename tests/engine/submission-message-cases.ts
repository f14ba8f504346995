/**
 * Inputs that provoke every submission message (engine/forms/submission-messages.ts), and the
 * intake messages a field's Ajv error turns into, in both requested locales.
 */
import type { Form } from "@engine/documents";
import { validateSubmission, type SubmissionError } from "@engine/server";

export interface SubmissionMessageCase {
  name: string;
  run: () => SubmissionError[];
}

const t = (id: string, en?: string) => (en === undefined ? { id } : { id, en });

function form(): Form {
  return {
    key: "uji_kiriman",
    title: t("Uji kiriman", "Submission test"),
    periodType: "month",
    source: "test",
    sections: [
      {
        key: "utama",
        title: t("Utama"),
        fields: [
          { key: "k1", type: "integer", label: t("Ibu hamil K1", "Pregnant women K1"), min: 0, required: true },
          { key: "k6", type: "integer", label: t("Ibu hamil K6"), min: 0 },
          { key: "rasio", type: "number", label: t("Rasio K6/K1", "K6/K1 ratio"), calculate: "k6 / k1", required: true },
          { key: "ada", type: "boolean", label: t("Ada posyandu?", "Any posyandu?") },
          {
            key: "jenis",
            type: "choice",
            label: t("Jenis posyandu", "Posyandu kind"),
            choices: [
              { value: "pratama", label: t("Pratama", "Primary") },
              { value: "madya", label: t("Madya", "Middle") },
            ],
          },
          { key: "catatan", type: "text", label: t("Catatan"), maxLength: 5 },
        ],
      },
    ],
  } as unknown as Form;
}

/** The same input in both locales. */
function both(name: string, data: () => unknown, f: () => Form = form): SubmissionMessageCase[] {
  return [
    { name, run: () => validateSubmission(f(), data()).errors },
    { name: `${name} (en)`, run: () => validateSubmission(f(), data(), { locale: "en" }).errors },
  ];
}

export const SUBMISSION_MESSAGE_CASES: SubmissionMessageCase[] = [
  ...both("not an object", () => [1, 2]),
  ...both(
    "broken form definition",
    () => ({ k1: 1 }),
    () => ({ ...form(), sections: [{ key: "s", title: t("S"), fields: [{ key: "x", type: "integer", label: t("X"), calculate: "((" }] }] }) as unknown as Form,
  ),
  ...both("required and not calculable", () => ({ k6: 1 })),
  ...both("unknown choice", () => ({ k1: 1, jenis: "utama" })),
  ...both("not yes or no", () => ({ k1: 1, ada: "ya" })),
  ...both("Ajv errors of fields", () => ({ k1: -1, k6: 2.5, catatan: "panjang sekali" })),
  ...both(
    "above the maximum",
    () => ({ k1: 150000 }),
    () =>
      ({
        ...form(),
        sections: [{ key: "s", title: t("S"), fields: [{ key: "k1", type: "integer", label: t("Ibu hamil K1"), max: 100000 }] }],
      }) as unknown as Form,
  ),
];
