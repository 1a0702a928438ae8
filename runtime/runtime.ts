/**
 * The local runtime: the whole service on one machine, no AWS account. dynalite for DynamoDB
 * (on disk), the committed ASL on the durable local Step Functions, local Scheduler and SES
 * endpoints, one clock. Handlers reach all of it through the ordinary AWS SDK clients pointed at
 * 127.0.0.1: the same code paths as in AWS. The Step Functions, Scheduler and SES clients' requests
 * reach the local endpoint's routing without a socket (socketless-aws.ts); the rest go over HTTP.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { sync as writeFileAtomicSync } from 'write-file-atomic';
import { SchedulerReminders, SesMailer, StepFunctionsWorkflow } from '../lambdas/adapters/aws.js';
import { DynamoDossierStore, ensureTable, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { createApi, type RequestLimits } from '../lambdas/api.js';
import { InboundMail, intakeAddresses } from '../lambdas/domain/inbound-mail.js';
import type { AttachmentStore } from '../lambdas/domain/ports.js';
import { restartedFromDossier } from '../lambdas/domain/procedure/intake.js';
import { Procedure } from '../lambdas/domain/procedure.js';
import { intakeRecoveryHandler, taskHandlers } from '../lambdas/handlers.js';
import { mailEventHandler } from '../lambdas/ses-mail-events.js';
import { documentPolicy } from '../lambdas/web/guard.js';
import { tokenSignIn } from '../lambdas/web/officer-pages.js';
import { OfficerSessions } from '../lambdas/web/sign-in.js';
import { aslFile, loadAsl } from '../statemachines/asl.js';
import { compileRegulation, type SubstitutionName, substitute } from '../statemachines/compile.js';
import { refuseLintErrors } from '../statemachines/lint.js';
import { loadedRegulation, loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import type { Regulation } from '../statemachines/model.js';
import { asFunction, asFunctionHandler, recordAwsCalls, recordStandIn } from './aws-calls.js';
import { type AwsEndpointServices, createAwsEndpoint } from './aws-endpoint.js';
import { Background } from './background.js';
import { type ClockMode, RuntimeClock } from './clock.js';
import { LOCAL_SDK_AUTH, localDynamoDbClient, startDynalite, withoutSdkLogLine, withoutUserAgent } from './dynamodb.js';
import { FileAttachmentStore } from './file-attachments.js';
import { inProcessScheduler, inProcessSes, inProcessStepFunctions } from './in-process-aws.js';
import { inProcessRequest } from './in-process-request.js';
import { IntakePriority } from './intake-priority.js';
import { LocalMailbox } from './mailbox.js';
import { MemoryDynamoDb } from './memory-dynamodb.js';
import { LocalScheduler } from './scheduler.js';
import type { LocalSmtp } from './smtp.js';
import { localAwsClientConfig } from './socketless-aws.js';
import { type LocalFunction, LocalStepFunctions } from './stepfunctions.js';
import { Usage } from './usage.js';

export interface RuntimeOptions {
  regulation: string;
  /**
   * The regulation `regulation` names, as loadRegulation gave it in another thread (the
   * simulation's main thread to its workers): not read, parsed and validated again (#19). It is
   * linted as ever.
   */
  loaded?: Regulation;
  port: number;
  dataDir: string;
  clock: ClockMode;
  now?: string;
  speed?: number;
  /**
   * Port of the local SMTP server for complaints by e-mail on 127.0.0.1 (0: any free port).
   * Absent: no SMTP server.
   */
  smtpPort?: number;
  /** Proxies in front of the runtime whose X-Forwarded-For is believed (addresses or CIDR ranges). */
  trustProxy?: string[];
  /** How often one caller and one e-mail address may start a complaint (default: DEFAULT_LIMITS). */
  limits?: Partial<RequestLimits>;
  /** Count what AWS would bill (runtime/usage.ts): for the simulation and cost tests; off by default. */
  meter?: boolean;
  /**
   * With `meter`: count the calls by the function they run in too (`callsByFunction`; default
   * true). The simulation says false: it never reports them, and following each call's function
   * costs a hook on every promise of the process (runtime/aws-calls.ts, #19).
   */
  meterByFunction?: boolean;
  /**
   * How many open dossiers the store keeps in memory (default RECENT_DOSSIERS): a warm store reads
   * only the commits since the version it knows. 0 keeps none, so every read reads the whole
   * dossier, as a store does on a cold start (a Lambda container's first read in AWS); the cost
   * tests use it to see what a whole read of a large dossier is billed.
   */
  recentDossiers?: number;
  /**
   * Flush each execution and schedule file to disk before going on (fsync), so a power cut loses
   * nothing. On by default; the simulation, whose data folder is thrown away, turns it off.
   */
  durable?: boolean;
  /**
   * Where the dossiers are kept: `dynalite` (the default: on disk, what `npm start` runs) or
   * `memory` (runtime/memory-dynamodb.ts: dynalite's validation and actions on arrays in memory,
   * no HTTP and no SDK; for the simulation, whose data is thrown away).
   */
  store?: 'dynalite' | 'memory';
  /**
   * How the handlers reach the local Step Functions, Scheduler and SES: `http` (the default: the
   * ordinary SDK clients on the local endpoint, as in AWS) or `in-process` (runtime/in-process-aws.ts:
   * the same adapters and local services without HTTP and the SDK's serialisation; the simulation).
   */
  aws?: 'http' | 'in-process';
  /**
   * Where executions and schedules are kept: `disk` (the default: a restart goes on where it
   * stood) or `memory` (the simulation, whose data folder is thrown away: nothing is written).
   */
  records?: 'disk' | 'memory';
  /**
   * Start even when `klachtflow regulation lint` finds errors in the regulation (only to try it
   * out, never for real complaints); the errors go to `log`. Without it such a regulation is refused.
   */
  ignoreLintErrors?: boolean;
  /** How the caller names that choice in the refusal and the warning (the CLI: --ignore-lint-errors). */
  lintOverride?: string;
  /**
   * A preset's committed ASL is not validated again at start: test/compile.test.ts validates every
   * committed preset with asl-validator, and it is the file CDK deploys. The simulation sets it
   * (the validation is about a second of its start-up, #19); `npm start` and an organisation's own
   * regulation file are validated as before.
   */
  trustCommittedAsl?: boolean;
  /**
   * Milliseconds a Step Functions Retry waits before each attempt instead of the ASL's interval
   * (runtime/stepfunctions.ts); the retried errors and the attempts stay the ASL's. Absent: the
   * ASL's intervals in real time, as `npm start` runs. The tests' runtimes set 0.
   */
  retryIntervalMs?: number;
  /**
   * The local mailbox's letters: `kept` (the default: in its file, for /local/mail and a restart) or
   * `counted` (runtime/mailbox.ts: counted, and a letter sent again known by its key, but not
   * written; the simulation without --dump, which reads none of them).
   */
  letters?: 'kept' | 'counted';
  /**
   * Milliseconds without a complaint coming in before the ladders it held begin
   * (runtime/intake-priority.ts): `klachtflow start` gives INTAKE_QUIET_MS, so the ladders of a
   * burst do not run in its small gaps beside the complaints that follow. Absent: 0, the ladders
   * begin as soon as no complaint is in flight (the tests and the simulation, which wait for every
   * ladder after each step and would wait this long each time).
   */
  intakeQuietMs?: number;
  /**
   * Whether the ladder's tasks decide first on the view the runtime's store holds (default true;
   * DynamoDossierStore `knownViews`). Off: they read the dossier before each decision, as in AWS
   * (a test of what happens to writers that lost a race on a view just read).
   */
  knownViews?: boolean;
  /**
   * How a writer that lost a race to the same dossier waits before deciding again
   * (lambdas/domain/procedure/types.ts ProcedureDeps.pause). Absent: the jitter in wall time, as in
   * AWS. The simulation lets the other writers go first instead.
   */
  pauseOnClash?: (ms: number) => Promise<void>;
  /** Print the ready message (the CLI does; tests do not need it). */
  log?: (line: string) => void;
}

