/**
 * Dependencies of the Lambda functions, built once per container from the environment the CDK
 * stack sets. Apart from aws-deps.ts (the Procedure facade and the task handlers) so that a
 * function that needs one part of the procedure bundles only that part: the facade holds every
 * module of procedure/, and a bundle that imports it carries all of them (#19, 250 KiB a task). The SDK clients use the Lambda's own role and are traced (X-Ray subsegments,
 * ./xray.ts); nothing here runs locally (the runtime builds the same Procedure with local
 * endpoints).
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Regulation } from '../statemachines/model.js';
import { S3AttachmentStore } from './adapters/attachments.js';
import { SchedulerReminders, SesMailer, StepFunctionsWorkflow } from './adapters/aws.js';
import { DynamoDossierStore } from './adapters/dynamodb-store.js';
import { Core } from './domain/procedure/core.js';
import type { ProcedureDeps } from './domain/procedure/types.js';
import { metricsObserver } from './observability.js';
import { traceAwsClient } from './xray.js';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`Environment variable ${name} is not set`);
  return v;
}

/**
 * The regulation as the stack wrote it: parsed and checked against the model (RegulationSchema,
 * defaults filled in) at synth, so a function reads plain JSON at cold start, without the YAML
 * parser and the model's schema (#19). A file that is not such a regulation stops the function.
 */
export function bundledRegulation(file: string): Regulation {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<Regulation> | null;
  if (
    typeof data?.id !== 'string' ||
    !Array.isArray(data.ladder?.rungs) ||
    !Array.isArray(data.roles) ||
    !Array.isArray(data.intake?.variants)
  )
    throw new Error(`${file} is not a regulation as the stack writes it (regulation.json)`);
  return data as Regulation;
}

let cached: { regulation: Regulation; store: DynamoDossierStore; deps: ProcedureDeps } | undefined;

/** The regulation (embedded as JSON by the stack), the store and what the procedure is built from. */
export function awsProcedureDeps() {
  if (cached) return cached;
  // The regulation travels in the bundle (regulation.json): too large for Lambda's environment.
  const regulation = bundledRegulation(env('KLACHTFLOW_REGULATION'));
  const store = new DynamoDossierStore(traceAwsClient(new DynamoDBClient({})), env('TABLE_NAME'));
  const publicUrl = env('PUBLIC_URL').replace(/\/$/, '');
  const deps: ProcedureDeps = {
    regulation,
    store,
    held: store,
    // With e-mail intake on, erasing a dossier also removes its files from the inbound-mail bucket.
    ...(process.env.INBOUND_BUCKET
      ? {
          attachments: new S3AttachmentStore(traceAwsClient(new S3Client({})), process.env.INBOUND_BUCKET),
        }
      : {}),
    mailer: new SesMailer(traceAwsClient(new SESClient({})), process.env.SES_CONFIGURATION_SET),
    reminders: new SchedulerReminders(traceAwsClient(new SchedulerClient({})), {
      arn: env('REMINDER_FUNCTION_ARN'),
      roleArn: env('SCHEDULER_ROLE_ARN'),
      groupName: env('SCHEDULE_GROUP'),
      ...(process.env.SCHEDULE_DLQ_ARN ? { deadLetterArn: process.env.SCHEDULE_DLQ_ARN } : {}),
    }),
    workflow: new StepFunctionsWorkflow(traceAwsClient(new SFNClient({})), env('STATE_MACHINE_ARN')),
    clock: { now: () => new Date() },
    // Breached deadlines and refused letters as metrics: the stack's alarms watch them (lib/alarms.ts).
    observer: metricsObserver(),
    urls: {
      // The complainant's own page, as the API links it (`statusUrl`): letters that carry a link use it.
      status: (id, token) => `${publicUrl}/klacht/${id}/${token}`,
      dossier: (id) => `${publicUrl}/medewerkers/dossiers/${id}`,
    },
  };
  cached = { regulation, store, deps };
  return cached;
}

let core: Core | undefined;

// biome-ignore lint/suspicious/noExplicitAny: any procedure module's function, each typed on its own below.
type CoreFunction = (core: Core, ...a: any[]) => unknown;
type Rest<F> = F extends (core: Core, ...rest: infer R) => unknown ? R : never;
type Part<T extends Record<string, CoreFunction>> = { [K in keyof T]: (...a: Rest<T[K]>) => ReturnType<T[K]> } & {
  with<A extends unknown[], R>(f: (core: Core, ...a: A) => R, ...a: A): R;
};

/**
 * Part of the Procedure over this container's core: the named modules' functions as the facade's
 * methods of the same names (`awsPart({ beginStep })` has `beginStep(p)`), and `with`. A function
 * bundles what it names, not the facade (lambdas/domain/procedure.ts), which holds every module.
 */
export function awsPart<T extends Record<string, CoreFunction>>(fns: T): Part<T> {
  const c = () => {
    core ??= new Core(awsProcedureDeps().deps);
    return core;
  };
  const part: Record<string, unknown> = {
    with: <A extends unknown[], R>(f: (core: Core, ...a: A) => R, ...a: A): R => f(c(), ...a),
  };
  for (const [name, f] of Object.entries(fns)) part[name] = (...a: unknown[]) => f(c(), ...a);
  return part as Part<T>;
}
