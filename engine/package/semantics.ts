/**
 * Semantic checks of template packages and district overlays, run after the JSON Schema check:
 * key uniqueness, references, formulas (with the right symbols per context), bounds and
 * profiles. Every error carries a JSON pointer; formula errors also carry the character range.
 * Pure and Ajv-free, so the designer can run them in the browser; validate.ts adds the schema.
 */
import { fieldFormulaType, LOCAL_PREFIX } from "../domain";
import { checkFormula, type FormulaType } from "../formula/index";
import { findCycles } from "./cycles";

export { findCycles };
import type { DocumentError } from "../intake/errors";
import { pointerOf } from "../intake/errors";
import type { JsonCaps } from "../intake/limits";
import type { Condition, DistrictOverlay, Field, Form, Indicator, Target, TemplatePackage, ValidationRule } from "../../schemas/types.generated";

export interface PackageValidateOptions extends JsonCaps {
  /**
   * Accept `lokal_` keys: true for an *effective* package (base + overlay), false (default)
   * for a national template package.
   */
  allowLocalKeys?: boolean;
}

function err(pointer: string, code: string, message: string, messageEn: string, extra: Partial<DocumentError> = {}): DocumentError {
  return { pointer, code, message, messageEn, ...extra };
}

function symbolsOf(fields: Iterable<Field>): Map<string, FormulaType> {
  const symbols = new Map<string, FormulaType>();
  for (const f of fields) {
    const t = fieldFormulaType(f);
    if (t) symbols.set(f.key, t);
  }
  return symbols;
}

/** All fields of a form in order, with their pointers relative to the form. */
export function formFields(form: Form): { field: Field; pointer: string }[] {
  const out: { field: Field; pointer: string }[] = [];
  form.sections.forEach((s, si) => s.fields.forEach((f, fi) => out.push({ field: f, pointer: pointerOf("sections", si, "fields", fi) })));
  return out;
}

/**
 * Checks one formula and converts its errors. `expect` is the required result type, if any.
 */
function checkFormulaAt(
  src: string,
  pointer: string,
  symbols: ReadonlyMap<string, FormulaType>,
  context: "field" | "rule" | "indicator",
  expect?: FormulaType,
): { errors: DocumentError[]; refs: string[]; type?: FormulaType; usesUnits?: boolean; unitRefs?: string[] } {
  const result = checkFormula(src, { symbols, context });
  if (!result.ok) {
    const english = checkFormula(src, { symbols, context, locale: "en" }).errors;
    return {
      refs: result.refs,
      errors: result.errors.map((e, i) =>
        err(pointer, e.code, e.message, english[i]?.message ?? e.message, { start: e.start, end: e.end, formulaCode: e.code }),
      ),
    };
  }
  if (expect && result.type && result.type !== expect) {
    const [want, wantEn] = expect === "number" ? ["angka", "a number"] : ["ya/tidak (true/false)", "true/false"];
    return {
      refs: result.refs,
      type: result.type,
      errors: [
        err(
          pointer,
          "FORMULA_TYPE",
          `Rumus ini harus menghasilkan ${want}. Ubah rumusnya, misalnya dengan if(kondisi, 1, 0) atau perbandingan.`,
          `This formula must produce ${wantEn}. Change it, e.g. with if(condition, 1, 0) or a comparison.`,
          { start: 0, end: src.length, formulaCode: "TYPE_MISMATCH" },
        ),
      ],
    };
  }
  return { errors: [], refs: result.refs, type: result.type, usesUnits: result.usesUnits, unitRefs: result.unitRefs };
}