export interface Runtime {
  url: string;
  regulation: Regulation;
  /** The procedure the handlers call (tests drive retries through it). */
  procedure: Procedure;
  /** Breaches as the AWS metric counts them (locally also printed). */
  breaches: { dossierId: string; stepId: string; kind: string }[];
  clock: RuntimeClock;
  stepFunctions: LocalStepFunctions;
  mailbox: LocalMailbox;
  officers: Record<string, string>;
  /** What the runtime used, counted as AWS bills it (the simulation's cost model). */
  usage: Usage;
  /** The local service endpoints (tests point the Lambda entries' SDK clients at them). */
  endpoints: { dynamodb: string; aws: string; region: string; tableName: string; stateMachineArn: string };
  /** Answers a request in this process, as the HTTP server would (the simulation calls it directly). */
  fetch(request: Request): Promise<Response>;
  /**
   * Answers `method path` in this process as `fetch(new Request(url + path, init))` does, without
   * making undici's Request unless something asks for it (runtime/in-process-request.ts): what the
   * simulation sends.
   */
  request(method: string, path: string, init?: { headers?: Record<string, string>; body?: string }): Promise<Response>;
  /** The in-memory table, when the runtime runs on one (`store: 'memory'`). */
  memoryStore?: MemoryDynamoDb;
  /** The local SMTP server, when started (`smtpPort`), with the port it bound. */
  smtp?: LocalSmtp;
  /** Complaints by e-mail: the same domain code the SES handler calls. */
  inbound: InboundMail;
  /** Work done after an answer was sent (a lost link's lookup and mail). */
  background: Background;
  /**
   * Runs the intake recovery function now (in AWS a schedule does, every few minutes): the ladders
   * of complaints stored more than `grace` seconds ago (default 0) whose start a crash prevented,
   * and the schedules (reminders, terms' ends, closed dossiers' erasures) decided that long ago that
   * a crash lost (`event`: the function's input).
   */
  intakeRecovery(
    graceSeconds?: number,
    event?: { all?: boolean },
  ): Promise<{
    checked: number;
    started: number;
    failed: number;
    schedules: { checked: number; rescheduled: number; failed: number };
    /** Closed dossiers whose erasure at the end of retention was made again (a crash lost it). */
    erasures: { checked: number; rescheduled: number; failed: number };
  }>;
  stop(): Promise<void>;
}

