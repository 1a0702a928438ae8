/**
 * `npm run bench`: performance figures of the local runtime on this machine, printed, never
 * asserted. Intake throughput and latency (p50, p99) at 1 and 16 concurrent clients, the raw
 * dynalite PutItem rate measured in the same run (and the ratio), start-up time to ready (in
 * this process and as `klachtflow start`), the load time of each handler module, and each Lambda
 * bundle as NodejsFunction builds it: its size (minified, bytes) and its cold import time in a
 * fresh process (median of LOAD_RUNS). Bundles are cached in a temp folder (test/support/bundles.ts).
 *
 *   npm run bench                     # a table
 *   npm run bench -- --json           # one JSON object
 *   npm run bench -- --requests 100   # intake requests per concurrency level (default 400)
 *   npm run bench -- --only intake    # one part: intake, startup, bundles or year
 *   npm run bench -- --rounds 3       # intake and raw PutItem at 16 clients alternated 3 times (default 5)
 *   npm run bench -- --sim 1000,3000,10000 # simulated years side by side (default 300,1000)
 *   npm run bench -- --heap 200,2000  # complaints to closure per heap probe in memory (default)
 *   npm run bench -- --heap-dynalite 50,200 # the same on dynalite, as npm start runs it (default)
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { type HandlerName, HANDLERS as LAMBDAS } from '../lib/handlers.js';
import { localDynamoDbClient, startDynalite } from '../runtime/dynamodb.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import { INTAKE_QUIET_MS, startRuntime } from '../runtime/runtime.js';
import { bundleHandler, loadBundle } from '../test/support/bundles.js';
import { readyUrl } from '../test/support/process.js';
import { SANNE, testRuntime } from '../test/support/runtime.js';
import { heapScaling, simulationScaling } from './simulation-scaling.js';

const execFileAsync = promisify(execFile);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
/**
 * Intake requests per concurrency level and round. 400, not 100 (until session 18): a round of 100
 * at 16 clients lasted about 0.3 s, and its ratio moved 0.62-1.01 between rounds of the same run.
 */
