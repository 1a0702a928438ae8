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
