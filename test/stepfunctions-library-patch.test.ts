/**
 * The patch of aws-local-stepfunctions (patches/aws-local-stepfunctions+3.0.0.patch, #19) held to
 * the library as it was: a path of plain property names is followed without jsonpath-plus, and a
 * run may hand its events to a listener instead of its queue. The judges are jsonpath-plus itself
 * (what the library called for every path before) and the library's own event log.
 */
import { JSONPath } from 'jsonpath-plus';
import { describe, expect, it } from 'vitest';
// Provides Promise.withResolvers on Node 20 before the library is loaded.
import '../runtime/stepfunctions.js';

const { StateMachine } = await import('aws-local-stepfunctions');

describe('aws-local-stepfunctions patch: installed', () => {
  it('node_modules has it (patch-package runs at npm install; in a worktree installed before it: npx patch-package)', async () => {
    const heard: string[] = [];
    const sm = new StateMachine({ StartAt: 'p', States: { p: { Type: 'Pass', End: true } } } as never, {
      validationOptions: { noValidate: true },
    });
    await sm.run({}, { eventListener: (e: { type: string }) => heard.push(e.type) } as never).result;
    expect(heard, 'patches/aws-local-stepfunctions+3.0.0.patch is not applied: run npx patch-package').toContain(
      'ExecutionStarted',
    );
  });

  it("has session 15's part too (stacklessErrors; a node_modules patched before it: npx patch-package)", async () => {
    const sm = new StateMachine({ StartAt: 'f', States: { f: { Type: 'Fail', Error: 'E', Cause: 'c' } } } as never, {
      validationOptions: { noValidate: true },
    });
    const e = (await sm.run({}, { stacklessErrors: true } as never).result.catch((x) => x)) as Error;
    expect(
      (e.stack ?? '').includes('\n    at '),
      'node_modules has an older patches/aws-local-stepfunctions+3.0.0.patch: run npx patch-package',
    ).toBe(false);
  });
});

type Ev = { type: string; state?: { name: string; type: string; input: unknown } };

/** What the library reads at `path` (a Pass state's Parameters), or the error it fails with. */
async function libraryRead(path: string, input: unknown, context: Record<string, unknown>) {
  const sm = new StateMachine(
    { StartAt: 'p', States: { p: { Type: 'Pass', Parameters: { 'v.$': path }, End: true } } } as never,
    { validationOptions: { noValidate: true } },
  );
  try {
    const out = (await sm.run(input as never, { context } as never).result) as { v: unknown };
    return { value: out.v };
  } catch (e) {
    return { error: String((e as { cause?: Error }).cause?.name ?? e) };
  }
}

/** What jsonpath-plus reads, as the library called it (wrap false; `$$` on the context object). */
function reference(path: string, input: unknown, context: Record<string, unknown>) {
  const value = path.startsWith('$$')
    ? JSONPath({ path: path.slice(1), json: context as never, wrap: false })
    : JSONPath({ path, json: input as never, wrap: false });
  // The library fails a path that points to no value (States.Runtime).
  return value === undefined ? { error: 'States.Runtime' } : { value };
}

const INPUTS: unknown[] = [
  {
    a: 1,
    b: { c: 'x', d: [1, 2], e: null, f: 0, g: false, h: '', i: { j: { k: 'diep' } } },
    arr: [{ a: 1 }],
    s: 'tekst',
  },
  { a: 0 },
  { a: null },
  { a: [] },
  { a: {} },
  { b: { c: [] } },
  [1, 2, 3],
  'tekst',
  0,
  null,
  false,
  {},
];
const PATHS = [
  '$',
  '$.a',
  '$.b',
  '$.b.c',
  '$.b.d',
  '$.b.e',
  '$.b.f',
  '$.b.g',
  '$.b.h',
  '$.b.i.j.k',
  '$.b.c.length',
  '$.b.d.length',
  '$.s.length',
  '$.length',
  '$.arr',
  '$.missing',
  '$.missing.deeper',
  '$.a.missing',
  '$.toString',
  '$.b.constructor',
  '$.__proto__',
  '$.hasOwnProperty',
  '$.arr[0].a',
  '$.b.d[1]',
  '$$.Execution.Id',
  '$$.Execution.Input.a',
  '$$.Orig.StartTime',
  '$$.Task.Token',
  '$$.Missing',
];

