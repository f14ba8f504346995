/** Row types of the database. Booleans are stored as 0/1 and times as ISO-8601 UTC text on both dialects. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

export type OrgLevel = "national" | "province" | "district" | "puskesmas" | "pustu" | "posyandu";
export type Role = "national_admin" | "district_admin" | "district_verifier" | "puskesmas_operator" | "village_operator" | "facilitator";
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
  created_at: string;
  updated_at: string;
  /** The one address messages to this user go to; set by the user (migration 012). */
  email: Generated<string | null>;
}

export interface RoleGrantTable {
  id: Generated<number>;
  user_id: number;
  role: Role;
  org_unit_id: number;
  created_at: string;
}

/**
 * A sign-in attempt that has not succeeded (yet), kept a day: written before the password is
 * checked, deleted when that client signs in to that account (docs/decisions/017-login-throttling.md).
 */
export interface LoginAttemptTable {
  id: Generated<number>;
  /** The username as typed (trimmed, lower case), whether or not an account has it. */
  username: string;
  /** "ip:<address or IPv6 /64>" or "device:<id>" of a familiar-device cookie. */
  client: string;
  /** 1 when the client held a familiar-device cookie for this username. */
  familiar: number;
  at: string;
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
  /** The API token behind the change (docs/decisions/047-api-tokens.md); null for the web and the CLI. */
  api_token_id: Generated<number | null>;
}

/** An API token: one role at one org unit, read or write, optionally some packages only (migration 015). */
export interface ApiTokenTable {
  id: Generated<number>;
  name: string;
  secret_hash: string;
  hint: string;
  role: Role;
  org_unit_id: number;
  access: "read" | "write";
  package_keys: string | null;
  user_id: number | null;
  created_by: number;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by: number | null;
}

/** Calls of one token in one minute (the per-token rate limit). */
export interface ApiTokenUseTable {
  token_id: number;
  window_start: string;
  calls: number;
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
  /** Optimistic-lock token of a draft: every save checks and bumps it (migration 004). */
  revision: Generated<number>;
  /** Last save of a draft (migration 004). */
  updated_at: string | null;
  /** First month ("YYYY-MM") in which forms new in this published version are due; null: no limit (migration 010). */
  effective_from: Generated<string | null>;
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
  /** The unit's Puskesmas (itself for a Puskesmas report, its ancestor for a Pustu or Posyandu; migration 014). */
  puskesmas_id: number | null;
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
  /** 1 once a backfill stored the report after its deadline (migration 009); later versions keep it. */
  late_entry: Generated<number>;
}

/** Numeric facts of counted (submitted/approved) submissions: the GROUP BY layout for scorecards. */
export interface SubmissionValueTable {
  submission_id: number;
  org_unit_id: number;
  district_id: number | null;
  province_id: number | null;
  /** The unit's Puskesmas (itself for a Puskesmas report; migration 014). */
  puskesmas_id: number | null;
  package_key: string;
  form_key: string;
  field_key: string;
  year: number;
  month_index: number;
  value: ColumnType<number, number, number>;
}

/** Per-district data version kept by triggers (migration 005); district_id 0 = org tree, packages, overlays. */
export interface ScorecardVersionTable {
  district_id: number;
  province_id: number | null;
  version: ColumnType<number, number, number>;
}

export interface Database {
  org_unit: OrgUnitTable;
  app_user: AppUserTable;
  role_grant: RoleGrantTable;
  session: SessionTable;
  login_attempt: LoginAttemptTable;
  audit_log: AuditLogTable;
  template_package: TemplatePackageTable;
  district_overlay: DistrictOverlayTable;
  submission: SubmissionTable;
  submission_value: SubmissionValueTable;
  scorecard_version: ScorecardVersionTable;
  submission_request: SubmissionRequestTable;
  report_deadline: ReportDeadlineTable;
  unlock_grant: UnlockGrantTable;
  submission_revision: SubmissionRevisionTable;
  import_job: ImportJobTable;
  import_job_error: ImportJobErrorTable;
  meeting: MeetingTable;
  meeting_scope: MeetingScopeTable;
  meeting_participant: MeetingParticipantTable;
  follow_up_action: FollowUpActionTable;
  action_note: ActionNoteTable;
  action_evidence: ActionEvidenceTable;
  notification: NotificationTable;
  notification_pref: NotificationPrefTable;
  job_claim: JobClaimTable;
  org_group: OrgGroupTable;
  org_group_member: OrgGroupMemberTable;
  api_token: ApiTokenTable;
  api_token_use: ApiTokenUseTable;
  dhis2_mapping: Dhis2MappingTable;
}

export type OrgUnit = Selectable<OrgUnitTable>;
export type NewOrgUnit = Insertable<OrgUnitTable>;
export type AppUser = Selectable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
export type RoleGrant = Selectable<RoleGrantTable>;
export type Submission = Selectable<SubmissionTable>;
export type AuditLog = Selectable<AuditLogTable>;
export type ApiToken = Selectable<ApiTokenTable>;

