/** What the meeting pages share with the browser: kinds, statuses and field limits (docs/decisions/027-meetings-and-actions.md). */
import type { MeetingKind, MeetingStatus } from "~/db/schema";

export const MEETING_KINDS: readonly MeetingKind[] = ["evaluation", "lokmin", "benchmark"];
export const MEETING_STATUSES: readonly MeetingStatus[] = ["open", "closed"];

export const MAX_TITLE = 200;
export const MAX_LOCATION = 200;
export const MAX_NOTES = 20_000;
export const MAX_GUESTS = 30;
export const MAX_NAME = 200;