const requests = Number(args[args.indexOf('--requests') + 1]) || 400;
/** Rounds of intake and raw PutItem at 16 clients, alternated (`--rounds 3`; default 5). */
const roundCount = (args.includes('--rounds') && Number(args[args.indexOf('--rounds') + 1])) || 5;
/** One part only: `intake` (with the raw store and the calls), `startup`, `bundles`, or `year`. */
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const say = (line: string) => {
  if (!asJson) process.stderr.write(`${line}\n`);
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
/** A comma-separated list of numbers after `name` (`--sim 1000,10000`), or the default. */
const listArg = (name: string, fallback: number[]) => {
  const i = args.indexOf(name);
  const list =
    i >= 0
      ? (args[i + 1] ?? '')
          .split(',')
          .map(Number)
          .filter((x) => x > 0)
      : [];
  return list.length ? list : fallback;
};

/**
 * Runs `n` calls of `one` with `concurrency` at a time; latencies in ms, the rate per second, and
 * the process's CPU time per call (user + system, all threads): on a machine shared with others the
 * wall-clock rate moves with their load, the CPU per call much less.
 */
async function load(n: number, concurrency: number, one: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await one(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return {
    requests: n,
    concurrency,
    perSecond: round(n / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    cpuMsPerCall: round((cpu.user + cpu.system) / 1000 / n, 2),
    startedAt: t0,
  };
}

/** The acknowledgement's subject (ons-welzijn): the first letter of every complaint's ladder. */
const ACKNOWLEDGEMENT = /\] Wij hebben uw klacht ontvangen$/;

/**
 * Intake at `concurrency` clients on a fresh runtime: the answers' rate, latency and this process's
 * CPU per answer, then the time and CPU until every acknowledgement is in the mailbox. The clients
 * run in this process (`in-process`, as the bench always measured them) or in a process of their
 * own (`apart`, bench/intake-client.mjs), where their HTTP client's work is no longer counted as
 * the runtime's (in use it runs in the complainants' browsers).
 */
async function intake(concurrency: number, clients: 'in-process' | 'apart' = 'in-process') {
  // Intake is measured, not the limit per caller (all clients are 127.0.0.1): testRuntime sets none
  // (the limits' items are written all the same). Durable as `npm start` is: the tests' runtimes
  // skip the flushes, which an organisation's runtime makes.
  // The ladders of the burst wait for its end as `klachtflow start`'s do (INTAKE_QUIET_MS).
  const rt = await testRuntime('ons-welzijn', undefined, undefined, { durable: true, intakeQuietMs: INTAKE_QUIET_MS });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const apart = clients === 'apart' ? await clientsApart(rt.url, concurrency) : undefined;
  try {
    // Warm up: the first requests compile and connect.
    for (let i = 0; i < 5; i++) await post(rt.url, agent);
    await apart?.ready;
    await rt.stepFunctions.idle();
    const acknowledgements = () => rt.mailbox.all().filter((m) => ACKNOWLEDGEMENT.test(m.subject)).length;
    const before = acknowledgements();
    const cpu0 = process.cpuUsage();
    const r = apart ? await apart.run() : await load(requests, concurrency, async () => post(rt.url, agent));
    // Ladders that ran while complaints were still being answered (IntakePriority lets them when
    // no complaint is in flight, or after its longest wait): their CPU is in the answers' figure.
    const acknowledgedWhileAnswering = acknowledgements() - before;
    // The work the answers did not wait for: every ladder up to its first wait, which sends the
    // acknowledgement. Until then the intake is not done, whatever the answers' rate says.
    await rt.stepFunctions.idle();
    const seconds = (performance.now() - r.startedAt) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const acknowledged = acknowledgements() - before;
    if (acknowledged !== requests) throw new Error(`${acknowledged} acknowledgements for ${requests} complaints`);
    const { startedAt: _, ...answers } = r;
    return {
      ...answers,
      clients,
      acknowledgedWhileAnswering,
      toAcknowledgement: {
        perSecond: round(requests / seconds),
        seconds: round(seconds, 2),
        cpuMsPerComplaint: round((cpu.user + cpu.system) / 1000 / requests, 2),
      },
    };
  } finally {
    apart?.child.kill();
    agent.destroy();
    await rt.stop();
    rmSync(rt.dataDir, { recursive: true, force: true });
  }
}

/**
 * The complainants in a child process (bench/intake-client.mjs): `ready` once its sockets are
 * open; `run()` sends `requests` complaints and gives load()'s figures, with this process's CPU
 * (the runtime's alone) per answer and the client's own beside.
 */
async function clientsApart(url: string, concurrency: number) {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'intake-client.mjs'), url, String(requests), String(concurrency), BODY],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffered = '';
  child.stdout.on('data', (d) => {
    buffered += d;
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the intake client exited (${code})`))),
  );
  exited.catch(() => undefined);
  const nextLine = () =>
    Promise.race([
      lines.length ? Promise.resolve(lines.shift() as string) : new Promise<string>((r) => waiting.push(r)),
      exited,
    ]);
  const ready = nextLine().then((line) => {
    if (line !== 'ready') throw new Error(`the intake client said ${line}`);
  });
  const run = async () => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    child.stdin.write('go\n');
    const out = JSON.parse(await nextLine()) as { ms: number; latencies: number[]; cpuMs: number };
    const cpu = process.cpuUsage(cpu0);
    return {
      requests,
      concurrency,
      perSecond: round(requests / (out.ms / 1000)),
      p50Ms: round(percentile(out.latencies, 50)),
      p99Ms: round(percentile(out.latencies, 99)),
      cpuMsPerCall: round((cpu.user + cpu.system) / 1000 / requests, 2),
      clientCpuMsPerCall: round(out.cpuMs / requests, 2),
      startedAt: t0,
    };
  };
  return { child, ready, run };
}

const BODY = JSON.stringify(SANNE);

/**
 * One complaint through node:http with a keep-alive agent. fetch (undici, with web streams) cost
 * this process about 3 ms of CPU per request, more than a raw PutItem: the load generator was
 * measured as much as the intake (the raw PutItem's client is the SDK, as the API's own calls are).
 */
function post(url: string, agent?: Agent): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: '/complaints',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 ? resolve() : reject(new Error(`intake answered ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(BODY);
  });
}

/**
 * What one `POST /complaints` costs in calls (#19): the AWS calls the API function makes while the
 * request runs (what a complainant waits for; in AWS each DynamoDB round trip is 5-10 ms), counted
 * by the runtime's meter per function (runtime/usage.ts), and every call of every function up to
 * the acknowledgement (the ladder's first steps, run by the manual clock), with the writes that
 * collided (refused conditional writes). The median of `n` intakes after a warm-up; the
 * collisions summed over all of them.
 */