/** Shape checks of one field that need no context beyond the field itself. */
export function checkFieldShape(field: Field, pointer: string): DocumentError[] {
  const errors: DocumentError[] = [];
  const numeric = field.type === "integer" || field.type === "number";
  const choice = field.type === "choice" || field.type === "multichoice";
  const notAllowed = (prop: string, forTypes: string): void => {
    errors.push(
      err(
        `${pointer}/${prop}`,
        "PROPERTY_NOT_ALLOWED",
        `"${prop}" hanya berlaku untuk isian ${forTypes}, bukan "${field.type}". Hapus "${prop}" atau ganti jenis isian.`,
        `"${prop}" only applies to ${forTypes} fields, not "${field.type}". Remove it or change the field type.`,
      ),
    );
  };
  if (!numeric) {
    if (field.min !== undefined) notAllowed("min", "integer/number");
    if (field.max !== undefined) notAllowed("max", "integer/number");
  }
  if (field.type !== "text" && field.maxLength !== undefined) notAllowed("maxLength", "text");
  if (!choice && field.choices !== undefined) notAllowed("choices", "choice/multichoice");
  if (fieldFormulaType(field) === undefined) {
    if (field.calculate !== undefined) notAllowed("calculate", "integer/number/boolean");
    if (field.aggregation !== undefined) notAllowed("aggregation", "integer/number/boolean");
  }
  if (numeric && field.min !== undefined && field.max !== undefined && field.min > field.max) {
    errors.push(
      err(
        `${pointer}/min`,
        "MIN_GT_MAX",
        `Nilai terkecil (${field.min}) lebih besar dari nilai terbesar (${field.max}). Tukar atau perbaiki batasnya.`,
        `min (${field.min}) is greater than max (${field.max}). Swap or fix the bounds.`,
      ),
    );
  }
  if (field.type === "integer") {
    for (const bound of ["min", "max"] as const) {
      const v = field[bound];
      if (v !== undefined && !Number.isInteger(v)) {
        errors.push(
          err(
            `${pointer}/${bound}`,
            "NOT_INTEGER",
            `Batas "${bound}" isian bilangan bulat harus bilangan bulat.`,
            `"${bound}" of an integer field must be an integer.`,
          ),
        );
      }
    }
  }
  if (choice && (field.choices === undefined || field.choices.length === 0)) {
    errors.push(
      err(
        `${pointer}/choices`,
        "CHOICES_REQUIRED",
        `Isian pilihan "${field.key}" belum punya daftar pilihan. Tambahkan "choices".`,
        `Choice field "${field.key}" has no choices. Add "choices".`,
      ),
    );
  }
  const seen = new Map<string, number>();
  field.choices?.forEach((c, i) => {
    const first = seen.get(c.value);
    if (first !== undefined) {
      errors.push(
        err(
          `${pointer}/choices/${i}/value`,
          "DUPLICATE_CHOICE",
          `Nilai pilihan "${c.value}" dipakai dua kali (pilihan ke-${first + 1} dan ke-${i + 1}). Setiap nilai pilihan harus unik.`,
          `Choice value "${c.value}" is used twice (choices ${first + 1} and ${i + 1}). Each value must be unique.`,
        ),
      );
    } else seen.set(c.value, i);
  });
  if (field.optional === true && field.required === true) {
    errors.push(
      err(
        `${pointer}/optional`,
        "OPTIONAL_REQUIRED",
        `Isian "${field.key}" tidak bisa sekaligus opsional (boleh disembunyikan) dan wajib. Hapus salah satunya.`,
        `Field "${field.key}" cannot be both optional (hideable) and required. Remove one.`,
      ),
    );
  }
  return errors;
}

const ORDER_OPS = new Set(["gt", "gte", "lt", "lte"]);

