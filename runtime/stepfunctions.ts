/**
 * Local Step Functions: the committed ASL run by aws-local-stepfunctions, made durable.
 *
 * aws-local-stepfunctions runs a definition in memory, has no task tokens, arms every Wait and
 * task timeout with one setTimeout (which overflows past 24.8 days), and cannot survive a restart.
 * So it runs one *segment* at a time: from a resume point to the next callback task or Wait,
 * where the execution is written to disk and stopped. A callback's token, a Wait's wake time and
 * a callback's deadline live on the runtime's clock; SendTaskSuccess, the deadline or the wake
 * resumes the execution with a copy of the same definition started at that state (validation off,
 * as a changed StartAt needs). We do not interpret ASL ourselves.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { sync as writeFileAtomicSync } from 'write-file-atomic';
import type { AslDocument } from '../statemachines/compile.js';
import type { RuntimeClock } from './clock.js';

// aws-local-stepfunctions 3 uses Promise.withResolvers (Node 22); Node 20 needs it provided.
if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    value: function withResolvers<T>() {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
const { StateMachine } = await import('aws-local-stepfunctions');

/**
 * An error with an AWS error name, as the SDK clients expect (`__type`): a service's answer, made
 * without a stack trace. The SDK's error for the same answer has the client's stack, not the
 * service's; and the ladder deletes reminders that already fired, each a ResourceNotFound whose
 * stack was 0.2 % of a simulated year (#19, session 17). Every other error keeps its stack (the
 * limit is put back; test/aws-error-stackless.test.ts).
 */
export class AwsError extends Error {
  readonly status: number;
  constructor(name: string, message: string, status = 400) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      // Put back on every path: left at 0, every later error of a runtime that runs for a year
      // would have no stack.
      Error.stackTraceLimit = limit;
    }
    this.name = name;
    this.status = status;
  }
}

/** A Lambda-like function the Task states call: request/response and callback registration alike. */
export type LocalFunction = (payload: unknown) => Promise<unknown>;

type Inject =
  | { kind: 'success'; output: unknown }
  | { kind: 'failure'; error: string; cause: string }
  | { kind: 'timeout' };

type Pause =
  | { kind: 'run'; startAt: string; input: unknown; inject?: Inject }
  | {
      kind: 'callback';
      state: string;
      input: unknown;
      token: string;
      payload: unknown;
      functionName: string;
      deadline: string;
    }
  | { kind: 'wait'; state: string; next: string | null; output: unknown; wakeAt: string };

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: unknown;
  startDate: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  stopDate?: string;
  output?: unknown;
  error?: string;
  cause?: string;
  pause?: Pause;
  /** States entered: what AWS bills. */
  transitions: number;
}

/**
 * What a callback state throws to stop its segment (runSegment catches it). Thrown at every
 * callback state of every ladder and never shown to anyone: made without a stack trace (`of`),
 * whose capture was 0.3 % of a simulated year's CPU (#19, session 10).
 */
class PauseSignal extends Error {
  override name = 'LocalRuntime.Pause';
  readonly isCatchable = false;
  readonly isRetryable = false;
  constructor(readonly info: { state: string; payload: unknown; functionName: string }) {
    super('pause');
  }

