/**
 * The shapes the state machine hands its task handlers, parsed at the edge with zod. One schema
 * per task; the handler files beside this one are thin: parse, call the procedure, return.
 */
import { z } from 'zod';

const Previous = z
  .object({
    step: z.string().optional(),
    outcome: z.string().optional(),
    by: z.string().optional(),
    note: z.string().optional(),
    to: z.string().optional(),
    dueAt: z.string().nullable().optional(),
    timeoutSeconds: z.number().nullable().optional(),
  })
  .passthrough()
  .nullable()
  .optional();

export const BeginStepEvent = z.object({
  dossierId: z.string(),
  step: z.string(),
  previous: Previous,
  executionId: z.string().optional(),
  executionStartedAt: z.string().optional(),
});

export const AwaitActionEvent = z.object({
  dossierId: z.string(),
  step: z.string(),
  token: z.string().min(1),
  timeoutSeconds: z.number().int().positive(),
  dueAt: z.string().optional(),
});

export const DeadlineEvent = BeginStepEvent;

export const CloseEvent = z.object({
  dossierId: z.string(),
  previous: Previous,
  reason: z.enum(['outcome', 'referred']),
  referral: z.string().optional(),
  rung: z.string().optional(),
  executionId: z.string().optional(),
  executionStartedAt: z.string().optional(),
});

export const ContinueEvent = z.object({ dossierId: z.string(), resumeAt: z.string() }).passthrough();

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
    kind: z.literal('reminder').optional(),
    dossierId: z.string(),
    stepId: z.string(),
    deadlineId: z.string(),
    name: z.string(),
  }),
]);