/** An accepted idempotency key of a data-entry POST and the result it produced. */
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

export type PeriodType = "month" | "quarter" | "year";

/** Days after a period ends until its reports lock, per district (or the national default). */
export interface ReportDeadlineTable {
  id: Generated<number>;
  org_unit_id: number;
  period_type: PeriodType;
  days_after: number;
  updated_by: number | null;
  updated_at: string;
}

/** A district admin's scoped, expiring unlock of a form and period; every grant and revocation is audited. */
export interface UnlockGrantTable {
  id: Generated<number>;
  district_id: number;
  /** A Puskesmas, or the district itself for all of its Puskesmas. */
  org_unit_id: number;
  package_key: string;
  form_key: string;
  period: string;
  reason: string;
  reopen_approved: number;
  granted_by: number;
  granted_at: string;
  expires_at: string;
  revoked_by: number | null;
  revoked_at: string | null;
}

/** Every stored version of a submission: data, status and the package version it was made with. */
export interface SubmissionRevisionTable {
  id: Generated<number>;
  submission_id: number;
  revision: number;
  action: string;
  status: SubmissionStatus;
  data: string;
  package_key: string;
  package_version: number;
  overlay_id: number | null;
  return_note: string | null;
  actor_user_id: number | null;
  at: string;
  /** The backfill's reason on a version stored after the deadline by a backfill, else null (migration 009). */
  late_entry_reason: string | null;
  /** The import job that stored this version, if any (migration 009). */
  import_job_id: number | null;
}

export type ImportJobStatus = "queued" | "running" | "done" | "failed" | "interrupted";

/** A bulk import of submissions (CSV/XLSX), processed in chunks; `next_row` = data rows already handled. */
export interface ImportJobTable {
  id: Generated<number>;
  user_id: number;
  package_key: string;
  form_key: string;
  file_name: string;
  file_format: string;
  file_bytes: number;
  status: ImportJobStatus;
  confirm_warnings: number;
  /** JSON array of org-unit paths the uploader may import into (from the session's grants). */
  scope_json: string;
  total_rows: number;
  next_row: number;
  stored_rows: number;
  refused_rows: number;
  error_count: number;
  warning_count: number;
  message: string | null;
  /** The parsed file ({header, rows}); dropped when the job is done. */
  payload: string | null;
  worker: string | null;
  ip: string | null;
  heartbeat_at: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The admin's reason for a backfill job (periods past their deadline); null for an ordinary import (migration 009). */
  backfill_reason: string | null;
}

/** One problem of one row of an import (spreadsheet row number, column key, Bahasa Indonesia message). */
export interface ImportJobErrorTable {
  id: Generated<number>;
  job_id: number;
  row_number: number;
  column_key: string | null;
  severity: "error" | "warning";
  /** In Bahasa Indonesia. */
  message: string;
  /** In English; null on rows stored before English was kept (shown in Indonesian). */
  message_en: string | null;
}

// ---------------------------------------------------------------------------------------------
// Meetings, follow-up actions, notifications (migration 012; docs/decisions/027-meetings-and-actions.md)

export type MeetingKind = "evaluation" | "lokmin" | "benchmark";
export type MeetingStatus = "open" | "closed";

/** A rapat evaluasi, Lokmin or kaji banding over a scope, a package (or one indicator group) and a period. */
export interface MeetingTable {
  id: Generated<number>;
  kind: MeetingKind;
  title: string;
  /** The unit of the grant it was created under (a district, a province, the nation): who runs it. */
  owner_org_unit_id: number;
  package_key: string;
  /** An indicator group key of the package, or null for all its indicators. */
  indicator_group: string | null;
  /** The period discussed ("2026-11", "2026-Q3", "2026"). */
  period: string;
  /** "YYYY-MM-DD". */
  meeting_date: string;
  location: string | null;
  /** Points discussed (notulen), free text. */
  points: string | null;
  /** Decisions taken, free text. */
  decisions: string | null;
  status: Generated<MeetingStatus>;
  /** The meeting of the same scope this one follows up, if any. */
  previous_meeting_id: number | null;
  revision: Generated<number>;
  created_by: number;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by: number | null;
}

/** The units a meeting is about (a district, several, a province). */
export interface MeetingScopeTable {
  meeting_id: number;
  org_unit_id: number;
}

/** Who is invited: a unit (e.g. a Puskesmas), an account, or a named person without one; `attended` is ticked at the meeting. */
export interface MeetingParticipantTable {
  id: Generated<number>;
  meeting_id: number;
  org_unit_id: number | null;
  user_id: number | null;
  name: string | null;
  position: string | null;
  attended: Generated<number>;
}

export type ActionStatus = "planned" | "in_progress" | "done" | "cancelled";

