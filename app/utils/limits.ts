/**
 * Size limits of request bodies and uploads in one place: the body-size check in front of every
 * route (app/server/body-limit.server.ts) and the routes' own checks use the same numbers
 * (README, "Limits"; docs/decisions/019-bounded-input.md).
 */
import { PACKAGE_MAX_BYTES } from "@engine";

const KB = 1024;
const MB = 1024 * KB;

/** Room for the multipart envelope around an uploaded file (boundaries, part headers, the small text fields). */
export const MULTIPART_OVERHEAD_BYTES = 64 * KB;

/** Bulk import: the uploaded CSV or XLSX file (docs/decisions/011-bulk-import.md). */
export const MAX_IMPORT_BYTES = 15 * MB;

/** Template library: an uploaded package or overlay JSON must be smaller than this. */
export const MAX_TEMPLATE_UPLOAD_BYTES = 5 * MB;

/** Follow-up actions: one evidence file (PDF, JPEG, PNG) per upload (docs/decisions/030-action-tracker.md). */
export const MAX_EVIDENCE_BYTES = 5 * MB;

/** Org-unit groups: a members CSV (docs/decisions/033-org-unit-groups.md). */
export const MAX_GROUP_IMPORT_BYTES = 1 * MB;

/** Org-unit groups: data rows of one members CSV. */
export const MAX_GROUP_IMPORT_ROWS = 10_000;

/** Designer posts carry a package draft; percent-encoding can triple a document's size. */
export const DESIGNER_BODY_BYTES = 3 * PACKAGE_MAX_BYTES + 64 * KB;

/** Requests without a valid session (login, language switch): a few hundred bytes are enough. */
export const ANONYMOUS_BODY_BYTES = 64 * KB;

/**
 * Every other form of a signed-in user. The largest is the fill page's answers (200,000
 * characters of JSON, percent-encoded: up to ~3 bytes each) with its few other fields.
 */
export const FORM_BODY_BYTES = 2 * MB;

/** Largest DHIS2 dataValueSets body an import reads (CLI, model and POST /api/v1/dhis2/dataValueSets). */
export const MAX_DHIS2_IMPORT_BYTES = 10 * MB;