describe('aws-local-stepfunctions patch: a plain path read as jsonpath-plus reads it (#19)', () => {
  it('every path on every input: the same value, or the same failure', async () => {
    let calls = 0;
    for (const input of INPUTS) {
      for (const path of PATHS) {
        const context = {
          Execution: { Id: 'arn:x', Input: input },
          Orig: { StartTime: '2026-09-03T07:00:00Z' },
          // A getter, as the runtime's task token is: read once per path, as jsonpath-plus did.
          Task: {
            get Token() {
              calls++;
              return `token-${calls}`;
            },
          },
        };
        const before = calls;
        const got = await libraryRead(path, input, context);
        const readByLibrary = calls - before;
        const want = reference(path, input, { ...context, Execution: { ...context.Execution } });
        const readByReference = calls - before - readByLibrary;
        expect(readByLibrary, `${path} on ${JSON.stringify(input)}: getter reads`).toBe(readByReference);
        if (path === '$$.Task.Token' && 'value' in want && 'value' in got) {
          expect(got.value).toMatch(/^token-\d+$/);
          continue;
        }
        expect(got, `${path} on ${JSON.stringify(input)}`).toEqual(want);
      }
    }
  });
});

/** A machine that goes through every kind of event the ladders make: choice, pass, retry, catch, wait, fail. */
const MACHINE = {
  StartAt: 'route',
  States: {
    route: {
      Type: 'Choice',
      Choices: [{ Variable: '$.go', StringEquals: 'task', Next: 'task' }],
      Default: 'pass',
    },
    pass: { Type: 'Pass', Result: { x: 1 }, ResultPath: '$.passed', Next: 'wait' },
    wait: { Type: 'Wait', Seconds: 5, Next: 'task' },
    task: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { 'n.$': '$.n' },
      Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'after' }],
      ResultPath: '$.result',
      Next: 'after',
    },
    after: {
      Type: 'Choice',
      Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'fail' }],
      Default: 'done',
    },
    fail: { Type: 'Fail', Error: 'Mis', Cause: 'zo bedoeld' },
    done: { Type: 'Succeed' },
  },
};

/** The events of one run: given to a listener, and left in the run's event log. */
async function events(
  input: Record<string, unknown>,
  throws: number,
  how: 'log' | 'listener',
): Promise<{ heard: unknown[]; logged: unknown[] }> {
  const sm = new StateMachine(MACHINE as never, { validationOptions: { noValidate: true } });
  let thrown = 0;
  const heard: Ev[] = [];
  const seen: Ev[] = [];
  const run = sm.run(
    input as never,
    {
      overrides: {
        taskResourceLocalHandlers: {
          task: async (p: unknown) => {
            if (thrown++ < throws) throw Object.assign(new Error('boem'), { name: 'Boom' });
            return { got: p };
          },
        },
        waitTimeOverrides: { wait: 0 },
        retryIntervalOverrides: { task: 0 },
      },
      ...(how === 'listener' ? { eventListener: (e: Ev) => heard.push(e) } : {}),
    } as never,
  );
  const logged = (async () => {
    for await (const e of run.eventLogs as AsyncIterable<Ev>) seen.push(e);
  })();
  await run.result.catch(() => undefined);
  await logged;
  // Timestamps differ between two runs; everything else is the event.
  const plain = (list: Ev[]) => list.map(({ timestamp: _t, ...e }: Ev & { timestamp?: number }) => e);
  return { heard: plain(heard), logged: plain(seen) };
}

describe('aws-local-stepfunctions patch: events to a listener as the event log gives them (#19)', () => {
  for (const [title, input, throws] of [
    ['choice, pass, wait, task', { go: 'pass', n: 1 }, 0],
    ['a retried task', { go: 'task', n: 2 }, 1],
    ['retries run out: caught', { go: 'task', n: 3 }, 5],
    ['a Fail state', { go: 'task', n: 4, fail: true }, 0],
  ] as const) {
    it(`${title}: the same events in the same order, and none left in the log`, async () => {
      const log = await events({ ...input }, throws, 'log');
      const listened = await events({ ...input }, throws, 'listener');
      expect(log.heard).toEqual([]);
      expect(log.logged.length).toBeGreaterThan(3);
      expect(listened.heard).toEqual(log.logged);
      expect(listened.logged).toEqual([]);
    });
  }
});