async function intakeCalls(n = 20) {
  const rt = await testRuntime('ons-welzijn', undefined, undefined, { meter: true });
  type Counts = ReturnType<typeof rt.usage.snapshot>;
  const sum = (o: Record<string, number> | undefined) => Object.values(o ?? {}).reduce((a, b) => a + b, 0);
  const diff = (a: Record<string, number> | undefined, b: Record<string, number> | undefined) =>
    Object.fromEntries(
      Object.entries(b ?? {})
        .map(([k, v]) => [k, v - (a?.[k] ?? 0)] as const)
        .filter(([, v]) => v !== 0),
    );
  const dynamo = (c: Counts) => sum(c.dynamodbRequests);
  const others = (c: Counts) => c.mails + c.schedulesCreated + c.executionsStarted;
  const advance = () =>
    fetch(`${rt.url}/local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: 'PT0S' }),
    }).then((r) => r.arrayBuffer());
  try {
    for (let i = 0; i < 3; i++) {
      await post(rt.url);
      await advance();
    }
    const request: number[] = [];
    const requestDynamo: number[] = [];
    const upToAck: number[] = [];
    const awsOther: number[] = [];
    const itemsInRequest: number[] = [];
    const unitsInRequest: number[] = [];
    let collisions = 0;
    const ops: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      await rt.stepFunctions.idle();
      const a = rt.usage.snapshot();
      await post(rt.url);
      const b = rt.usage.snapshot();
      await advance();
      await rt.stepFunctions.idle();
      const c = rt.usage.snapshot();
      const api = diff(a.callsByFunction.api, b.callsByFunction.api);
      request.push(sum(api));
      requestDynamo.push(sum(api) - (api.StartExecution ?? 0));
      upToAck.push(dynamo(c) - dynamo(a));
      awsOther.push(others(c) - others(a));
      itemsInRequest.push(b.itemsWritten - a.itemsWritten);
      unitsInRequest.push(b.writeUnits - a.writeUnits);
      collisions += sum(c.dynamodbFailures) - sum(a.dynamodbFailures);
      for (const [k, v] of Object.entries(api)) ops[k] = (ops[k] ?? 0) + v;
    }
    // Per intake on average, not one intake's: the reference counter is asked once per block of
    // references (dynamodb-store.ts nextReference), which one sample would show or hide by chance.
    const mean = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length, 2);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
    return {
      intakes: n,
      callsInRequest: median(request),
      callsInRequestMax: Math.max(...request),
      dynamodbInRequest: median(requestDynamo),
      /** Items the request writes (a transaction's each), and their write request units as DynamoDB bills them. */
      itemsWrittenInRequest: mean(itemsInRequest),
      writeUnitsInRequest: mean(unitsInRequest),
      requestByOperation: Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, round(v / n, 2)])),
      dynamodbUpToAcknowledgement: median(upToAck),
      otherAwsCallsUpToAcknowledgement: median(awsOther),
      refusedWritesUpToAcknowledgement: collisions,
    };
  } finally {
    await rt.stop();
    rmSync(rt.dataDir, { recursive: true, force: true });
  }
}

/** The raw write rate of dynalite on disk: the ceiling intake runs under. */
async function rawPutItem(concurrency: number) {
  const dir = mkdtempSync(join(tmpdir(), 'kf-bench-raw-'));
  const db = await startDynalite(join(dir, 'dynamodb'), { rememberParses: true });
  // The runtime's own client (runtime/dynamodb.ts): the same SDK configuration on both sides,
  // its middleware resolved once per command class as the runtime's is (runtime.ts), so the raw
  // side is not slowed by work the runtime no longer does.
  const client = localDynamoDbClient(db.endpoint, undefined, { cacheMiddleware: true });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: 'raw',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    // dynalite makes a new table ACTIVE on a timer (createTableMs, even 0): a PutItem before that is
    // ResourceNotFoundException, which stopped the bench here.
    for (let i = 0; i < 100; i++) {
      const t = await client.send(new DescribeTableCommand({ TableName: 'raw' }));
      if (t.Table?.TableStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const item = (i: number) => ({
      pk: { S: `DOSSIER#${i}` },
      sk: { S: 'EVENT#000001' },
      events: { S: JSON.stringify({ type: 'received', data: SANNE }) },
    });
    for (let i = 0; i < 20; i++) await client.send(new PutItemCommand({ TableName: 'raw', Item: item(-i - 1) }));
    return await load(requests * 5, concurrency, async (i) => {
      await client.send(new PutItemCommand({ TableName: 'raw', Item: item(i) }));
    });
  } finally {
    client.destroy();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startupInProcess() {
  const dir = mkdtempSync(join(tmpdir(), 'kf-bench-start-'));
  const t = performance.now();
  const rt = await startRuntime({ regulation: 'ons-welzijn', port: 0, dataDir: dir, clock: 'manual' });
  const ms = performance.now() - t;
  await rt.stop();
  rmSync(dir, { recursive: true, force: true });
  return round(ms);
}

/** `klachtflow start` (what `npm start` runs) until /health answers. */
async function startupProcess() {
  const dir = mkdtempSync(join(tmpdir(), 'kf-bench-start-'));
  const t = performance.now();
  const child = spawn(
    process.execPath,
    ['bin/klachtflow.js', 'start', '--data', dir, '--port', '0', '--smtp-port', '0'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  try {
    for (;;) {
      const base = readyUrl(out);
      try {
        if (base && (await fetch(`${base}/health`)).status === 200) break;
      } catch {}
      if (child.exitCode !== null) throw new Error('klachtflow start exited');
      if (performance.now() - t > 60_000) throw new Error('klachtflow start not ready in 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    return round(performance.now() - t);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const HANDLERS = [
  'api',
  'begin-step',
  'await-action',
  'deadline-passed',
  'close-dossier',
  'continue-ladder',
  'send-reminder',
];

/** Each handler module imported in a fresh Node process (through tsx, as the runtime runs it). */
async function handlerLoad(name: string): Promise<number> {
  const code = `const t=performance.now();await import('./lambdas/${name}.ts');process.stdout.write(String(performance.now()-t));`;
  return round(Number(await nodeChild(['--import', 'tsx', '--input-type=module', '-e', code], name)));
}

/**
 * Runs `node <args>` in the project with the bench's environment; its stdout, or an error with its
 * stderr (node's execFile, which gathers both).
 */
async function nodeChild(args: string[], label: string, env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync(process.execPath, args, {
      env: {
        ...process.env,
        AWS_REGION: 'eu-west-1',
        TABLE_NAME: 'bench',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...env,
      },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    throw new Error(`${label}: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`);
  }
}

/** Cold imports per bundle; the median is reported. */
const LOAD_RUNS = 5;

/** Each Lambda bundle: bytes of the minified index.mjs and its cold import time (median). */
async function lambdaBundles() {
  const out: Record<string, { bytes: number; loadMsMedian: number; loadMsRuns: number[] }> = {};
  for (const name of Object.keys(LAMBDAS) as HandlerName[]) {
    const bundle = await bundleHandler(name);
    const runs: number[] = [];
    for (let i = 0; i < LOAD_RUNS; i++) runs.push(round((await loadBundle(bundle)).loadMs));
    const sorted = [...runs].sort((a, b) => a - b);
    out[name] = {
      bytes: bundle.bytes,
      loadMsMedian: sorted[Math.floor(sorted.length / 2)] as number,
      loadMsRuns: runs,
    };
  }
  return out;
}

/** Intake against the raw store, side by side in one run, and what one intake calls. */
async function intakeSection() {
  say(`intake: ${requests} complaints per level (POST /complaints on the local runtime, ons-welzijn)`);
  // Wall-clock rates move with the other users of a shared machine: the load is printed with them.
  const loadAverage = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  say(`  load average ${loadAverage()} on ${cpus().length} cores`);
  const line = (r: Awaited<ReturnType<typeof intake>>) =>
    `${r.perSecond} /s answered   p50 ${r.p50Ms} ms   p99 ${r.p99Ms} ms   ${r.cpuMsPerCall} ms CPU each${'clientCpuMsPerCall' in r ? ` (the clients ${r.clientCpuMsPerCall} ms apart)` : ''} (${r.acknowledgedWhileAnswering} acknowledgements sent meanwhile);  to the last acknowledgement ${r.toAcknowledgement.perSecond} /s (${r.toAcknowledgement.seconds} s, ${r.toAcknowledgement.cpuMsPerComplaint} ms CPU per complaint)`;
  // What one intake writes, first: the issue's ceiling divides the raw rate by it.
  const calls = await intakeCalls();
  say(
    `calls per intake: in POST /complaints ${calls.callsInRequest} SDK calls, one after the other (max ${calls.callsInRequestMax}: ${Object.entries(
      calls.requestByOperation,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}), of which ${calls.dynamodbInRequest} DynamoDB round trips, writing ${calls.itemsWrittenInRequest} items of ${calls.writeUnitsInRequest} write units as DynamoDB bills them (1 KB each, twice in a transaction); up to the acknowledgement ${calls.dynamodbUpToAcknowledgement} DynamoDB round trips and ${calls.otherAwsCallsUpToAcknowledgement} other SDK calls (StartExecution, SendEmail, CreateSchedule); ${calls.refusedWritesUpToAcknowledgement} refused (colliding) writes in ${calls.intakes} intakes`,
  );
  // "Writes per intake": the items one POST /complaints writes (each item of its transaction, the
  // reference counter once per ten), as dynalite writes them and DynamoDB counts a transaction's
  // writes; the write requests (round trips) that carry them are printed beside, never instead.
  const items = calls.itemsWrittenInRequest;
  const writeRequests = Object.entries(calls.requestByOperation)
    .filter(([k]) => /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)$/.test(k))
    .reduce((a, [, v]) => round(a + v, 2), 0);
  const intake1 = await intake(1);
  say(`  1 client    ${line(intake1)}`);
  const { startedAt: _1, ...raw1 } = await rawPutItem(1);
  say(
    `  raw dynalite PutItem, 1 client: ${raw1.perSecond} /s   p50 ${raw1.p50Ms} ms   p99 ${raw1.p99Ms} ms   ${raw1.cpuMsPerCall} ms CPU each`,
  );
  // 16 clients, the issue's figure: intake and the raw PutItem alternated, round after round, so
  // the other users of the machine weigh on both sides alike; the median round is the figure.
  // Each round measures intake twice: with the complainants' HTTP clients in a process of their own
  // (the runtime's work alone, as in use: the figure) and in this process (as measured until
  // 2026-12-04, where the clients took the answers' core); the raw PutItem's client is the
  // runtime's own kind of client (the SDK), whose work the runtime does for each of its writes.
  type Side = { intake: Awaited<ReturnType<typeof intake>>; ratio: number; cpuRatio: number };
  const rounds: {
    apart: Side;
    inProcess: Side;
    raw: Omit<Awaited<ReturnType<typeof load>>, 'startedAt'>;
    loadAverage: string;
  }[] = [];
  const side = (a: Awaited<ReturnType<typeof intake>>, raw: { perSecond: number; cpuMsPerCall: number }): Side => ({
    intake: a,
    ratio: round(a.perSecond / (raw.perSecond / items), 2),
    cpuRatio: round((raw.cpuMsPerCall * items) / a.cpuMsPerCall, 2),
  });
  // A first round, not counted: the process's own code is compiled while it runs. In session 18 the
  // first of three rounds cost the runtime 4.3 ms of CPU an answer where the next two cost 3.5-3.9
  // (the raw side's first round was not slower), so the median leaned on one cold round of three.
  {
    const warm = await intake(16, 'apart');
    const { startedAt: _w, ...rawWarm } = await rawPutItem(16);
    say(
      `  16 clients, a warm-up round (not counted): intake ${warm.perSecond} /s, ${warm.cpuMsPerCall} ms CPU each; raw dynalite PutItem ${rawWarm.perSecond} /s, ${rawWarm.cpuMsPerCall} ms CPU each`,
    );
  }
  for (let r = 0; r < roundCount; r++) {
    const apart = await intake(16, 'apart');
    const inProcess = await intake(16, 'in-process');
    const { startedAt: _16, ...raw } = await rawPutItem(16);
    const round_ = { apart: side(apart, raw), inProcess: side(inProcess, raw), raw, loadAverage: loadAverage() };
    rounds.push(round_);
    say(`  16 clients, round ${r + 1}, clients apart:     ${line(apart)}`);
    say(`                      clients in process: ${line(inProcess)}`);
    say(
      `                      raw dynalite PutItem ${raw.perSecond} /s   p50 ${raw.p50Ms} ms   p99 ${raw.p99Ms} ms   ${raw.cpuMsPerCall} ms CPU each (${requests * 5} items);  ratio ${round_.apart.ratio} apart (in CPU ${round_.apart.cpuRatio}), ${round_.inProcess.ratio} in process (in CPU ${round_.inProcess.cpuRatio})   (load average ${loadAverage()})`,
    );
  }
  const median = (key: 'apart' | 'inProcess') => {
    const sorted = [...rounds].sort((x, y) => x[key].ratio - y[key].ratio);
    return {
      mid: sorted[Math.floor(sorted.length / 2)] as (typeof rounds)[number],
      ratios: sorted.map((r) => r[key].ratio),
      cpuRatios: rounds.map((r) => r[key].cpuRatio).sort((x, y) => x - y),
    };
  };
  const apart = median('apart');
  const inProcess = median('inProcess');
  const mid = apart.mid;
  const ceiling = round(mid.raw.perSecond / items);
  say(
    `INTAKE AT 16 CLIENTS ÷ (RAW PUTITEM ÷ WRITES PER INTAKE): ${mid.apart.ratio} (median of ${rounds.length} rounds: ${apart.ratios.join(', ')}; the aim is 0.8: ${mid.apart.ratio >= 0.8 ? 'reached' : 'not reached'}); with the clients in the runtime's process ${inProcess.mid.inProcess.ratio} (${inProcess.ratios.join(', ')})`,
  );
  say(
    `  the median round: intake ${mid.apart.intake.perSecond} answers/s; raw dynalite PutItem ${mid.raw.perSecond} /s ÷ ${items} writes per intake (items written, in ${writeRequests} write requests) = ${ceiling} /s; 0.8 of it is ${round(0.8 * ceiling)} /s`,
  );
  say(
    `  in CPU time: ${items} raw PutItems ${round(mid.raw.cpuMsPerCall * items, 2)} ms against the runtime's ${mid.apart.intake.cpuMsPerCall} ms an answer: ${mid.apart.cpuRatio} (rounds ${apart.cpuRatios.join(', ')}); with the clients in process ${inProcess.cpuRatios.join(', ')}`,
  );
  say(
    `  read as write requests (round trips) instead of items: raw PutItem ÷ ${writeRequests} = ${round(mid.raw.perSecond / Math.max(1, writeRequests))} /s, intake ${round(mid.apart.intake.perSecond / (mid.raw.perSecond / Math.max(1, writeRequests)), 2)} of it`,
  );
  say(`  load average ${loadAverage()} (at the median round ${mid.loadAverage})`);
  // On the shared machine (2026-12-04) the median round's ratio read 1.08 at load 10-13 and 0.35
  // at load 17-21, the raw PutItem at 0.78 to 1.48 ms of CPU: a loaded run says little of a quiet one.
  if ((loadavg()[0] ?? 0) > cpus().length)
    say(
      `  the load average is above the ${cpus().length} cores: the rates of both sides move with the other users' load, each side differently (this ratio read 0.35 to 1.08 in runs minutes apart); measure again on a quiet machine`,
    );
  return {
    intake: { c1: intake1, c16: mid.apart.intake, c16InProcess: inProcess.mid.inProcess.intake },
    rawPutItem: { c1: raw1, c16: mid.raw },
    intakeRounds: rounds,
    intakeRatio: {
      writesPerIntake: items,
      writeRequestsPerIntake: writeRequests,
      median: mid.apart.ratio,
      rounds: rounds.map((r) => r.apart.ratio),
      cpuRounds: rounds.map((r) => r.apart.cpuRatio),
      inProcessMedian: inProcess.mid.inProcess.ratio,
      inProcessRounds: rounds.map((r) => r.inProcess.ratio),
      inProcessCpuRounds: rounds.map((r) => r.inProcess.cpuRatio),
      ceilingPerSecond: ceiling,
    },
    intakeCalls: calls,
  };
}

/** Runs per cold start; the run of median CPU is reported. */
const COLD_RUNS = 3;

/**
 * What starts cold, each in a fresh process as a person (or a test file, or the simulation) starts
 * it: the command, the runtime's module, a split simulation of 2 complaints (its workers' start is
 * most of it), and each Lambda entry's source through tsx (what AWS runs is the bundle, below).
 */
function coldEntries(): { name: string; args: string[] }[] {
  const imported = (file: string) => ['--import', 'tsx', '--input-type=module', '-e', `await import('./${file}');`];
  return [
    { name: 'klachtflow --help', args: ['bin/klachtflow.js', '--help'] },
    { name: 'import runtime/runtime.ts', args: imported('runtime/runtime.ts') },
    {
      name: 'simulate, 2 workers, 2 complaints',
      args: [
        ...['--import', 'tsx', 'bench/simulate.ts', '--regulation', 'ons-welzijn'],
        ...['--complaints', '2', '--days', '1', '--tail', '1', '--workers', '2', '--json'],
      ],
    },
    ...[...new Set([...Object.values(LAMBDAS).map((h) => h.entry), 'inbound-mail-handler.ts'])].map((entry) => ({
      name: `import lambdas/${entry}`,
      args: imported(`lambdas/${entry}`),
    })),
  ];
}

/** Runs `node <preload> <args>` in the project; its stdout, wall time and (the preload's) CPU. */
async function coldRun(args: string[], preload: 'cpu' | 'graph') {
  const dir = mkdtempSync(join(tmpdir(), 'kf-bench-cold-'));
  const file = join(dir, 'out');
  const t = performance.now();
  try {
    const out = await nodeChild(
      ['-r', preload === 'cpu' ? './bench/cpu-at-exit.cjs' : './test/support/module-graph.cjs', ...args],
      args.join(' '),
      preload === 'cpu' ? { KLACHTFLOW_CPU_AT_EXIT: file } : { KLACHTFLOW_MODULE_GRAPH: file },
    );
    const wallMs = Math.round(performance.now() - t);
    return { out, wallMs, text: readFileSync(file, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The files a thread loaded (test/support/module-graph.cjs), their size, and the packages that
 * weigh most. For a simulation: its first worker (the thread that ran a share), else the main thread.
 */
function graphSummary(text: string) {
  const threads = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const [thread, , path] = line.split('\t');
    if (!thread || !path) continue;
    if (!threads.has(thread)) threads.set(thread, new Set());
    threads.get(thread)?.add(path);
  }
  const worker = [...threads].find(([t, f]) => t !== '0' && [...f].some((p) => p.endsWith('/bench/simulate.ts')));
  const [thread, files] = worker ?? ['0', threads.get('0') ?? new Set<string>()];
  const byPackage = new Map<string, number>();
  let bytes = 0;
  for (const f of files) {
    let size = 0;
    try {
      size = statSync(f).size;
    } catch {
      continue;
    }
    bytes += size;
    const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? '(project)';
    byPackage.set(key, (byPackage.get(key) ?? 0) + size);
  }
  const largest = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, b]) => ({ name, kib: Math.round(b / 1024) }));
  return { thread: thread === '0' ? 'main' : 'worker', files: files.size, kib: Math.round(bytes / 1024), largest };
}

/** Each cold entry: wall and CPU of the whole process (median-CPU run of COLD_RUNS), and what it loads. */
async function coldStarts() {
  const out: Record<
    string,
    {
      wallMs: number;
      cpuMs: number;
      cpuMsRuns: number[];
      workerStartSeconds?: number[];
      loaded: ReturnType<typeof graphSummary>;
      loadAverage: number[];
    }
  > = {};
  for (const { name, args } of coldEntries()) {
    const runs: { wallMs: number; cpuMs: number; workerStartSeconds?: number[] }[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const r = await coldRun(args, 'cpu');
      const { cpuMs } = JSON.parse(r.text) as { cpuMs: number };
      const sim = name.startsWith('simulate') ? (JSON.parse(r.out) as { startSeconds: number[] }) : undefined;
      runs.push({
        wallMs: r.wallMs,
        cpuMs: Math.round(cpuMs),
        ...(sim ? { workerStartSeconds: sim.startSeconds } : {}),
      });
    }
    const mid = [...runs].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(runs.length / 2)] as (typeof runs)[number];
    const loaded = graphSummary((await coldRun(args, 'graph')).text);
    out[name] = {
      ...mid,
      cpuMsRuns: runs.map((r) => r.cpuMs),
      loaded,
      loadAverage: loadavg().map((x) => round(x, 2)),
    };
    say(
      `  ${name.padEnd(40)} wall ${String(mid.wallMs).padStart(6)} ms   CPU ${String(mid.cpuMs).padStart(6)} ms (${runs.map((r) => r.cpuMs).join(', ')})${mid.workerStartSeconds ? `   workers ready after ${mid.workerStartSeconds.join(', ')} s` : ''}   ${loaded.thread === 'worker' ? 'a worker loads ' : ''}${loaded.files} files, ${loaded.kib} KiB (${loaded.largest.map((l) => `${l.name} ${l.kib}`).join(', ')})   load ${out[name].loadAverage.join(' ')}`,
    );
  }
  return out;
}

async function startupSection() {
  const startup = { inProcessMs: await startupInProcess(), processMs: await startupProcess() };
  say(
    `start-up to ready: ${startup.inProcessMs} ms in this process (its modules already imported), ${startup.processMs} ms as klachtflow start (a fresh process, to /health answering)`,
  );
  say(
    `cold starts (a fresh process each; CPU of all its threads, the run of median CPU of ${COLD_RUNS}; files and KiB read from its module graph):`,
  );
  const cold = await coldStarts();
  const handlers: Record<string, number> = {};
  for (const h of HANDLERS) handlers[h] = await handlerLoad(h);
  say(
    `handler module load (fresh process, through tsx): ${Object.entries(handlers)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(', ')}`,
  );
  return { startup, coldStarts: cold, handlerLoadMs: handlers };
}

async function bundleSection() {
  const bundles = await lambdaBundles();
  say(`Lambda bundles (minified; cold import in a fresh process, median of ${LOAD_RUNS}):`);
  for (const [k, v] of Object.entries(bundles))
    say(`  ${k.padEnd(12)} ${(v.bytes / 1024).toFixed(0).padStart(6)} KiB   ${v.loadMsMedian} ms`);
  return { lambdaBundles: bundles };
}

/**
 * The simulation's raw store in this process (runtime/memory-dynamodb.ts, the table the simulated
 * year runs on): conditional PutItems of an event-sized item, and Queries of a dossier's events,
 * one after the other, in CPU and wall time.
 */
async function rawMemoryStore() {
  const memory = new MemoryDynamoDb();
  memory.createTable(tableDefinition('raw'));
  const text = 'x'.repeat(400);
  const n = 5000;
  const cpu0 = process.cpuUsage();
  let t0 = performance.now();
  for (let i = 0; i < n; i++)
    await memory.send(
      new PutCommand({
        TableName: 'raw',
        Item: { pk: `D#${i % 250}`, sk: `EVENT#${String(i).padStart(8, '0')}`, type: 'note', data: { text } },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    );
  const putSeconds = (performance.now() - t0) / 1000;
  const putCpu = process.cpuUsage(cpu0);
  t0 = performance.now();
  const q = 1000;
  for (let i = 0; i < q; i++)
    await memory.send(
      new QueryCommand({
        TableName: 'raw',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
        ExpressionAttributeValues: { ':pk': `D#${i % 250}`, ':e': 'EVENT#' },
      }),
    );
  const querySeconds = (performance.now() - t0) / 1000;
  const all = process.cpuUsage(cpu0);
  // Whether a write costs more as the table fills (a year of 10 000 complaints writes ~800 000
  // items): the same PutItem with 5 000 and with 100 000 items in the table.
  const putCpuUsAt = async (from: number, to: number) => {
    const c0 = process.cpuUsage();
    for (let i = from; i < to; i++)
      await memory.send(
        new PutCommand({
          TableName: 'raw',
          Item: { pk: `G#${i % 5000}`, sk: `EVENT#${String(i).padStart(8, '0')}`, type: 'note', data: { text } },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
    const c = process.cpuUsage(c0);
    return Math.round((c.user + c.system) / (to - from));
  };
  const putCpuUsSmall = await putCpuUsAt(0, 5000);
  await putCpuUsAt(5000, 95_000);
  const putCpuUsLarge = await putCpuUsAt(95_000, 100_000);
  return {
    /** CPU per PutItem with about 5 000 and about 100 000 items in the table: flat, or growing with history. */
    putItemCpuUsAt5k: putCpuUsSmall,
    putItemCpuUsAt100k: putCpuUsLarge,
    putItemPerSecond: Math.round(n / putSeconds),
    putItemCpuUs: Math.round((putCpu.user + putCpu.system) / n),
    /** A dossier of 20 events per Query. */
    queryPerSecond: Math.round(q / querySeconds),
    queryCpuUs: Math.round((all.user + all.system - putCpu.user - putCpu.system) / q),
  };
}

/** The simulated year side by side at several sizes, and the runtime's heap after closed complaints (issue 19). */
async function yearSection() {
  const raw = await rawMemoryStore();
  say(
    `the simulation's raw store (in memory, this process): ${raw.putItemPerSecond} conditional PutItem/s (${raw.putItemCpuUs} µs CPU each), ${raw.queryPerSecond} Query/s of 20 events (${raw.queryCpuUs} µs CPU each); PutItem with 5 000 items in the table ${raw.putItemCpuUsAt5k} µs CPU, with 100 000 ${raw.putItemCpuUsAt100k} µs`,
  );
  const simSizes = listArg('--sim', [300, 1000]);
  say(`simulate ons-welzijn, 365 days (in-memory table, services in process), complaints: ${simSizes.join(', ')}`);
  const simulation = await simulationScaling(simSizes, listArg('--threads', [1, 2]));
  for (const r of simulation)
    say(
      `  ${String(r.complaints).padStart(6)} complaints  ${r.workers === 1 ? 'one thread' : `${r.workers} threads`}  ${r.wallSeconds} s wall  ${r.cpuSeconds} s CPU  ${r.complaintsPerSecond} /s  ${r.cpuMsPerComplaint} ms CPU per complaint  peak RSS ${r.peakRssMb} MB  (load ${r.loadAverage.join(' ')})`,
    );
  for (const workers of new Set(simulation.map((r) => r.workers))) {
    const mode = simulation.filter((r) => r.workers === workers);
    const [first, last] = [mode[0], mode.at(-1)];
    if (first && last && last !== first)
      say(
        `  ${workers === 1 ? 'one thread' : `${workers} threads`}: ${round(last.complaints / first.complaints, 2)}× the complaints took ${round(last.cpuSeconds / first.cpuSeconds, 2)}× the CPU (${round(last.wallSeconds / first.wallSeconds, 2)}× the wall time)`,
      );
  }
  const heapSizes = listArg('--heap', [200, 2000]);
  const heapNpmStart = listArg('--heap-dynalite', [50, 200]);
  say(
    `heap after GC, complaints to closure: ${heapSizes.join(', ')} in memory (services in process); ${heapNpmStart.join(', ')} on dynalite as npm start runs it`,
  );
  const heap = [
    ...(await heapScaling(heapSizes, [{ store: 'memory', aws: 'in-process' }])),
    ...(await heapScaling(heapNpmStart, [{ store: 'dynalite', aws: 'http' }])),
  ];
  for (const r of heap)
    say(
      `  ${r.store.padEnd(8)} ${String(r.n).padStart(5)} closed  ${r.heapMb} MB${r.store === 'memory' ? ` (${r.heapWithoutTableMb} MB without the table; objects ${round(r.objectBytes / 2 ** 20, 2)} MB)` : ''}  ${r.pendingClock} on the clock  ${r.seconds} s`,
    );
  const [h0, h1] = heap.filter((r) => r.store === 'memory');
  if (h0 && h1 && h1.n > h0.n)
    say(
      `  runtime objects per closed complaint (without the table): ${Math.round((h1.objectBytes - h0.objectBytes) / (h1.n - h0.n))} B (${h0.n} → ${h1.n})`,
    );
  return { rawMemoryStore: raw, simulation, heap };
}

async function main() {
  const machine = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memoryGb: round(totalmem() / 2 ** 30),
    freeMemoryGb: round(freemem() / 2 ** 30),
  };
  say(`klachtflow bench on ${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}`);
  const result: Record<string, unknown> = { at: new Date().toISOString(), machine };
  if (!only || only === 'intake') Object.assign(result, await intakeSection());
  if (!only || only === 'startup') Object.assign(result, await startupSection());
  if (!only || only === 'bundles') Object.assign(result, await bundleSection());
  if (!only || only === 'year') Object.assign(result, await yearSection());
  if (asJson) process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
