// biome-ignore-all lint/suspicious/noExplicitAny: the simulation reads the API's JSON as it comes
/**
 * `npm run simulate -- --regulation <id> --complaints <n> --days <d>`: pushes n complaints through
 * the real ASL, handlers and store of the local runtime on the manual clock over d days, with
 * officers and complainants who behave as people do (most act in time, some late, some
 * complainants ask for the next rung, some withdraw). Prints dossiers per outcome, deadline
 * attainment, state transitions per dossier, wall time, and how many deadlines fall due in which
 * week (a planning aid). Options: --seed <n>, --tail <days> (time after the last complaint for
 * ladders to finish, default 120), --suspend <share> (complaints whose clock an officer stops once,
 * where the regulation allows it, and starts again 3 to 14 days later; default 0.1), --aws http (the
 * handlers reach Step Functions, Scheduler and SES through the SDK and the local HTTP endpoint, as
 * `npm start` does, instead of in this process), --workers <n> (see below), --json, --dump <file> (the
 * run's letters and final dossier views, normalised, for comparing two runs of the same seed),
 * --callers (DynamoDB requests per complaint by operation and caller, from a stack trace each: slower).
 *
 * With `--workers 2` (or more) the complaints are split over that many worker threads, each a
 * share of them through a runtime and store of its own (the same ASL, handlers and store; a
 * complaint's dossier never meets another's), the references kept unique (each share's reference
 * counter starts past the shares before it), and the counts added up. `--workers 1` (the default)
 * runs everything in this thread; for the same seed it gives the same run as before there were
 * workers, and worker 0 of a split run draws from the same seed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Heap } from 'heap-js';
import { Temporal } from 'temporal-polyfill';
import { parseTerm } from '../lambdas/domain/calendar/term.js';
import type { Runtime } from '../runtime/runtime.js';
import type { UsageCounts } from '../runtime/usage.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import type { Regulation } from '../statemachines/model.js';
import { seeded } from '../test/support/random.js';
import { SANNE } from '../test/support/sanne.js';
import { cachedFixedMonthlyCost, costPerComplaint, PRICES_AS_OF } from './cost.js';
import { DossierWatch, type Watched } from './simulation-watch.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
/** What one share of the simulation is given (all of it with one worker). */
interface Settings {
  regulation: string;
  complaints: number;
  days: number;
  tail: number;
  seed: number;
  /** The share of complaints whose clock an officer stops once (opschorting), where the regulation allows it. */
  suspendShare: number;
  aws: 'http' | 'in-process';
  /** Complaints of the shares before this one: their numbers and references come first. */
  offset: number;
  /** Where to write the run's letters and final dossier views (--dump <file>), for same-seed comparisons. */
  dump?: string;
  /** Count DynamoDB requests by caller too (--callers; a stack trace per request, so slower). */
  callers?: boolean;
  /** The regulation as the main thread loaded it: a worker does not parse and validate it again. */
  loaded?: Regulation;
  /** When the process started (the main thread's performance.timeOrigin, in ms since the epoch). */
  processStart?: number;
}
const fromWorker = workerData as { klachtflowSimulation?: Settings } | undefined;
const settings: Settings = fromWorker?.klachtflowSimulation ?? {
  regulation: option('regulation', 'ons-welzijn'),
  complaints: Number(option('complaints', '50')),
  days: Number(option('days', '90')),
  tail: Number(option('tail', '120')),
  seed: Number(option('seed', '1')),
  suspendShare: Number(option('suspend', '0.1')),
  aws: option('aws', 'in-process') === 'http' ? 'http' : 'in-process',
  offset: 0,
  ...(option('dump', '') ? { dump: option('dump', '') } : {}),
  ...(process.argv.includes('--callers') ? { callers: true } : {}),
};
const { regulation, days, tail } = settings;
const asJson = process.argv.includes('--json');
const workers = Math.max(1, Math.floor(Number(option('workers', '1')) || 1));
const START = '2026-09-01T09:00:00+02:00';
const DAY = 86_400_000;

type Persona = 'prompt' | 'late' | 'escalating' | 'withdrawing';
interface Sim {
  id: string;
  token: string;
  reference: string;
  persona: Persona;
  /** When the person acts on the step seen (step id + its start). */
  plan?: { key: string; at: number };
  /** This complaint's clock is stopped once, where a step allows it; then started again at `resumeAt`. */
  suspends?: boolean;
  resumeAt?: number;
  withdrawAt?: number;
}

function persona(random: () => number): Persona {
  const r = random();
  return r < 0.6 ? 'prompt' : r < 0.8 ? 'late' : r < 0.93 ? 'escalating' : 'withdrawing';
}

