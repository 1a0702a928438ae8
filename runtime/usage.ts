// biome-ignore-all lint/suspicious/noExplicitAny: SDK middleware sees every command's own raw input and output
/**
 * What the local runtime used, counted as AWS bills it: API requests, Lambda invocations and their
 * time, DynamoDB request units, Step Functions state transitions, mails sent, schedules. The
 * simulation turns these counts into a cost per complaint with AWS's published prices
 * (bench/cost.ts); nothing here is an estimate except the request-unit sizes, which are computed
 * from the items' JSON as DynamoDB computes them from attribute names and values (close, not exact).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { currentFunction, readFunctionNames } from './aws-calls.js';

/** Any AWS SDK v3 client: all that is used is its middleware stack. */
type AnyClient = { middlewareStack: { add: (middleware: any, options: any) => void } };

export interface UsageCounts {
  /** HTTP requests to the API (API Gateway requests and API Lambda invocations in AWS). */
  apiRequests: number;
  /** Milliseconds the API took to answer them, summed (the API Lambda's duration). */
  apiMs: number;
  /** Task Lambda invocations per function (begin-step, await-action, deadline, close, ...). */
  invocations: Record<string, number>;
  /** Milliseconds spent in each function, summed (duration billing). */
  invocationMs: Record<string, number>;
  /** DynamoDB requests per operation, refused ones included (a failed conditional write is billed too). */
  dynamodbRequests: Record<string, number>;
  /** Of those, the ones DynamoDB refused, by error (ConditionalCheckFailedException: a collision). */
  dynamodbFailures: Record<string, number>;
  /**
   * Of `dynamodbRequests`, the Queries a ladder task makes in AWS that the local runtime answered
   * from its store's memory instead (DynamoDossierStore `known`, #19 session 16): counted and
   * billed as AWS makes them, so the bill does not depend on the local shortcut.
   */
  dynamodbFromMemory: number;
  /** Read request units (on demand: 1 per 4 KB strongly consistent, half that eventually). */
  readUnits: number;
  /** Write request units (on demand: 1 per 1 KB written). */
  writeUnits: number;
  /** Items written (a PutItem, UpdateItem or DeleteItem one; a transaction or batch each item in it). */
  itemsWritten: number;
  /**
   * Every counted call by the function it ran in (`api`, `beginStep`, ...; `runtime` for the
   * runtime's own) and operation (`PutItem`, `TransactWriteItems`, `StartExecution`, `SendEmail`):
   * what one request makes its caller wait for.
   */
  callsByFunction: Record<string, Record<string, number>>;
  /** Mails sent through SES. */
  mails: number;
  /** One-time schedules created in EventBridge Scheduler. */
  schedulesCreated: number;
  /** Step Functions executions started. */
  executionsStarted: number;
  /**
   * With `countCallers` on (simulate --callers): DynamoDB requests of the in-memory store by
   * operation and by who asked (the store's method, then the first caller outside the store),
   * refused ones apart: where the requests of a simulated complaint come from (#19).
   */
  dynamodbByCaller?: Record<string, number>;
}

const KB = 1024;

/**
 * An item's size as DynamoDB bills it (Developer Guide, "Item sizes and formats"): each attribute
 * name's UTF-8 bytes plus its value's: a string its UTF-8 bytes, a number about one byte per two
 * significant digits plus one, a binary its bytes, a boolean or null one byte, a list or map three
 * bytes plus one per element plus the elements (a map's names counted as an item's), a set its
 * elements. Walked over the document client's values instead of serialising them to JSON (the
 * meter's JSON of every item read was 8 % of a simulated year, #19); test/usage-size.test.ts holds
 * it to dynalite's own itemSize.
 */
export function itemBytes(item: unknown): number {
  if (item === null || typeof item !== 'object') return 0;
  let sum = 0;
  for (const k of Object.keys(item)) {
    const v = (item as Record<string, unknown>)[k];
    if (v !== undefined) sum += utf8Bytes(k) + valueBytes(v);
  }
  return sum;
}