const REGION = 'eu-west-1';
/** The SES configuration set letters go through locally (its events: runtime/aws-endpoint.ts). */
const LOCAL_CONFIGURATION_SET = 'klachtflow';
/** The local inbound-mail bucket (runtime/aws-endpoint.ts keeps it in <data>/files). */
const LOCAL_BUCKET = 'klachtflow-files';
const ACCOUNT = '000000000000';
const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:klachtflow-${name}`;

/** The manual clock's time is kept on disk, so a restarted runtime goes on where it was. */
function loadClock(dataDir: string, mode: ClockMode, now: string | undefined, speed: number): RuntimeClock {
  const file = join(dataDir, 'clock.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { now: string }) : undefined;
  const start = now ? new Date(now) : saved && mode === 'manual' ? new Date(saved.now) : undefined;
  if (start && Number.isNaN(start.getTime())) throw new Error(`--now "${now}" is geen geldig ISO 8601-tijdstip.`);
  if (saved && start && mode === 'manual' && start.getTime() < Date.parse(saved.now)) {
    throw new Error(`De klok van ${dataDir} staat al op ${saved.now}; een handmatige klok gaat niet terug.`);
  }
  return new RuntimeClock(mode, speed, start);
}

/**
 * What a request gets once the runtime is stopping: 503 with Retry-After (RFC 9110 15.6.4), the
 * connection closed. A complaint is not taken in: nothing is stored, so nothing accepted is lost;
 * the form's page says so in words, an API client reads the same in the error body it knows.
 */
function stoppedAnswer(request: Request): Response {
  const message = 'klachtflow stopt even. Wat u net verstuurde, is niet verwerkt; probeer het over een minuut opnieuw.';
  const headers = { 'retry-after': '60', connection: 'close', 'cache-control': 'no-store' };
  if (/\btext\/html\b/.test(request.headers.get('accept') ?? ''))
    return new Response(
      `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Even niet bereikbaar</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5"><h1>Even niet bereikbaar</h1><p>${message}</p><p>Wat u in een formulier had ingevuld, staat er mogelijk nog als u in uw browser teruggaat.</p></body></html>`,
      { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } },
    );
  return Response.json({ error: { message, issues: [] } }, { status: 503, headers });
}

function officerTokens(dataDir: string, reg: Regulation): Record<string, string> {
  const file = join(dataDir, 'officers.json');
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const tokens: Record<string, string> = {};
  for (const role of reg.roles) tokens[role.id] = existing[role.id] ?? randomBytes(18).toString('base64url');
  writeFileAtomicSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return tokens;
}