/** Checks a show-if condition against the fields of its form. */
function checkCondition(condition: Condition, pointer: string, self: Field, byKey: ReadonlyMap<string, Field>): DocumentError[] {
  const errors: DocumentError[] = [];
  condition.clauses.forEach((clause, i) => {
    const at = `${pointer}/clauses/${i}`;
    if (clause.field === self.key) {
      errors.push(
        err(
          `${at}/field`,
          "SELF_REFERENCE",
          `Syarat tampil isian "${self.key}" tidak boleh merujuk ke isian itu sendiri. Pilih isian lain.`,
          `The show-if of "${self.key}" cannot refer to the field itself.`,
        ),
      );
      return;
    }
    const target = byKey.get(clause.field);
    if (!target) {
      errors.push(
        err(
          `${at}/field`,
          "UNKNOWN_FIELD",
          `Isian "${clause.field}" tidak ada di formulir ini. Pilih isian yang ada di formulir yang sama.`,
          `Field "${clause.field}" is not in this form. Pick a field of the same form.`,
        ),
      );
      return;
    }
    const needsValue = clause.op !== "filled" && clause.op !== "empty";
    if (!needsValue) {
      if (clause.value !== undefined) {
        errors.push(
          err(
            `${at}/value`,
            "BAD_CONDITION",
            `Operator "${clause.op}" tidak memakai nilai. Hapus "value".`,
            `Operator "${clause.op}" takes no value. Remove "value".`,
          ),
        );
      }
      return;
    }
    if (clause.value === undefined) {
      errors.push(
        err(
          `${at}/value`,
          "BAD_CONDITION",
          `Operator "${clause.op}" perlu nilai pembanding. Isi "value".`,
          `Operator "${clause.op}" needs a value. Fill in "value".`,
        ),
      );
      return;
    }
    const v = clause.value;
    const numeric = target.type === "integer" || target.type === "number";
    const ordered = numeric || target.type === "date";
    if (ORDER_OPS.has(clause.op) && !ordered) {
      errors.push(
        err(
          `${at}/op`,
          "BAD_CONDITION",
          `Operator "${clause.op}" hanya untuk isian angka atau tanggal; "${target.key}" berjenis ${target.type}. Gunakan "eq" atau "ne".`,
          `Operator "${clause.op}" only applies to number or date fields; "${target.key}" is ${target.type}. Use "eq" or "ne".`,
        ),
      );
      return;
    }
    const expected = numeric ? "number" : target.type === "boolean" ? "boolean" : "string";
    if (typeof v !== expected) {
      errors.push(
        err(
          `${at}/value`,
          "BAD_CONDITION",
          `Nilai pembanding untuk "${target.key}" harus berjenis ${expected === "number" ? "angka" : expected === "boolean" ? "true/false" : "teks"}. Perbaiki nilainya.`,
          `The value compared with "${target.key}" must be a ${expected}.`,
        ),
      );
      return;
    }
    if ((target.type === "choice" || target.type === "multichoice") && !target.choices?.some((c) => c.value === v)) {
      errors.push(
        err(
          `${at}/value`,
          "UNKNOWN_CHOICE",
          `"${String(v)}" bukan pilihan dari isian "${target.key}". Pilih salah satu nilai pilihannya.`,
          `"${String(v)}" is not a choice of "${target.key}".`,
        ),
      );
    }
  });
  return errors;
}

/** Form-internal checks: section keys, show-if, calculated fields and their cycles. */
function checkForm(form: Form, pointer: string): DocumentError[] {
  const errors: DocumentError[] = [];
  const sectionSeen = new Map<string, number>();
  form.sections.forEach((s, i) => {
    if (sectionSeen.has(s.key)) {
      errors.push(duplicate(`${pointer}/sections/${i}/key`, s.key, `${pointer}/sections/${sectionSeen.get(s.key)}/key`));
    } else sectionSeen.set(s.key, i);
  });
  const fields = formFields(form);
  const byKey = new Map(fields.map(({ field }) => [field.key, field] as const));
  const symbols = symbolsOf(byKey.values());
  const calcGraph = new Map<string, string[]>();
  const showGraph = new Map<string, string[]>();
  const pointerByKey = new Map<string, string>();
  for (const { field, pointer: rel } of fields) {
    const at = pointer + rel;
    pointerByKey.set(field.key, at);
    if (field.showIf) {
      errors.push(...checkCondition(field.showIf, `${at}/showIf`, field, byKey));
      // A self-reference is already reported as SELF_REFERENCE, not again as a cycle.
      showGraph.set(
        field.key,
        field.showIf.clauses.map((c) => c.field).filter((k) => k !== field.key),
      );
    }
    if (field.calculate !== undefined && fieldFormulaType(field)) {
      const checked = checkFormulaAt(field.calculate, `${at}/calculate`, symbols, "field", fieldFormulaType(field));
      errors.push(...checked.errors);
      calcGraph.set(field.key, checked.refs);
    }
  }
  for (const cycle of findCycles(calcGraph)) {
    errors.push(
      err(
        `${pointerByKey.get(cycle[0])}/calculate`,
        "CIRCULAR",
        `Rumus isian terhitung saling bergantung melingkar: ${cycle.join(" → ")}. Putus lingkarannya dengan mengubah salah satu rumus.`,
        `Calculated fields depend on each other in a circle: ${cycle.join(" → ")}. Break the cycle by changing one formula.`,
        { cycle },
      ),
    );
  }
  for (const cycle of findCycles(showGraph)) {
    errors.push(
      err(
        `${pointerByKey.get(cycle[0])}/showIf`,
        "SHOWIF_CYCLE",
        `Syarat tampil saling bergantung melingkar: ${cycle.join(" → ")}. Ubah salah satu syarat tampil.`,
        `Show-if conditions depend on each other in a circle: ${cycle.join(" → ")}. Change one of them.`,
        { cycle },
      ),
    );
  }
  return errors;
}