function itemsBytes(items: unknown[]): number {
  let sum = 0;
  for (const item of items) sum += itemBytes(item);
  return sum;
}

/**
 * Below it, a string's bytes are counted here; from it, by Buffer.byteLength, which counts the same
 * natively: a commit's events are one JSON string of several kilobytes (the letters' texts), and
 * walking it a character at a time took about 100 us of CPU a commit (#19, session 14).
 */
const LONG_STRING = 64;
function utf8Bytes(s: string): number {
  if (s.length >= LONG_STRING) return Buffer.byteLength(s, 'utf8');
  // ASCII, the common case, is one byte a character; only other text needs counting.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

function valueBytes(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return utf8Bytes(v);
    case 'number':
      return numberBytes(String(v));
    case 'bigint':
      return numberBytes(v.toString());
    case 'boolean':
      return 1;
    case 'object': {
      if (v === null) return 1;
      if (v instanceof Uint8Array) return v.byteLength;
      if (v instanceof Set) {
        let sum = 0;
        for (const x of v) sum += valueBytes(x);
        return sum;
      }
      if (Array.isArray(v)) {
        let sum = 3;
        for (const x of v) if (x !== undefined) sum += 1 + valueBytes(x);
        return sum;
      }
      // A number the document client keeps as text (NumberValue).
      if (typeof (v as { value?: unknown }).value === 'string' && v.constructor?.name === 'NumberValue')
        return numberBytes((v as { value: string }).value);
      let sum = 3;
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== undefined) sum += 1 + utf8Bytes(k) + valueBytes(x);
      }
      return sum;
    }
    default:
      return 0;
  }
}

/**
 * A number's bytes: its significant digits two to a byte, one byte for the exponent, one more
 * where the digits and the exponent leave a half byte over, one for a minus sign (as dynalite
 * computes it from the number's decimal digits and exponent).
 */
