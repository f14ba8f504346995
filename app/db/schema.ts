/** Row types of the database. Booleans are stored as 0/1 and times as ISO-8601 UTC text on both dialects. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

export type OrgLevel = "national" | "province" | "district" | "puskesmas" | "pustu" | "posyandu";
export type Role = "national_admin" | "district_admin" | "district_verifier" | "puskesmas_operator" | "facilitator";
export type SubmissionStatus = "draft" | "submitted" | "returned" | "approved";

export interface OrgUnitTable {
  id: Generated<number>;
  code: string;
  name: string;
  level: OrgLevel;
  parent_id: number | null;
  /** Materialised path of ids, "/1/4/17/": subtree = path LIKE '/1/4/%'. */
  path: string;
  depth: number;
  note: string | null;
  created_at: string;
}

export interface AppUserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  active: number;
  locale: string;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface RoleGrantTable {
  id: Generated<number>;
  user_id: number;
  role: Role;
  org_unit_id: number;
  created_at: string;
}

export interface SessionTable {
  /** SHA-256 of the session token; the token itself exists only in the signed cookie. */
  id: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_user_id: number | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  org_unit_id: number | null;
  before_json: string | null;
  after_json: string | null;
  ip: string | null;
}

export interface TemplatePackageTable {
  id: Generated<number>;
  key: string;
  version: number;
  status: "draft" | "published";
  owner_org_unit_id: number;
  title: string;
  document: string;
  created_by: number | null;
  created_at: string;
  published_at: string | null;
}

export interface DistrictOverlayTable {
  id: Generated<number>;
  district_org_unit_id: number;
  package_key: string;
  base_version: number;
  version: number;
  status: "draft" | "published";
  document: string;
  created_by: number | null;
  created_at: string;
  published_at: string | null;
}

export interface SubmissionTable {
  id: Generated<number>;
  org_unit_id: number;
  /** Denormalised ancestors, so scorecards group by district or province without a tree walk. */
  district_id: number | null;
  province_id: number | null;
  package_key: string;
  package_version: number;
  overlay_id: number | null;
  form_key: string;
  period: string;
  year: number;
  /** Month index (year*12 + month-1) of the period's last month. */
  month_index: number;
  status: SubmissionStatus;
  data: string;
  revision: number;
  idempotency_key: string | null;
  return_note: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  approved_at: string | null;
  approved_by: number | null;
}

/** Numeric facts of counted (submitted/approved) submissions: the GROUP BY layout for scorecards. */
export interface SubmissionValueTable {
  submission_id: number;
  org_unit_id: number;
  district_id: number | null;
  province_id: number | null;
  package_key: string;
  form_key: string;
  field_key: string;
  year: number;
  month_index: number;
  value: ColumnType<number, number, number>;
}

export interface Database {
  org_unit: OrgUnitTable;
  app_user: AppUserTable;
  role_grant: RoleGrantTable;
  session: SessionTable;
  audit_log: AuditLogTable;
  template_package: TemplatePackageTable;
  district_overlay: DistrictOverlayTable;
  submission: SubmissionTable;
  submission_value: SubmissionValueTable;
  submission_request: SubmissionRequestTable;
}

export type OrgUnit = Selectable<OrgUnitTable>;
export type NewOrgUnit = Insertable<OrgUnitTable>;
export type AppUser = Selectable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
export type RoleGrant = Selectable<RoleGrantTable>;
export type Submission = Selectable<SubmissionTable>;
export type AuditLog = Selectable<AuditLogTable>;

/** An accepted idempotency key of a data-entry POST and the result it produced (SECURITY.md 17). */
export interface SubmissionRequestTable {
  idempotency_key: string;
  user_id: number;
  org_unit_id: number;
  form_key: string;
  period: string;
  submission_id: number | null;
  result_json: string | null;
  created_at: string;
}