function duplicate(pointer: string, key: string, firstPointer: string): DocumentError {
  return err(
    pointer,
    "DUPLICATE_KEY",
    `Kunci "${key}" sudah dipakai (di ${firstPointer}). Setiap kunci harus unik; pilih kunci lain.`,
    `Key "${key}" is already used (at ${firstPointer}). Keys must be unique; choose another.`,
  );
}

function checkBands(bands: { green: number; yellow: number }, pointer: string): DocumentError[] {
  return bands.green < bands.yellow
    ? [
        err(
          `${pointer}/yellow`,
          "BANDS_ORDER",
          `Batas kuning (${bands.yellow}%) lebih tinggi dari batas hijau (${bands.green}%). Batas hijau harus ≥ batas kuning.`,
          `The yellow band (${bands.yellow}%) is above the green band (${bands.green}%). Green must be ≥ yellow.`,
        ),
      ]
    : [];
}

function checkTargetProfile(target: Target, pointer: string): DocumentError[] {
  const p = target.profile;
  const want = p.type === "quarterly" ? 4 : p.type === "monthly" ? 12 : 0;
  if (want === 0 || !("values" in p) || p.values.length === want) return [];
  const [name, nameEn] = p.type === "quarterly" ? ["triwulanan", "quarterly"] : ["bulanan", "monthly"];
  return [
    err(
      `${pointer}/profile/values`,
      "PROFILE_LENGTH",
      `Profil ${name} harus berisi tepat ${want} nilai, sekarang ${p.values.length}. Lengkapi atau kurangi nilainya.`,
      `A ${nameEn} profile needs exactly ${want} values, it has ${p.values.length}.`,
    ),
  ];
}

