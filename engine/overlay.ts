/**
 * District overlays: a district's safe patch of a national template package version, applied to
 * give the effective package, and rebased when the national package gets a new version.
 *
 * Inputs are never mutated (the package is deep-cloned first); lookups keyed by document keys use
 * Maps so a key such as "__proto__" can never reach an object prototype. National indicator keys
 * are never changed, so districts stay comparable.
 */
import type {
  Bands,
  DistrictOverlay,
  Field,
  Form,
  Indicator,
  OverlayOperation,
  Section,
  Target,
  TemplatePackage,
  Text,
  ValidationRule,
} from './documents';
import { formulaTypeOf, isValidKey, LOCAL_PREFIX } from './domain';
import { checkFormula } from './formula/index';
import type { FormulaType } from './formula/index';

/** Where an element of the effective package comes from. */
export type Origin = 'national' | 'local' | 'overridden';

/** Origin marks of the effective package, per kind of element. */
export interface OverlayOrigins {
  forms: Map<string, Origin>;
  /** Keyed `form/section`. */
  sections: Map<string, Origin>;
  /** Keyed by field key (unique across the package). */
  fields: Map<string, Origin>;
  indicators: Map<string, Origin>;
  rules: Map<string, Origin>;
  /** Keyed by targetKey(): `indicator|year|level|org`. */
  targets: Map<string, Origin>;
}

/** Stable codes of overlay problems (tests and the UI key on them). */
export type OverlayProblemCode =
  | 'PACKAGE_MISMATCH'
  | 'BASE_VERSION_MISMATCH'
  | 'UNKNOWN_OP'
  | 'BAD_KEY'
  | 'NOT_LOCAL_KEY'
  | 'KEY_EXISTS'
  | 'FORM_NOT_FOUND'
  | 'SECTION_NOT_FOUND'
  | 'FIELD_NOT_FOUND'
  | 'AFTER_NOT_FOUND'
  | 'INDICATOR_NOT_FOUND'
  | 'FIELD_NOT_OPTIONAL'
  | 'FIELD_IN_USE'
  | 'LAST_FIELD'
  | 'SCOPE_LEVEL'
  | 'SCOPE_OUTSIDE_DISTRICT'
  | 'BAD_TARGET'
  | 'BAD_BANDS'
  | 'BAD_FORMULA'
  | 'BAD_LABEL'
  | 'RELABEL_TARGET';

/** An operation that could not be applied; `op` is its index (-1 for the overlay as a whole). */
export interface OverlayProblem {
  op: number;
  code: OverlayProblemCode;
  /** Bahasa Indonesia: what is wrong and how to fix it. */
  message: string;
}

/** Result of applyOverlay. */
export interface AppliedOverlay {
  package: TemplatePackage;
  origins: OverlayOrigins;
  problems: OverlayProblem[];
  /** Indexes of the operations that were applied. */
  applied: number[];
  /** Fields hidden by the overlay (removed from the effective forms). */
  hidden: Array<{ form: string; field: string }>;
}

/** Which org codes lie inside the overlay's district (the district itself always does). */
export type DistrictMembership = ReadonlySet<string> | ((orgCode: string) => boolean);

export interface ApplyOverlayOptions {
  /** Org units inside the district, for setTarget at Puskesmas scope. */
  inDistrict?: DistrictMembership;
}

/** Identity of a target inside a package: indicator × year × scope. */
export function targetKey(t: Pick<Target, 'indicator' | 'year' | 'scope'>): string {
  const org = t.scope.level === 'national' ? '' : t.scope.org;
  return `${t.indicator}|${t.year}|${t.scope.level}|${org}`;
}