/** What one share of the simulation counted: added up over the workers. */
interface ShareResult {
  complaints: number;
  simulatedDays: number;
  outcomes: Record<string, number>;
  attainment: Record<string, { met: number; breached: number; open: number; cancelled: number }>;
  perWeek: Record<string, number>;
  /** State transitions of each dossier's executions. */
  transitions: number[];
  /** The dossiers' references (unique over all shares). */
  references: string[];
  counters: Record<string, number>;
  letters: number;
  usage: UsageCounts;
  /**
   * Seconds from the process's start until the runtime of the thread that ran the share was ready
   * for its first complaint: the imports and the runtime's start (in a worker, after the main
   * thread's own start and the worker's creation; #19).
   */
  startSeconds: number[];
}

/** Runs a share of the complaints through a runtime of its own. */
async function simulateShare(
  { complaints, seed, suspendShare, offset, loaded, processStart }: Settings,
  progress: (day: number, complaints: number, open: number) => void,
): Promise<ShareResult> {
  // Imported by the thread that runs a share: a split run's main thread only adds up what its
  // workers counted, and the runtime with everything it imports was about a second of its CPU (#19).
  // The store's own UpdateCommand (the memory store answers it by its kind), from a module of
  // ours: in a bundle (the compiled CLI) a dynamic import of CommonJS gives only its default.
  const [{ startRuntime }, { UpdateCommand }] = await Promise.all([
    import('../runtime/runtime.js'),
    import('../lambdas/adapters/document-commands.js'),
  ]);
  const random = seeded(seed);
  const dir = mkdtempSync(join(tmpdir(), 'kf-simulate-'));
  // The runtime on the manual clock; its data folder is thrown away afterwards, so nothing is
  // flushed to disk before going on (durable: false). Requests are answered in this process
  // (rt.fetch), by the same app the HTTP server runs.
  const rt = await startRuntime({
    regulation,
    ...(loaded ? { loaded } : {}),
    port: 0,
    dataDir: dir,
    clock: 'manual',
    now: START,
    meter: true,
    // Counted by function only for a report that shows it (bench/bench.ts); here nothing reads
    // them, and following each call's function put a hook on every promise (#19).
    meterByFunction: false,
    durable: false,
    // dynalite's own validation and actions in memory (runtime/memory-dynamodb.ts, held to
    // dynalite's answers by test/memory-dynamodb.test.ts): no HTTP, no SDK, nothing on disk.
    store: 'memory',
    // The local Step Functions, Scheduler and SES answered in this process through the same
    // adapters (runtime/in-process-aws.ts), their records kept in memory: no HTTP, no SDK
    // serialisation, no files for a folder that is thrown away (#19).
    aws: settings.aws,
    records: 'memory',
    // The letters are read only for --dump: otherwise counted, not written to a folder thrown away
    // (runtime/mailbox.ts; their JSON was about 1.5 % of a simulated year's CPU, #19 session 17).
    letters: settings.dump ? 'kept' : 'counted',
    // A preset's committed ASL is validated by test/compile.test.ts (asl-validator), not again here.
    trustCommittedAsl: true,
    // A writer that lost a race decides again once the others had their turn: on the manual clock
    // in one thread a pause in wall time only left the core idle (about 2 s in 1 000 complaints).
    pauseOnClash: () => new Promise((r) => setImmediate(r)),
  });
  // From the process's start as the main thread knows it (a worker's time origin is the process's
  // on Node 20, its own on later versions).
  const startSeconds =
    Math.round(performance.timeOrigin + performance.now() - (processStart ?? performance.timeOrigin)) / 1000;
  if (settings.callers) rt.usage.countCallers();
  const call = async (method: string, path: string, body?: unknown, token?: string, minimal = false) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    // What the officer's pages ask when they post a change and show the dossier after a redirect
    // (lambdas/answer-shape.ts): the change is made as without it, the answer is 204 without the
    // dossier. Its 16 KB of JSON, made and thrown away 2.75 times a complaint, was most of what
    // the simulation spent in Hono's `json` (#19, session 14).
    if (minimal) headers.prefer = 'return=minimal';
    if (body !== undefined) headers['content-type'] = 'application/json';
    const sent = body === undefined ? undefined : JSON.stringify(body);
    // The length, as an HTTP client sends it: without it the API's body limit (hono/body-limit)
    // reads every body through a stream into a second Request, 2.5 % of a simulated year (#19).
    if (sent !== undefined) headers['content-length'] = String(Buffer.byteLength(sent));
    // Answered as a Request from this process would be, without building undici's for each
    // (runtime/in-process-request.ts; about 3 % of a simulated year, #19 session 14).
    const r = await rt.request(method, path, { headers, ...(sent === undefined ? {} : { body: sent }) });
    // A 204 (an action with return=minimal) has no body to read.
    const text = r.status === 204 ? '' : await r.text();
    // Parsed when read: most answers (an action's dossier, the clock's) are only checked for their
    // status, and parsing every one was most of this function's 2.5 % of a simulated year (#19).
    let parsed = false;
    let json: any;
    return {
      status: r.status,
      text,
      get json(): any {
        if (!parsed) {
          parsed = true;
          try {
            json = JSON.parse(text);
          } catch {}
        }
        return json;
      },
    };
  };
  const anyOfficer = Object.values(rt.officers)[0] as string;
  const variants = rt.regulation.intake.variants.map((v) => v.id);
  const roles = rt.regulation.eligibility.roles.map((r) => r.role);
  const t0 = Date.parse(START);
  const arrivals = Array.from(
    { length: complaints },
    () => t0 + Math.floor(random() * days) * DAY + random() * 8 * 3_600_000,
  ).sort((a, b) => a - b);
  // A later share's references follow the shares before it (a reference is unique per regulation
  // and year): its counters start where theirs can end at most. Unmetered: no person does this.
  if (offset > 0 && rt.memoryStore) {
    const memory = rt.memoryStore;
    const first = new Date(t0).getUTCFullYear();
    const last = new Date(t0 + (days + tail) * DAY).getUTCFullYear();
    await rt.usage.unmetered(async () => {
      for (let year = first; year <= last; year++)
        await memory.send(
          new UpdateCommand({
            TableName: rt.endpoints.tableName,
            Key: { pk: `COUNTER#${rt.regulation.id}#${year}`, sk: 'COUNTER' },
            UpdateExpression: 'ADD n :offset',
            ExpressionAttributeValues: { ':offset': offset },
          }),
        );
    });
  }
  const sims: Sim[] = [];
  // The simulation's watching of each dossier, from the view it last saw (bench/simulation-watch.ts).
  const watch = new DossierWatch(rt);
  const counters = {
    actions: 0,
    refused: 0,
    escalations: 0,
    withdrawals: 0,
    registrations: 0,
    suspensions: 0,
    resumes: 0,
  };

  /** Fills in what the registration form still misses, as the officer does before closing. */
  const register = async (id: string, d: Watched) => {
    const missing: string[] = d.registration?.missing ?? [];
    if (!missing.length || !d.registration) return;
    const answers: Record<string, string> = {};
    for (const q of d.registration.questions as any[]) {
      if (!missing.includes(q.id)) continue;
      answers[q.id] = q.options?.[0]?.value ?? q.options?.[0] ?? (/date/i.test(q.type) ? '2000-01-01' : 'n.v.t.');
      if (typeof answers[q.id] !== 'string') answers[q.id] = String(answers[q.id]);
    }
    const r = await call('POST', `/dossiers/${id}/registration`, { answers }, anyOfficer, true);
    if (r.status === 204) counters.registrations++;
  };

  const actOn = async (s: Sim, d: Watched, now: number) => {
    const step = d.currentStep;
    if (s.withdrawAt !== undefined && now >= s.withdrawAt) {
      const r = await call('POST', `/complaints/${s.id}/withdraw`, { reason: 'Niet meer nodig.' }, s.token);
      if (r.status === 200) counters.withdrawals++;
      return;
    }
    if (!step?.awaiting) return;
    // The clock stands still: the officer starts it again when the reason is gone (mediation done).
    if (d.suspended) {
      if (s.resumeAt !== undefined && now >= s.resumeAt) {
        const token = rt.officers[step.assignee] ?? anyOfficer;
        const r = await call('POST', `/dossiers/${s.id}/actions`, { type: 'resume', stepId: step.id }, token, true);
        if (r.status === 204) counters.resumes++;
        else counters.refused++;
        s.resumeAt = undefined;
      }
      return;
    }
    if (s.suspends) {
      const token = rt.officers[step.assignee] ?? anyOfficer;
      const actions =
        (await call('GET', `/dossiers/${s.id}?fields=availableActions`, undefined, token)).json?.availableActions ?? [];
      const offered = actions.find((a: any) => a.type === 'suspend');
      if (offered) {
        const r = await call(
          'POST',
          `/dossiers/${s.id}/actions`,
          {
            type: 'suspend',
            stepId: step.id,
            ground: offered.fields.ground.options[0].value,
            reason: 'Gesimuleerd: de klager vroeg om bemiddeling.',
            consent: true,
          },
          token,
          true,
        );
        if (r.status === 204) {
          counters.suspensions++;
          s.suspends = false;
          s.resumeAt = now + (3 + random() * 11) * DAY;
          s.plan = undefined;
          return;
        }
        counters.refused++;
        s.suspends = false;
      }
    }
    const key = `${step.id}@${step.since}`;
    if (s.plan?.key !== key) {
      const due = d.deadlines
        .filter((x) => x.step === step.id && x.status === 'open')
        .map((x) => Date.parse(x.dueAt))[0];
      const since = Date.parse(step.since);
      const at =
        s.persona === 'late' && due
          ? due + (1 + random() * 6) * DAY
          : due
            ? since + (0.2 + random() * 0.6) * (due - since)
            : since + (1 + random() * 10) * DAY;
      s.plan = { key, at };
    }
    if (now < s.plan.at) return;
    if (step.id.startsWith('choice-')) {
      // The complainant decides: the escalating ones ask for the next rung; the rest let it rest,
      // and where the regulation gives them a term the dossier closes when it passes.
      const wants = s.persona === 'escalating' || random() < 0.15;
      if (wants) {
        const r = await call('POST', `/complaints/${s.id}/escalate`, {}, s.token);
        if (r.status === 200) counters.escalations++;
      }
      s.plan = { key, at: Number.POSITIVE_INFINITY };
      return;
    }
    const token = rt.officers[step.assignee] ?? anyOfficer;
    // The officer looks at the dossier (the read is recorded) and asks only for what they may do
    // (`?fields=`, lambdas/answer-shape.ts): the whole answer, 16 KB of JSON written by the API and
    // parsed here 3.3 times a complaint, was for this one field (#19, session 14).
    const actions =
      (await call('GET', `/dossiers/${s.id}?fields=availableActions`, undefined, token)).json?.availableActions ?? [];
    const outcome = actions.find((a: any) => a.type === 'outcome');
    if (!outcome) return;
    const options = outcome.fields.outcome.options as { value: string }[];
    // Mostly the first outcome (the ladder goes on); sometimes another.
    const choice = (random() < 0.7 ? options[0] : options[Math.floor(random() * options.length)]) as { value: string };
    // What the outcome's letters must contain that only the officer writes (the findings, a date).
    const contents = Object.fromEntries(
      Object.entries(outcome.fields as Record<string, any>)
        .filter(([k, f]) => k.startsWith('contents.') && (f.requiredFor ?? []).includes(choice.value))
        .map(([k, f]) => [
          k.slice('contents.'.length),
          f.type === 'date' ? new Date(now + 30 * DAY).toISOString().slice(0, 10) : 'Gesimuleerde tekst voor de brief.',
        ]),
    );
    const body = {
      type: 'outcome',
      stepId: step.id,
      outcome: choice.value,
      ...(Object.keys(contents).length ? { contents } : {}),
    };
    let r = await call('POST', `/dossiers/${s.id}/actions`, body, token, true);
    if (r.status === 422 && /registratie/i.test(JSON.stringify(r.json))) {
      await register(s.id, d);
      r = await call('POST', `/dossiers/${s.id}/actions`, body, token, true);
    }
    if (r.status === 204) counters.actions++;
    else counters.refused++;
  };

  const end = t0 + (days + tail) * DAY;
  /**
   * When each open dossier is looked at next: the moment its person means to act, the day after an
   * action (to see the step the ladder moved to), the day after a term of the complainant's own
   * ends, at the latest a month on. Looking at every open dossier every day made the work grow with
   * days × open dossiers (a GET and its read record each); now it grows with what people do.
   */
  const checks = new Heap<{ at: number; sim: Sim }>((a, b) => a.at - b.at);
  const nextCheck = (s: Sim, d: Watched | undefined, now: number): number => {
    const candidates = [now + 30 * DAY];
    if (s.withdrawAt !== undefined) candidates.push(Math.max(s.withdrawAt, now + 1));
    if (s.resumeAt !== undefined) candidates.push(Math.max(s.resumeAt, now + 1));
    const step = d?.currentStep;
    if (!step?.awaiting) candidates.push(now + DAY);
    else if (s.plan && s.plan.key === `${step.id}@${step.since}`) {
      if (Number.isFinite(s.plan.at)) candidates.push(s.plan.at > now ? s.plan.at : now + DAY);
      // A choice left to rest: the dossier closes when its term passes; look the day after.
      const due = d?.deadlines.find((x) => x.step === step.id && x.status === 'open')?.dueAt;
      if (due) candidates.push(Math.max(Date.parse(due) + DAY, now + DAY));
    } else candidates.push(now + DAY);
    return Math.min(...candidates);
  };
  let next = 0;
  let day = 0;
  for (let now = t0; now <= end; now += DAY, day++) {
    while (next < arrivals.length && (arrivals[next] as number) < now + DAY) {
      await call('POST', '/local/clock', {
        to: new Date(Math.max(arrivals[next] as number, Date.parse(rt.clock.now().toISOString()))).toISOString(),
      });
      const r = await call('POST', '/complaints', {
        ...SANNE,
        // Each complaint from a complainant of its own: one address filing 27 a day is refused (429)
        // by the intake's limit per address, as it should be.
        complainant: { ...SANNE.complainant, email: `klager${offset + next + 1}@example.nl` },
        role: roles.includes('client') ? 'client' : roles[0],
        ...(variants.length > 1 ? { variant: variants[Math.floor(random() * variants.length)] } : {}),
        description: `Gesimuleerde klacht ${offset + next + 1}.`,
      });
      if (r.status === 201) {
        const p = persona(random);
        const sim: Sim = {
          id: r.json.id,
          token: r.json.accessToken,
          reference: r.json.reference,
          persona: p,
          ...(random() < suspendShare ? { suspends: true } : {}),
          ...(p === 'withdrawing' ? { withdrawAt: (arrivals[next] as number) + (3 + random() * 40) * DAY } : {}),
        };
        sims.push(sim);
        checks.push({ at: arrivals[next] as number, sim });
      } else {
        process.stderr.write(
          `klacht ${offset + next + 1} geweigerd: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}\n`,
        );
      }
      next++;
    }
    await call('POST', '/local/clock', { to: new Date(Math.max(now + DAY, rt.clock.now().getTime())).toISOString() });
    const current = rt.clock.now().getTime();
    while ((checks.peek()?.at ?? Number.POSITIVE_INFINITY) <= current) {
      const { sim: s } = checks.pop() as { at: number; sim: Sim };
      // The simulation watching is not billed; what the person then does is (see actOn). It reads
      // the dossier's view from the store (bench/simulation-watch.ts), not through the API: no
      // officer reads it, and its whole JSON answer was about a fifth of the wall time.
      const d = await rt.usage.unmetered(() => watch.watch(s.id));
      if (d?.status !== 'open') continue;
      await actOn(s, d, current);
      checks.push({ at: nextCheck(s, d, current), sim: s });
    }
    const open = checks.length;
    await call('POST', '/local/clock', { advance: 'PT0S' });
    progress(day, sims.length, open);
    if (next >= arrivals.length && open === 0) break;
  }
  // What happened.
  const outcomes: Record<string, number> = {};
  const attainment: ShareResult['attainment'] = {};
  const perWeek: Record<string, number> = {};
  const usage = rt.usage.snapshot();
  for (const s of sims) {
    const d = await watch.watch(s.id);
    watch.forget(s.id);
    if (!d) throw new Error(`dossier ${s.id} verdwenen`);
    const key = d.status === 'closed' ? (d.closed?.result ?? 'closed') : `open (${d.currentStep?.id ?? '?'})`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    for (const x of d.deadlines) {
      attainment[x.kind] ??= { met: 0, breached: 0, open: 0, cancelled: 0 };
      (attainment[x.kind] as any)[x.status]++;
      const week = Temporal.Instant.from(x.dueAt).toZonedDateTimeISO('Europe/Amsterdam').toPlainDate();
      const label = `${week.yearOfWeek}-W${String(week.weekOfYear).padStart(2, '0')}`;
      // Planning is for the officers: the complainant's own term is no work for them.
      if (x.status !== 'cancelled' && x.kind !== 'complainant') perWeek[label] = (perWeek[label] ?? 0) + 1;
    }
  }
  const executions = rt.stepFunctions.executionsOf();
  const transitions: Record<string, number> = {};
  for (const e of executions) {
    const id = String((e.input as { dossierId?: string })?.dossierId ?? e.name);
    transitions[id] = (transitions[id] ?? 0) + e.transitions;
  }
  const letters = rt.mailbox.size();
  if (settings.dump) await dumpRun(settings.dump, rt, sims);
  await rt.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    complaints: sims.length,
    simulatedDays: day,
    outcomes,
    attainment,
    perWeek,
    transitions: Object.values(transitions),
    references: sims.map((s) => s.reference),
    counters,
    letters,
    usage,
    startSeconds: [startSeconds],
  };
}

