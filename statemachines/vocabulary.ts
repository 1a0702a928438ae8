/**
 * The words of the regulation model that code outside the model needs at run time, without the
 * model's zod schema: the Lambda functions import these from here, so their bundles carry no
 * schema and no zod locales (#19). statemachines/model.ts re-exports them.
 */
import type { ProcedureTerm, Regulation, ReportDimension, Rung, Step } from './model.js';

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

/** All steps of a regulation with their rung, in ladder order. */
export function stepsOf(reg: Regulation): { rung: Rung; step: Step }[] {
  return reg.ladder.rungs.flatMap((rung) => rung.steps.map((step) => ({ rung, step })));
}

/**
 * The steps a term for the handling as a whole runs over, in ladder order (a whole rung, or the
 * steps from `span.from` to `span.to`); the complainant's generated choice is never inside.
 */
export function stepsInSpan(reg: Regulation, term: Pick<ProcedureTerm, 'span'>): string[] {
  const all = stepsOf(reg);
  const { rung, from, to } = term.span;
  if (rung !== undefined) return all.filter((s) => s.rung.id === rung).map((s) => s.step.id);
  const a = all.findIndex((s) => s.step.id === from);
  const b = all.findIndex((s) => s.step.id === to);
  if (a < 0 || b < a) return [];
  return all.slice(a, b + 1).map((s) => s.step.id);
}

/** The terms for the handling as a whole whose span holds a step. */
export function termsOfStep(reg: Regulation, stepId: string): ProcedureTerm[] {
  return reg.ladder.terms.filter((t) => stepsInSpan(reg, t).includes(stepId));
}