function numberBytes(text: string): number {
  let s = text.trim();
  const negative = s.startsWith('-');
  if (negative || s.startsWith('+')) s = s.slice(1);
  let exp = 0;
  const e = s.search(/e/i);
  if (e >= 0) {
    exp = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  const dot = s.indexOf('.');
  const intPart = dot < 0 ? s : s.slice(0, dot);
  const digits = intPart + (dot < 0 ? '' : s.slice(dot + 1));
  let first = 0;
  while (first < digits.length && digits[first] === '0') first++;
  if (first === digits.length) return 1;
  let last = digits.length;
  while (last > first && digits[last - 1] === '0') last--;
  const count = last - first;
  // The power of ten of the first significant digit.
  const power = intPart.length - 1 - first + exp;
  return 1 + Math.ceil(count / 2) + (count % 2 || power % 2 ? 0 : 1) + (negative ? 1 : 0);
}

/** The bytes of an item or a list of items (none for nothing). */
function size(v: unknown): number {
  return v === undefined ? 0 : Array.isArray(v) ? itemsBytes(v) : itemBytes(v);
}

/**
 * A command's operation (`PutItemCommand` -> `PutItem`), made once per command name: the meter
 * made it with a regular expression for every DynamoDB request, a new string each time that then
 * keyed the counts (#19, session 17). Bounded: past OPS_KNOWN names it is made each time.
 */
const OPS_KNOWN = 256;
const ops = new Map<string, string>();
function opOf(commandName: string): string {
  let op = ops.get(commandName);
  if (op === undefined) {
    op = commandName.replace(/Command$/, '');
    if (ops.size < OPS_KNOWN) ops.set(commandName, op);
  }
  return op;
}

/** Read units for so many bytes: one per 4 KB strongly consistent, half that eventually. */
function reads(bytes: number, consistent: boolean): number {
  return Math.max(1, Math.ceil(bytes / (4 * KB))) * (consistent ? 1 : 0.5);
}

export class Usage {
  readonly counts: UsageCounts = {
    apiRequests: 0,
    apiMs: 0,
    invocations: {},
    invocationMs: {},
    dynamodbRequests: {},
    dynamodbFailures: {},
    callsByFunction: {},
    dynamodbFromMemory: 0,
    readUnits: 0,
    writeUnits: 0,
    itemsWritten: 0,
    mails: 0,
    schedulesCreated: 0,
    executionsStarted: 0,
  };

  /**
   * Set inside `unmetered`'s work and what it awaits, not elsewhere: the ladders of other dossiers
   * go on meanwhile in the same process and are billed (a pause of the whole meter did not count
   * their requests: 94 PutItems of a 200-complaint year, #19 session 9). Enabled only while such
   * work runs: Node 20's AsyncLocalStorage puts a hook on every promise of the process from its
   * first `run` until it is disabled (2.6 % of a simulated year's CPU in async_hooks, #19 session 15;
   * test/usage-hooks.test.ts).
   */
  private readonly unmeteredWork = new AsyncLocalStorage<true>();
  /** Pieces of unmetered work under way: the storage is disabled when the last one ends. */
  private unmeteredRunning = 0;
  private get paused(): boolean {
    return this.unmeteredWork.getStore() === true;
  }
  /** Whether calls are counted by the function they run in (`callsByFunction`). */
  private readonly countsByFunction: boolean;

  /**
   * Off (the default for `npm start`), nothing is wrapped or measured: the meter costs a JSON
   * serialisation per DynamoDB request, which only a simulation or a cost test needs.
   * `byFunction: false` (the simulation, which never reports them): no `callsByFunction`, so the
   * names of the functions need not follow every call (aws-calls.ts: a hook on every promise).
   */
  constructor(
    readonly enabled = false,
    opts: { byFunction?: boolean } = {},
  ) {
    this.countsByFunction = enabled && (opts.byFunction ?? true);
    // The meter counts calls by the function they run in (`byFunction`).
    if (this.countsByFunction) readFunctionNames();
  }

  /** Counts the in-memory store's requests by caller too (see dynamodbByCaller): a stack trace each, for a bench only. */
  countCallers(): void {
    this.counts.dynamodbByCaller ??= {};
  }

  private byCaller(op: string, refused: boolean): void {
    const counts = this.counts.dynamodbByCaller;
    if (!counts) return;
    // The async stack: the store's method, then the first frame outside the store and this meter.
    const frames = (new Error().stack ?? '').split('\n').map((l) => l.trim());
    const name = (l: string | undefined) =>
      l?.replace(/^at (async )?/, '').replace(/\(.*\/([\w.-]+\.tsx?):(\d+):\d+\)$/, '($1:$2)') ?? '?';
    const store = frames.find((l) => l.includes('DynamoDossierStore.'));
    const callers = frames
      .filter((l) => /\/(lambdas|runtime)\//.test(l) && !/dynamodb-store|memory-dynamodb|usage\./.test(l))
      .slice(0, 2);
    const key = `${op}${refused ? ' (geweigerd)' : ''} ${name(store)} <- ${callers.map(name).join(' <- ') || '?'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }

  /**
   * Runs `fn` without counting what it does: what a simulation does only to watch (not what a
   * person or the ladder does) must not be billed. What runs meanwhile outside `fn` is counted.
   */
  unmetered<T>(fn: () => Promise<T>): Promise<T> {
    this.unmeteredRunning++;
    let work: Promise<T>;
    try {
      work = this.unmeteredWork.run(true, fn);
    } catch (e) {
      this.unmeteredDone();
      throw e;
    }
    return work.finally(() => this.unmeteredDone());
  }

  /** The last unmetered work ended: no hook on the promises made from now on (see unmeteredWork). */
  private unmeteredDone(): void {
    if (--this.unmeteredRunning === 0) this.unmeteredWork.disable();
  }

  /** A copy of the counts, so a caller can take the difference between two moments. */
  snapshot(): UsageCounts {
    return structuredClone(this.counts);
  }

  /** Wraps a task handler: each call is one Lambda invocation in AWS. */
  invocation<A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    if (!this.enabled) return fn;
    return async (...args: A) => {
      const started = performance.now();
      try {
        return await fn(...args);
      } finally {
        this.counts.invocations[name] = (this.counts.invocations[name] ?? 0) + 1;
        this.counts.invocationMs[name] = (this.counts.invocationMs[name] ?? 0) + (performance.now() - started);
      }
    };
  }

  /** Counts DynamoDB requests and their request units on a client (both the table and its indexes). */
  meterDynamoDb(client: AnyClient): void {
    if (!this.enabled) return;
    client.middlewareStack.add(
      (next: any, context: any) => async (args: any) => {
        const op = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        let result: any;
        try {
          result = await next(args);
        } catch (e) {
          // A refused write is a round trip and billed as a write (DynamoDB charges a failed
          // conditional write); counting it shows collisions a retry loop would otherwise hide.
          if (!this.paused) {
            const name = (e as Error).name ?? 'Error';
            this.counts.dynamodbRequests[op] = (this.counts.dynamodbRequests[op] ?? 0) + 1;
            this.byFunction(op);
            this.counts.dynamodbFailures[name] = (this.counts.dynamodbFailures[name] ?? 0) + 1;
            this.units(op, args.input, undefined);
          }
          throw e;
        }
        if (this.paused) return result;
        this.counts.dynamodbRequests[op] = (this.counts.dynamodbRequests[op] ?? 0) + 1;
        this.byFunction(op);
        this.units(op, args.input, result.output);
        return result;
      },
      { step: 'initialize', name: 'klachtflowUsage' },
    );
  }

  /** Counts the requests of the in-memory DynamoDB (the simulation's store) as meterDynamoDb counts the SDK's. */
  meterMemoryDynamoDb(db: {
    observe(o: (commandName: string, input: any, output: any, readBytes?: number, writeBytes?: number) => void): void;
    observeRefusals(o: (commandName: string, input: any, error: Error, writeBytes?: number) => void): void;
  }): void {
    if (!this.enabled) return;
    db.observe((commandName, input, output, readBytes, writeBytes) => {
      if (this.paused) return;
      const op = opOf(commandName);
      this.counts.dynamodbRequests[op] = (this.counts.dynamodbRequests[op] ?? 0) + 1;
      this.byFunction(op);
      this.byCaller(op, false);
      this.units(op, input, output, readBytes, writeBytes);
    });
    // A refused request counted as meterDynamoDb counts it: the simulated year left out every
    // collision before (#19: about 2.5 refused PutItems a complaint, test/usage-refused.test.ts).
    db.observeRefusals((commandName, input, error, writeBytes) => {
      if (this.paused) return;
      const op = opOf(commandName);
      this.counts.dynamodbRequests[op] = (this.counts.dynamodbRequests[op] ?? 0) + 1;
      const name = error.name ?? 'Error';
      this.counts.dynamodbFailures[name] = (this.counts.dynamodbFailures[name] ?? 0) + 1;
      this.byFunction(op);
      this.byCaller(op, true);
      this.units(op, input, undefined, undefined, writeBytes);
    });
  }

  /**
   * A ladder task's Query of its dossier answered from the store's memory (`known`): counted and
   * billed as the Query it makes in AWS, consistent, of the commits since the version it knows
   * (none: the store knew the latest), as the local Query of the same commits was before.
   */
  dossierReadFromMemory(): void {
    if (!this.enabled || this.paused) return;
    this.counts.dynamodbRequests.Query = (this.counts.dynamodbRequests.Query ?? 0) + 1;
    this.counts.dynamodbFromMemory++;
    this.byFunction('Query');
    const counts = this.counts.dynamodbByCaller;
    if (counts) counts['(uit het geheugen) Query known'] = (counts['(uit het geheugen) Query known'] ?? 0) + 1;
    this.units('Query', { ConsistentRead: true }, { Items: [] }, 0);
  }

  /** Counts one kind of AWS call on a client (SES SendEmail, Scheduler CreateSchedule, SFN StartExecution). */
  meterCalls(client: AnyClient, command: string, field: 'mails' | 'schedulesCreated' | 'executionsStarted'): void {
    if (!this.enabled) return;
    client.middlewareStack.add(
      (next: any, context: any) => async (args: any) => {
        const result = await next(args);
        if (!this.paused && context.commandName === `${command}Command`) {
          this.counts[field]++;
          this.byFunction(command);
        }
        return result;
      },
      { step: 'initialize', name: `klachtflowUsage${command}` },
    );
  }

  /** Wraps one API request: counted, and timed until its answer is ready. */
  async apiRequest<T>(answer: () => Promise<T> | T): Promise<T> {
    if (this.paused || !this.enabled) return answer();
    const started = performance.now();
    try {
      return await answer();
    } finally {
      this.counts.apiRequests++;
      this.counts.apiMs += performance.now() - started;
    }
  }

  private byFunction(op: string): void {
    if (!this.countsByFunction) return;
    const fn = currentFunction() ?? 'runtime';
    const calls = this.counts.callsByFunction[fn] ?? {};
    calls[op] = (calls[op] ?? 0) + 1;
    this.counts.callsByFunction[fn] = calls;
  }

  /**
   * `readBytes`: the bytes of what a GetItem or Query read, where the store knows them (the memory
   * store's, per stored item); `writeBytes`: a PutItem's item's, where the store measured them
   * (the memory store: itemBytes of the same item, for its size limit).
   */
  private units(op: string, input: any, output: any, readBytes?: number, writeBytes?: number): void {
    // Without an empty list and object made for every other request to loop over (#19, session 17).
    if (op === 'PutItem' || op === 'UpdateItem' || op === 'DeleteItem') this.counts.itemsWritten++;
    else if (op === 'TransactWriteItems') {
      for (const t of input.TransactItems as Record<string, unknown>[])
        if (t.Put || t.Update || t.Delete) this.counts.itemsWritten++;
    } else if (op === 'BatchWriteItem')
      for (const requests of Object.values(input.RequestItems ?? {}) as unknown[][])
        this.counts.itemsWritten += requests.length;
    switch (op) {
      case 'PutItem':
        this.counts.writeUnits += Math.max(1, Math.ceil((writeBytes ?? size(input.Item)) / KB));
        break;
      case 'UpdateItem':
      case 'DeleteItem':
        // Billed on the larger item of before and after; without the returned item, the key and the
        // new values are the floor (the items klachtflow updates are small counters and leases).
        this.counts.writeUnits += Math.max(
          1,
          Math.ceil(Math.max(size(output?.Attributes), size(input.Key) + size(input.ExpressionAttributeValues)) / KB),
        );
        break;
      case 'TransactWriteItems':
        // Transactional writes cost two write units per KB of each item (DynamoDB pricing), a
        // condition check on its own one per KB read; the updated items here are small.
        for (const t of (input.TransactItems ?? []) as Record<string, any>[]) {
          if (t.Put) this.counts.writeUnits += 2 * Math.max(1, Math.ceil(size(t.Put.Item) / KB));
          else if (t.Update)
            this.counts.writeUnits +=
              2 * Math.max(1, Math.ceil((size(t.Update.Key) + size(t.Update.ExpressionAttributeValues)) / KB));
          else if (t.Delete) this.counts.writeUnits += 2 * Math.max(1, Math.ceil(size(t.Delete.Key) / KB));
          else if (t.ConditionCheck) this.counts.readUnits += 2;
        }
        break;
      case 'BatchWriteItem':
        for (const requests of Object.values(input.RequestItems ?? {}) as unknown[][])
          for (const r of requests as { PutRequest?: { Item: unknown } }[])
            this.counts.writeUnits += Math.max(1, Math.ceil(size(r.PutRequest?.Item) / KB));
        break;
      case 'GetItem':
        this.counts.readUnits += reads(readBytes ?? size(output?.Item), input.ConsistentRead === true);
        break;
      case 'Query':
      case 'Scan':
        // A query is billed on the total size of the items it read, rounded up once.
        this.counts.readUnits += reads(readBytes ?? size(output?.Items), input.ConsistentRead === true);
        break;
      case 'BatchGetItem':
        for (const items of Object.values(output?.Responses ?? {}) as unknown[][])
          for (const item of items) this.counts.readUnits += reads(size(item), false);
        break;
    }
  }
}
