/**
 * Which AWS calls each Lambda function makes, recorded where the local runtime hands the handlers
 * their SDK clients: a middleware on each client notes the command and the resource it names, and
 * the function it ran in (the API, a ladder task, the reminder, the inbound-mail handler; kept in
 * an AsyncLocalStorage the runtime sets around each entry, as each is its own function in AWS).
 *
 * test/aws-permissions.test.ts evaluates every recorded call against that function's synthesised
 * role policy with an IAM policy simulator: a call its role would deny fails the test. The
 * end-to-end suites record while they run when KLACHTFLOW_AWS_CALLS names a folder (vitest sets
 * it); otherwise nothing is kept.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The Lambda functions of the stack, as lib/handlers.ts and lib/inbound-mail.ts name them. */
export type FunctionName =
  | 'api'
  | 'beginStep'
  | 'awaitAction'
  | 'deadline'
  | 'close'
  | 'continue'
  | 'reminder'
  | 'mailEvents'
  | 'inboundMail'
  | 'recoverIntake';

/** One call, reduced to what decides its permission (never a value a person wrote). */
export interface AwsCall {
  fn: FunctionName;
  service: 'dynamodb' | 'ses' | 'scheduler' | 'sfn' | 's3';
  /** The SDK command without `Command`: `PutItem`, `SendEmail`, `CreateSchedule`. */
  command: string;
  /** DynamoDB: the index a Query reads. */
  index?: string;
  /**
   * DynamoDB, a call on one item (GetItem, PutItem, UpdateItem): its partition key up to the first
   * `#` (`DOSSIER#`, `ERASING#`), which a role may be confined to (dynamodb:LeadingKeys).
   */
  keyPrefix?: string;
  /**
   * DynamoDB TransactWriteItems: the kinds of action inside (`Put`, `Update`, `Delete`,
   * `ConditionCheck`). IAM has no action of that name: each is authorised as its own
   * (PutItem, UpdateItem, DeleteItem, ConditionCheckItem).
   */
  transactActions?: string[];
  /** S3: the object key's first folder (`inbound/`, `attachments/`). */
  prefix?: string;
  /** Scheduler: whether the schedule name is one Scheduler accepts (1-64 of [0-9A-Za-z-_.]). */
  scheduleName?: { length: number; valid: boolean };
  /** SES: whether the call names a configuration set. */
  configurationSet?: boolean;
}

const current = new AsyncLocalStorage<FunctionName>();

/**
 * Whether anything in this process reads the function a call runs in: a recorder
 * (`recordAwsCalls` with KLACHTFLOW_AWS_CALLS set) or a meter (runtime/usage.ts, by function).
 * Until then the entries run their bodies as they are: Node 20's AsyncLocalStorage turns on async
 * hooks at its first `run`, a hook on every promise of the process from then on (2.3 % of the local
 * intake's answer in a CPU profile, #19), for a name nothing would read.
 */
let namesRead = false;

/** Something from now on reads which function a call runs in (a recorder or a meter). */
export function readFunctionNames(): void {
  namesRead = true;
}

/** The function the current call runs in (undefined: the runtime's own work, or a test's). */
export function currentFunction(): FunctionName | undefined {
  return current.getStore();
}

/** Runs `body` as the given function: calls made inside it are recorded as that function's. */
export function asFunction<T>(fn: FunctionName, body: () => T): T {
  return namesRead ? current.run(fn, body) : body();
}

/** Wraps a handler so each invocation runs as the given function. */
export function asFunctionHandler<A extends unknown[], R>(fn: FunctionName, handler: (...args: A) => R) {
  return (...args: A): R => (namesRead ? current.run(fn, () => handler(...args)) : handler(...args));
}

/** Every method of an object runs as the given function (the inbound-mail handler's domain code). */
export function asFunctionObject<T extends object>(fn: FunctionName, target: T): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      const v = Reflect.get(t, key, receiver);
      return typeof v === 'function' ? (...args: unknown[]) => asFunction(fn, () => v.apply(t, args)) : v;
    },
  });
}

const SCHEDULE_NAME = /^[0-9A-Za-z_.-]{1,64}$/;

/** The permission-relevant part of a command's input. */
export function describeCall(
  fn: FunctionName,
  service: AwsCall['service'],
  commandName: string,
  input: Record<string, unknown>,
): AwsCall {
  const command = commandName.replace(/Command$/, '');
  const call: AwsCall = { fn, service, command };
  if (service === 'dynamodb' && typeof input.IndexName === 'string') call.index = input.IndexName;
  const pk = ((input.Key ?? input.Item) as { pk?: unknown } | undefined)?.pk;
  if (service === 'dynamodb' && typeof pk === 'string') call.keyPrefix = pk.replace(/#.*$/s, '#');
  if (service === 'dynamodb' && Array.isArray(input.TransactItems))
    call.transactActions = [
      ...new Set((input.TransactItems as Record<string, unknown>[]).flatMap((t) => Object.keys(t))),
    ].sort();
  // The key's first folder (`inbound/`, `attachments/`): what the grants name; the rest is ids.
  if (service === 's3' && typeof input.Key === 'string') call.prefix = input.Key.replace(/\/.*$/s, '/');
  if (service === 'scheduler' && typeof input.Name === 'string')
    call.scheduleName = { length: input.Name.length, valid: SCHEDULE_NAME.test(input.Name) };
  if (service === 'ses') call.configurationSet = typeof input.ConfigurationSetName === 'string';
  return call;
}

/** What the recording reads of a call: the command's input, and its name from the context. */
type Handler = (args: { input: object }) => Promise<unknown>;
/** Any SDK v3 client (its middleware stack, as far as the recording adds to it). */
type MiddlewareClient = {
  middlewareStack: {
    add(
      mw: (next: Handler, context: { commandName?: string }) => Handler,
      opts: { step: 'initialize'; name: string },
    ): void;
  };
};

/** The folder calls are written to (KLACHTFLOW_AWS_CALLS), if any. */
function sinkDir(): string | undefined {
  return process.env.KLACHTFLOW_AWS_CALLS || undefined;
}

/** Lines written, by folder and line. */
const seen = new Set<string>();

/** Writes one distinct call of the current function to the folder. */
function record(dir: string, service: AwsCall['service'], commandName: string, input: Record<string, unknown>): void {
  const fn = current.getStore();
  // Calls outside any function (a test driving the procedure directly) are no function's.
  if (!fn) return;
  const line = JSON.stringify(describeCall(fn, service, commandName, input));
  if (seen.has(`${dir}\n${line}`)) return;
  seen.add(`${dir}\n${line}`);
  mkdirSync(dir, { recursive: true });
  // One line per distinct call, written at once: a process killed by a crash test keeps its record.
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${line}\n`);
}

/**
 * Records a call the function makes in AWS that the local runtime answered without making it: a
 * ladder task's Query of its dossier, answered from the store's memory (DynamoDossierStore
 * `known`, #19 session 16). The IAM simulation must see it, as the role must allow it there.
 */
export function recordStandIn(service: AwsCall['service'], commandName: string, input: Record<string, unknown>): void {
  const dir = sinkDir();
  if (dir) record(dir, service, commandName, input);
}

/** Records the calls of one SDK client (a no-op unless KLACHTFLOW_AWS_CALLS is set). */
export function recordAwsCalls(client: MiddlewareClient, service: AwsCall['service']): void {
  const dir = sinkDir();
  if (!dir) return;
  readFunctionNames();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      record(dir, service, String(context.commandName ?? ''), (args.input ?? {}) as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'klachtflowRecordAwsCalls' },
  );
}
