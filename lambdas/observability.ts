/**
 * Logging and tracing of the Lambda functions: one Powertools Logger per container, X-Ray
 * subsegments through ./xray.ts (not the X-Ray SDK, #19), and `observed`, which wraps every handler. A log line carries the request id, the
 * route template, the dossier id and the step: ids, never what a person wrote (name, e-mail,
 * phone, the complaint itself). The event and the response are never logged or traced.
 *
 * Only the Lambda entries import this; the local runtime calls the same domain code without it,
 * so `npm start` and the tests stay quiet. Outside Lambda nothing is traced (no trace header).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { traced } from './xray.js';

/** The service name the stack gives every function (POWERTOOLS_SERVICE_NAME). */
export const SERVICE_NAME = 'klachtflow';
/** The namespace of klachtflow's own metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'klachtflow';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME;

/** The level comes from POWERTOOLS_LOG_LEVEL (the stack sets INFO). */
export const logger = new Logger({ serviceName });

/** The Lambda context, as Powertools takes it. */
export type LambdaContext = Parameters<Logger['addContext']>[0];

type Keys = Record<string, string>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 200 ? v : undefined);

/**
 * The correlation keys of an event: for an API Gateway (payload 2.0) request its id, method and
 * route template (`GET /klacht/{id}/{token}`, never the path itself: it may hold an access token)
 * and the dossier id of the path; for a task its dossier id and step; for an SES report on a letter
 * the dossier its tag names and the kind of report.
 */
export function correlationOf(event: unknown): Keys {
  const e = (event ?? {}) as {
    requestContext?: { requestId?: unknown; http?: { method?: unknown } };
    routeKey?: unknown;
    pathParameters?: { id?: unknown };
    dossierId?: unknown;
    step?: unknown;
    stepId?: unknown;
    kind?: unknown;
    source?: unknown;
    detail?: { eventType?: unknown; mail?: { tags?: Record<string, unknown> } };
  };
  const keys: Keys = {};
  const set = (k: string, v: unknown) => {
    const s = str(v);
    if (s) keys[k] = s;
  };
  if (e.requestContext?.http) {
    set('apiRequestId', e.requestContext.requestId);
    set('method', e.requestContext.http.method);
    set('route', e.routeKey);
    set('dossierId', e.pathParameters?.id);
    return keys;
  }
  // An SES report on a letter (EventBridge): the dossier its tag names and the kind of report,
  // never the addresses it carries.
  if (e.source === 'aws.ses' && e.detail) {
    const tag = e.detail.mail?.tags?.['klachtflow-dossier'];
    set('dossierId', Array.isArray(tag) ? tag[0] : undefined);
    set('kind', e.detail.eventType);
    return keys;
  }
  set('dossierId', e.dossierId);
  set('step', e.step ?? e.stepId);
  set('kind', e.kind);
  return keys;
}

/** What the handler returned, reduced to what may be logged: an HTTP status, nothing else. */
function outcomeOf(result: unknown): Keys {
  const status = (result as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' ? { status: String(status) } : {};
}

/** An error as it may be logged: its class and message, no data it carried. */
function errorOf(e: unknown): { name: string; message: string; stack?: string } {
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message.slice(0, 500), ...(err.stack ? { stack: err.stack } : {}) };
}

/**
 * Wraps a handler: Lambda context and correlation keys on every log line, one line per
 * invocation (`done` with its duration, or `failed`), a `## name` trace subsegment annotated with
 * cold start, service and dossier id.
 */
export function observed<E, R>(
  name: string,
  fn: (event: E, context: LambdaContext) => Promise<R>,
): (event: E, context: LambdaContext) => Promise<R> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    const keys = correlationOf(event);
    logger.resetKeys();
    logger.appendKeys({ handler: name, ...keys });
    const started = Date.now();
    return traced(name, keys.dossierId ? { dossierId: keys.dossierId } : {}, async () => {
      try {
        const result = await fn(event, context);
        logger.info(`${name} done`, { durationMs: Date.now() - started, ...outcomeOf(result) });
        return result;
      } catch (e) {
        logger.error(`${name} failed`, { durationMs: Date.now() - started, error: errorOf(e) });
        throw e;
      }
    });
  };
}

/** klachtflow's custom metrics; the stack's alarms watch each (lib/alarms.ts). */
export const METRIC_NAMES = {
  deadlineBreached: 'DeadlineBreached',
  letterFailed: 'LetterFailed',
  letterBounced: 'LetterBounced',
  intakeRecovered: 'IntakeRecovered',
  schedulesRecovered: 'SchedulesRecovered',
} as const;

/**
 * The procedure's observer in Lambda: a breached deadline, a letter SES refused for good and a
 * letter that bounced or was marked as spam, each
 * a custom metric (EMF on stdout, which CloudWatch turns into the metric). Namespace, name and
 * dimensions are what the stack's alarms watch; Powertools adds the `service` dimension itself,
 * so the alarms name it too. test/metrics-alarms.test.ts runs every emission here against every
 * alarm of the synthesised templates.
 */
export function metricsObserver(metrics: Metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName })) {
  const count =
    (name: string) =>
    ({
      regulationId,
      started,
      rescheduled,
    }: {
      regulationId: string;
      started?: number;
      rescheduled?: number;
    }): void => {
      metrics.addDimension('regulation', regulationId);
      metrics.addMetric(name, MetricUnit.Count, started ?? rescheduled ?? 1);
      metrics.publishStoredMetrics();
    };
  return {
    deadlineBreached: count(METRIC_NAMES.deadlineBreached),
    letterFailed: count(METRIC_NAMES.letterFailed),
    // A letter SES accepted that bounced, was rejected, or was marked as spam (lambdas/mail-events.ts).
    letterBounced: count(METRIC_NAMES.letterBounced),
    // Ladders the intake recovery had to start: a crash came between a commit and its StartExecution.
    intakeRecovered: count(METRIC_NAMES.intakeRecovered),
    // Schedules the recovery had to make again: a crash came between a commit and its CreateSchedule
    // (a reminder, a term's end, or a closed dossier's erasure at the end of its retention).
    schedulesRecovered: count(METRIC_NAMES.schedulesRecovered),
  };
}