/**
 * Writes the run's letters (every mail, in the order sent) and each dossier's final view (in the
 * order received) to `file` as JSON lines, with what differs between two runs of the same seed
 * named by order of appearance: ids and tokens (random ulids and secrets), the runtime's address
 * (its port). Two runs of the same seed give the same file byte for byte (`--dump`, #19: a speed
 * change must not change a letter or a view).
 */
async function dumpRun(file: string, rt: Runtime, sims: Sim[]) {
  const names = new Map<string, string>();
  const name = (kind: string) => (v: string) => {
    let n = names.get(v);
    if (n === undefined) {
      n = `<${kind} ${names.size + 1}>`;
      names.set(v, n);
    }
    return n;
  };
  const normalise = (text: string) =>
    text
      .replaceAll(rt.url, '<url>')
      // ulids (ids of dossiers, events, messages).
      .replace(/\b[0-9A-HJKMNP-TV-Z]{26}\b/gi, name('id'))
      // Message ids (uuids) and hashes of random things (a letter's key, a token's hash).
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, name('uuid'))
      .replace(/\b[0-9a-f]{40,64}\b/g, name('hash'))
      // Secrets in links (a complainant's page: /klacht/<id>/<token>).
      .replace(/(?<=<id \d+>\/)[A-Za-z0-9_-]{16,}/g, name('token'))
      .replace(/(?<=token=)[A-Za-z0-9_.%-]{16,}/g, name('token'));
  const lines: string[] = [];
  for (const m of rt.mailbox.all()) lines.push(normalise(JSON.stringify({ mail: m })));
  for (const s of sims) {
    const view = await rt.usage.unmetered(() => rt.procedure.deps.store.load(s.id));
    lines.push(normalise(JSON.stringify({ reference: s.reference, view })));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Adds up what the shares counted (numbers, and records of numbers to any depth). */
function addUp<T>(a: T, b: T): T {
  if (typeof a === 'number') return ((a as number) + (b as number)) as T;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b as Record<string, unknown>))
    out[k] = k in out ? addUp(out[k], v) : structuredClone(v);
  return out as T;
}

