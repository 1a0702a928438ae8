/**
 * The Lambda functions: one per file in `lambdas/`, bundled by the local esbuild (no Docker),
 * ES modules on arm64, the AWS SDK v3 left to the runtime. The regulation travels inside each
 * bundle as `regulation.json`: at 14 to 26 KB it does not fit Lambda's 4 KB of environment.
 * Grants are not made here; the stack gives each function what it needs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, type IVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/observability.js';
import { WEB_ASSETS } from '../lambdas/web/asset-files.js';
import type { SubstitutionName } from '../statemachines/compile.js';
import type { Regulation } from '../statemachines/model.js';
import { acknowledgeLambdaBasicExecution, acknowledgeWildcard } from './nag.js';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the bundled regulation lands in the function (`KLACHTFLOW_REGULATION`). */
const require = createRequire(import.meta.url);

export const REGULATION_IN_BUNDLE = '/var/task/regulation.json';

/**
 * How esbuild bundles every function (test/support/bundles.ts bundles the same way to prove each
 * bundle builds and loads, and bench/bench.ts measures them). The AWS SDK v3 stays out: the
 * Node.js runtime has it (NodejsFunction's default external `@aws-sdk/*`).
 */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  platform: 'node',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // Packages that still call require() need it inside an ES module bundle.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
};

/** The Lambda runtime every function runs on unless the props say otherwise. */
export const DEFAULT_RUNTIME = Runtime.NODEJS_24_X;

/** Each function: its entry in `lambdas/`, what it does, and its timeout. */
export const HANDLERS = {
  api: { entry: 'http.ts', description: 'klachtflow: the HTTP API', timeout: 29 },
  beginStep: { entry: 'begin-step.ts', description: 'klachtflow: begins a step of the ladder', timeout: 60 },
  awaitAction: {
    entry: 'await-action.ts',
    description: 'klachtflow: waits for a person (callback token)',
    timeout: 60,
  },
  deadline: { entry: 'deadline-passed.ts', description: 'klachtflow: a deadline passed', timeout: 60 },
  close: { entry: 'close-dossier.ts', description: 'klachtflow: closes a dossier', timeout: 60 },
  continue: {
    entry: 'continue-ladder.ts',
    description: 'klachtflow: continues a ladder in a new execution',
    timeout: 60,
  },
  reminder: { entry: 'send-reminder.ts', description: 'klachtflow: sends a reminder (Scheduler target)', timeout: 60 },
  mailEvents: {
    entry: 'mail-events.ts',
    description: 'klachtflow: a letter bounced or was marked as spam (SES events via EventBridge)',
    timeout: 60,
  },
  recoverIntake: {
    entry: 'recover-intake.ts',
    description: 'klachtflow: starts the ladders a crash left unstarted (every 5 minutes)',
    timeout: 120,
  },
} as const;
export type HandlerName = keyof typeof HANDLERS;

/** Which function fills which substitution of the compiled ASL. */
export const TASK_FUNCTIONS: Record<SubstitutionName, HandlerName> = {
  BeginStepFunctionArn: 'beginStep',
  AwaitActionFunctionArn: 'awaitAction',
  DeadlineFunctionArn: 'deadline',
  CloseFunctionArn: 'close',
  ContinueFunctionArn: 'continue',
};

export interface HandlersProps {
  /** The regulation every function runs, as loaded and validated. */
  readonly regulation: Regulation;
  /** The wiring every function reads (see lambdas/aws-deps.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /** The reminder function's fixed name: the functions know its ARN before it exists. */
  readonly reminderFunctionName: string;
  /**
   * The Lambda runtime.
   * @default Runtime.NODEJS_24_X
   */
  readonly runtime?: Runtime;
  /**
   * The most API invocations at once (reserved concurrency): a flood of requests on the public
   * API cannot take the account's concurrency from the ladder's tasks and reminders.
   * @default no reservation
   */
  readonly apiConcurrency?: number;
  /**
   * Memory of each function in MB (CPU grows with it; billed per GB-second).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * The Powertools log level of every function.
   * @default 'INFO'
   */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * How long function logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
}