  /** A signal without a stack trace; every other error keeps its own (the limit is put back). */
  static of(info: PauseSignal['info']): PauseSignal {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new PauseSignal(info);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

type StateDef = Record<string, unknown> & { Type: string };
type TaskHandler = (payload: unknown) => unknown;

/** Reads a JSONPath like `$.a.b` (the subset reference paths use). */
function readPath(obj: unknown, path: string): unknown {
  if (path === '$') return obj;
  let cur: unknown = obj;
  for (const key of path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export interface LocalStepFunctionsOptions {
  dir: string;
  clock: RuntimeClock;
  /** fsync each record (default true); off for a simulation whose folder is thrown away. */
  durable?: boolean;
  /**
   * `disk` (the default): every record in a file, so a restart goes on where it stood. `memory`
   * (the simulation, whose folder is thrown away): nothing written; a finished execution keeps a
   * short record (no output) for the summary and for a second start of its name.
   */
  records?: 'disk' | 'memory';
  region?: string;
  account?: string;
  /**
   * Resolves when a new execution may run its first segment (the runtime: when no complaint is
   * being received, bounded; #19). In AWS the ladder runs in other Lambdas and the complainant
   * never waits for it; on one machine the first steps (the acknowledgement letter) cost several
   * times a request, so new ladders give way to the intake. Absent: at once.
   */
  startGate?: () => Promise<void>;
  /**
   * The new executions their caller starts again, from what it stored itself, when a crash lost
   * them (the runtime: a complaint's first ladder, which the intake recovery starts from its
   * dossier; lambdas/domain/procedure/intake.ts `restartedFromDossier`). Their record is written
   * when their first segment begins, after `startGate`, instead of before StartExecution answers:
   * the record's open, write, flush and rename were 5 to 7 % of a local `POST /complaints` (#19).
   * Still on disk before any of their work runs, so a crash finds either the record (the run goes
   * on, and the caller's start is the same execution again) or nothing (the caller starts it).
   * Absent: every record is flushed before StartExecution answers, as in AWS.
   */
  restartedByCaller?: (start: { name: string; input: unknown }) => boolean;
  /**
   * Milliseconds a Retry waits before each attempt, in place of the ASL's IntervalSeconds ×
   * BackoffRate^attempt; which errors are retried and how often stay the ASL's. Absent: the ASL's
   * waits, in real time, as in AWS and `npm start`. The tests' runtimes (test/support/runtime.ts)
   * set 0: a task that failed on purpose waited 3 + 6 + 12 s of real time before its catch, with
   * the manual clock standing still (#19).
   */
  retryIntervalMs?: number;
}

/**
 * A task token names its execution (`<uuid>.<execution ARN, base64url>`), so no table of every
 * token ever handed out is kept: an answer to a closed task finds the execution and is told
 * TaskTimedOut, an unknown token TaskDoesNotExist, as in AWS.
 */
const tokenFor = (executionArn: string) => `${randomUUID()}.${Buffer.from(executionArn).toString('base64url')}`;
const executionOfToken = (token: string): string | undefined => {
  const dot = token.indexOf('.');
  if (dot < 0) return undefined;
  const arn = Buffer.from(token.slice(dot + 1), 'base64url').toString('utf8');
  return arn.startsWith('arn:aws:states:') ? arn : undefined;
};

export class LocalStepFunctions {
  private readonly machines = new Map<string, { definition: AslDocument; functions: Record<string, LocalFunction> }>();
  /**
   * Running executions only. A finished one is written to `done/` and leaves memory: a runtime
   * that runs for a year keeps what is under way, not every ladder it ever ran.
   */
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Finished executions, when records stay in memory (`records: 'memory'`), without their output. */
  private readonly finished = new Map<string, ExecutionRecord>();
  /**
   * Per state machine and resume state: the copy of its definition started there, and the
   * library's StateMachine of it. Built once, not at every segment (a simulated year resumed
   * 150 000 segments, each copying and wrapping the whole definition).
   */
  private readonly segments = new Map<
    string,
    {
      copy: AslDocument;
      sm: InstanceType<typeof StateMachine>;
      waits: Record<string, number>;
      retries?: Record<string, number>;
      /**
       * A handler for each Task state, the same for every run of this segment (made once, not 36
       * closures per segment, #19 session 17): a request/response task calls its function, a
       * callback task pauses. Only the resumed state's answer is a run's own (runSegment).
       */
      handlers: Record<string, TaskHandler>;
    }
  >();
  private readonly inflight = new Set<Promise<void>>();
  private readonly queues = new Map<string, Promise<void>>();
  private timeoutErrorClass: (new () => Error) | undefined;
  private readonly region: string;
  private readonly account: string;

  constructor(private readonly opts: LocalStepFunctionsOptions) {
    this.region = opts.region ?? 'eu-west-1';
    this.account = opts.account ?? '000000000000';
    if (!this.inMemory) mkdirSync(join(opts.dir, 'done'), { recursive: true });
  }

  private get inMemory(): boolean {
    return this.opts.records === 'memory';
  }

  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.region}:${this.account}:stateMachine:${name}`;
  }

  /** Registers a state machine with the functions its Task states call, by FunctionName. */
  register(
    name: string,
    definition: AslDocument,
    functions: Record<string, LocalFunction>,
    options: { validate?: boolean } = {},
  ): string {
    // Validate the document once, as deployed; resumed copies run with validation off. A caller
    // that runs a document validated elsewhere (a committed preset) may say so.
    if (options.validate ?? true) new StateMachine(definition as never);
    const arn = this.stateMachineArn(name);
    this.machines.set(arn, { definition, functions });
    for (const key of this.segments.keys()) if (key.startsWith(`${arn}\u0000`)) this.segments.delete(key);
    return arn;
  }

  /** Loads executions from disk and puts their pending deadlines and wakes back on the clock. */
  async recover(): Promise<void> {
    if (this.inMemory) return;
    for (const file of readdirSync(this.opts.dir).filter((f) => f.endsWith('.json'))) {
      const rec = JSON.parse(readFileSync(join(this.opts.dir, file), 'utf8')) as ExecutionRecord;
      // Finished before this version moved finished records aside: move it now.
      if (rec.status !== 'RUNNING') this.persist(rec);
      else this.executions.set(rec.executionArn, rec);
    }
    for (const rec of this.executions.values()) {
      if (!rec.pause) continue;
      const pause = rec.pause;
      if (pause.kind === 'run') this.schedule(rec.executionArn, () => this.runSegment(rec.executionArn));
      if (pause.kind === 'callback') {
        this.armCallback(rec, pause);
        // The callback's function may not have run before the crash: run it again (idempotent).
        this.schedule(rec.executionArn, () => this.invokeCallbackFunction(rec.executionArn, pause));
      }
      if (pause.kind === 'wait') this.armWait(rec, pause);
    }
  }

  private fileOf(name: string, done: boolean) {
    return join(this.opts.dir, ...(done ? ['done'] : []), `${encodeURIComponent(name)}.json`);
  }

  /** Writes the record; a finished one goes to done/ (written there first, then the running file removed). */
  private persist(rec: ExecutionRecord) {
    const done = rec.status !== 'RUNNING';
    if (this.inMemory) {
      if (done) {
        this.executions.delete(rec.executionArn);
        const { output: _output, pause: _pause, ...short } = rec;
        this.finished.set(rec.executionArn, short);
      }
      return;
    }
    writeFileAtomicSync(this.fileOf(rec.name, done), JSON.stringify(rec), { fsync: this.opts.durable ?? true });
    if (done) {
      rmSync(this.fileOf(rec.name, false), { force: true });
      this.executions.delete(rec.executionArn);
    }
  }

  /**
   * A new execution's record, written aside, flushed and renamed as persist() does, but off the
   * event loop: the file-system calls run on libuv's pool while other requests go on.
   */
  private async persistStart(rec: ExecutionRecord) {
    if (this.inMemory) return;
    const file = this.fileOf(rec.name, false);
    const aside = `${file}.${process.pid}.${++this.written}.tmp`;
    const handle = await open(aside, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(rec));
      if (this.opts.durable ?? true) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(aside, file);
  }
  private written = 0;

  /** Work for one execution runs one piece at a time, in order. */
  private schedule(arn: string, work: () => Promise<void>): Promise<void> {
    const prev = this.queues.get(arn) ?? Promise.resolve();
    const run = prev.then(work).catch((e) => {
      console.error(`klachtflow: execution ${arn} failed in the runtime:`, e);
    });
    this.queues.set(arn, run);
    this.inflight.add(run);
    void run.finally(() => {
      this.inflight.delete(run);
      // The last piece of work of this execution: its queue goes too.
      if (this.queues.get(arn) === run) this.queues.delete(arn);
    });
    return run;
  }

  /** Resolves when no execution work is under way (for the manual clock and tests). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  // --- the API the SDK clients call --------------------------------------------------------

  async startExecution(p: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<{ executionArn: string; startDate: Date }> {
    const machine = this.machines.get(p.stateMachineArn);
    if (!machine) throw new AwsError('StateMachineDoesNotExist', `State machine ${p.stateMachineArn} does not exist`);
    const name = p.name ?? randomUUID();
    const executionArn = `${p.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    let input: unknown;
    try {
      input = JSON.parse(p.input ?? '{}');
    } catch {
      throw new AwsError('InvalidExecutionInput', 'Input is not valid JSON');
    }
    const existing = this.executions.get(executionArn) ?? this.readRecord(name, executionArn);
    if (existing) {
      // As in AWS: the same name with the same input is the same execution (idempotent start).
      if (JSON.stringify(existing.input) === JSON.stringify(input) && existing.status === 'RUNNING') {
        return { executionArn, startDate: new Date(existing.startDate) };
      }
      throw new AwsError('ExecutionAlreadyExists', `Execution ${name} already exists`);
    }
    const rec: ExecutionRecord = {
      executionArn,
      stateMachineArn: p.stateMachineArn,
      name,
      input,
      startDate: this.opts.clock.now().toISOString(),
      status: 'RUNNING',
      pause: { kind: 'run', startAt: machine.definition.StartAt, input },
      transitions: 0,
    };
    this.executions.set(executionArn, rec);
    if (!this.inMemory && this.opts.restartedByCaller?.({ name, input })) {
      // Its caller holds what starts it again (restartedByCaller): the record waits for the first
      // segment, off the answer's path, and is on disk before that segment's first task runs.
      void this.schedule(executionArn, async () => {
        await this.opts.startGate?.();
        // Stopped meanwhile: StopExecution wrote the finished record, which stands.
        if (rec.status !== 'RUNNING') return;
        await this.persistStart(rec);
        if (rec.status !== 'RUNNING') return this.persist(rec);
        await this.runSegment(executionArn);
      });
      return { executionArn, startDate: new Date(rec.startDate) };
    }
    // On disk (flushed) before StartExecution answers, as in AWS; written off the event loop, so the
    // flush does not hold up other requests (#19: a synchronous fsync per start was 7 % of intake).
    await this.persistStart(rec);
    // Stopped meanwhile (StopExecution wrote its record first): that record stands.
    if (rec.status !== 'RUNNING') this.persist(rec);
    else
      void this.schedule(executionArn, async () => {
        await this.opts.startGate?.();
        await this.runSegment(executionArn);
      });
    return { executionArn, startDate: new Date(rec.startDate) };
  }

  /** A record from disk: running or finished. */
  private readRecord(name: string, arn?: string): ExecutionRecord | undefined {
    if (this.inMemory) {
      if (arn) return this.finished.get(arn);
      for (const r of this.finished.values()) if (r.name === name) return r;
      return undefined;
    }
    for (const done of [false, true]) {
      const file = this.fileOf(name, done);
      if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ExecutionRecord;
    }
    return undefined;
  }

  private nameOf(executionArn: string): string {
    return executionArn.slice(executionArn.lastIndexOf(':') + 1);
  }

  /** A running execution from memory, a finished one from disk. */
  private find(executionArn: string): ExecutionRecord | undefined {
    return this.executions.get(executionArn) ?? this.readRecord(this.nameOf(executionArn), executionArn);
  }

  async sendTaskSuccess(p: { taskToken: string; output: string }): Promise<void> {
    let output: unknown;
    try {
      output = JSON.parse(p.output);
    } catch {
      throw new AwsError('InvalidOutput', 'Output is not valid JSON');
    }
    this.resumeCallback(p.taskToken, { kind: 'success', output });
  }

  async sendTaskFailure(p: { taskToken: string; error?: string; cause?: string }): Promise<void> {
    this.resumeCallback(p.taskToken, { kind: 'failure', error: p.error ?? 'States.TaskFailed', cause: p.cause ?? '' });
  }

  async sendTaskHeartbeat(p: { taskToken: string }): Promise<void> {
    this.callbackOf(p.taskToken);
  }

  async stopExecution(p: { executionArn: string; error?: string; cause?: string }): Promise<{ stopDate: Date }> {
    const rec = this.find(p.executionArn);
    if (!rec) throw new AwsError('ExecutionDoesNotExist', `Execution ${p.executionArn} does not exist`);
    const stopDate = this.opts.clock.now();
    if (rec.status === 'RUNNING') {
      this.disarm(rec);
      Object.assign(rec, {
        status: 'ABORTED',
        stopDate: stopDate.toISOString(),
        error: p.error,
        cause: p.cause,
        pause: undefined,
      });
      this.persist(rec);
    }
    return { stopDate };
  }

  async describeExecution(p: { executionArn: string }) {
    const rec = this.find(p.executionArn);
    if (!rec) throw new AwsError('ExecutionDoesNotExist', `Execution ${p.executionArn} does not exist`);
    return {
      executionArn: rec.executionArn,
      stateMachineArn: rec.stateMachineArn,
      name: rec.name,
      status: rec.status,
      startDate: new Date(rec.startDate),
      ...(rec.stopDate ? { stopDate: new Date(rec.stopDate) } : {}),
      input: JSON.stringify(rec.input),
      ...(rec.output !== undefined ? { output: JSON.stringify(rec.output) } : {}),
      ...(rec.error ? { error: rec.error, cause: rec.cause } : {}),
    };
  }

  /** The record of an execution (tests, transition counts). */
  execution(arn: string): ExecutionRecord | undefined {
    return this.find(arn);
  }

  /** Every execution, running and finished (read from disk: for tests and the simulation's summary). */
  executionsOf(stateMachineArn?: string): ExecutionRecord[] {
    const done = this.inMemory
      ? [...this.finished.values()]
      : readdirSync(join(this.opts.dir, 'done'))
          .filter((f) => f.endsWith('.json'))
          .map((f) => JSON.parse(readFileSync(join(this.opts.dir, 'done', f), 'utf8')) as ExecutionRecord);
    return [...this.executions.values(), ...done].filter(
      (e) => !stateMachineArn || e.stateMachineArn === stateMachineArn,
    );
  }

  /** Running executions (what the runtime holds in memory). */
  running(): number {
    return this.executions.size;
  }

  private callbackOf(token: string): { rec: ExecutionRecord; pause: Extract<Pause, { kind: 'callback' }> } {
    // A token of an earlier version of the runtime names no execution: look among the running.
    const arn =
      executionOfToken(token) ??
      [...this.executions.values()].find((r) => r.pause?.kind === 'callback' && r.pause.token === token)?.executionArn;
    const rec = arn ? this.find(arn) : undefined;
    if (!rec) throw new AwsError('TaskDoesNotExist', 'Task does not exist');
    const pause = rec?.pause;
    // The token is known but its task is closed: answered, timed out, or the execution ended.
    if (rec.status !== 'RUNNING' || pause?.kind !== 'callback' || pause.token !== token) {
      throw new AwsError('TaskTimedOut', 'Task timed out or was already closed');
    }
    return { rec, pause };
  }

  private resumeCallback(token: string, inject: Inject) {
    const { rec, pause } = this.callbackOf(token);
    this.disarm(rec);
    // Persist the resume point with what to inject before running: a crash replays it.
    rec.pause = { kind: 'run', startAt: pause.state, input: pause.input, inject };
    this.persist(rec);
    void this.schedule(rec.executionArn, () => this.runSegment(rec.executionArn));
  }

  private disarm(rec: ExecutionRecord) {
    this.opts.clock.cancel(`timeout:${rec.executionArn}`);
    this.opts.clock.cancel(`wake:${rec.executionArn}`);
  }

  private armCallback(rec: ExecutionRecord, pause: Extract<Pause, { kind: 'callback' }>) {
    this.opts.clock.at(`timeout:${rec.executionArn}`, new Date(pause.deadline), async () => {
      const current = this.executions.get(rec.executionArn);
      if (current?.status !== 'RUNNING' || current.pause?.kind !== 'callback' || current.pause.token !== pause.token)
        return;
      current.pause = { kind: 'run', startAt: pause.state, input: pause.input, inject: { kind: 'timeout' } };
      this.persist(current);
      await this.schedule(rec.executionArn, () => this.runSegment(rec.executionArn));
    });
  }

  private armWait(rec: ExecutionRecord, pause: Extract<Pause, { kind: 'wait' }>) {
    this.opts.clock.at(`wake:${rec.executionArn}`, new Date(pause.wakeAt), async () => {
      const current = this.executions.get(rec.executionArn);
      if (current?.status !== 'RUNNING' || current.pause?.kind !== 'wait') return;
      if (pause.next === null) {
        Object.assign(current, {
          status: 'SUCCEEDED',
          output: pause.output,
          stopDate: this.opts.clock.now().toISOString(),
          pause: undefined,
        });
        this.persist(current);
        return;
      }
      current.pause = { kind: 'run', startAt: pause.next, input: pause.output };
      this.persist(current);
      await this.schedule(rec.executionArn, () => this.runSegment(rec.executionArn));
    });
  }

  private async invokeCallbackFunction(arn: string, pause: Extract<Pause, { kind: 'callback' }>) {
    const rec = this.executions.get(arn);
    const fn = rec && this.machines.get(rec.stateMachineArn)?.functions[pause.functionName];
    if (!rec || !fn || rec.status !== 'RUNNING') return;
    await fn((pause.payload as { Payload?: unknown })?.Payload ?? pause.payload);
  }

  /** The library's own States.Timeout class: only it routes past a States.TaskFailed catcher. */
  private async timeoutError(): Promise<Error> {
    if (!this.timeoutErrorClass) {
      const probe = new StateMachine(
        {
          StartAt: 'T',
          States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 0.001, End: true } },
        } as never,
        { validationOptions: { noValidate: true } },
      );
      try {
        await probe.run(null, { overrides: { taskResourceLocalHandlers: { T: () => new Promise(() => undefined) } } })
          .result;
      } catch (e) {
        this.timeoutErrorClass = ((e as { cause?: Error }).cause ?? (e as Error)).constructor as new () => Error;
      }
    }
    const Cls = this.timeoutErrorClass;
    return Cls ? new Cls() : Object.assign(new Error('States.Timeout'), { name: 'States.Timeout' });
  }

  /**
   * The definition started at a resume point (validation off, as a changed StartAt needs), built
   * once per state machine and state. The context object is rebuilt per run, so the execution's
   * own start time is handed in under another name; every Wait pauses here, on the runtime's
   * clock, and a callback's deadline is on that clock too, not on a library timer.
   */
  private segment(
    stateMachineArn: string,
    machine: { definition: AslDocument; functions: Record<string, LocalFunction> },
    startAt: string,
  ) {
    const { definition, functions } = machine;
    const key = `${stateMachineArn}\u0000${startAt}`;
    const known = this.segments.get(key);
    if (known) return known;
    const copy = JSON.parse(
      JSON.stringify({ ...definition, StartAt: startAt }).replaceAll(
        '$$.Execution.StartTime',
        () => '$$.Orig.StartTime',
      ),
    ) as AslDocument;
    const waits: Record<string, number> = {};
    const retryMs = this.opts.retryIntervalMs;
    const retries: Record<string, number> = {};
    for (const [name, state] of Object.entries(copy.States) as [string, StateDef][]) {
      if (state.Type === 'Wait') waits[name] = 2 ** 31 - 1;
      if (retryMs !== undefined && Array.isArray(state.Retry)) retries[name] = retryMs;
      if (state.Type === 'Task' && String(state.Resource).endsWith('.waitForTaskToken')) {
        delete state.TimeoutSecondsPath;
        state.TimeoutSeconds = 2_147_483;
      }
    }
    // The functions of this registration: register() forgets the segments of a machine registered again.
    const handlers: Record<string, TaskHandler> = {};
    for (const [name, state] of Object.entries(copy.States) as [string, StateDef][]) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      if (resource.endsWith('.waitForTaskToken')) {
        handlers[name] = (payload) => {
          const functionName = String((payload as { FunctionName?: unknown })?.FunctionName ?? resource);
          throw PauseSignal.of({ state: name, payload, functionName });
        };
      } else {
        handlers[name] = async (payload) => {
          const p = payload as { FunctionName?: string; Payload?: unknown };
          const fn = functions[String(p?.FunctionName ?? resource)];
          if (!fn)
            throw Object.assign(new Error(`No local function for ${p?.FunctionName ?? resource}`), {
              name: 'Lambda.ResourceNotFoundException',
            });
          const result = await fn(p?.Payload ?? payload);
          // The shape of arn:aws:states:::lambda:invoke's result.
          return { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: result ?? null };
        };
      }
    }
    const made = {
      copy,
      handlers,
      sm: new StateMachine(copy as never, { validationOptions: { noValidate: true } }),
      waits,
      retries: retryMs === undefined ? undefined : retries,
    };
    this.segments.set(key, made);
    return made;
  }

