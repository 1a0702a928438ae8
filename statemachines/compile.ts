/**
 * The compiler: a regulation becomes an Amazon States Language document (Standard workflow,
 * JSONPath). The same document is deployed by CDK and run by the local runtime; deployment
 * values are `${Name}` definition substitutions.
 *
 * Per step of the ladder:
 *   <step>           Task (lambda:invoke)  begins the step: closes the previous one (its outcome
 *                                           letter, reminders), computes the deadline, schedules
 *                                           the reminder, sends the start letter; a `system` step
 *                                           is done here entirely and yields its outcome.
 *   <step>.wait      Task (.waitForTaskToken) waits for the person, TimeoutSecondsPath = deadline
 *   <step>.deadline  Task                   the deadline passed: proceed, or breach + alarm + re-arm
 *   <step>.route     Choice                 where the outcome leads
 *   <step>.rearm     Pass                   a new deadline (extension, re-alarm): wait again
 * Three transitions per waiting step on the happy path, one per system step.
 */

import {
  anyTimeEscalations,
  CONTROL_OUTCOMES,
  type LadderStep,
  ladderSteps,
  resolveOutcome,
  rungEntry,
  type Target,
  waitsForPerson,
} from './ladder.js';
import type { Regulation, Rung } from './model.js';

/** The definition substitutions every compiled document uses; CDK and the runtime fill them in. */
export const SUBSTITUTIONS = [
  'BeginStepFunctionArn',
  'AwaitActionFunctionArn',
  'DeadlineFunctionArn',
  'CloseFunctionArn',
  'ContinueFunctionArn',
] as const;
export type SubstitutionName = (typeof SUBSTITUTIONS)[number];

type State = Record<string, unknown>;
export interface AslDocument {
  Comment: string;
  StartAt: string;
  States: Record<string, State>;
}

const sub = (name: SubstitutionName) => `\${${name}}`;

/** Lambda throttles and service hiccups are retried; a handler's own error three times. */
const RETRY = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ],
    IntervalSeconds: 1,
    MaxAttempts: 6,
    BackoffRate: 2,
  },
  { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 3, MaxAttempts: 3, BackoffRate: 2 },
];

function invoke(fn: SubstitutionName, payload: Record<string, unknown>): State {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: sub(fn), Payload: payload },
    Retry: RETRY,
  };
}

const CLOSE = 'close';
const START = 'start';
const CONTINUE = 'continue';

function closeStateName(rung?: Rung): string {
  return rung ? `close-${rung.id}` : CLOSE;
}

function stateOf(target: Target): string {
  if (target.kind === 'close') return closeStateName(target.referral ? target.rung : undefined);
  return target.to.step.id;
}

/** The common payload: which dossier, and what the previous state produced. */
const BASE = {
  'dossierId.$': '$.dossierId',
  'previous.$': '$.result',
  'executionId.$': '$$.Execution.Id',
  'executionStartedAt.$': '$$.Execution.StartTime',
};

