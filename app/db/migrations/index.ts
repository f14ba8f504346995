/** Explicit migration registry: survives bundling, and the order is the names' order. */
import type { Migration } from "kysely";
import * as m001 from "./001_initial";
import * as m002 from "./002_entry";
import * as m003 from "./003_locks";
import * as m004 from "./004_designer";
import * as m005 from "./005_scorecard";
import * as m006 from "./006_import_jobs";
import * as m007 from "./007_scorecard_counted";
import * as m008 from "./008_login_throttle";
import * as m009 from "./009_late_entry";
import * as m010 from "./010_effective_from";
import * as m011 from "./011_import_problem_en";
import * as m012 from "./012_meetings_actions";
import * as m013 from "./013_org_unit_groups";
import * as m014 from "./014_reporting_levels";
import * as m015 from "./015_api_tokens";
import * as m016 from "./016_dhis2_mapping";
import * as m017 from "./017_submission_district_index";

export const migrations: Record<string, Migration> = {
  "001_initial": m001,
  "002_entry": m002,
  "003_locks": m003,
  "004_designer": m004,
  "005_scorecard": m005,
  "006_import_jobs": m006,
  "007_scorecard_counted": m007,
  "008_login_throttle": m008,
  "009_late_entry": m009,
  "010_effective_from": m010,
  "011_import_problem_en": m011,
  "012_meetings_actions": m012,
  "013_org_unit_groups": m013,
  "014_reporting_levels": m014,
  "015_api_tokens": m015,
  "016_dhis2_mapping": m016,
  "017_submission_district_index": m017,
};