  /** Runs from the execution's resume point to its next pause or its end. */
  private async runSegment(arn: string): Promise<void> {
    const rec = this.executions.get(arn);
    if (rec?.status !== 'RUNNING' || rec.pause?.kind !== 'run') return;
    const machine = this.machines.get(rec.stateMachineArn);
    if (!machine) throw new Error(`No state machine ${rec.stateMachineArn}`);
    const { startAt, input, inject } = rec.pause;
    const timeout = inject?.kind === 'timeout' ? await this.timeoutError() : undefined;

    const { copy, sm, waits, retries, handlers: kept } = this.segment(rec.stateMachineArn, machine, startAt);
    // The resumed callback state answers once with what it was answered (then, entered again in
    // this segment, it pauses as any callback state): this run's own handler over the kept ones.
    let handlers = kept;
    const resumed =
      inject && String((copy.States[startAt] as StateDef | undefined)?.Resource).endsWith('.waitForTaskToken')
        ? kept[startAt]
        : undefined;
    if (inject && resumed) {
      let injected = false;
      handlers = Object.create(kept) as Record<string, TaskHandler>;
      handlers[startAt] = (payload) => {
        if (injected) return resumed(payload);
        injected = true;
        if (inject.kind === 'success') return inject.output;
        if (inject.kind === 'timeout') throw timeout;
        throw Object.assign(new Error(inject.cause), { name: inject.error });
      };
    }
    let lastFailedInput: unknown;
    let waitEntered: { state: string; input: unknown } | undefined;
    // A resumed callback state is entered again by the copy; AWS counted it once already.
    let reentry = inject !== undefined;
    let run: ReturnType<typeof sm.run> | undefined;
    // The library's events, handed over as they happen (patches/aws-local-stepfunctions: the
    // `eventListener` option) instead of through its queue, an EventTarget and an async generator
    // per event (#19). A Wait is stopped on entering it: at once, or, when it is the segment's
    // first state (entered inside sm.run), as soon as sm.run has returned; its sleep is armed by
    // then and ends on the abort either way.
    let heard = false;
    const eventListener = (ev: { type: string; state?: { name: string; type: string; input: unknown } }) => {
      heard = true;
      if (ev.type === 'StateEntered') {
        if (reentry) reentry = false;
        else rec.transitions++;
        if (ev.state?.type === 'Wait') {
          waitEntered = { state: ev.state.name, input: ev.state.input };
          run?.abort();
        }
      }
      if (ev.type === 'StateFailed') lastFailedInput = ev.state?.input;
    };
    run = sm.run(
      input as never,
      {
        overrides: {
          taskResourceLocalHandlers: handlers as never,
          waitTimeOverrides: waits,
          ...(retries ? { retryIntervalOverrides: retries } : {}),
        },
        context: {
          Execution: { Id: rec.executionArn, Name: rec.name, StartTime: rec.startDate },
          Orig: { StartTime: rec.startDate },
          Task: {
            get Token() {
              return tokenFor(rec.executionArn);
            },
          },
        } as never,
        eventListener,
        // Every segment ends in an error on purpose (a callback's pause) or an abort (a Wait): the
        // library's ExecutionError and ExecutionAbortedError are never shown, their stack traces
        // not taken (patches/aws-local-stepfunctions; the task's own error, their cause, keeps its).
        stacklessErrors: true,
      } as never,
    );
    // A library without the patch (node_modules installed before it) ignores the listener (its
    // ExecutionStarted comes inside sm.run): its event log is read instead, as before.
    const drained = heard
      ? undefined
      : (async () => {
          for await (const ev of run.eventLogs as AsyncIterable<Parameters<typeof eventListener>[0]>) eventListener(ev);
        })();
    if (waitEntered) run.abort();
    let result: unknown;
    let failure: unknown;
    try {
      result = await run.result;
    } catch (e) {
      failure = e;
    }
    await drained?.catch(() => undefined);
    if (rec.status !== 'RUNNING') return; // stopped while the segment ran

    const cause = (failure as { cause?: unknown })?.cause;
    if (cause instanceof PauseSignal) {
      const state = copy.States[cause.info.state] as StateDef;
      const now = this.opts.clock.now();
      const seconds = Number(
        state.TimeoutSeconds && state.TimeoutSeconds !== 2_147_483
          ? state.TimeoutSeconds
          : (readPath(
              lastFailedInput,
              String(machine.definition.States[cause.info.state]?.TimeoutSecondsPath ?? '$.__none'),
            ) ?? 99_999_999),
      );
      const token =
        (cause.info.payload as { Payload?: { token?: string } })?.Payload?.token ?? tokenFor(rec.executionArn);
      const pause: Extract<Pause, { kind: 'callback' }> = {
        kind: 'callback',
        state: cause.info.state,
        input: lastFailedInput,
        token,
        payload: cause.info.payload,
        functionName: cause.info.functionName,
        deadline: new Date(now.getTime() + seconds * 1000).toISOString(),
      };
      rec.pause = pause;
      this.persist(rec);
      this.armCallback(rec, pause);
      await this.invokeCallbackFunction(rec.executionArn, pause);
      return;
    }
    if (waitEntered) {
      const state = copy.States[waitEntered.state] as StateDef;
      const effective = state.InputPath ? readPath(waitEntered.input, String(state.InputPath)) : waitEntered.input;
      const now = this.opts.clock.now();
      let wakeAt: Date;
      if (state.Timestamp) wakeAt = new Date(String(state.Timestamp));
      else if (state.TimestampPath) wakeAt = new Date(String(readPath(effective, String(state.TimestampPath))));
      else if (state.SecondsPath)
        wakeAt = new Date(now.getTime() + Number(readPath(effective, String(state.SecondsPath))) * 1000);
      else wakeAt = new Date(now.getTime() + Number(state.Seconds ?? 0) * 1000);
      const output = state.OutputPath ? readPath(effective, String(state.OutputPath)) : effective;
      const pause: Extract<Pause, { kind: 'wait' }> = {
        kind: 'wait',
        state: waitEntered.state,
        next: state.End ? null : String(state.Next),
        output,
        wakeAt: wakeAt.toISOString(),
      };
      rec.pause = pause;
      this.persist(rec);
      this.armWait(rec, pause);
      return;
    }
    if (failure) {
      const err = (cause ?? failure) as Error;
      Object.assign(rec, {
        status: 'FAILED',
        error: err.name,
        cause: err.message,
        stopDate: this.opts.clock.now().toISOString(),
        pause: undefined,
      });
    } else {
      Object.assign(rec, {
        status: 'SUCCEEDED',
        output: result,
        stopDate: this.opts.clock.now().toISOString(),
        pause: undefined,
      });
    }
    this.persist(rec);
  }
}
