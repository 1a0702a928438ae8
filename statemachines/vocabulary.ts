/**
 * The words of the regulation model that code outside the model needs at run time, without the
 * model's zod schema: the Lambda functions import these from here, so their bundles carry no
 * schema and no zod locales (#19). statemachines/model.ts re-exports them.
 */
import type { Regulation, ReportDimension } from './model.js';

export const COMPLAINANT_ROLES = [
  'client',
  'parent',
  'guardian',
  'child',
  'legal-representative',
  'authorised-person',
  'surviving-relative',
  'partner-organisation',
] as const;
export type ComplainantRole = (typeof COMPLAINANT_ROLES)[number];

export const DEADLINE_ANCHORS = ['receipt', 'acknowledgement', 'rung-start', 'step-start', 'step-end'] as const;
export type DeadlineAnchor = (typeof DEADLINE_ANCHORS)[number];

/** The anchor events in the words of a letter or an explanation. */
export const ANCHOR_LABELS: Record<DeadlineAnchor, string> = {
  receipt: 'ontvangst van de klacht',
  acknowledgement: 'de ontvangstbevestiging',
  'rung-start': 'het begin van deze trede',
  'step-start': 'het begin van deze stap',
  'step-end': 'het einde van de stap',
};

export const DIMENSION_KINDS = [
  'count',
  'result',
  'satisfaction',
  'internal-or-referred',
  'municipality',
  'variant',
  'rung',
  'improvements',
  'answer',
] as const;
export type DimensionKind = (typeof DIMENSION_KINDS)[number];

/** The kind of a dimension: stated, or by its id for the common ones (count, municipality, ...). */
export function dimensionKind(d: { id: string; of?: DimensionKind; values?: string[] }): DimensionKind | undefined {
  if (d.of) return d.of;
  if ((DIMENSION_KINDS as readonly string[]).includes(d.id)) return d.id as DimensionKind;
  return d.values ? 'answer' : undefined;
}

/** The dimensions a complainant is asked about on the form: a choice from the regulation's list. */
export function intakeDimensions(reg: Regulation): (ReportDimension & { values: string[]; question: string })[] {
  return reg.reporting.dimensions.filter(
    (d): d is ReportDimension & { values: string[]; question: string } =>
      d.capturedAt.includes('intake') && !!d.values?.length && !!d.question,
  );
}