/** Runs the shares in worker threads, one runtime each, and adds up what they counted. */
async function inWorkers(
  n: number,
  loaded: Regulation,
  onProgress: (day: number, complaints: number, open: number) => void,
) {
  const shares = Array.from(
    { length: n },
    (_, i) => Math.floor((settings.complaints * (i + 1)) / n) - Math.floor((settings.complaints * i) / n),
  );
  const state = shares.map(() => ({ day: 0, complaints: 0, open: 0 }));
  // The worker loads this file through tsx as the main thread did (Node 20 does not apply a
  // loader given in a worker's execArgv to its entry).
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const results = await Promise.all(
    shares.map(
      (complaints, i) =>
        new Promise<ShareResult>((resolve, reject) => {
          const share: Settings = {
            ...settings,
            loaded,
            processStart: performance.timeOrigin,
            complaints,
            // Worker 0 draws from the seed itself; the others from seeds of their own.
            seed: settings.seed + i * 7919,
            offset: shares.slice(0, i).reduce((a, b) => a + b, 0),
            // Each share its own file: <file>.0, <file>.1, ...
            ...(settings.dump ? { dump: `${settings.dump}.${i}` } : {}),
          };
          const worker = new Worker(boot, { eval: true, workerData: { klachtflowSimulation: share } });
          worker.on('message', (m: { progress?: (typeof state)[number]; result?: ShareResult }) => {
            if (m.progress) {
              state[i] = m.progress;
              onProgress(
                Math.min(...state.map((x) => x.day)),
                state.reduce((a, x) => a + x.complaints, 0),
                state.reduce((a, x) => a + x.open, 0),
              );
            }
            if (m.result) resolve(m.result);
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`werker ${i} stopte (${code}) zonder uitkomst`)));
        }),
    ),
  );
  return results.reduce((a, b) => {
    const { transitions: ta, simulatedDays: da, references: fa, startSeconds: sa, ...ra } = a;
    const { transitions: tb, simulatedDays: db, references: fb, startSeconds: sb, ...rb } = b;
    return {
      ...addUp(ra, rb),
      transitions: [...ta, ...tb],
      references: [...fa, ...fb],
      startSeconds: [...sa, ...sb],
      simulatedDays: Math.max(da, db),
    };
  });
}

