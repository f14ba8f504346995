/**
 * The document types the engine reads, re-exported from the types generated from `schemas/`
 * (docs/documents.md is the prose version) plus a few names derived from them.
 */
import type {
  Bands,
  ChangeCheck,
  Choice,
  Condition,
  ConditionClause,
  DistrictOverlay,
  Field,
  Form,
  Group,
  Indicator,
  OverlayOperation,
  Section,
  Target,
  TargetProfile,
  TargetScope,
  TemplatePackage,
  Text,
  ValidationRule,
} from "../schemas/types.generated";

export type {
  Bands,
  ChangeCheck,
  Choice,
  Condition,
  ConditionClause,
  DistrictOverlay,
  Field,
  Form,
  Group,
  Indicator,
  OverlayOperation,
  Section,
  Target,
  TargetProfile,
  TargetScope,
  TemplatePackage,
  Text,
  ValidationRule,
};

export type PeriodType = Form["periodType"];
export type FieldType = Field["type"];
export type Aggregation = NonNullable<Field["aggregation"]>;
export type Direction = NonNullable<Indicator["direction"]>;
export type TargetLevel = TargetScope["level"];
export type RuleOp = ValidationRule["op"];
export type OverlayOpName = OverlayOperation["op"];