/** The regulation as a file for the bundles (too large for Lambda's environment). */
export function regulationFileFor(regulation: Regulation): string {
  const file = join(mkdtempSync(join(tmpdir(), 'klachtflow-regulation-')), 'regulation.json');
  writeFileSync(file, JSON.stringify(regulation));
  return file;
}

/**
 * What every function's environment carries: where the regulation is in the bundle, and how
 * Powertools (lambdas/observability.ts) logs: JSON at this level, never the event or a response
 * (they carry what complainants write), X-Ray subsegments per SDK call.
 */
export function functionEnvironment(logLevel: HandlersProps['logLevel'] = 'INFO'): Record<string, string> {
  return {
    KLACHTFLOW_REGULATION: REGULATION_IN_BUNDLE,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_LOG_LEVEL: logLevel,
    POWERTOOLS_LOGGER_LOG_EVENT: 'false',
    POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    NODE_OPTIONS: '--enable-source-maps',
  };
}

export class Handlers extends Construct {
  readonly functions: Readonly<Record<HandlerName, NodejsFunction>>;
  /** Reminders Lambda could not deliver after its retries (Scheduler invokes asynchronously). */
  readonly reminderDeadLetters: Queue;
  /** SES reports (bounces, complaints) the mail-events function could not record after its retries. */
  readonly mailEventDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: HandlersProps) {
    super(scope, id);
    const regulationFile = regulationFileFor(props.regulation);

    this.reminderDeadLetters = new Queue(this, 'ReminderDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Marked as a dead-letter queue (CT.SQS.PR.1 asks every other queue for one of its own).
      // allowAll is SQS's own default, spelled out.
      redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
    });

    this.mailEventDeadLetters = new Queue(this, 'MailEventDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
    });

    const make = (name: HandlerName): NodejsFunction => {
      const h = HANDLERS[name];
      const logGroup = new LogGroup(this, `${name}Logs`, {
        retention: props.logRetention ?? RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const fn = new NodejsFunction(this, name, {
        entry: join(PROJECT_ROOT, 'lambdas', h.entry),
        handler: 'handler',
        description: h.description,
        ...(name === 'reminder'
          ? { functionName: props.reminderFunctionName, deadLetterQueue: this.reminderDeadLetters }
          : {}),
        // EventBridge invokes it asynchronously: what fails after Lambda's retries is kept.
        ...(name === 'mailEvents' ? { deadLetterQueue: this.mailEventDeadLetters } : {}),
        runtime: props.runtime ?? DEFAULT_RUNTIME,
        architecture: Architecture.ARM_64,
        ...(name === 'api' && props.apiConcurrency ? { reservedConcurrentExecutions: props.apiConcurrency } : {}),
        memorySize: props.memorySize ?? 512,
        currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
        timeout: Duration.seconds(h.timeout),
        tracing: Tracing.ACTIVE,
        logGroup,
        environment: { ...props.environment, ...functionEnvironment(props.logLevel) },
        projectRoot: PROJECT_ROOT,
        depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
        bundling: {
          ...BUNDLING,
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (_input: string, output: string) => [
              `cp "${regulationFile}" "${output}/regulation.json"`,
              // The pages' style sheets (lambdas/web/assets.ts reads them from assets/ in Lambda).
              `mkdir -p "${output}/assets"`,
              ...WEB_ASSETS.map((a) => `cp "${require.resolve(a.spec)}" "${output}/assets/${a.file}"`),
            ],
          },
        },
      });
      acknowledgeLambdaBasicExecution(fn);
      acknowledgeWildcard(fn, '*', 'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) has no resource to name.');
      return fn;
    };
    this.functions = Object.fromEntries(
      (Object.keys(HANDLERS) as HandlerName[]).map((name) => [name, make(name)]),
    ) as Record<HandlerName, NodejsFunction>;
  }

  /**
   * The published versions behind the ASL's substitutions: a state machine version names the
   * function versions it runs, so a ladder started before an update finishes on the code it
   * started with. Versions are retained: a running execution may still invoke an old one.
   */
  tasks(): Record<SubstitutionName, IVersion> {
    const tasks = {} as Record<SubstitutionName, IVersion>;
    for (const [sub, name] of Object.entries(TASK_FUNCTIONS) as [SubstitutionName, HandlerName][])
      tasks[sub] = this.functions[name].currentVersion;
    return tasks;
  }
}