async function main() {
  const wall = performance.now();
  const bar = progressBar(days + tail);
  const progress = (day: number, complaints: number, open: number) => {
    if (!asJson) bar(day, `${complaints} klachten, ${open} open`, (performance.now() - wall) / 1000);
  };
  // Loaded once, here: each share is given it (a worker gets a copy) instead of parsing the YAML
  // and validating it again.
  const loaded = loadRegulation(regulation);
  const share =
    workers > 1
      ? await inWorkers(workers, loaded, progress)
      : await simulateShare({ ...settings, offset: 0, loaded }, progress);
  const { outcomes, perWeek, counters, usage } = share;
  // Each dossier its own reference, whichever share received it.
  const doubled = share.references.length - new Set(share.references).size;
  if (doubled) throw new Error(`${doubled} kenmerken dubbel uitgegeven`);
  const attainment = share.attainment;
  const day = share.simulatedDays;
  const counts = [...share.transitions].sort((a, b) => a - b);
  const total = counts.reduce((a, b) => a + b, 0);
  const wallSeconds = (performance.now() - wall) / 1000;
  const result = {
    regulation,
    complaints: share.complaints,
    days,
    simulatedDays: day,
    /** Worker threads, each a share of the complaints through a runtime of its own (1: all in one thread). */
    workers,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    // CPU of this process (user + system, all its threads): on a shared machine wall time also counts others' work.
    cpuSeconds: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e5) / 10,
    loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
    complaintsPerSecond: Math.round((10 * share.complaints) / wallSeconds) / 10,
    /** Per thread that ran a share: seconds from the process's start until its runtime was ready (imports and start-up). */
    startSeconds: share.startSeconds,
    /** The most memory the process held at once (resident set), in MB. */
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    outcomes,
    deadlines: attainment,
    deadlineAttainment: (() => {
      // The organisation's terms; the complainant's own term to choose is theirs to keep.
      const all = Object.entries(attainment)
        .filter(([kind]) => kind !== 'complainant')
        .map(([, v]) => v);
      const met = all.reduce((a, b) => a + b.met, 0);
      const breached = all.reduce((a, b) => a + b.breached, 0);
      return met + breached ? Math.round((1000 * met) / (met + breached)) / 10 : null;
    })(),
    transitionsPerDossier: {
      mean: counts.length ? Math.round((10 * total) / counts.length) / 10 : 0,
      min: counts[0] ?? 0,
      max: counts.at(-1) ?? 0,
      total,
    },
    actions: counters,
    letters: share.letters,
    // What AWS would bill, counted in the same run (runtime/usage.ts), in total and per complaint.
    usage: usageOf(usage, total, share.complaints),
    deadlinesDuePerWeek: Object.fromEntries(Object.entries(perWeek).sort(([a], [b]) => a.localeCompare(b))),
  };
  // The AWS bill this would make: per complaint from the counts, plus the stack's fixed cost.
  const retention = parseTerm(loaded.retention.term);
  const retentionMonths =
    retention.unit === 'years' ? retention.amount * 12 : retention.unit === 'months' ? retention.amount : 1;
  const perComplaint = costPerComplaint(result.usage.perComplaint, { retentionMonths });
  const fixed = (PRESET_IDS as readonly string[]).includes(regulation)
    ? await cachedFixedMonthlyCost(regulation)
    : undefined;
  const cost = {
    asOf: PRICES_AS_OF,
    perComplaintUsd: Math.round(perComplaint.totalUsd * 1e5) / 1e5,
    perComplaint: perComplaint.lines.map((l) => ({ ...l, usd: Math.round(l.usd * 1e7) / 1e7 })),
    fixedMonthlyUsd: fixed ? Math.round(fixed.totalUsd * 100) / 100 : null,
    perYear: Object.fromEntries(
      [100, 1000, 10_000].map((n) => [
        n,
        Math.round((n * perComplaint.totalUsd + 12 * (fixed?.totalUsd ?? 0)) * 100) / 100,
      ]),
    ),
  };
  Object.assign(result, { cost });
  if (asJson) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `\n${result.complaints} klachten, ${regulation}, ${days} dagen (gesimuleerd: ${day} dagen), ${result.wallSeconds} s, ${result.complaintsPerSecond} klachten per seconde (${result.cpuSeconds} s rekentijd; belasting van de machine ${result.loadAverage.join(' ')})`,
  );
  out(
    workers > 1
      ? `verdeeld over ${workers} threads (worker_threads), elk met een eigen runtime en opslag voor een deel van de klachten; de tellingen opgeteld (--workers 1: alles in één thread)`
      : 'in één thread (--workers 2 verdeelt de klachten over twee threads, elk met een eigen runtime)',
  );
  out(
    `opstarten tot de eerste klacht (laden en starten van de runtime, vanaf de start van het proces): ${result.startSeconds.map((x) => `${x} s`).join(', ')}${workers > 1 ? ' (per thread)' : ''}`,
  );
  out('dossiers per uitkomst:');
  for (const [k, v] of Object.entries(outcomes).sort((a, b) => b[1] - a[1])) out(`  ${k.padEnd(32)} ${v}`);
  out(`termijnen gehaald: ${result.deadlineAttainment ?? '-'}% (gehaald / (gehaald + verstreken))`);
  for (const [k, v] of Object.entries(attainment))
    out(`  ${k.padEnd(12)} gehaald ${v.met}, verstreken ${v.breached}, open ${v.open}, vervallen ${v.cancelled}`);
  out(
    `overgangen per dossier: gemiddeld ${result.transitionsPerDossier.mean}, min ${result.transitionsPerDossier.min}, max ${result.transitionsPerDossier.max} (totaal ${total})`,
  );
  out(
    `acties ${counters.actions}, geweigerd ${counters.refused}, escalaties ${counters.escalations}, ingetrokken ${counters.withdrawals}, termijn stilgezet ${counters.suspensions} (hervat ${counters.resumes}), registratieformulieren ${counters.registrations}, brieven ${result.letters}`,
  );
  const u = result.usage.perComplaint;
  out(
    `per klacht (zoals AWS telt): ${u.apiRequests} API-verzoeken, ${u.taskInvocations} taakaanroepen (${u.taskMs} ms), ${u.transitions} overgangen, ${u.readUnits} leeseenheden, ${u.writeUnits} schrijfeenheden, ${u.mails} mails, ${u.schedules} schema's`,
  );
  // Each DynamoDB request is a round trip in AWS (5-10 ms) and billed: by operation, not only units.
  const requests = Object.entries(result.usage.dynamodbRequests).sort((a, b) => b[1] - a[1]);
  const perOne = (n: number) => Math.round((10 * n) / Math.max(1, result.complaints)) / 10;
  out(
    `DynamoDB-verzoeken per klacht: ${perOne(requests.reduce((a, [, n]) => a + n, 0))} (${requests.map(([op, n]) => `${op} ${perOne(n)}`).join(', ')}), waarvan geweigerd ${perOne(Object.values(result.usage.dynamodbFailures).reduce((a, n) => a + n, 0))} (botsingen: een andere schrijver was eerst); zoals AWS ze krijgt, lokaal beantwoordde de runtime er ${perOne(result.usage.dynamodbFromMemory ?? 0)} uit zijn geheugen (de Query van een laddertaak)`,
  );
  // Where they come from (--callers): by operation and caller, the most first.
  const byCaller = Object.entries(usage.dynamodbByCaller ?? {}).sort((a, b) => b[1] - a[1]);
  for (const [k, n] of byCaller.slice(0, 30)) out(`  ${String(perOne(n)).padStart(5)}  ${k}`);
  out(
    `kosten in AWS (${PRICES_AS_OF.region}, prijzen van ${PRICES_AS_OF.date}, ${PRICES_AS_OF.basis}): $${cost.perComplaintUsd.toFixed(4)} per klacht${cost.fixedMonthlyUsd !== null ? `, vast $${cost.fixedMonthlyUsd.toFixed(2)} per maand` : ''}`,
  );
  for (const l of perComplaint.lines) out(`  ${l.what.padEnd(28)} $${l.usd.toFixed(6)}  (${l.arithmetic})`);
  out(
    `  per jaar: ${Object.entries(cost.perYear)
      .map(([n, usd]) => `${n} klachten $${usd.toFixed(2)}`)
      .join(', ')} (vaste kosten inbegrepen, vóór gratis tegoed)`,
  );
  out('termijnen per week:');
  const max = Math.max(1, ...Object.values(perWeek));
  for (const [w, n] of Object.entries(result.deadlinesDuePerWeek))
    out(`  ${w} ${String(n).padStart(4)} ${'#'.repeat(Math.ceil((40 * n) / max))}`);
}