function stepStates(reg: Regulation, at: LadderStep): Record<string, State> {
  const id = at.step.id;
  const routes = at.step.outcomes.map((o) => ({
    Variable: '$.result.outcome',
    StringEquals: o.id,
    Next: stateOf(resolveOutcome(reg, at, o.id)),
  }));

  if (!waitsForPerson(at.step)) {
    const begin = {
      ...invoke('BeginStepFunctionArn', { ...BASE, step: id }),
      ResultSelector: { 'step.$': '$.Payload.step', 'outcome.$': '$.Payload.outcome' },
      ResultPath: '$.result',
    };
    if (routes.length === 1) return { [id]: { ...begin, Next: routes[0]?.Next } };
    return {
      [id]: { ...begin, Next: `${id}.route` },
      [`${id}.route`]: { Type: 'Choice', Choices: routes, Default: `${id}.route.unknown` },
      [`${id}.route.unknown`]: {
        Type: 'Fail',
        Error: 'Klachtflow.UnknownOutcome',
        Cause: `Step ${id} produced an outcome the regulation does not name.`,
      },
    };
  }

  const escalations = anyTimeEscalations(reg, at.rung).map((rung) => ({
    And: [
      { Variable: '$.result.outcome', StringEquals: CONTROL_OUTCOMES.escalate },
      { Variable: '$.result.to', StringEquals: rung.id },
    ],
    Next: stateOf(rungEntry(reg, rung)),
  }));
  return {
    [id]: {
      ...invoke('BeginStepFunctionArn', { ...BASE, step: id }),
      ResultSelector: {
        'step.$': '$.Payload.step',
        'timeoutSeconds.$': '$.Payload.timeoutSeconds',
        'dueAt.$': '$.Payload.dueAt',
      },
      ResultPath: '$.cursor',
      Next: `${id}.wait`,
    },
    [`${id}.wait`]: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: sub('AwaitActionFunctionArn'),
        Payload: {
          'dossierId.$': '$.dossierId',
          step: id,
          'token.$': '$$.Task.Token',
          'timeoutSeconds.$': '$.cursor.timeoutSeconds',
          'dueAt.$': '$.cursor.dueAt',
        },
      },
      // AWS reads this path from the state input; `cursor` is in the state input and, through
      // the Payload above, in the task's parameters too, where the local runtime reads it.
      TimeoutSecondsPath: '$.cursor.timeoutSeconds',
      ResultPath: '$.result',
      Retry: RETRY,
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: `${id}.deadline` }],
      Next: `${id}.route`,
    },
    [`${id}.deadline`]: {
      ...invoke('DeadlineFunctionArn', { ...BASE, 'previous.$': '$.cursor', step: id }),
      ResultSelector: {
        'step.$': '$.Payload.step',
        'outcome.$': '$.Payload.outcome',
        'timeoutSeconds.$': '$.Payload.timeoutSeconds',
        'dueAt.$': '$.Payload.dueAt',
      },
      ResultPath: '$.result',
      Next: `${id}.route`,
    },
    [`${id}.route`]: {
      Type: 'Choice',
      Choices: [
        ...routes,
        ...escalations,
        { Variable: '$.result.outcome', StringEquals: CONTROL_OUTCOMES.rearm, Next: `${id}.rearm` },
        { Variable: '$.result.outcome', StringEquals: CONTROL_OUTCOMES.continue, Next: CONTINUE },
      ],
      // An outcome nobody expected must not lose the complaint: wait for the person again.
      Default: `${id}.wait`,
    },
    [`${id}.rearm`]: { Type: 'Pass', InputPath: '$.result', ResultPath: '$.cursor', Next: `${id}.wait` },
  };
}

/** Compiles a regulation into its state machine. */
export function compileRegulation(reg: Regulation): AslDocument {
  const steps = ladderSteps(reg);
  const states: Record<string, State> = {};

  const first = reg.ladder.rungs[0];
  if (!first) throw new Error('A regulation has at least one rung.');
  // The entry: a new dossier starts at the rung of its intake variant; a continued execution
  // (after the one-year limit) resumes at the step it stood at.
  states[START] = {
    Type: 'Choice',
    Choices: [
      ...steps.map((s) => ({ Variable: '$.resumeAt', StringEquals: s.step.id, Next: s.step.id })),
      ...reg.ladder.rungs
        .filter((rung) => reg.intake.variants.some((v) => v.startsAt === rung.id))
        .map((rung) => ({
          Variable: '$.startRung',
          StringEquals: rung.id,
          Next: stateOf(rungEntry(reg, rung)),
        })),
    ],
    Default: stateOf(rungEntry(reg, first)),
  };
  for (const at of steps) Object.assign(states, stepStates(reg, at));

  states[CLOSE] = { ...invoke('CloseFunctionArn', { ...BASE, reason: 'outcome' }), End: true };
  for (const rung of reg.ladder.rungs) {
    const entry = rungEntry(reg, rung);
    if (entry.kind === 'close' && entry.referral) {
      states[closeStateName(rung)] = {
        ...invoke('CloseFunctionArn', { ...BASE, reason: 'referred', rung: rung.id, referral: entry.referral }),
        End: true,
      };
    }
  }
  states[CONTINUE] = {
    ...invoke('ContinueFunctionArn', { ...BASE, 'resumeAt.$': '$.result.step' }),
    End: true,
  };
  return {
    Comment: `klachtflow: ${reg.title} (${reg.id}). Generated from statemachines/presets/${reg.id}.yaml by statemachines/compile.ts; do not edit.`,
    StartAt: START,
    States: states,
  };
}

/** The document as committed: stable key order, two-space indent, newline at the end. */
export function renderAsl(doc: AslDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Fills in definition substitutions, as CDK's `definitionSubstitutions` does. */
export function substitute(text: string, values: Record<SubstitutionName, string>): string {
  return text.replace(/\$\{([A-Za-z]+)\}/g, (whole, name: string) =>
    name in values ? values[name as SubstitutionName] : whole,
  );
}