/** A follow-up action (rencana tindak lanjut) on a cell (unit × indicator × period) or a meeting. */
export interface FollowUpActionTable {
  id: Generated<number>;
  meeting_id: number | null;
  /** The district the action belongs to (for scope and lists); null for an action above district level. */
  district_id: number | null;
  /** The cell's unit (or the meeting's main unit for an action on the meeting as a whole). */
  org_unit_id: number;
  package_key: string | null;
  indicator_key: string | null;
  period: string | null;
  /** The cell's indicator value when the action was agreed (for "how it moved since"). */
  baseline_value: number | null;
  problem: string;
  cause: string | null;
  plan: string;
  responsible_org_unit_id: number;
  responsible_person: string | null;
  responsible_user_id: number | null;
  /** "YYYY-MM-DD". */
  due_date: string;
  status: ActionStatus;
  done_at: string | null;
  done_by: number | null;
  /** When the district confirmed "done" (null: not yet confirmed). */
  verified_at: string | null;
  verified_by: number | null;
  revision: Generated<number>;
  created_by: number;
  created_at: string;
  updated_at: string;
}

/** A dated progress note on an action, with the status change it made, if any. */
export interface ActionNoteTable {
  id: Generated<number>;
  action_id: number;
  at: string;
  user_id: number;
  note: string;
  status_from: ActionStatus | null;
  status_to: ActionStatus | null;
}

/** An evidence file of an action: a PDF or an image, type checked by content, with its SHA-256. */
export interface ActionEvidenceTable {
  id: Generated<number>;
  action_id: number;
  file_name: string;
  media_type: string;
  byte_size: number;
  sha256: string;
  content: Buffer;
  uploaded_by: number;
  uploaded_at: string;
}

export type NotificationKind =
  "report_returned" | "deadline_near" | "deadline_passed" | "action_assigned" | "action_due" | "action_overdue" | "action_done" | "meeting_invitation";

/** One notification of one user; (user_id, event_key) is unique, so an event reaches a person once. */
export interface NotificationTable {
  id: Generated<number>;
  user_id: number;
  kind: NotificationKind;
  /** What happened, unique per user: "action_overdue:42", "deadline_near:17:spm:2026-11". */
  event_key: string;
  /** Message parameters (titles, names, dates), rendered in the reader's language when shown. */
  params_json: string;
  link: string | null;
  org_unit_id: number | null;
  created_at: string;
  read_at: string | null;
  /** Set by the one instance that claimed this notification's email (an UPDATE … WHERE email_claimed_at IS NULL). */
  email_claimed_at: string | null;
  emailed_at: string | null;
  /** The last failed send's answer (null after a success). */
  email_error: string | null;
  /** Failed sends so far; retries stop at a limit. */
  email_attempts: Generated<number>;
}

export type EmailMode = "off" | "immediate" | "digest";

/** A user's choice of email: none, each notification, or one daily digest. */
export interface NotificationPrefTable {
  user_id: number;
  email_mode: EmailMode;
  updated_at: string;
}

/** A database-held claim on a piece of background work ("reminders:2026-12-05", "digest:7:2026-12-05"): the first insert wins. */
export interface JobClaimTable {
  claim_key: string;
  claimed_by: string;
  claimed_at: string;
}

// ---------------------------------------------------------------------------------------------
// Org-unit groups (migration 013; docs/decisions/033-org-unit-groups.md)

/** A named set of org units (BLUD, rawat inap, lokus ILP 2025 …) owned by the national unit or a district. */
export interface OrgGroupTable {
  id: Generated<number>;
  /** a-z, 0-9 and "_"; unique per owner. */
  key: string;
  name: string;
  name_en: string | null;
  description: string | null;
  owner_org_unit_id: number;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  /** Optimistic-lock token: every edit of the group or its members checks and bumps it. */
  revision: Generated<number>;
}

/** One unit's membership of one group from one month to another (month indexes, both inclusive; to null = open). */
export interface OrgGroupMemberTable {
  id: Generated<number>;
  group_id: number;
  org_unit_id: number;
  from_month: number;
  to_month: number | null;
  created_by: number | null;
  created_at: string;
}

/** What a DHIS2 mapping row maps (docs/dhis2.md). */
export type Dhis2MappingKind = "dataset" | "field" | "indicator" | "org_unit";

/** One row of a package's DHIS2 mapping (migration 016). */
export interface Dhis2MappingTable {
  id: Generated<number>;
  package_key: string;
  kind: Dhis2MappingKind;
  /** The form of a `field` row; '' otherwise. */
  form_key: string;
  /** The field key, indicator key or org unit code; '' for `dataset`. */
  pantau_key: string;
  /** Data element, DHIS2 indicator, data set (UIDs) or org unit (UID or code). */
  dhis2_id: string;
  /** Category option combo (attribute option combo on a `dataset` row); '' = DHIS2's default. */
  dhis2_coc: string;
  updated_by: number | null;
  updated_at: string;
}