/** What `klachtflow start` waits after the last complaint before the ladders it held begin. */
export const INTAKE_QUIET_MS = 250;

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const log = opts.log ?? (() => undefined);
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const reg = opts.loaded ? loadedRegulation(opts.loaded, opts.regulation) : loadRegulation(opts.regulation);
  // Refused before anything starts: a regulation against the law runs no complaints (issue 16).
  const lintWarning = refuseLintErrors(reg, {
    ignore: opts.ignoreLintErrors ?? false,
    override: opts.lintOverride ?? 'ignoreLintErrors: true',
  });
  if (lintWarning) log(lintWarning);
  const clock = loadClock(dataDir, opts.clock, opts.now, opts.speed ?? 1);

  // DynamoDB: dynalite with its data on disk, or (the simulation) the same in memory.
  const usage = new Usage(opts.meter ?? false, { byFunction: opts.meterByFunction ?? true });
  const tableName = 'klachtflow-dossiers';
  let dynamo: Awaited<ReturnType<typeof startDynalite>> | undefined;
  let storeClient: DynamoDBClient | MemoryDynamoDb;
  let memoryStore: MemoryDynamoDb | undefined;
  if (opts.store === 'memory') {
    const memory = new MemoryDynamoDb();
    memory.createTable(tableDefinition(tableName));
    usage.meterMemoryDynamoDb(memory);
    storeClient = memory;
    memoryStore = memory;
  } else {
    dynamo = await startDynalite(join(dataDir, 'dynamodb'), { rememberParses: true });
    // Its middleware resolved once per command class, not per call (the store's sender, #19).
    const dynamoClient = localDynamoDbClient(dynamo.endpoint, REGION, { cacheMiddleware: true });
    usage.meterDynamoDb(dynamoClient);
    recordAwsCalls(dynamoClient, 'dynamodb');
    await ensureTable(dynamoClient, tableName);
    storeClient = dynamoClient;
  }

  // Step Functions, Scheduler and SES behind one local AWS endpoint.
  // Complaints first: a new ladder's first steps wait while one is being received (bounded).
  const priority = new IntakePriority(undefined, opts.intakeQuietMs ?? 0);
  const stepFunctions = new LocalStepFunctions({
    dir: join(dataDir, 'executions'),
    clock,
    durable: opts.durable ?? true,
    records: opts.records ?? 'disk',
    region: REGION,
    account: ACCOUNT,
    startGate: () => priority.gate(),
    // A complaint's first ladder is started again from its dossier after a crash: its record is
    // written with its first segment, off the answer's path (#19).
    restartedByCaller: restartedFromDossier,
    retryIntervalMs: opts.retryIntervalMs,
  });
  // With nothing kept for a restart (the simulation), the mailbox writes its file in batches.
  const mailbox = new LocalMailbox(join(dataDir, 'mailbox.jsonl'), clock, {
    buffered: opts.records === 'memory',
    letters: opts.letters ?? 'kept',
  });
  const handlers: Record<string, LocalFunction> = {};
  const scheduler = new LocalScheduler(
    join(dataDir, 'schedules'),
    clock,
    handlers,
    opts.durable ?? true,
    opts.records ?? 'disk',
  );
  // SES's reports (bounces, complaints) go to the mail-events function after the send returned,
  // as EventBridge invokes it in AWS; bound once the procedure exists.
  const background = new Background();
  let publishMailEvent: (event: Record<string, unknown>) => void = () => undefined;
  // The inbound-mail bucket: SES's S3 action writes raw mail into it directly (not a function's call).
  const files = new FileAttachmentStore(join(dataDir, 'files'));
  const endpointServices: AwsEndpointServices = {
    stepFunctions,
    scheduler,
    mailbox,
    s3: { bucket: LOCAL_BUCKET, store: files },
    publishMailEvent: (event) => publishMailEvent(event),
  };
  const awsServer = createAwsEndpoint(endpointServices);
  // Port 0 and ask the server which it got: a port found free and listened on later may be taken
  // in between by another process (EADDRINUSE, seen in CI).
  await new Promise<void>((res, rej) => {
    awsServer.once('error', rej);
    awsServer.listen(0, '127.0.0.1', () => res());
  });
  const awsEndpoint = `http://127.0.0.1:${(awsServer.address() as AddressInfo).port}`;

  // Known once the server listens (opts.port 0: whatever port it got); the links read it then.
  let url = `http://127.0.0.1:${opts.port}`;
  /** The Host of `url`, for the requests made in this process (`request`). */
  let urlHost = { url: '', host: '' };
  /** The host:port this runtime answers at: links use `url`; a browser may also say localhost. */
  const ownHosts = () => [new URL(url).host, `localhost:${new URL(url).port}`];
  const stateMachineArn = stepFunctions.stateMachineArn(`klachtflow-${reg.id}`);
  const breaches: Runtime['breaches'] = [];
  // The SDK clients on the local endpoint (npm start: AWS's code paths), or (the simulation) the
  // same local services answered in this process, handed to the same adapters.
  const awsInProcess = opts.aws === 'in-process';
  const sesServices = { mailbox, publishMailEvent: (event: Record<string, unknown>) => publishMailEvent(event) };
  // The SDK clients keep their whole pipeline and the endpoint's URL (the host header, the call
  // record); only the transport is a call into the endpoint's routing instead of a loopback socket
  // (runtime/socketless-aws.ts: about 0.9 ms of CPU an intake's StartExecution, #19).
  const localAws = localAwsClientConfig(awsEndpoint, endpointServices, REGION);
  const sesClient = awsInProcess ? (inProcessSes(sesServices) as unknown as SESClient) : new SESClient(localAws);
  const schedulerClient = awsInProcess
    ? (inProcessScheduler(scheduler) as unknown as SchedulerClient)
    : new SchedulerClient(localAws);
  // cacheMiddleware: the SDK resolves a command's middleware stack once per command class instead of
  // on every call (each intake's StartExecution, #19). Everything this runtime adds to the stack
  // (the call record, the meter below) is added before the first call, as the option requires.
  // The call itself, its headers and body stay the SDK's (test/intake-answer-bytes.test.ts).
  const sfnClient = awsInProcess
    ? (inProcessStepFunctions(stepFunctions) as unknown as SFNClient)
    : withoutUserAgent(withoutSdkLogLine(new SFNClient({ ...localAws, cacheMiddleware: true })));
  recordAwsCalls(sesClient, 'ses');
  recordAwsCalls(schedulerClient, 'scheduler');
  recordAwsCalls(sfnClient, 'sfn');
  usage.meterCalls(sesClient, 'SendEmail', 'mails');
  usage.meterCalls(schedulerClient, 'CreateSchedule', 'schedulesCreated');
  usage.meterCalls(sfnClient, 'StartExecution', 'executionsStarted');
  // Complaints by e-mail: attachments and raw messages in the local S3 bucket (a folder,
  // <data>/files), read and written through the S3 SDK as in AWS; the postvak in the table.
  // The client is made with the first file (or the SMTP server): the S3 SDK is about 60 ms of CPU
  // at a start through tsx, and most runs (the simulation, most tests) keep no file (#19).
  let s3: Promise<{ client: S3Client; store: AttachmentStore }> | undefined;
  const s3Now = () =>
    (s3 ??= (async () => {
      const { S3AttachmentStore, S3Client } = await import('../lambdas/adapters/attachments.js');
      const client = new S3Client({
        region: REGION,
        endpoint: awsEndpoint,
        // The local dummy credentials; S3 keeps the SDK's own signer (its payload hash headers).
        credentials: LOCAL_SDK_AUTH.credentials,
        forcePathStyle: true,
        // The local endpoint computes no checksums; AWS's S3 does (the SDK's default there).
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      recordAwsCalls(client, 's3');
      return { client, store: new S3AttachmentStore(client, LOCAL_BUCKET) };
    })());
  const attachments: AttachmentStore = {
    put: async (key, bytes, meta) => (await s3Now()).store.put(key, bytes, meta),
    get: async (key) => (await s3Now()).store.get(key),
    delete: async (key) => (await s3Now()).store.delete(key),
  };
  // One store for the procedure, the API and the mail: it keeps the open dossiers it read or wrote
  // lately (lambdas/adapters/dynamodb-store.ts, RECENT_DOSSIERS), so all of them read the commits
  // since, and it sees every dossier close (a closed one leaves its memory). Every writer goes
  // through it, so the ladder's tasks decide first on the view it holds (`knownViews`; core.ts
  // mutateKnown), not on a Query.
  const dossierStore = new DynamoDossierStore(storeClient, tableName, {
    knownViews: opts.knownViews ?? true,
    // What AWS sees does not change with it: there the task Queries (the bill, the IAM simulation).
    onKnown: () => {
      usage.dossierReadFromMemory();
      recordStandIn('dynamodb', 'QueryCommand', { ConsistentRead: true });
    },
    ...(opts.recentDossiers === undefined ? {} : { recentDossiers: opts.recentDossiers }),
  });
  const procedure = new Procedure({
    regulation: reg,
    store: dossierStore,
    attachments,
    held: dossierStore,
    // Through a configuration set, as in AWS: its event destination reports bounces and complaints.
    mailer: new SesMailer(sesClient, LOCAL_CONFIGURATION_SET),
    reminders: new SchedulerReminders(schedulerClient, {
      arn: fn('reminder'),
      roleArn: `arn:aws:iam::${ACCOUNT}:role/klachtflow-scheduler`,
      groupName: 'klachtflow',
    }),
    workflow: new StepFunctionsWorkflow(sfnClient, stateMachineArn),
    clock,
    ...(opts.pauseOnClash ? { pause: opts.pauseOnClash } : {}),
    observer: {
      deadlineBreached: (b) => {
        breaches.push(b);
        log(`termijn verstreken: dossier ${b.dossierId}, stap ${b.stepId} (${b.kind})`);
      },
      // The local alarm: one line a log watcher can match (ALARM LetterFailed), no letter content.
      letterFailed: (f) => log(`ALARM LetterFailed: dossier ${f.dossierId}, brief ${f.letterId} (${f.reason})`),
      letterBounced: (b) => log(`ALARM LetterBounced: dossier ${b.dossierId}, brief ${b.letterId} (${b.problem})`),
      intakeRecovered: (r) => log(`ALARM IntakeRecovered: ${r.started} ladder(s) gestart die na een crash niet liepen`),
      schedulesRecovered: (r) =>
        log(
          `ALARM SchedulesRecovered: ${r.rescheduled} herinnering(en), termijneinde(n) of wissing(en) opnieuw gepland na een crash`,
        ),
    },
    urls: {
      status: (id, token) => `${url}/klacht/${id}/${token}`,
      dossier: (id) => `${url}/medewerkers/dossiers/${id}`,
    },
  });
  const tasks = taskHandlers(procedure);
  // Each task is its own Lambda function in AWS, with its own role: calls are recorded as its.
  Object.assign(handlers, {
    [fn('begin-step')]: asFunctionHandler('beginStep', usage.invocation('begin-step', tasks.beginStep)),
    [fn('await-action')]: asFunctionHandler('awaitAction', usage.invocation('await-action', tasks.awaitAction)),
    [fn('deadline')]: asFunctionHandler('deadline', usage.invocation('deadline', tasks.deadline)),
    [fn('close')]: asFunctionHandler('close', usage.invocation('close', tasks.close)),
    [fn('continue')]: asFunctionHandler('continue', usage.invocation('continue', tasks.continue)),
    [fn('reminder')]: asFunctionHandler('reminder', usage.invocation('reminder', tasks.reminder)),
  });
  // The mail-events function (lambdas/mail-events.ts): its own Lambda function in AWS, with its own role.
  const mailEvents = asFunctionHandler('mailEvents', usage.invocation('mail-events', mailEventHandler(procedure)));
  publishMailEvent = (event) =>
    background.run(async () => {
      await mailEvents(event);
    });
  const substitutions: Record<SubstitutionName, string> = {
    BeginStepFunctionArn: fn('begin-step'),
    AwaitActionFunctionArn: fn('await-action'),
    DeadlineFunctionArn: fn('deadline'),
    CloseFunctionArn: fn('close'),
    ContinueFunctionArn: fn('continue'),
  };
  // A preset runs its committed ASL, exactly as CDK deploys it; an organisation's own file is
  // compiled by the same compiler CDK uses.
  const committed = (PRESET_IDS as readonly string[]).includes(opts.regulation) && existsSync(aslFile(reg.id));
  const definition = committed
    ? loadAsl(reg.id, substitutions)
    : JSON.parse(substitute(JSON.stringify(compileRegulation(reg)), substitutions));
  stepFunctions.register(`klachtflow-${reg.id}`, definition, handlers, {
    validate: !(committed && opts.trustCommittedAsl),
  });
  const statusUrl = (id: string, token: string) => `${url}/klacht/${id}/${token}`;
  const inboundSes = awsInProcess ? (inProcessSes(sesServices) as unknown as SESClient) : new SESClient(localAws);
  recordAwsCalls(inboundSes, 'ses');
  const inbound = new InboundMail({
    // One process receives mail and serves the postvak: both roles, so the parser too. Loaded with
    // the first mail: mailparser and its code pages are about 80 modules a start would compile for
    // nothing where no mail comes (the simulation, most tests; #19).
    parse: async (raw) => (await import('../lambdas/domain/mime.js')).parseMail(raw),
    regulation: reg,
    procedure,
    store: dossierStore,
    attachments,
    mailer: new SesMailer(inboundSes, LOCAL_CONFIGURATION_SET),
    clock,
    statusUrl,
    // Read when a notice is written, after the server knows its port.
    get postvakUrl() {
      return `${url}/medewerkers/postvak`;
    },
  });
  // The SMTP server starts before anything recovers or runs: when its port is taken, nothing has
  // begun that would need stopping beyond the endpoints themselves.
  let smtp: LocalSmtp | undefined;
  if (opts.smtpPort !== undefined) {
    try {
      // The SMTP server and the inbound-mail function only where mail can come in (`smtpPort`).
      const [{ startSmtp }, { inboundMailHandler }] = await Promise.all([
        import('./smtp.js'),
        import('../lambdas/inbound-mail-handler.js'),
      ]);
      // Mail that arrives is the inbound-mail function's work in AWS (SES receiving → handler).
      // As SES receiving: the S3 action stores the message, then the Lambda action invokes the
      // inbound-mail function with the event, which reads it back from the bucket.
      const s3Client = (await s3Now()).client;
      const receiving = inboundMailHandler(() => ({ s3: s3Client, inbound, bucket: LOCAL_BUCKET, prefix: 'inbound/' }));
      smtp = await startSmtp({
        port: opts.smtpPort,
        addresses: intakeAddresses(reg),
        inbound: {
          receive: async (raw, receipt) => {
            await files.put(`inbound/${receipt.receiptId}`, raw);
            const [outcome] = await asFunction('inboundMail', () =>
              receiving({
                Records: [
                  {
                    ses: {
                      mail: {
                        messageId: receipt.receiptId,
                        timestamp: receipt.receivedAt,
                        source: receipt.envelopeFrom ?? '',
                      },
                      receipt: { timestamp: receipt.receivedAt, recipients: receipt.recipients },
                    },
                  },
                ],
              }),
            );
            if (!outcome) throw new Error('inbound-mail handler gave no outcome');
            return outcome;
          },
        },
        clock,
        log,
      });
    } catch (e) {
      clock.stop();
      await new Promise<void>((r) => awsServer.close(() => r()));
      await dynamo?.close();
      throw Object.assign(e as Error, { smtp: true });
    }
  }
  await stepFunctions.recover();
  scheduler.recover();
  // The intake recovery, the function a schedule runs in AWS (lambdas/recover-intake.ts), with its
  // own role's calls recorded: at start-up nothing is on its way, so no grace.
  const intakeRecovery = asFunctionHandler(
    'recoverIntake',
    usage.invocation('recover-intake', intakeRecoveryHandler(procedure, 0)),
  );
  const { started } = await intakeRecovery();
  // A complaint stored just before a crash, whose ladder never started, starts now; what else a
  // crash left (letters, the register) is finished too.
  const recovered = started + (await procedure.recoverIntake());
  if (recovered) log(`${recovered} klacht(en) zonder lopende ladder opnieuw gestart`);

  // Officers sign in with a token per role; the runtime turns it into the claims Cognito gives.
  // The pages' cookie holds a session (one per sign-in, ended by signing out), accepted in its place.
  const officers = officerTokens(dataDir, reg);
  const sessions = new OfficerSessions();
  // Each officer's code as bytes, made once per code, not for every role at every request (#19,
  // session 17: 0.2 % of a simulated year). Keyed by the code itself; a handful, emptied past 64.
  const codeBytes = new Map<string, Buffer>();
  const bytesOf = (code: string): Buffer => {
    let bytes = codeBytes.get(code);
    if (!bytes) {
      if (codeBytes.size >= 64) codeBytes.clear();
      bytes = Buffer.from(code);
      codeBytes.set(code, bytes);
    }
    return bytes;
  };
  const officer = async (c: Context) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!m?.[1]) return undefined;
    const given = Buffer.from(sessions.codeOf(m[1]) ?? m[1]);
    for (const [role, token] of Object.entries(officers)) {
      const t = bytesOf(token);
      if (t.length === given.length && timingSafeEqual(t, given)) return { sub: `${role}@local`, roles: [role] };
    }
    return undefined;
  };

  const api = createApi({
    regulation: reg,
    procedure,
    store: dossierStore,
    officer,
    signIn: tokenSignIn(sessions),
    statusUrl,
    // Form posts come from this runtime's own pages only (read when asked: the port is known later).
    ownOrigins: () => ownHosts().map((h) => `http://${h}`),
    clientAddress: (c) => getConnInfo(c).remote.address,
    ...(opts.trustProxy?.length ? { trustedProxies: opts.trustProxy } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    afterAnswer: (work) => background.run(work),
    ladderAtRest: async () => {
      await background.idle();
      await stepFunctions.idle();
    },
    now: () => clock.now(),
    inbound,
    attachments,
  });
  // Written aside and renamed: a kill in the middle of the write leaves the old time, never an
  // empty file the next start cannot read.
  // Flushed to disk (fsync) only when durable: the simulation moves the clock hundreds of times
  // and throws its folder away (a simulated year waited more on these flushes than it computed).
  // With its records in memory (the simulation) nothing is kept for a restart: not the clock either.
  const saveClock = () => {
    if (opts.records === 'memory') return;
    writeFileAtomicSync(join(dataDir, 'clock.json'), JSON.stringify({ now: clock.now().toISOString() }), {
      fsync: opts.durable ?? true,
    });
  };
  const local = createLocalRoutes({ clock, stepFunctions, mailbox, saveClock, ownHosts, background });
  api.route('/local', local);
  api.get('/health', (c) => c.json({ status: 'ok', regulation: reg.id, now: clock.now().toISOString() }));
  // Every request but the runtime's own (/local, /health) is one API Gateway request in AWS.
  const answer = (request: Request, env?: object): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/local/') || path === '/health') return Promise.resolve(api.fetch(request, env));
    const run = () => asFunction('api', () => usage.apiRequest(() => api.fetch(request, env)));
    return IntakePriority.isIntake(request.method, path) ? priority.intake(run) : run();
  };
  // A request from this process has no socket: it comes from 127.0.0.1, as the server's would.
  const inProcess = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 0, remoteFamily: 'IPv4' } } };
  // Set when `stop()` begins: what comes in after that is refused at once (stoppedAnswer), so a
  // flood during Ctrl-C cannot keep starting ladders the stop then waits for (#19's review).
  let stopping = false;
  // The answers being made: the stop waits for them before anything they need (the ladders' start,
  // the AWS endpoints, the store) goes away, so a complaint being received gets its 201.
  const answering = new Set<Promise<Response>>();
  const server = serve({
    fetch: (request, env) => {
      if (stopping) return stoppedAnswer(request);
      const made = answer(request, env);
      answering.add(made);
      const done = () => answering.delete(made);
      made.then(done, done);
      return made;
    },
    port: opts.port,
    hostname: '127.0.0.1',
  }) as HttpServer; // node:http's server: no `createServer` is given (http2 would be)
  await new Promise<void>((res, rej) => {
    server.once('listening', () => res());
    server.once('error', rej);
  }).catch(async (e) => {
    await smtp?.close(); // taken HTTP port: the SMTP server started above must not keep the process alive
    throw e;
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  saveClock();
  log(`klachtflow draait: ${reg.title} (${reg.id})`);
  log(`  klachtformulier    ${url}/klacht-indienen`);
  log(`  API                ${url}/openapi.json`);
  log(`  medewerkers        ${url}/medewerkers    (toegangscodes in ${join(dataDir, 'officers.json')})`);
  for (const [role, token] of Object.entries(officers)) log(`      ${role.padEnd(22)} Authorization: Bearer ${token}`);
  log(`  brievenbus         ${url}/local/mailbox   (JSON: ${url}/local/mail)`);
  if (smtp)
    log(
      `  klachten per mail  smtp://${smtp.host}:${smtp.port}  aan ${smtp.addresses.join(', ')}  (postvak: ${url}/medewerkers/postvak)`,
    );
  log(
    `  klok               ${clock.mode === 'manual' ? `handmatig, ${clock.now().toISOString()} (POST ${url}/local/clock)` : `${clock.speed === 1 ? 'echte tijd' : `${clock.speed}× versneld`}`}`,
  );
  log(`  gegevens           ${dataDir}`);

  return {
    url,
    regulation: reg,
    procedure,
    breaches,
    clock,
    stepFunctions,
    mailbox,
    officers,
    usage,
    fetch: (request) => {
      // As a client over HTTP sends it: the Host of the URL (the local routes check it).
      if (!request.headers.has('host')) request.headers.set('host', new URL(request.url).host);
      return answer(request, inProcess);
    },
    request: (method, path, init = {}) => {
      const headers = { ...init.headers };
      // As `fetch` above: the Host of the URL, as a client over HTTP sends it (the URL parsed once
      // per address, not for every request of a simulation; #19 session 17).
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'host')) {
        if (urlHost.url !== url) urlHost = { url, host: new URL(url).host };
        headers.host = urlHost.host;
      }
      return answer(
        inProcessRequest(url, path, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) }),
        inProcess,
      );
    },
    endpoints: {
      dynamodb: dynamo?.endpoint ?? 'memory:',
      aws: awsEndpoint,
      region: REGION,
      tableName,
      stateMachineArn,
    },
    ...(smtp ? { smtp } : {}),
    ...(memoryStore ? { memoryStore } : {}),
    inbound,
    background,
    intakeRecovery: (graceSeconds = 0, event = {}) =>
      asFunctionHandler(
        'recoverIntake',
        usage.invocation('recover-intake', intakeRecoveryHandler(procedure, graceSeconds)),
      )(event),
    stop: async () => {
      // First no new work: the HTTP server takes no new connections and answers what still comes
      // in on an open one with 503; idle keep-alive connections are closed now, the rest once
      // their answer is out. Only then is the work already accepted finished: every complaint
      // answered 201 gets its ladder's first steps (the acknowledgement) before the process ends.
      stopping = true;
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await smtp?.close();
      await Promise.allSettled([...answering]);
      await background.idle();
      clock.stop();
      await stepFunctions.idle();
      mailbox.flush();
      saveClock();
      // A connection still open now (a client holding keep-alive) has had its last answer.
      server.closeAllConnections();
      await closed;
      await new Promise<void>((r) => awsServer.close(() => r()));
      await dynamo?.close();
    },
  };
}