function checkIndicator(ind: Indicator, pointer: string, symbols: ReadonlyMap<string, FormulaType>, groups: ReadonlySet<string>): DocumentError[] {
  const errors: DocumentError[] = [];
  if (!groups.has(ind.group)) {
    errors.push(
      err(
        `${pointer}/group`,
        "UNKNOWN_GROUP",
        `Kelompok "${ind.group}" tidak ada di paket. Tambahkan ke "groups" atau pilih kelompok yang ada.`,
        `Group "${ind.group}" is not in the package. Add it to "groups" or pick an existing one.`,
      ),
    );
  }
  const num = checkFormulaAt(ind.numerator, `${pointer}/numerator`, symbols, "indicator", "number");
  errors.push(...num.errors);
  const den = ind.denominator !== undefined ? checkFormulaAt(ind.denominator, `${pointer}/denominator`, symbols, "indicator", "number") : undefined;
  if (den) errors.push(...den.errors);
  // units() counts the units that reported the forms read inside count_units(...): without any
  // count_units field there is no such form, and every cell would be a formula problem.
  const parts = [
    { res: num, src: ind.numerator, at: `${pointer}/numerator` },
    ...(den && ind.denominator !== undefined ? [{ res: den, src: ind.denominator, at: `${pointer}/denominator` }] : []),
  ];
  const unitFields = parts.flatMap((p) => p.res.unitRefs ?? []);
  const unitsOnly = parts.find((p) => p.res.errors.length === 0 && p.res.usesUnits && /\bunits\s*\(/.test(p.src));
  if (unitsOnly && unitFields.length === 0) {
    const start = unitsOnly.src.search(/\bunits\s*\(/);
    errors.push(
      err(
        unitsOnly.at,
        "UNITS_WITHOUT_COUNT",
        "units() menghitung unit yang melaporkan formulir yang dibaca count_units(kondisi); rumus indikator ini tidak memakai count_units atas isian apa pun. Tambahkan count_units(kondisi) pada pembilang atau penyebut, misalnya count_units(isian > 0) / units().",
        "units() counts the units that reported the forms read by count_units(condition); this indicator uses no count_units over any field. Add count_units(condition) to the numerator or denominator, e.g. count_units(field > 0) / units().",
        { start, end: start + "units()".length, formulaCode: "UNITS_WITHOUT_COUNT" },
      ),
    );
  }
  if (ind.bands) errors.push(...checkBands(ind.bands, `${pointer}/bands`));
  return errors;
}

function checkRule(rule: ValidationRule, pointer: string, formsByKey: ReadonlyMap<string, Form>, yearlyFields: readonly Field[]): DocumentError[] {
  const form = formsByKey.get(rule.form);
  if (!form) {
    return [
      err(
        `${pointer}/form`,
        "UNKNOWN_FORM",
        `Formulir "${rule.form}" tidak ada di paket. Pilih formulir yang ada.`,
        `Form "${rule.form}" is not in the package. Pick an existing form.`,
      ),
    ];
  }
  // The rule's own form wins over a yearly form on the same key (keys are unique anyway).
  const symbols = symbolsOf([...yearlyFields, ...formFields(form).map((f) => f.field)]);
  const left = checkFormulaAt(rule.left, `${pointer}/left`, symbols, "rule");
  const right = checkFormulaAt(rule.right, `${pointer}/right`, symbols, "rule");
  const errors = [...left.errors, ...right.errors];
  if (errors.length === 0 && left.type && right.type) {
    const ordered = rule.op !== "==" && rule.op !== "!=";
    if ((ordered && (left.type !== "number" || right.type !== "number")) || left.type !== right.type) {
      errors.push(
        err(
          `${pointer}/op`,
          "RULE_TYPE",
          ordered
            ? `Operator "${rule.op}" membandingkan angka, tetapi salah satu sisi menghasilkan true/false. Ubah rumusnya.`
            : `Kedua sisi "${rule.op}" harus sejenis (angka dengan angka, true/false dengan true/false).`,
          ordered ? `Operator "${rule.op}" compares numbers but a side is boolean.` : `Both sides of "${rule.op}" must have the same type.`,
        ),
      );
    }
  }
  return errors;
}

function targetIdentity(t: Target): string {
  return JSON.stringify([t.indicator, t.year, t.scope.level, "org" in t.scope ? t.scope.org : ""]);
}

/** Semantic checks of a package that already passed the schema. */
export function checkPackageSemantics(pkg: TemplatePackage, options: PackageValidateOptions = {}): DocumentError[] {
  const errors: DocumentError[] = [];
  const localKey = (key: string, pointer: string): void => {
    if (!options.allowLocalKeys && key.startsWith(LOCAL_PREFIX)) {
      errors.push(
        err(
          pointer,
          "LOCAL_KEY_IN_NATIONAL",
          `Kunci "${key}" diawali "${LOCAL_PREFIX}", awalan khusus tambahan kabupaten/kota. Paket nasional harus memakai kunci lain.`,
          `Key "${key}" starts with "${LOCAL_PREFIX}", reserved for district additions. Use another key in a national package.`,
        ),
      );
    }
  };
  const unique = (seen: Map<string, string>, key: string, pointer: string): void => {
    localKey(key, pointer);
    const first = seen.get(key);
    if (first !== undefined) errors.push(duplicate(pointer, key, first));
    else seen.set(key, pointer);
  };

  const groupKeys = new Map<string, string>();
  pkg.groups.forEach((g, i) => unique(groupKeys, g.key, pointerOf("groups", i, "key")));

  const formKeys = new Map<string, string>();
  const fieldKeys = new Map<string, string>();
  const allFields: Field[] = [];
  const yearlyFields: Field[] = [];
  pkg.forms.forEach((form, fi) => {
    const fp = pointerOf("forms", fi);
    unique(formKeys, form.key, `${fp}/key`);
    form.sections.forEach((s, si) => localKey(s.key, `${fp}/sections/${si}/key`));
    for (const { field, pointer } of formFields(form)) {
      unique(fieldKeys, field.key, `${fp}${pointer}/key`);
      errors.push(...checkFieldShape(field, fp + pointer));
      allFields.push(field);
      if (form.periodType === "year") yearlyFields.push(field);
    }
    errors.push(...checkForm(form, fp));
  });

  const indicatorKeys = new Map<string, string>();
  const packageSymbols = symbolsOf(allFields);
  const groupSet = new Set(groupKeys.keys());
  pkg.indicators.forEach((ind, i) => {
    const p = pointerOf("indicators", i);
    unique(indicatorKeys, ind.key, `${p}/key`);
    if (fieldKeys.has(ind.key)) {
      errors.push(
        err(
          `${p}/key`,
          "KEY_COLLISION",
          `Kunci indikator "${ind.key}" sama dengan kunci isian (${fieldKeys.get(ind.key)}). Rumus tidak bisa membedakannya; pilih kunci lain.`,
          `Indicator key "${ind.key}" equals a field key (${fieldKeys.get(ind.key)}). Choose another key.`,
        ),
      );
    }
    errors.push(...checkIndicator(ind, p, packageSymbols, groupSet));
  });

  const targetSeen = new Map<string, string>();
  pkg.targets.forEach((t, i) => {
    const p = pointerOf("targets", i);
    if (!indicatorKeys.has(t.indicator)) {
      errors.push(
        err(
          `${p}/indicator`,
          "UNKNOWN_INDICATOR",
          `Indikator "${t.indicator}" tidak ada di paket. Pilih indikator yang ada.`,
          `Indicator "${t.indicator}" is not in the package.`,
        ),
      );
    }
    errors.push(...checkTargetProfile(t, p));
    const id = targetIdentity(t);
    const first = targetSeen.get(id);
    if (first !== undefined) {
      errors.push(
        err(
          p,
          "DUPLICATE_TARGET",
          `Target untuk indikator, tahun dan cakupan yang sama sudah ada (di ${first}). Hapus salah satunya.`,
          `A target for the same indicator, year and scope already exists (at ${first}).`,
        ),
      );
    } else targetSeen.set(id, p);
  });

  const ruleKeys = new Map<string, string>();
  const formsByKey = new Map(pkg.forms.map((f) => [f.key, f] as const));
  pkg.rules.forEach((rule, i) => {
    const p = pointerOf("rules", i);
    unique(ruleKeys, rule.key, `${p}/key`);
    errors.push(...checkRule(rule, p, formsByKey, yearlyFields));
  });
  return errors;
}

/**
 * Checks of a district overlay against its base package, once it passed its schema: referenced
 * keys exist (in the base or added earlier in the overlay), added keys start with `lokal_`, only
 * optional fields hidden, targets scoped inside the district.
 */
export function checkOverlaySemantics(overlay: DistrictOverlay, basePackage: TemplatePackage): DocumentError[] {
  const errors: DocumentError[] = [];
  if (overlay.package !== basePackage.key) {
    errors.push(
      err(
        "/package",
        "PACKAGE_MISMATCH",
        `Overlay ini untuk paket "${overlay.package}", bukan "${basePackage.key}". Pilih paket dasar yang benar.`,
        `This overlay is for package "${overlay.package}", not "${basePackage.key}".`,
      ),
    );
  }
  const forms = new Map(basePackage.forms.map((f) => [f.key, f] as const));
  // form key → section key → field keys (mutable copies, so added fields count for later operations)
  const sections = new Map<string, Map<string, string[]>>();
  const fieldToForm = new Map<string, string>();
  const fieldDefs = new Map<string, Field>();
  for (const form of basePackage.forms) {
    const m = new Map<string, string[]>();
    for (const s of form.sections) {
      m.set(
        s.key,
        s.fields.map((f) => f.key),
      );
      for (const f of s.fields) {
        fieldToForm.set(f.key, form.key);
        fieldDefs.set(f.key, f);
      }
    }
    sections.set(form.key, m);
  }
  const indicators = new Set(basePackage.indicators.map((i) => i.key));
  const rules = new Set(basePackage.rules.map((r) => r.key));
  const groups = new Set(basePackage.groups.map((g) => g.key));

  const unknown = (pointer: string, what: string, whatEn: string, key: string): void => {
    errors.push(
      err(
        pointer,
        "UNKNOWN_REFERENCE",
        `${what} "${key}" tidak ada di paket dasar. Periksa kuncinya.`,
        `${whatEn} "${key}" does not exist in the base package.`,
      ),
    );
  };
  const mustBeLocal = (pointer: string, key: string): boolean => {
    if (key.startsWith(LOCAL_PREFIX)) return true;
    errors.push(
      err(
        pointer,
        "LOCAL_KEY_REQUIRED",
        `Kunci tambahan kabupaten/kota harus diawali "${LOCAL_PREFIX}" (misalnya ${LOCAL_PREFIX}${key}). Ganti kuncinya.`,
        `Keys added by a district must start with "${LOCAL_PREFIX}" (e.g. ${LOCAL_PREFIX}${key}).`,
      ),
    );
    return false;
  };
  const formExists = (pointer: string, key: string): boolean => {
    if (forms.has(key)) return true;
    unknown(pointer, "Formulir", "Form", key);
    return false;
  };

  overlay.operations.forEach((op, i) => {
    const p = pointerOf("operations", i);
    switch (op.op) {
      case "setTarget": {
        const t = op.target;
        if (!indicators.has(t.indicator)) unknown(`${p}/target/indicator`, "Indikator", "Indicator", t.indicator);
        errors.push(...checkTargetProfile(t, `${p}/target`));
        if (t.scope.level === "national" || t.scope.level === "province" || (t.scope.level === "district" && t.scope.org !== overlay.district)) {
          errors.push(
            err(
              `${p}/target/scope`,
              "SCOPE_OUTSIDE_DISTRICT",
              `Target overlay hanya boleh untuk kabupaten/kota ${overlay.district} atau Puskesmas di dalamnya. Ubah cakupannya.`,
              `Overlay targets must be scoped to district ${overlay.district} or its Puskesmas.`,
            ),
          );
        }
        break;
      }
      case "setBands":
        if (!indicators.has(op.indicator)) unknown(`${p}/indicator`, "Indikator", "Indicator", op.indicator);
        errors.push(...checkBands(op.bands, `${p}/bands`));
        break;
      case "hideField": {
        if (!formExists(`${p}/form`, op.form)) break;
        if (fieldToForm.get(op.field) !== op.form) {
          unknown(`${p}/field`, `Isian pada formulir ${op.form}`, `Field of form ${op.form}`, op.field);
          break;
        }
        const f = fieldDefs.get(op.field)!;
        if (f.optional !== true || f.required === true) {
          errors.push(
            err(
              `${p}/field`,
              "FIELD_NOT_OPTIONAL",
              `Isian "${op.field}" tidak bertanda opsional sehingga tidak boleh disembunyikan.`,
              `Field "${op.field}" is not optional and cannot be hidden.`,
            ),
          );
        }
        break;
      }
      case "addField": {
        if (!formExists(`${p}/form`, op.form)) break;
        const sectionFields = sections.get(op.form)!.get(op.section);
        if (!sectionFields) {
          unknown(`${p}/section`, `Bagian pada formulir ${op.form}`, `Section of form ${op.form}`, op.section);
          break;
        }
        if (op.after !== undefined && !sectionFields.includes(op.after)) {
          unknown(`${p}/after`, `Isian pada bagian ${op.section}`, `Field of section ${op.section}`, op.after);
        }
        const key = op.field.key;
        if (mustBeLocal(`${p}/field/key`, key)) {
          if (fieldDefs.has(key)) errors.push(duplicate(`${p}/field/key`, key, "paket/overlay"));
          errors.push(...checkFieldShape(op.field, `${p}/field`));
          sectionFields.push(key);
          fieldToForm.set(key, op.form);
          fieldDefs.set(key, op.field);
        }
        break;
      }
      case "addIndicator": {
        const key = op.indicator.key;
        if (!groups.has(op.indicator.group)) unknown(`${p}/indicator/group`, "Kelompok", "Group", op.indicator.group);
        if (op.indicator.bands) errors.push(...checkBands(op.indicator.bands, `${p}/indicator/bands`));
        if (mustBeLocal(`${p}/indicator/key`, key)) {
          if (indicators.has(key) || fieldDefs.has(key)) errors.push(duplicate(`${p}/indicator/key`, key, "paket/overlay"));
          indicators.add(key);
        }
        break;
      }
      case "addRule": {
        formExists(`${p}/rule/form`, op.rule.form);
        const key = op.rule.key;
        if (mustBeLocal(`${p}/rule/key`, key)) {
          if (rules.has(key)) errors.push(duplicate(`${p}/rule/key`, key, "paket/overlay"));
          rules.add(key);
        }
        break;
      }
      case "relabel": {
        const targets = [op.form, op.field, op.section, op.indicator].filter((x) => x !== undefined);
        if (targets.length === 0) {
          errors.push(
            err(
              p,
              "RELABEL_TARGET",
              `Pilih yang diberi label baru: "form", "section" (dengan "form"), "field" atau "indicator".`,
              `Say what to relabel: "form", "section" (with "form"), "field" or "indicator".`,
            ),
          );
          break;
        }
        if (op.indicator !== undefined) {
          if (op.form !== undefined || op.field !== undefined || op.section !== undefined) {
            errors.push(
              err(
                p,
                "RELABEL_TARGET",
                `Satu operasi relabel hanya untuk satu hal: indikator, atau formulir/bagian/isian.`,
                `One relabel operation targets one thing only.`,
              ),
            );
          } else if (!indicators.has(op.indicator)) unknown(`${p}/indicator`, "Indikator", "Indicator", op.indicator);
          break;
        }
        if (op.section !== undefined && op.field !== undefined) {
          errors.push(err(p, "RELABEL_TARGET", `Pilih "section" atau "field", tidak keduanya.`, `Give "section" or "field", not both.`));
          break;
        }
        if (op.form !== undefined && !formExists(`${p}/form`, op.form)) break;
        if (op.section !== undefined) {
          if (op.form === undefined) {
            errors.push(
              err(`${p}/section`, "RELABEL_TARGET", `Relabel bagian perlu "form". Tambahkan kunci formulirnya.`, `Relabelling a section needs "form".`),
            );
          } else if (!sections.get(op.form)!.has(op.section))
            unknown(`${p}/section`, `Bagian pada formulir ${op.form}`, `Section of form ${op.form}`, op.section);
        }
        if (op.field !== undefined) {
          const owner = fieldToForm.get(op.field);
          if (owner === undefined || (op.form !== undefined && owner !== op.form)) unknown(`${p}/field`, "Isian", "Field", op.field);
        }
        break;
      }
    }
  });
  return errors;
}