function isText(x: unknown): x is Text {
  return typeof x === 'object' && x !== null && typeof (x as Text).id === 'string' && (x as Text).id.trim().length > 0;
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function usesIdentifier(formula: string | undefined, key: string): boolean {
  if (!formula) return false;
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9_])${escaped}([^a-z0-9_]|$)`).test(formula);
}

/** Mutable working state of one application. */
class Effective {
  readonly pkg: TemplatePackage;
  readonly origins: OverlayOrigins;
  readonly hidden: Array<{ form: string; field: string }> = [];

  constructor(base: TemplatePackage) {
    this.pkg = structuredClone(base);
    this.origins = {
      forms: new Map(),
      sections: new Map(),
      fields: new Map(),
      indicators: new Map(),
      rules: new Map(),
      targets: new Map(),
    };
    for (const form of this.pkg.forms) {
      this.origins.forms.set(form.key, 'national');
      for (const s of form.sections) {
        this.origins.sections.set(`${form.key}/${s.key}`, 'national');
        for (const f of s.fields) this.origins.fields.set(f.key, 'national');
      }
    }
    for (const i of this.pkg.indicators) this.origins.indicators.set(i.key, 'national');
    for (const r of this.pkg.rules) this.origins.rules.set(r.key, 'national');
    for (const t of this.pkg.targets) this.origins.targets.set(targetKey(t), 'national');
  }

  form(key: string): Form | undefined {
    return this.pkg.forms.find((f) => f.key === key);
  }

  /** The field and where it sits, searching all forms (field keys are package-unique). */
  findField(key: string): { form: Form; section: Section; index: number; field: Field } | undefined {
    for (const form of this.pkg.forms) {
      for (const section of form.sections) {
        const index = section.fields.findIndex((f) => f.key === key);
        if (index >= 0) return { form, section, index, field: section.fields[index] };
      }
    }
    return undefined;
  }

  indicator(key: string): Indicator | undefined {
    return this.pkg.indicators.find((i) => i.key === key);
  }

  /** Numeric/boolean fields visible to formulas, optionally limited to some forms. */
  symbols(forms?: ReadonlySet<string>): Map<string, FormulaType> {
    const out = new Map<string, FormulaType>();
    for (const form of this.pkg.forms) {
      if (forms && !forms.has(form.key)) continue;
      for (const s of form.sections) {
        for (const f of s.fields) {
          const type = formulaTypeOf(f.type);
          if (type) out.set(f.key, type);
        }
      }
    }
    return out;
  }

  markOverridden(map: Map<string, Origin>, key: string): void {
    if (map.get(key) === 'national') map.set(key, 'overridden');
  }
}

type OpResult = { code: OverlayProblemCode; message: string } | null;

function fail(code: OverlayProblemCode, message: string): OpResult {
  return { code, message };
}

function checkLocalKey(key: unknown, what: string): OpResult {
  if (typeof key !== 'string' || !isValidKey(key)) {
    return fail('BAD_KEY', `Kode ${what} "${String(key)}" tidak valid. Gunakan huruf kecil, angka dan garis bawah, diawali huruf, dan diawali "${LOCAL_PREFIX}".`);
  }
  if (!key.startsWith(LOCAL_PREFIX)) {
    return fail('NOT_LOCAL_KEY', `Kode ${what} tambahan kabupaten/kota harus diawali "${LOCAL_PREFIX}" (misalnya ${LOCAL_PREFIX}${key}) agar tidak bentrok dengan kode nasional.`);
  }
  return null;
}

function formulaProblem(src: unknown, symbols: ReadonlyMap<string, FormulaType>, context: 'field' | 'rule' | 'indicator', what: string): OpResult {
  if (typeof src !== 'string') return fail('BAD_FORMULA', `Rumus ${what} harus berupa teks.`);
  const r = checkFormula(src, { symbols, context });
  if (r.ok) return null;
  const first = r.errors[0];
  return fail('BAD_FORMULA', `Rumus ${what} bermasalah: ${first ? first.message : 'tidak dapat diperiksa'}`);
}

function checkTarget(t: Target | undefined): OpResult {
  if (!t || typeof t !== 'object') return fail('BAD_TARGET', 'Target kosong. Isi indikator, tahun, cakupan dan nilai.');
  if (!Number.isInteger(t.year) || t.year < 1900 || t.year > 2999) return fail('BAD_TARGET', `Tahun target "${String(t.year)}" tidak valid.`);
  if (!isFiniteNumber(t.value) || t.value < 0) return fail('BAD_TARGET', 'Nilai target harus angka 0 atau lebih.');
  const p = t.profile;
  if (p !== undefined) {
    const need = p.type === 'quarterly' ? 4 : p.type === 'monthly' ? 12 : 0;
    if (p.type !== 'flat' && p.type !== 'linear-cumulative' && need === 0) return fail('BAD_TARGET', 'Profil target tidak dikenal.');
    if (need > 0) {
      const values = (p as { values?: unknown[] }).values;
      if (!Array.isArray(values) || values.length !== need || !values.every((v) => isFiniteNumber(v) && v >= 0)) {
        return fail('BAD_TARGET', `Profil target ${p.type === 'quarterly' ? 'per triwulan memerlukan tepat 4' : 'per bulan memerlukan tepat 12'} nilai angka.`);
      }
    }
  }
  return null;
}

function inDistrict(membership: DistrictMembership | undefined, district: string, code: string): boolean {
  if (code === district) return true;
  if (!membership) return false;
  return typeof membership === 'function' ? membership(code) : membership.has(code);
}

function applyOp(state: Effective, op: OverlayOperation, overlay: DistrictOverlay, options: ApplyOverlayOptions): OpResult {
  switch (op?.op) {
    case 'setTarget': {
      const t = op.target;
      const bad = checkTarget(t);
      if (bad) return bad;
      if (!state.indicator(t.indicator)) {
        return fail('INDICATOR_NOT_FOUND', `Indikator "${t.indicator}" tidak ada dalam paket; target tidak dapat dipasang.`);
      }
      if (t.scope?.level !== 'district' && t.scope?.level !== 'puskesmas') {
        return fail('SCOPE_LEVEL', 'Target kabupaten/kota hanya boleh untuk kabupaten/kota sendiri atau Puskesmas di wilayahnya, bukan nasional atau provinsi.');
      }
      if ((t.scope.level === 'district' && t.scope.org !== overlay.district) || !inDistrict(options.inDistrict, overlay.district, t.scope.org)) {
        return fail('SCOPE_OUTSIDE_DISTRICT', `Unit "${t.scope.org}" tidak berada di wilayah kabupaten/kota ${overlay.district}. Pilih kabupaten/kota sendiri atau Puskesmas di wilayahnya.`);
      }
      const key = targetKey(t);
      const copy = structuredClone(t);
      const i = state.pkg.targets.findIndex((x) => targetKey(x) === key);
      if (i >= 0) {
        state.pkg.targets[i] = copy;
        state.markOverridden(state.origins.targets, key);
      } else {
        state.pkg.targets.push(copy);
        state.origins.targets.set(key, 'local');
      }
      return null;
    }
    case 'setBands': {
      const ind = state.indicator(op.indicator);
      if (!ind) return fail('INDICATOR_NOT_FOUND', `Indikator "${op.indicator}" tidak ada dalam paket.`);
      const b = op.bands as Bands | undefined;
      if (!b || !isFiniteNumber(b.green) || !isFiniteNumber(b.yellow) || b.yellow < 0 || b.yellow > b.green) {
        return fail('BAD_BANDS', 'Batas warna tidak valid: isi angka hijau dan kuning (persen dari target) dengan kuning ≤ hijau.');
      }
      ind.bands = { green: b.green, yellow: b.yellow };
      state.markOverridden(state.origins.indicators, ind.key);
      return null;
    }
    case 'hideField': {
      const form = state.form(op.form);
      if (!form) return fail('FORM_NOT_FOUND', `Formulir "${op.form}" tidak ada dalam paket.`);
      const found = state.findField(op.field);
      if (!found || found.form !== form) return fail('FIELD_NOT_FOUND', `Isian "${op.field}" tidak ada di formulir "${op.form}".`);
      if (found.field.optional !== true || found.field.required === true) {
        return fail('FIELD_NOT_OPTIONAL', `Isian "${op.field}" wajib secara nasional dan tidak boleh disembunyikan. Hanya isian bertanda opsional yang boleh disembunyikan.`);
      }
      for (const s of form.sections) {
        for (const f of s.fields) {
          if (f.key === op.field) continue;
          if (usesIdentifier(f.calculate, op.field) || f.showIf?.clauses?.some((c) => c.field === op.field)) {
            return fail('FIELD_IN_USE', `Isian "${op.field}" dipakai oleh isian "${f.key}" (rumus atau syarat tampil); sembunyikan atau ubah isian itu dulu.`);
          }
        }
      }
      for (const ind of state.pkg.indicators) {
        if (usesIdentifier(ind.numerator, op.field) || usesIdentifier(ind.denominator, op.field)) {
          return fail('FIELD_IN_USE', `Isian "${op.field}" dipakai oleh indikator "${ind.key}"; isian yang dipakai indikator tidak boleh disembunyikan.`);
        }
      }
      for (const rule of state.pkg.rules) {
        if (usesIdentifier(rule.left, op.field) || usesIdentifier(rule.right, op.field)) {
          return fail('FIELD_IN_USE', `Isian "${op.field}" dipakai oleh aturan validasi "${rule.key}"; isian itu tidak boleh disembunyikan.`);
        }
      }
      const remaining = form.sections.reduce((n, s) => n + s.fields.length, 0);
      if (remaining <= 1) return fail('LAST_FIELD', `Isian "${op.field}" adalah isian terakhir formulir "${op.form}" dan tidak boleh disembunyikan.`);
      found.section.fields.splice(found.index, 1);
      if (found.section.fields.length === 0) {
        // Schemas require non-empty sections: a section left empty disappears with its field.
        form.sections.splice(form.sections.indexOf(found.section), 1);
        state.origins.sections.delete(`${form.key}/${found.section.key}`);
      }
      state.origins.fields.delete(op.field);
      state.hidden.push({ form: form.key, field: op.field });
      return null;
    }
    case 'addField': {
      const field = op.field;
      const bad = checkLocalKey(field?.key, 'isian');
      if (bad) return bad;
      const form = state.form(op.form);
      if (!form) return fail('FORM_NOT_FOUND', `Formulir "${op.form}" tidak ada dalam paket.`);
      const section = form.sections.find((s) => s.key === op.section);
      if (!section) return fail('SECTION_NOT_FOUND', `Bagian "${op.section}" tidak ada di formulir "${op.form}".`);
      if (state.findField(field.key) || state.origins.fields.has(field.key)) {
        return fail('KEY_EXISTS', `Kode isian "${field.key}" sudah dipakai dalam paket. Pilih kode lain.`);
      }
      if (!isText(field.label)) return fail('BAD_LABEL', `Isian "${field.key}" memerlukan label dalam Bahasa Indonesia.`);
      let at = section.fields.length;
      if (op.after !== undefined) {
        const i = section.fields.findIndex((f) => f.key === op.after);
        if (i < 0) return fail('AFTER_NOT_FOUND', `Isian "${op.after}" (posisi sesudahnya) tidak ada di bagian "${op.section}".`);
        at = i + 1;
      }
      if (field.calculate !== undefined) {
        const p = formulaProblem(field.calculate, state.symbols(new Set([form.key])), 'field', `isian "${field.key}"`);
        if (p) return p;
      }
      section.fields.splice(at, 0, structuredClone(field));
      state.origins.fields.set(field.key, 'local');
      return null;
    }
    case 'addIndicator': {
      const ind = op.indicator;
      const bad = checkLocalKey(ind?.key, 'indikator');
      if (bad) return bad;
      if (state.indicator(ind.key)) return fail('KEY_EXISTS', `Kode indikator "${ind.key}" sudah dipakai dalam paket. Pilih kode lain.`);
      if (!isText(ind.name)) return fail('BAD_LABEL', `Indikator "${ind.key}" memerlukan nama dalam Bahasa Indonesia.`);
      const symbols = state.symbols();
      const p =
        formulaProblem(ind.numerator, symbols, 'indicator', `pembilang "${ind.key}"`) ??
        (ind.denominator !== undefined ? formulaProblem(ind.denominator, symbols, 'indicator', `penyebut "${ind.key}"`) : null);
      if (p) return p;
      state.pkg.indicators.push(structuredClone(ind));
      state.origins.indicators.set(ind.key, 'local');
      return null;
    }
    case 'addRule': {
      const rule = op.rule as ValidationRule;
      const bad = checkLocalKey(rule?.key, 'aturan');
      if (bad) return bad;
      if (state.pkg.rules.some((r) => r.key === rule.key)) return fail('KEY_EXISTS', `Kode aturan "${rule.key}" sudah dipakai dalam paket. Pilih kode lain.`);
      const form = state.form(rule.form);
      if (!form) return fail('FORM_NOT_FOUND', `Formulir "${rule.form}" tidak ada dalam paket.`);
      if (!isText(rule.message)) return fail('BAD_LABEL', `Aturan "${rule.key}" memerlukan pesan dalam Bahasa Indonesia.`);
      // A rule sees its own form and the package's yearly forms (docs/documents.md).
      const visible = new Set(state.pkg.forms.filter((f) => f.key === form.key || f.periodType === 'year').map((f) => f.key));
      const symbols = state.symbols(visible);
      const p =
        formulaProblem(rule.left, symbols, 'rule', `aturan "${rule.key}" (kiri)`) ??
        formulaProblem(rule.right, symbols, 'rule', `aturan "${rule.key}" (kanan)`);
      if (p) return p;
      state.pkg.rules.push(structuredClone(rule));
      state.origins.rules.set(rule.key, 'local');
      return null;
    }
    case 'relabel': {
      if (!isText(op.label)) return fail('BAD_LABEL', 'Label baru harus berisi teks Bahasa Indonesia.');
      const label = structuredClone(op.label);
      const targets = [op.field, op.section, op.indicator].filter((x) => x !== undefined).length;
      if (targets > 1 || (targets === 0 && op.form === undefined) || (op.indicator !== undefined && op.form !== undefined)) {
        return fail('RELABEL_TARGET', 'Ubah label untuk tepat satu hal: satu formulir, bagian, isian, atau indikator.');
      }
      if (op.indicator !== undefined) {
        const ind = state.indicator(op.indicator);
        if (!ind) return fail('INDICATOR_NOT_FOUND', `Indikator "${op.indicator}" tidak ada dalam paket.`);
        ind.name = label;
        state.markOverridden(state.origins.indicators, ind.key);
        return null;
      }
      if (op.field !== undefined) {
        const found = state.findField(op.field);
        if (!found || (op.form !== undefined && found.form.key !== op.form)) {
          return fail('FIELD_NOT_FOUND', `Isian "${op.field}" tidak ada${op.form !== undefined ? ` di formulir "${op.form}"` : ' dalam paket'}.`);
        }
        found.field.label = label;
        state.markOverridden(state.origins.fields, found.field.key);
        return null;
      }
      if (op.form === undefined) return fail('RELABEL_TARGET', 'Untuk mengubah label bagian, sebutkan juga formulirnya.');
      const form = state.form(op.form);
      if (!form) return fail('FORM_NOT_FOUND', `Formulir "${op.form}" tidak ada dalam paket.`);
      if (op.section !== undefined) {
        const section = form.sections.find((s) => s.key === op.section);
        if (!section) return fail('SECTION_NOT_FOUND', `Bagian "${op.section}" tidak ada di formulir "${op.form}".`);
        section.title = label;
        state.markOverridden(state.origins.sections, `${form.key}/${section.key}`);
        return null;
      }
      form.title = label;
      state.markOverridden(state.origins.forms, form.key);
      return null;
    }
    default:
      return fail('UNKNOWN_OP', `Operasi "${String((op as { op?: unknown })?.op)}" tidak dikenal. Operasi yang boleh: setTarget, setBands, hideField, addField, addIndicator, addRule, relabel.`);
  }
}

/**
 * Applies a district overlay to a package version. Each operation is checked on its own; one that
 * is not allowed is skipped and reported, the others still apply. A base-version mismatch is
 * reported (the overlay should be rebased) but operations that still fit are applied.
 */
export function applyOverlay(pkg: TemplatePackage, overlay: DistrictOverlay, options: ApplyOverlayOptions = {}): AppliedOverlay {
  const state = new Effective(pkg);
  const problems: OverlayProblem[] = [];
  const applied: number[] = [];
  const result = (): AppliedOverlay => ({ package: state.pkg, origins: state.origins, problems, applied, hidden: state.hidden });
  if (overlay.package !== pkg.key) {
    problems.push({
      op: -1,
      code: 'PACKAGE_MISMATCH',
      message: `Overlay ini untuk paket "${overlay.package}", bukan "${pkg.key}"; tidak ada perubahan yang diterapkan.`,
    });
    return result();
  }
  if (overlay.baseVersion !== pkg.version) {
    problems.push({
      op: -1,
      code: 'BASE_VERSION_MISMATCH',
      message: `Overlay dibuat untuk versi ${overlay.baseVersion}, paket saat ini versi ${pkg.version}. Sesuaikan (rebase) overlay ke versi baru.`,
    });
  }
  const ops = Array.isArray(overlay.operations) ? overlay.operations : [];
  ops.forEach((op, i) => {
    const p = applyOp(state, op, overlay, options);
    if (p) problems.push({ op: i, ...p });
    else applied.push(i);
  });
  return result();
}

/** An operation that no longer applies after a rebase. */
export interface RebaseConflict {
  op: number;
  code: OverlayProblemCode;
  /** Bahasa Indonesia. */
  reason: string;
  operation: OverlayOperation;
}

/** Result of rebaseOverlay. */
export interface RebasedOverlay {
  /** The overlay re-targeted to the new version, holding only the operations that still apply. */
  overlay: DistrictOverlay;
  /** Indexes (in the original overlay) of the operations kept. */
  applied: number[];
  conflicts: RebaseConflict[];
}

function fieldIn(pkg: TemplatePackage, key: string): Field | undefined {
  for (const form of pkg.forms) for (const s of form.sections) for (const f of s.fields) if (f.key === key) return f;
  return undefined;
}

/** Explains with the old version in hand why an operation stopped fitting. */
function rebaseReason(op: OverlayOperation, code: OverlayProblemCode, message: string, oldBase: TemplatePackage, newBase: TemplatePackage): string {
  const v = newBase.version;
  switch (op?.op) {
    case 'hideField':
      if (code === 'FIELD_NOT_FOUND' && fieldIn(oldBase, op.field)) return `Isian "${op.field}" dihapus pada versi nasional ${v}; operasi sembunyikan tidak diperlukan lagi.`;
      if (code === 'FIELD_NOT_OPTIONAL' && fieldIn(oldBase, op.field)?.optional) return `Isian "${op.field}" tidak lagi opsional pada versi nasional ${v} dan harus ditampilkan.`;
      break;
    case 'addField':
      if (code === 'KEY_EXISTS' && fieldIn(newBase, op.field.key) && !fieldIn(oldBase, op.field.key)) return `Versi nasional ${v} menambahkan isian dengan kode "${op.field.key}"; ganti kode isian lokal.`;
      if (code === 'SECTION_NOT_FOUND') return `Bagian "${op.section}" tidak ada lagi di formulir "${op.form}" pada versi nasional ${v}; pilih bagian lain.`;
      if (code === 'AFTER_NOT_FOUND') return `Isian "${op.after}" tempat isian lokal disisipkan tidak ada lagi pada versi nasional ${v}; pilih posisi lain.`;
      break;
    case 'addIndicator':
      if (code === 'KEY_EXISTS') return `Versi nasional ${v} menambahkan indikator dengan kode "${op.indicator.key}"; ganti kode indikator lokal.`;
      if (code === 'BAD_FORMULA') return `Rumus indikator lokal "${op.indicator.key}" tidak berlaku lagi pada versi nasional ${v}: ${message}`;
      break;
    case 'setTarget':
    case 'setBands': {
      const key = op.op === 'setTarget' ? op.target.indicator : op.indicator;
      if (code === 'INDICATOR_NOT_FOUND' && oldBase.indicators.some((i) => i.key === key)) return `Indikator "${key}" dihapus pada versi nasional ${v}.`;
      break;
    }
    case 'relabel':
      if (code.endsWith('_NOT_FOUND')) return `Yang diubah labelnya tidak ada lagi pada versi nasional ${v}: ${message}`;
      break;
  }
  if (code === 'FORM_NOT_FOUND') return `Formulir tidak ada lagi pada versi nasional ${v}: ${message}`;
  return message;
}

/**
 * Re-targets an overlay from `oldBase` to `newBase`: replays its operations on the new version in
 * order, keeps those that still apply, and reports the others with a reason in Bahasa Indonesia
 * (field removed, no longer optional, key now used nationally, indicator removed, …).
 */
export function rebaseOverlay(
  overlay: DistrictOverlay,
  oldBase: TemplatePackage,
  newBase: TemplatePackage,
  options: ApplyOverlayOptions = {},
): RebasedOverlay {
  const state = new Effective(newBase);
  const conflicts: RebaseConflict[] = [];
  const applied: number[] = [];
  const kept: OverlayOperation[] = [];
  const ops = Array.isArray(overlay.operations) ? overlay.operations : [];
  ops.forEach((op, i) => {
    const p = applyOp(state, op, overlay, options);
    if (p) {
      conflicts.push({ op: i, code: p.code, reason: rebaseReason(op, p.code, p.message, oldBase, newBase), operation: structuredClone(op) });
    } else {
      applied.push(i);
      kept.push(structuredClone(op));
    }
  });
  const rebased: DistrictOverlay = { ...structuredClone(overlay), package: newBase.key, baseVersion: newBase.version, operations: kept };
  return { overlay: rebased, applied, conflicts };
}