import { Hono } from 'hono';
// Imported once: a dynamic import per clock call went through the module loader every time (#19).
import { Temporal } from 'temporal-polyfill';

/** /local/*: the runtime's own routes: the clock, the mailbox. Only in the local runtime. */
function createLocalRoutes(deps: {
  clock: RuntimeClock;
  stepFunctions: LocalStepFunctions;
  mailbox: LocalMailbox;
  saveClock: () => void;
  /** host:port this runtime answers at. */
  ownHosts: () => string[];
  /** Work after answers: the mailbox and the clock show the state after it. */
  background: Background;
}) {
  const app = new Hono();
  // The clock and the mailbox belong to this runtime's own origin: another Host (a DNS rebinding
  // page) gets 421, and a post must be JSON from no page or from ours (never a simple cross-site
  // form post, which a browser sends without asking).
  app.use('*', async (c, next) => {
    const hosts = deps.ownHosts();
    const origins = hosts.map((h) => `http://${h}`);
    if (!hosts.includes(c.req.header('host') ?? ''))
      return c.json({ error: { message: 'Deze route hoort bij de lokale klachtflow zelf.', issues: [] } }, 421);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const site = c.req.header('sec-fetch-site');
      const origin = c.req.header('origin');
      const json = /^application\/json\b/i.test(c.req.header('content-type') ?? '');
      if (
        (site !== undefined && site !== 'same-origin' && site !== 'none') ||
        (origin !== undefined && !origins.includes(origin)) ||
        !json
      )
        return c.json(
          { error: { message: 'Alleen de lokale klachtflow zelf mag dit (JSON, zelfde herkomst).', issues: [] } },
          403,
        );
    }
    return next();
  });
  app.get('/clock', (c) =>
    c.json({
      now: deps.clock.now().toISOString(),
      mode: deps.clock.mode,
      speed: deps.clock.speed,
      pending: deps.clock.pending(),
    }),
  );
  app.post('/clock', async (c) => {
    let body: { advance?: unknown; to?: unknown };
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: { message: 'Stuur JSON: {"advance": "P7D"} of {"to": "<ISO 8601>"}.', issues: [] } }, 400);
    }
    if (deps.clock.mode !== 'manual') {
      return c.json(
        { error: { message: 'De klok loopt vanzelf; start met --clock manual om hem te verzetten.', issues: [] } },
        409,
      );
    }
    let target: Date;
    const now = deps.clock.now();
    if (typeof body.advance === 'string') {
      let duration: InstanceType<typeof Temporal.Duration>;
      try {
        duration = Temporal.Duration.from(body.advance);
      } catch {
        return c.json(
          {
            error: {
              message: `"${body.advance}" is geen ISO 8601-duur (bijvoorbeeld P7D of PT2H).`,
              issues: [{ path: 'advance', message: 'ongeldig' }],
            },
          },
          400,
        );
      }
      if (duration.sign < 0)
        return c.json(
          { error: { message: 'De klok gaat niet terug.', issues: [{ path: 'advance', message: 'negatief' }] } },
          422,
        );
      target = new Date(
        Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO('Europe/Amsterdam').add(duration)
          .epochMilliseconds,
      );
    } else if (typeof body.to === 'string' && !Number.isNaN(Date.parse(body.to))) {
      target = new Date(body.to);
      if (target < now)
        return c.json(
          { error: { message: 'De klok gaat niet terug.', issues: [{ path: 'to', message: 'in het verleden' }] } },
          422,
        );
    } else {
      return c.json(
        {
          error: {
            message: 'Stuur {"advance": "P7D"} of {"to": "<ISO 8601>"}.',
            issues: [{ path: 'advance', message: 'ontbreekt' }],
          },
        },
        400,
      );
    }
    // Everything already under way first, then every due entry in order, then what they started.
    await deps.background.idle();
    await deps.stepFunctions.idle();
    await deps.clock.advanceTo(target);
    await deps.stepFunctions.idle();
    deps.saveClock();
    return c.json({ now: deps.clock.now().toISOString() });
  });
  // The mail of the work under way: a complaint's acknowledgement is sent by its ladder's first
  // step, which runs after the answer to POST /complaints (#19), so the ladder is waited for too.
  const settled = async () => {
    await deps.background.idle();
    await deps.stepFunctions.idle();
    await deps.background.idle();
  };
  // A runtime that only counts its letters (the simulation) has none to show: the JSON route in the
  // shape of the other /local errors, the page as a page.
  const NO_LETTERS = 'Deze runtime telt de brieven alleen (letters: counted) en bewaart ze niet.';
  app.get('/mail', async (c) => {
    if (!deps.mailbox.keepsLetters) return c.json({ error: { message: NO_LETTERS, issues: [] } }, 409);
    await settled();
    return c.json(deps.mailbox.all());
  });
  app.get('/mailbox', async (c) => {
    if (!deps.mailbox.keepsLetters) {
      documentPolicy(c);
      return c.html(
        `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Brievenbus (lokaal)</title></head><body><h1>Brievenbus</h1><p>${NO_LETTERS}</p></body></html>`,
        409,
      );
    }
    await settled();
    const esc = (s: string) =>
      s.replace(
        /[&<>"']/g,
        (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
      );
    const rows = deps.mailbox
      .all()
      .reverse()
      .map(
        (m) =>
          `<article><h2>${esc(m.subject)}</h2><p><small>${esc(m.sentAt)} · van ${esc(m.from)} aan ${esc(m.to.join(', '))}</small></p><pre style="white-space:pre-wrap">${esc(m.text)}</pre></article><hr>`,
      )
      .join('');
    documentPolicy(c);
    return c.html(
      `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Brievenbus (lokaal)</title></head><body><h1>Brievenbus</h1><p>Alle brieven en berichten die klachtflow lokaal verstuurde, nieuwste eerst.</p>${rows || '<p>Nog geen berichten.</p>'}</body></html>`,
    );
  });
  return app;
}
