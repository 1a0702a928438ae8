/**
 * The shapes the state machine hands its task handlers, parsed at the edge. One schema per task;
 * the handler files beside this one are thin: parse, call the procedure, return.
 *
 * zod's mini build (`zod/mini`, the same checks with a functional API, no locales): the task
 * functions load 16 KiB of zod instead of 443 KiB at every cold start (#19). A bad event throws
 * a `$ZodError` with the issues and their paths.
 */
import * as z from 'zod/mini';

const optionalString = () => z.optional(z.string());

const Previous = z.optional(
  z.nullable(
    z.looseObject({
      step: optionalString(),
      outcome: optionalString(),
      by: optionalString(),
      note: optionalString(),
      to: optionalString(),
      dueAt: z.optional(z.nullable(z.string())),
      timeoutSeconds: z.optional(z.nullable(z.number())),
    }),
  ),
);

export const BeginStepEvent = z.object({
  dossierId: z.string(),
  step: z.string(),
  previous: Previous,
  executionId: optionalString(),
  executionStartedAt: optionalString(),
});

export const AwaitActionEvent = z.object({
  dossierId: z.string(),
  step: z.string(),
  token: z.string().check(z.minLength(1)),
  timeoutSeconds: z.number().check(z.int(), z.positive()),
  dueAt: optionalString(),
});

export const DeadlineEvent = BeginStepEvent;

export const CloseEvent = z.object({
  dossierId: z.string(),
  previous: Previous,
  reason: z.enum(['outcome', 'referred']),
  referral: optionalString(),
  rung: optionalString(),
  executionId: optionalString(),
  executionStartedAt: optionalString(),
});

export const ContinueEvent = z.looseObject({ dossierId: z.string(), resumeAt: z.string() });

/** A one-time schedule fired: a reminder before a deadline, or the erasure at the end of retention. */
export const ReminderEvent = z.union([
  z.object({ kind: z.literal('erase'), dossierId: z.string(), name: z.string() }),
  z.object({ kind: z.literal('erase-held'), heldId: z.string(), name: z.string() }),
  z.object({
    kind: z.enum(['term-reminder', 'term-end']),
    dossierId: z.string(),
    stepId: z.string(),
    deadlineId: z.string(),
    name: z.string(),
  }),
  z.object({
    kind: z.literal('suspension-end'),
    dossierId: z.string(),
    stepId: z.string(),
    deadlineId: z.string(),
    name: z.string(),
  }),
  z.object({
    kind: z.optional(z.literal('reminder')),
    dossierId: z.string(),
    stepId: z.string(),
    deadlineId: z.string(),
    name: z.string(),
  }),
]);