describe('aws-local-stepfunctions patch: inputs copied and Parameters filled in as before (#19)', () => {
  it('nested objects and arrays, paths and an intrinsic, keys in order, a "__proto__" key kept as data', async () => {
    const sm = new StateMachine(
      {
        StartAt: 'fill',
        States: {
          fill: {
            Type: 'Pass',
            Parameters: {
              'x.$': '$.a',
              lijst: [{ 'y.$': '$.a.b' }, 3, 'vast'],
              vast: { z: 'tekst', leeg: {}, niets: null },
              'fmt.$': "States.Format('{} en {}', $.a.b[0], 'x')",
              'eigen.$': '$.__proto__',
            },
            ResultPath: '$.r',
            End: true,
          },
        },
      } as never,
      { validationOptions: { noValidate: true } },
    );
    // JSON.parse makes "__proto__" an own key, as an execution's input from JSON has it.
    const input = JSON.parse('{"__proto__": {"p": 1}, "a": {"b": [1, {"c": 2}]}, "n": 0}');
    const out = (await sm.run(input).result) as Record<string, unknown>;
    expect(JSON.stringify(out)).toBe(
      '{"__proto__":{"p":1},"a":{"b":[1,{"c":2}]},"n":0,' +
        '"r":{"x":{"b":[1,{"c":2}]},"lijst":[{"y":[1,{"c":2}]},3,"vast"],"vast":{"z":"tekst","leeg":{},"niets":null},' +
        '"fmt":"1 en x","eigen":{"p":1}}}',
    );
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getPrototypeOf((out.r as Record<string, unknown>).eigen)).toBe(Object.prototype);
    // The input handed in is left as it was (the state works on a copy).
    expect(JSON.stringify(input)).toBe('{"__proto__":{"p":1},"a":{"b":[1,{"c":2}]},"n":0}');
  });
});

/**
 * Parameters as the library filled them in before each template's keys were read once (#19,
 * session 15): the judge is the library's own loop of 3.0.0, written out here (jsonpath-plus for a
 * path, as it called it, and its failure for a path to no value), run on templates that are used
 * again with other inputs, as every Task state's Parameters are by each execution.
 */
function filledAsBefore(template: unknown, json: unknown, context: unknown): unknown {
  if (typeof template !== 'object' || template === null) return template;
  if (Array.isArray(template)) return template.map((v) => filledAsBefore(v, json, context));
  const entries = Object.entries(template).map(([key, value]) => {
    let sanitizedKey = key;
    let resolvedValue: unknown = value;
    if (Array.isArray(value)) resolvedValue = value.map((v) => filledAsBefore(v, json, context));
    if (value && Object.getPrototypeOf(value) === Object.prototype)
      resolvedValue = filledAsBefore(value, json, context);
    if (key.endsWith('.$') && typeof value === 'string') {
      sanitizedKey = key.replace('.$', '');
      const got = reference(value, json, context as Record<string, unknown>);
      if ('error' in got) throw new Error(`Path expression '${value}' does not point to a value`);
      resolvedValue = got.value;
    }
    return [sanitizedKey, resolvedValue];
  });
  return Object.fromEntries(entries);
}

const TEMPLATES: Record<string, unknown>[] = [
  { FunctionName: 'f', Payload: { 'dossierId.$': '$.dossierId', 'previous.$': '$.result', step: 'stap' } },
  { 'a.$': '$.a', 'a.$b.$': '$.a', 'c.$': { 'd.$': '$.a' }, 'e.$': ['$.a', { 'f.$': '$.a' }], 'g.$': 5 },
  { lijst: [[{ 'x.$': '$.a' }], 'vast', null, 0], leeg: {}, niets: null, 'ctx.$': '$$.Execution.Id' },
  { 'eerst.$': '$.a', 'mist.$': '$.mist', 'later.$': '$.a' },
];
const FILL_INPUTS: unknown[] = [
  { a: 1, dossierId: 'd-1', result: { outcome: 'done' } },
  { a: { diep: [1, 2] }, dossierId: 'd-2', result: null },
  { a: 'tekst', dossierId: 'd-3', mist: 0 },
  { dossierId: 'd-4' },
];

