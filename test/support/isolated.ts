/**
 * Which test files run in a process of their own (vitest.config.ts), and what puts a file there.
 * Every other file shares its worker with the files before it (`isolate: false`), so what one file
 * changes in the process the next one sees: fake timers (calendar), process.env (cdk-deploy,
 * metrics-alarms, xray, lambda-logging, which also imports the Lambda entries that keep their app
 * per process, as a warm Lambda does), spies on stdout. test/isolated.test.ts checks that every
 * file whose source does one of PROCESS_STATE is listed here.
 */
export const ISOLATED = [
  'test/calendar.test.ts',
  'test/cdk-deploy.test.ts',
  'test/metrics-alarms.test.ts',
  'test/xray.test.ts',
  'test/lambda-logging.test.ts',
  'test/node-server-response-patch.test.ts',
  'test/letter-lease.test.ts',
  'test/deliver-one-record.test.ts',
  // Judges that no promise hook is on: a file before it in a shared worker may have turned one on
  // (the record of AWS calls per function), and it takes the record's process.env away meanwhile.
  'test/usage-hooks.test.ts',
];

/** What in a test file's source changes state the whole process shares. */
export const PROCESS_STATE: { what: string; pattern: RegExp }[] = [
  { what: 'fake timers', pattern: /\bvi\.useFakeTimers\(|\bvi\.setSystemTime\(/ },
  {
    what: 'process.env set or deleted',
    pattern:
      /\bprocess\.env(\.\w+|\[[^\]]+\])?\s*=[^=]|\bdelete\s+process\.env\b|Object\.assign\(\s*process\.env\b|\bvi\.stubEnv\(/,
  },
  {
    what: 'a spy on stdout or stderr',
    pattern: /spyOn\(\s*process\.(stdout|stderr)\b|process\.(stdout|stderr)\.write\s*=[^=]/,
  },
  // @hono/node-server's server replaces the global Response with its lightweight one, for the
  // rest of the process: a file that reads undici's own from globalThis got the lightweight one
  // after any earlier file's runtime (node-server-response-patch failed so in a whole run,
  // 2026-12-04, and passed alone).
  { what: 'the global Response read or replaced', pattern: /\bglobalThis\.Response\b|\bgetRequestListener\(/ },
  // The Lambda entries keep their app (clients, regulation) per process, as a warm Lambda does.
  {
    what: 'a Lambda entry imported',
    pattern: /import\(\s*['"]\.\.\/lambdas\/(http|begin-step|mail-events)\.js['"]\s*\)/,
  },
];