/**
 * A progress bar on stderr: redrawn in place on a terminal, a line per tenth of the way otherwise.
 */
function progressBar(total: number) {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  return (done: number, what: string, seconds: number) => {
    const share = Math.min(1, done / total);
    const width = 30;
    const bar = `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}]`;
    const line = `${bar} dag ${done}/${total}  ${what}  ${seconds.toFixed(0)} s`;
    if (tty) process.stderr.write(`\r${line}\x1b[K${share >= 1 ? '\n' : ''}`);
    else if (Math.floor(share * 10) > lastTenth) {
      lastTenth = Math.floor(share * 10);
      process.stderr.write(`${line}\n`);
    }
  };
}

/** The usage counts in total and per complaint (rounded to one decimal), as the cost model takes them. */
function usageOf(c: UsageCounts, transitions: number, complaints: number) {
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const total = {
    apiRequests: c.apiRequests,
    apiMs: Math.round(c.apiMs),
    taskInvocations: sum(c.invocations),
    taskMs: Math.round(sum(c.invocationMs)),
    transitions,
    readUnits: c.readUnits,
    writeUnits: c.writeUnits,
    mails: c.mails,
    schedules: c.schedulesCreated,
    executions: c.executionsStarted,
  };
  const per = Object.fromEntries(
    Object.entries(total).map(([k, v]) => [k, complaints ? Math.round((10 * v) / complaints) / 10 : 0]),
  ) as typeof total;
  return {
    total,
    perComplaint: per,
    invocations: c.invocations,
    dynamodbRequests: c.dynamodbRequests,
    dynamodbFailures: c.dynamodbFailures,
    dynamodbFromMemory: c.dynamodbFromMemory,
  };
}

if (fromWorker?.klachtflowSimulation) {
  // A worker thread: its share, with progress, back to the main thread.
  simulateShare(settings, (day, complaints, open) => parentPort?.postMessage({ progress: { day, complaints, open } }))
    .then((result) => parentPort?.postMessage({ result }))
    .catch((e) => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    });
} else if (isMainThread)
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