describe('aws-local-stepfunctions patch: a template read once fills in as the library did (#19, session 15)', () => {
  it('each template, used again on every input: the same object, or the same failure', async () => {
    for (const template of TEMPLATES) {
      // One machine per template, run on each input in turn: the template's reading is kept between runs.
      const sm = new StateMachine(
        { StartAt: 'p', States: { p: { Type: 'Pass', Parameters: template, End: true } } } as never,
        { validationOptions: { noValidate: true } },
      );
      for (const input of [...FILL_INPUTS, ...FILL_INPUTS]) {
        const context = { Execution: { Id: 'arn:x', Input: input } };
        let want: unknown;
        try {
          want = { value: JSON.stringify(filledAsBefore(template, input, context)) };
        } catch (e) {
          want = { error: (e as Error).message };
        }
        let got: unknown;
        try {
          got = { value: JSON.stringify(await sm.run(input as never, { context } as never).result) };
        } catch (e) {
          got = { error: ((e as { cause?: Error }).cause ?? (e as Error)).message };
        }
        expect(got, `${JSON.stringify(template)} on ${JSON.stringify(input)}`).toEqual(want);
      }
    }
  });

  it("a path's own constraints after its defined value, with the library's messages", async () => {
    const waitOn = async (input: unknown) => {
      const sm = new StateMachine(
        { StartAt: 'w', States: { w: { Type: 'Wait', SecondsPath: '$.s', End: true } } } as never,
        { validationOptions: { noValidate: true } },
      );
      try {
        await sm.run(input as never).result;
        return 'ok';
      } catch (e) {
        const cause = (e as { cause?: Error }).cause as Error;
        return `${cause.name}: ${cause.message}`;
      }
    };
    expect(await waitOn({})).toBe("States.Runtime: Path expression '$.s' does not point to a value");
    expect(await waitOn({ s: 1.5 })).toBe(
      "States.Runtime: Path expression '$.s' evaluated to 1.5, but expected an integer",
    );
    expect(await waitOn({ s: -1 })).toBe(
      "States.Runtime: Path expression '$.s' evaluated to -1, but expected an integer >= 0",
    );
    expect(await waitOn({ s: 0 })).toBe('ok');
  });
});

describe('aws-local-stepfunctions patch: stacklessErrors (#19, session 15)', () => {
  const failing = () =>
    new StateMachine(
      { StartAt: 't', States: { t: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } } as never,
      { validationOptions: { noValidate: true } },
    );
  const boom = () => {
    throw Object.assign(new Error('boem'), { name: 'Boom' });
  };
  const frames = (e: Error) => (e.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at ')).length;

  it("the ExecutionError of a run that asks has no stack trace; its cause, the task's error, keeps its own", async () => {
    for (const stacklessErrors of [true, false]) {
      const run = failing().run({}, {
        overrides: { taskResourceLocalHandlers: { t: boom } },
        ...(stacklessErrors ? { stacklessErrors } : {}),
      } as never);
      const e = (await run.result.catch((x) => x)) as Error & { cause: Error };
      expect(e.name).toBe('ExecutionError');
      expect(e.message).toBe('Execution has failed with the following error: boem');
      expect(e.cause.name).toBe('Boom');
      expect(frames(e.cause)).toBeGreaterThan(0);
      if (stacklessErrors) expect(frames(e)).toBe(0);
      else expect(frames(e)).toBeGreaterThan(0);
    }
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });

  it('an aborted run that asks is aborted as before, with no stack trace', async () => {
    const sm = new StateMachine({ StartAt: 'w', States: { w: { Type: 'Wait', Seconds: 100, End: true } } } as never, {
      validationOptions: { noValidate: true },
    });
    const run = sm.run({}, { stacklessErrors: true } as never);
    run.abort();
    const e = (await run.result.catch((x) => x)) as Error;
    expect(e.name).toBe('ExecutionAbortedError');
    expect(e.message).toBe('Execution aborted');
    expect(frames(e)).toBe(0);
  });
});
